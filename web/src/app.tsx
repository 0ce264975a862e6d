// The shell: header with navigation and the theme toggle, the routes, global keys.

import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Status, type Async } from './components';
import { AuthorPage, TopicPage, TopicsPage } from './pages/Browse';
import { PaperPage } from './pages/Paper';
import { SearchPage } from './pages/Search';
import { useReadingList } from './readingList';
import { Link, navigate, parseRoute, useLocation, type Loc } from './router';

type Theme = 'light' | 'dark';
const THEME_KEY = 'confscope.theme';

function systemTheme(): Theme {
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() => {
    const t = document.documentElement.dataset['theme'];
    return t === 'light' || t === 'dark' ? t : systemTheme();
  });
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const follow = () => {
      if (!document.documentElement.dataset['theme']) setTheme(systemTheme());
    };
    mq.addEventListener('change', follow);
    return () => mq.removeEventListener('change', follow);
  }, []);
  const toggle = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset['theme'] = next;
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // not saved: this page only
    }
    setTheme(next);
  };
  return [theme, toggle];
}

/** A page whose code is loaded only when it is first opened (its own chunk). */
function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let module: Promise<ComponentType<P>> | undefined;
  return function LazyPage(props: P) {
    const [mod, setMod] = useState<Async<ComponentType<P>>>({ state: 'loading' });
    useEffect(() => {
      module ??= load();
      module.then(
        (data) => setMod({ state: 'ok', data }),
        (e: unknown) => {
          module = undefined;
          setMod({ state: 'error', error: e instanceof Error ? e.message : String(e) });
        },
      );
    }, []);
    return <Status value={mod}>{(Page) => <Page {...props} />}</Status>;
  };
}

const LazyMap = lazyPage<{ loc: Loc }>(() => import('./map/MapPage').then((m) => m.MapPage));
const LazyList = lazyPage<object>(() => import('./pages/List').then((m) => m.ListPage));

function isTyping(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

let lastSearch = '/';

export function App() {
  const loc = useLocation();
  const route = parseRoute(loc.path);
  const [theme, toggleTheme] = useTheme();
  const list = useReadingList();

  if (route.name === 'search') lastSearch = loc.href;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      const input = document.getElementById('search-input');
      if (input) input.focus();
      else {
        navigate(lastSearch);
        requestAnimationFrame(() => document.getElementById('search-input')?.focus());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // After the first route change, pages move focus to their heading (see usePage).
  useEffect(() => {
    const mark = () => (document.body.dataset['routed'] = '1');
    window.addEventListener('popstate', mark);
    window.addEventListener('confscope:navigate', mark);
    return () => {
      window.removeEventListener('popstate', mark);
      window.removeEventListener('confscope:navigate', mark);
    };
  }, []);

  const q = route.name === 'search' ? (loc.query.get('q') ?? '') : '';
  const nav = [
    { href: lastSearch, label: 'Search', current: route.name === 'search' },
    {
      href: q ? `/map?q=${encodeURIComponent(q)}` : '/map',
      label: 'Map',
      current: route.name === 'map',
    },
    {
      href: '/topics',
      label: 'Topics',
      current: route.name === 'topics' || route.name === 'topic',
    },
    {
      href: '/list',
      label: 'Reading list',
      short: 'List',
      current: route.name === 'list',
      count: list.length,
    },
  ];

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          <span class="brand-mark" aria-hidden="true" />
          <span class="brand-name">confscope</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.label}>
                <Link href={n.href} aria-current={n.current ? 'page' : undefined}>
                  {n.short ? (
                    <>
                      <span class="label-long">{n.label}</span>
                      <span class="label-short" aria-hidden="true">
                        {n.short}
                      </span>
                    </>
                  ) : (
                    n.label
                  )}
                  {n.count !== undefined && n.count > 0 && (
                    <span class="nav-count" aria-label={`${n.count} papers`}>
                      {n.count}
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="theme-toggle"
          onClick={toggleTheme}
          aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
        >
          <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
        </button>
      </header>
      <main id="main" class={`page-${route.name}`}>
        {route.name === 'search' && <SearchPage loc={loc} />}
        {route.name === 'paper' && <PaperPage id={route.id} />}
        {route.name === 'map' && <LazyMap loc={loc} />}
        {route.name === 'topics' && <TopicsPage />}
        {route.name === 'topic' && <TopicPage id={route.id} />}
        {route.name === 'author' && <AuthorPage authorKey={route.key} />}
        {route.name === 'list' && <LazyList />}
        {route.name === 'notfound' && (
          <div>
            <h1>Not found</h1>
            <p>
              Nothing lives at <code>{loc.path}</code>. <Link href="/">Search the papers</Link>.
            </p>
          </div>
        )}
      </main>
    </>
  );
}
