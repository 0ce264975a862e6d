// The reading list: papers the reader keeps, in localStorage (shared by the tabs of one origin).

import { useEffect, useState } from 'preact/hooks';
import type { Paper, Track } from './api';

export interface ListItem {
  id: string;
  title: string | null;
  authors: string[];
  track: Track | null;
  corpus?: string;
  // What the exports link to, when the paper has it (lists saved before these existed, and
  // items added from a search hit before their paper was fetched, lack them).
  /** OpenReview forum id. */
  openreview?: string;
  /** PDF URL as the source gave it (exports keep only http(s) ones). */
  pdf?: string;
  keywords?: string[];
  doi?: string;
  arxiv?: string;
}

/** A list item with everything the exports use, from a paper as the API returns it. */
export function itemOf(p: Paper): ListItem {
  return clean({
    id: p.id,
    title: p.title,
    authors: p.authors,
    track: p.track,
    corpus: p.corpus,
    ...(p.externalIds?.openreview ? { openreview: p.externalIds.openreview } : {}),
    ...(p.externalIds?.doi ? { doi: p.externalIds.doi } : {}),
    ...(p.externalIds?.arxiv ? { arxiv: p.externalIds.arxiv } : {}),
    ...(p.pdf ? { pdf: p.pdf } : {}),
    ...(p.keywords?.length ? { keywords: p.keywords } : {}),
  });
}

const KEY = 'confscope.readingList.v1';
const ID = /^[0-9a-f]{12}(-\d+)?$/;

function isItem(x: unknown): x is ListItem {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (
    typeof o['id'] === 'string' &&
    ID.test(o['id']) &&
    (o['title'] === null || typeof o['title'] === 'string') &&
    Array.isArray(o['authors']) &&
    o['authors'].every((a) => typeof a === 'string')
  );
}

const str = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

/**
 * Only the fields of a list item, each of the right type (anything else, such as a search hit's
 * score or a hand-edited value of the wrong type, is dropped).
 */
function clean(x: ListItem): ListItem {
  const o = x as unknown as Record<string, unknown>;
  const keywords = Array.isArray(o['keywords']) ? o['keywords'].filter(str) : [];
  return {
    id: x.id,
    title: x.title,
    authors: x.authors,
    track: typeof o['track'] === 'string' ? x.track : null,
    ...(str(o['corpus']) ? { corpus: o['corpus'] } : {}),
    ...(str(o['openreview']) ? { openreview: o['openreview'] } : {}),
    ...(str(o['pdf']) ? { pdf: o['pdf'] } : {}),
    ...(keywords.length ? { keywords } : {}),
    ...(str(o['doi']) ? { doi: o['doi'] } : {}),
    ...(str(o['arxiv']) ? { arxiv: o['arxiv'] } : {}),
  };
}

function load(): ListItem[] {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return [];
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.filter(isItem).map(clean) : [];
  } catch {
    return [];
  }
}

let items: ListItem[] = load();
const listeners = new Set<() => void>();

function save(next: ListItem[]): void {
  items = next;
  try {
    localStorage.setItem(KEY, JSON.stringify(items));
  } catch {
    // storage full or disabled: the list lives for this page only
  }
  for (const l of listeners) l();
}

window.addEventListener('storage', (e) => {
  if (e.key !== KEY) return;
  items = load();
  for (const l of listeners) l();
});

export const readingList = {
  items: (): readonly ListItem[] => items,
  has: (id: string): boolean => items.some((i) => i.id === id),
  add(item: ListItem): void {
    if (!this.has(item.id)) save([...items, clean(item)]);
  },
  addMany(list: ListItem[]): number {
    const seen = new Set(items.map((i) => i.id));
    const fresh = list.filter((i) => !seen.has(i.id) && (seen.add(i.id), true));
    if (fresh.length) save([...items, ...fresh.map(clean)]);
    return fresh.length;
  },
  /** Fills in what a listed item lacks (authors, track, links, keywords…) from a fuller one. */
  complete(full: ListItem): void {
    const i = items.findIndex((x) => x.id === full.id);
    const old = items[i];
    if (!old) return;
    const next = clean({
      ...full,
      ...old,
      title: old.title ?? full.title,
      authors: old.authors.length ? old.authors : full.authors,
      track: old.track ?? full.track,
    });
    if (JSON.stringify(next) === JSON.stringify(old)) return;
    save(items.map((x, j) => (j === i ? next : x)));
  },
  remove(id: string): void {
    save(items.filter((i) => i.id !== id));
  },
  clear(): void {
    save([]);
  },
};

/** Re-renders the caller whenever the list changes (here or in another tab). */
export function useReadingList(): readonly ListItem[] {
  const [list, setList] = useState(items);
  useEffect(() => {
    const update = () => setList(items);
    listeners.add(update);
    update();
    return () => void listeners.delete(update);
  }, []);
  return list;
}
