// Search: results as you type, highlighted snippets, facets that add filters to the query,
// the query language in a popover, keyboard-first (/ focuses, arrows move, Enter opens).

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, MODES, type Facets, type Mode, type SearchResult } from '../api';
import { AuthorLinks, ListButton, TrackBadge, usePage } from '../components';
import { Link, navigate, paths, type Loc } from '../router';
import { fmt, Highlighted } from '../text';

const PAGE = 20;
const DEBOUNCE_MS = 150;

export function searchUrl(q: string, mode: Mode, offset = 0): string {
  const extra: Record<string, string> = {};
  if (mode !== 'hybrid') extra['mode'] = mode;
  if (offset > 0) extra['offset'] = String(offset);
  return paths.search(q, extra);
}

export function modeOf(loc: Loc): Mode {
  const m = loc.query.get('mode');
  return MODES.find((x) => x === m) ?? 'hybrid';
}

function tokenRe(token: string): RegExp {
  const esc = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|\\s)${esc}(?=\\s|$)`, 'i');
}

export function hasToken(q: string, token: string): boolean {
  return tokenRe(token).test(q);
}

export function toggleToken(q: string, token: string): string {
  if (hasToken(q, token)) return q.replace(tokenRe(token), ' ').replace(/\s+/g, ' ').trim();
  return `${q.trim()} ${token}`.trim();
}

function facetToken(kind: string, value: string): string {
  return /[\s"]/.test(value) ? `${kind}:"${value.replace(/"/g, '')}"` : `${kind}:${value}`;
}

/** `corpus:NAME` tokens (not `-corpus:`); the field name is case-insensitive, the value is not. */
const CORPUS_TOKEN = /(^|\s)corpus:("[^"]*"?|\S+)(?=\s|$)/gi;

/** The corpus the query picks (its first `corpus:` token), or null for all corpora. */
export function corpusOf(q: string): string | null {
  for (const m of q.matchAll(CORPUS_TOKEN)) {
    const v = (m[2] ?? '').replace(/"/g, '').trim();
    if (v) return v;
  }
  return null;
}

/** The query with its `corpus:` tokens replaced by one for `corpus` (none: all corpora). */
export function withCorpus(q: string, corpus: string | null): string {
  const rest = q.replace(CORPUS_TOKEN, ' ').replace(/\s+/g, ' ').trim();
  return corpus ? `${rest} ${facetToken('corpus', corpus)}`.trim() : rest;
}

type State =
  | { state: 'idle' }
  | { state: 'loading'; prev?: SearchResult }
  | { state: 'ok'; data: SearchResult }
  | { state: 'error'; error: string };

let firstResultsMarked = false;

export function SearchPage({ loc }: { loc: Loc }) {
  const q = loc.query.get('q') ?? '';
  const mode = modeOf(loc);
  const offset = Math.min(
    10_000,
    Math.max(0, Number.parseInt(loc.query.get('offset') ?? '0', 10) || 0),
  );
  const page = usePage(q ? `“${q}”` : 'Search');

  const [text, setText] = useState(q);
  const sent = useRef(q);
  const timer = useRef<number | undefined>(undefined);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const [result, setResult] = useState<State>({ state: 'idle' });

  // The URL changed from outside the box (back button, facet, link): show its query.
  useEffect(() => {
    if (q !== sent.current) {
      sent.current = q;
      setText(q);
    }
  }, [q]);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  useEffect(() => {
    const ctrl = new AbortController();
    setResult((r) => ({
      state: 'loading',
      ...(r.state === 'ok'
        ? { prev: r.data }
        : r.state === 'loading' && r.prev
          ? { prev: r.prev }
          : {}),
    }));
    api.search(q, mode, PAGE, offset, ctrl.signal).then(
      (data) => setResult({ state: 'ok', data }),
      (e: unknown) => {
        if (!ctrl.signal.aborted)
          setResult({ state: 'error', error: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => ctrl.abort();
  }, [q, mode, offset]);

  useEffect(() => {
    if (result.state === 'ok' && result.data.hits.length && !firstResultsMarked) {
      firstResultsMarked = true;
      performance.mark('confscope:first-results');
    }
  }, [result]);

  const onInput = (value: string) => {
    setText(value);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      sent.current = value;
      navigate(searchUrl(value, mode), { replace: true });
    }, DEBOUNCE_MS);
  };

  const runNow = (value: string, push = true) => {
    window.clearTimeout(timer.current);
    sent.current = value;
    setText(value);
    navigate(searchUrl(value, mode), { replace: !push, keepScroll: true });
  };

  const links = () => [
    ...(listRef.current?.querySelectorAll<HTMLAnchorElement>('a.hit-link') ?? []),
  ];

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const all = links();
    if (!all.length) return;
    const target = e.target as HTMLElement;
    const hit = target.closest('li.hit');
    const i = hit ? all.findIndex((a) => hit.contains(a)) : -1;
    if (target === inputRef.current) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        all[0]?.focus();
      }
      return;
    }
    if (i < 0) return;
    e.preventDefault();
    if (e.key === 'ArrowDown') all[Math.min(i + 1, all.length - 1)]?.focus();
    else if (i === 0) inputRef.current?.focus();
    else all[i - 1]?.focus();
  };

  const data =
    result.state === 'ok' ? result.data : result.state === 'loading' ? result.prev : undefined;
  const busy = result.state === 'loading';
  const [facets, setFacets] = useState<Facets | null>(null);
  useEffect(() => {
    api.facets().then(setFacets, () => setFacets(null));
  }, []);
  // With several corpora, hits say which corpus they are from.
  const manyCorpora = (facets?.corpora.length ?? 0) > 1;

  return (
    <div class="search-page" onKeyDown={onKeyDown}>
      <h1 class="visually-hidden" tabIndex={-1} ref={page.ref}>
        Search papers
      </h1>
      <form
        class="search-bar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          runNow(text);
          links()[0]?.focus();
        }}
      >
        <label for="search-input" class="visually-hidden">
          Search papers
        </label>
        <input
          id="search-input"
          ref={inputRef}
          type="search"
          value={text}
          placeholder="Search papers: words, “phrases”, author:…, track:…  (press / to focus)"
          autocomplete="off"
          spellcheck={false}
          aria-describedby="search-status"
          aria-controls="results"
          onInput={(e) => onInput(e.currentTarget.value)}
        />
        <label for="mode-select" class="visually-hidden">
          Ranking mode
        </label>
        <select
          id="mode-select"
          value={mode}
          onChange={(e) =>
            navigate(searchUrl(text, e.currentTarget.value as Mode), { replace: true })
          }
        >
          <option value="hybrid">Hybrid</option>
          <option value="lexical">Lexical</option>
          <option value="semantic">Semantic</option>
        </select>
        <button
          type="button"
          class="help-btn"
          popovertarget="query-help"
          aria-label="Query language help"
        >
          ?
        </button>
      </form>
      <QueryHelp />
      <div class="search-layout">
        <FacetPanel facets={facets} q={text} onChange={(next) => runNow(next)} />
        <section class="results" aria-labelledby="search-status" aria-busy={busy}>
          <p id="search-status" class="status" role="status" aria-live="polite">
            {result.state === 'error'
              ? `Search failed: ${result.error}`
              : data
                ? `${data.total.toLocaleString('en')} ${data.total === 1 ? 'paper' : 'papers'}${q.trim() ? '' : ' (no query: all papers)'}${busy ? ' · searching…' : ''}`
                : 'Searching…'}
          </p>
          {data && <Interpretation data={data} />}
          {data && (
            <ol id="results" class="hits" ref={listRef} start={offset + 1} aria-label="Results">
              {data.hits.map((h) => (
                <li class="hit" key={`${h.corpus}/${h.id}`}>
                  <div class="hit-main">
                    <h2 class="hit-title">
                      <Link class="hit-link" href={paths.paper(h.id)}>
                        {h.title === null ? (
                          <em>(title lost in the listing)</em>
                        ) : (
                          <Highlighted text={h.title} ranges={h.titleHighlights} />
                        )}
                      </Link>
                    </h2>
                    <div class="meta">
                      <AuthorLinks authors={h.authors} max={6} /> <TrackBadge track={h.track} />
                      {manyCorpora && (
                        <>
                          {' '}
                          <span class="badge corpus-badge">
                            <span class="visually-hidden">corpus </span>
                            {h.corpus}
                          </span>
                        </>
                      )}
                      {h.alsoIn && h.alsoIn.length > 0 && (
                        <span class="also-in">
                          {' '}
                          also in {h.alsoIn.map((a) => a.corpus).join(', ')}
                        </span>
                      )}
                    </div>
                    <p class="snippet">
                      <Highlighted text={h.snippet} ranges={h.snippetHighlights} />
                    </p>
                    <p class="why">
                      {h.explanation.matchedTerms.length > 0 && (
                        <>matched {h.explanation.matchedTerms.join(', ')} · </>
                      )}
                      lexical {fmt(h.explanation.lexicalScore)}
                      {h.explanation.semanticScore !== null && (
                        <> · semantic {fmt(h.explanation.semanticScore)}</>
                      )}
                    </p>
                  </div>
                  <ListButton item={h} compact />
                </li>
              ))}
            </ol>
          )}
          {data && data.total > PAGE && (
            <nav class="pager" aria-label="Result pages">
              {offset > 0 ? (
                <Link href={searchUrl(q, mode, Math.max(0, offset - PAGE))}>← Previous</Link>
              ) : (
                <span />
              )}
              <span>
                {offset + 1}–{Math.min(offset + PAGE, data.total)} of {data.total}
              </span>
              {offset + PAGE < data.total ? (
                <Link href={searchUrl(q, mode, offset + PAGE)}>Next →</Link>
              ) : (
                <span />
              )}
            </nav>
          )}
        </section>
      </div>
    </div>
  );
}

function Interpretation({ data }: { data: SearchResult }) {
  const expansions = Object.entries(data.expansions);
  if (!data.filters.length && !data.notes.length && !expansions.length) return null;
  return (
    <div class="interpretation">
      {data.filters.length > 0 && (
        <p>
          Filters:{' '}
          {data.filters.map((f, i) => (
            <span class="chip" key={i}>
              {f.negated ? 'not ' : ''}
              {f.kind}: {f.value}
              {f.source === 'inferred' ? ' (inferred)' : ''}
            </span>
          ))}
        </p>
      )}
      {expansions.map(([k, v]) => (
        <p key={k}>
          <code>{k}</code> → {v.slice(0, 12).join(', ')}
          {v.length > 12 ? ', …' : ''}
        </p>
      ))}
      {data.notes.map((n, i) => (
        <p class="note" key={i}>
          {n}
        </p>
      ))}
    </div>
  );
}

function FacetPanel({
  facets,
  q,
  onChange,
}: {
  facets: Facets | null;
  q: string;
  onChange: (q: string) => void;
}) {
  const [allDatasets, setAllDatasets] = useState(false);
  const [open] = useState(() => window.matchMedia('(min-width: 800px)').matches);
  if (!facets) return <aside class="facets" aria-label="Filters" />;
  const button = (token: string, label: string, count: number) => {
    const on = hasToken(q, token);
    return (
      <li key={token}>
        <button
          type="button"
          class="facet"
          aria-pressed={on}
          onClick={() => onChange(toggleToken(q, token))}
        >
          <span class="facet-label">{label}</span>{' '}
          <span class="count">{count.toLocaleString('en')}</span>
        </button>
      </li>
    );
  };
  const datasets = allDatasets ? facets.datasets : facets.datasets.slice(0, 8);
  return (
    <aside class="facets" aria-label="Filters">
      <details open={open}>
        <summary>Filters</summary>
        {facets.corpora.length > 1 && (
          <CorpusChooser corpora={facets.corpora} q={q} onChange={onChange} />
        )}
        <section>
          <h2>Track</h2>
          <ul>
            {facets.tracks.map((t) => button(`track:${t.value.toLowerCase()}`, t.value, t.count))}
          </ul>
        </section>
        <section>
          <h2>Code</h2>
          <ul>{button('has:code', 'Has code', facets.hasCode)}</ul>
        </section>
        <section>
          <h2>Area</h2>
          <ul>
            {facets.topics.map((t) => button(facetToken('topic', t.value), t.label, t.count))}
          </ul>
        </section>
        {facets.datasets.length > 0 && (
          <section>
            <h2>Dataset</h2>
            <ul>{datasets.map((d) => button(facetToken('dataset', d.value), d.value, d.count))}</ul>
            {facets.datasets.length > 8 && (
              <button
                type="button"
                class="linkish"
                onClick={() => setAllDatasets(!allDatasets)}
                aria-expanded={allDatasets}
              >
                {allDatasets ? 'Fewer datasets' : `All ${facets.datasets.length} datasets`}
              </button>
            )}
          </section>
        )}
      </details>
    </aside>
  );
}

/** All corpora, or one: sets the query's `corpus:` token (so the URL carries the choice). */
function CorpusChooser({
  corpora,
  q,
  onChange,
}: {
  corpora: Facets['corpora'];
  q: string;
  onChange: (q: string) => void;
}) {
  const current = corpusOf(q);
  const known = current === null || corpora.some((c) => c.value === current);
  return (
    <section>
      <h2>
        <label for="corpus-select">Corpus</label>
      </h2>
      <select
        id="corpus-select"
        class="corpus-select"
        value={current ?? ''}
        onChange={(e) => onChange(withCorpus(q, e.currentTarget.value || null))}
      >
        <option value="">All corpora</option>
        {corpora.map((c) => (
          <option key={c.value} value={c.value}>
            {c.value} ({c.count.toLocaleString('en')})
          </option>
        ))}
        {!known && <option value={current}>{current} (not in this database)</option>}
      </select>
    </section>
  );
}

const SYNTAX: [string, string][] = [
  ['graph neural networks', 'free words, ranked (OR semantics, BM25F + semantics)'],
  ['"mode connectivity"', 'a phrase the paper must contain (stop words count)'],
  ['transform*', 'prefix'],
  ['-word, -"a phrase"', 'exclude papers containing it'],
  ['track:spotlight (poster, talk, oral)', 'track filter'],
  [
    'author:"Sergey Levine", author:levine, -author:…',
    'author filter (all given name parts must match; close spellings are accepted when nothing matches exactly)',
  ],
  ['title:attention, abstract:…, keywords:…', 'match in one field only'],
  ['has:code', 'papers with a GitHub/GitLab/Bitbucket/Hugging Face/Colab link'],
  ['dataset:cifar-10', 'papers naming the dataset (CIFAR-10 also matches CIFAR10)'],
  ['topic:t3', 'papers of a topic (ids as on the Topics page)'],
  ['corpus:iclr2020', 'one corpus of the database'],
];

function QueryHelp() {
  return (
    <div
      id="query-help"
      popover="auto"
      class="popover"
      role="dialog"
      aria-labelledby="query-help-title"
    >
      <h2 id="query-help-title">Query language</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Syntax</th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {SYNTAX.map(([s, m]) => (
            <tr key={s}>
              <td>
                <code>{s}</code>
              </td>
              <td>{m}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Free text is understood too: a track word (<code>spotlight papers on transformers</code>)
        becomes a track filter and a full author name (<code>Yoshua Bengio</code>, even misspelt) an
        author filter. Typos are corrected against the corpus vocabulary. Modes:{' '}
        <strong>hybrid</strong> (default), <strong>lexical</strong> (BM25F),{' '}
        <strong>semantic</strong> (LSA).
      </p>
      <p>
        Keys: <kbd>/</kbd> focuses the search box, <kbd>↓</kbd>/<kbd>↑</kbd> move through the
        results, <kbd>Enter</kbd> opens one.
      </p>
      <button type="button" popovertarget="query-help" popovertargetaction="hide">
        Close
      </button>
    </div>
  );
}
