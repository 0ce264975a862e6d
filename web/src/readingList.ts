// The reading list: papers the reader keeps, in localStorage (shared by the tabs of one origin).

import { useEffect, useState } from 'preact/hooks';
import type { Track } from './api';

export interface ListItem {
  id: string;
  title: string | null;
  authors: string[];
  track: Track | null;
  corpus?: string;
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

function load(): ListItem[] {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return [];
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.filter(isItem) : [];
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
    if (!this.has(item.id))
      save([
        ...items,
        {
          id: item.id,
          title: item.title,
          authors: item.authors,
          track: item.track,
          ...(item.corpus ? { corpus: item.corpus } : {}),
        },
      ]);
  },
  addMany(list: ListItem[]): number {
    const seen = new Set(items.map((i) => i.id));
    const fresh = list.filter((i) => !seen.has(i.id) && (seen.add(i.id), true));
    if (fresh.length) save([...items, ...fresh]);
    return fresh.length;
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
