// Small pieces shared by the pages.

import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type PaperSummary, type Track } from './api';
import { itemOf, readingList, useReadingList, type ListItem } from './readingList';
import { Link, paths } from './router';
import { MathText } from './text';

/** Result of an async load keyed by `deps`; stale results are dropped. */
export type Async<T> =
  { state: 'loading' } | { state: 'error'; error: string } | { state: 'ok'; data: T };

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [value, setValue] = useState<Async<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setValue({ state: 'loading' });
    load().then(
      (data) => live && setValue({ state: 'ok', data }),
      (e: unknown) =>
        live && setValue({ state: 'error', error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return value;
}

export function Status<T>({
  value,
  children,
}: {
  value: Async<T>;
  children: (data: T) => ComponentChildren;
}) {
  if (value.state === 'loading')
    return (
      <p class="status" role="status">
        Loading…
      </p>
    );
  if (value.state === 'error')
    return (
      <p class="status error" role="alert">
        Could not load: {value.error}
      </p>
    );
  return <>{children(value.data)}</>;
}

/** Sets the document title and, after a route change, moves focus to the page heading. */
export function usePage(title: string): { ref: (el: HTMLHeadingElement | null) => void } {
  useEffect(() => {
    document.title = title ? `${title} · confscope` : 'confscope';
  }, [title]);
  const focused = useRef(false);
  return {
    ref: (el) => {
      if (el && !focused.current && document.body.dataset['routed'] === '1') {
        focused.current = true;
        el.focus({ preventScroll: true });
      }
    },
  };
}

export function TrackBadge({ track }: { track: Track | null }) {
  if (!track) return null;
  return <span class={`badge track-${track.toLowerCase()}`}>{track}</span>;
}

/**
 * The author key the server probably uses (lower case, no diacritics or punctuation, initials
 * split); the author page falls back to a name search when the guess is not a key.
 */
export function authorKeyGuess(name: string): string {
  let text = name
    .replace(/\([^)]*\)/g, ' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .trim();
  const inv = /^(\S+)\s+(\p{Lu}{1,3})\.?$/u.exec(text);
  if (inv) text = `${(inv[2] ?? '').split('').join(' ')} ${inv[1] ?? ''}`;
  return text
    .split(/[\s.]+/)
    .map((t) => t.toLowerCase().replace(/[^a-z0-9]+/g, ''))
    .filter(Boolean)
    .join(' ');
}

export function AuthorLinks({ authors, max = 8 }: { authors: readonly string[]; max?: number }) {
  const [all, setAll] = useState(false);
  const shown = all ? authors : authors.slice(0, max);
  return (
    <span class="authors">
      {shown.map((a, i) => (
        <Fragment key={`${i}:${a}`}>
          {i > 0 ? ', ' : ''}
          <Link href={paths.author(authorKeyGuess(a))}>{a}</Link>
        </Fragment>
      ))}
      {authors.length > shown.length && (
        <>
          {' '}
          <button type="button" class="linkish" onClick={() => setAll(true)}>
            +{authors.length - shown.length} more
          </button>
        </>
      )}
    </span>
  );
}

/**
 * Adds a paper to the reading list or removes it. Unless `complete` (the item came from the
 * paper itself), the paper is fetched after adding to fill in what the exports use.
 */
export function ListButton({
  item,
  compact = false,
  complete = false,
}: {
  item: ListItem;
  compact?: boolean;
  complete?: boolean;
}) {
  const list = useReadingList();
  const inList = list.some((i) => i.id === item.id);
  const title = item.title ?? '(untitled)';
  return (
    <button
      type="button"
      class={`list-btn${inList ? ' in-list' : ''}${compact ? ' compact' : ''}`}
      aria-pressed={inList}
      aria-label={
        compact ? `${inList ? 'Remove from' : 'Add to'} reading list: ${title}` : undefined
      }
      title={inList ? 'Remove from reading list' : 'Add to reading list'}
      onClick={() => {
        if (inList) {
          readingList.remove(item.id);
          return;
        }
        readingList.add(item);
        // Only part of the paper is known here (a hit, the map, recommendations): fetch the
        // rest (authors, OpenReview id, PDF, keywords) for the exports.
        if (!complete)
          api.paper(item.id).then(
            (p) => readingList.complete(itemOf(p)),
            () => undefined,
          );
      }}
    >
      <span aria-hidden="true">{inList ? '★' : '☆'}</span>
      {compact ? null : <span>{inList ? ' In reading list' : ' Add to reading list'}</span>}
    </button>
  );
}

export function PaperTitle({ title }: { title: string | null }) {
  return title === null ? <em>(title lost in the listing)</em> : <MathText text={title} />;
}

/** One paper in a list: title link, authors, track, reading-list toggle. */
export function PaperRow({
  paper,
  extra,
}: {
  paper: PaperSummary & { corpus?: string };
  extra?: ComponentChildren;
}) {
  return (
    <li class="paper-row">
      <div class="paper-row-main">
        <Link href={paths.paper(paper.id)} class="paper-link">
          <PaperTitle title={paper.title} />
        </Link>
        <div class="meta">
          <AuthorLinks authors={paper.authors} max={6} /> <TrackBadge track={paper.track} />
        </div>
        {extra}
      </div>
      <ListButton item={paper} compact />
    </li>
  );
}

export function Terms({ terms, label }: { terms: readonly string[]; label?: string }) {
  if (!terms.length) return null;
  return (
    <ul class="terms" aria-label={label ?? 'Terms'}>
      {terms.map((t) => (
        <li key={t}>{t}</li>
      ))}
    </ul>
  );
}
