// Client-side routing over the History API: every state of the UI is a shareable URL.

import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'search' }
  | { name: 'paper'; id: string }
  | { name: 'map' }
  | { name: 'topics' }
  | { name: 'topic'; id: string }
  | { name: 'author'; key: string }
  | { name: 'list' }
  | { name: 'notfound' };

function segment(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean);
  const [head, arg, ...rest] = parts;
  if (!head) return { name: 'search' };
  if (rest.length === 0) {
    if (arg === undefined) {
      if (head === 'map') return { name: 'map' };
      if (head === 'topics') return { name: 'topics' };
      if (head === 'list') return { name: 'list' };
    } else {
      const value = segment(arg);
      if (value !== null) {
        if (head === 'paper') return { name: 'paper', id: value };
        if (head === 'topic') return { name: 'topic', id: value };
        if (head === 'author') return { name: 'author', key: value };
      }
    }
  }
  return { name: 'notfound' };
}

/** A path segment; dots are escaped too so the server never mistakes the path for a file. */
export function seg(value: string): string {
  return encodeURIComponent(value).replace(/\./g, '%2E');
}

export const paths = {
  paper: (id: string) => `/paper/${seg(id)}`,
  topic: (id: string) => `/topic/${seg(id)}`,
  author: (key: string) => `/author/${seg(key)}`,
  search: (q: string, extra: Record<string, string> = {}) => {
    const qs = new URLSearchParams(q ? { q, ...extra } : extra).toString();
    return qs ? `/?${qs}` : '/';
  },
};

const EVENT = 'confscope:navigate';

export function navigate(
  url: string,
  opts: { replace?: boolean; keepScroll?: boolean } = {},
): void {
  const before = location.pathname;
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  if (!opts.keepScroll && !opts.replace && location.pathname !== before) window.scrollTo(0, 0);
  window.dispatchEvent(new Event(EVENT));
}

export interface Loc {
  path: string;
  query: URLSearchParams;
  href: string;
}

function current(): Loc {
  return {
    path: location.pathname,
    query: new URLSearchParams(location.search),
    href: location.pathname + location.search,
  };
}

export function useLocation(): Loc {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return loc;
}

type AnchorProps = AnchorHTMLAttributes & { href: string; children?: ComponentChildren };

/** An in-app link: a real <a href> (open in new tab works) that navigates without reloading. */
export function Link({ href, onClick, ...rest }: AnchorProps) {
  return (
    <a
      {...rest}
      href={href}
      onClick={(e) => {
        if (onClick) onClick(e);
        if (
          e.defaultPrevented ||
          e.button !== 0 ||
          e.metaKey ||
          e.ctrlKey ||
          e.shiftKey ||
          e.altKey
        )
          return;
        e.preventDefault();
        navigate(href);
      }}
    />
  );
}
