// The authors of a corpus by folded full name and by each word of their names, for author
// filters and names recognised in queries. Compact: a million papers have millions of distinct
// names, so an entry is a number, its papers a slice of one array, its words split on demand
// (an object, a word list and a paper list per name were tens of millions of heap objects that
// every garbage collection walks).

import { fold } from './analyze.js';

const PLAIN_KEY = /^[a-z0-9]+(?: [a-z0-9]+)*$/;

/** A name as the index files it: folded, punctuation as spaces, single spaces. */
export function authorKey(name: string): string {
  const folded = fold(name);
  // Most names are already words of letters and digits with single spaces.
  if (PLAIN_KEY.test(folded)) return folded;
  return folded
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Version of AuthorIndex.toParts's layout (saved in the store, see loadAuthorIndex). */
export const AUTHOR_INDEX_FORMAT = 1;

/** An AuthorIndex as saved: string tables and typed arrays (see toParts). */
export interface AuthorIndexParts {
  header: { format: number; papers: number; entries: number; pairs: number; words: number };
  /** Keys, one a line (a key is words of [a-z0-9] and single spaces). */
  keys: string;
  /** Display names, a JSON array (a name may hold any character). */
  displays: string;
  start: Uint32Array;
  papers: Uint32Array;
  /** Words, one a line, and the entries of word w: wordEntries[wordStart[w] .. wordStart[w+1]). */
  words: string;
  wordStart: Uint32Array;
  wordEntries: Uint32Array;
}

export class AuthorIndex {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly displays: string[] = [];
  /** Papers of entry e: papers[start[e] .. start[e + 1]), ascending. */
  private readonly start: Uint32Array;
  private readonly papers: Uint32Array;
  private readonly byWord = new Map<string, number[]>();
  /** Number of papers indexed. */
  readonly paperCount: number;

  /** Index the authors of these papers (by position); a name's first spelling is its display. */
  constructor(docs: readonly { authors: readonly string[] }[], saved?: AuthorIndexParts) {
    this.paperCount = saved ? saved.header.papers : docs.length;
    if (saved) {
      // Read back (see fromParts): the tables as saved, the maps made from them.
      const keys = saved.header.entries ? saved.keys.split('\n') : [];
      const displays = JSON.parse(saved.displays) as unknown;
      const words = saved.header.words ? saved.words.split('\n') : [];
      const h = saved.header;
      const ok =
        h.format === AUTHOR_INDEX_FORMAT &&
        keys.length === h.entries &&
        Array.isArray(displays) &&
        displays.length === h.entries &&
        saved.start.length === h.entries + 1 &&
        saved.start[h.entries] === h.pairs &&
        saved.papers.length === h.pairs &&
        words.length === h.words &&
        saved.wordStart.length === h.words + 1 &&
        saved.wordStart[h.words] === saved.wordEntries.length;
      if (!ok) throw new Error('saved author index is inconsistent or of another format');
      keys.forEach((k, e) => {
        this.ids.set(k, e);
        this.keys.push(k);
        this.displays.push(String(displays[e]));
      });
      words.forEach((w, i) => {
        this.byWord.set(w, [
          ...saved.wordEntries.subarray(saved.wordStart[i], saved.wordStart[i + 1]),
        ]);
      });
      this.start = saved.start;
      this.papers = saved.papers;
      return;
    }
    let entryOf: Uint32Array = new Uint32Array(1024);
    let paperOf: Uint32Array = new Uint32Array(1024);
    let pairs = 0;
    docs.forEach((d, i) => {
      for (const a of d.authors) {
        const key = authorKey(a);
        if (!key) continue;
        let e = this.ids.get(key);
        if (e === undefined) {
          e = this.keys.length;
          this.ids.set(key, e);
          this.keys.push(key);
          this.displays.push(a);
          for (const w of new Set(key.split(' '))) {
            const list = this.byWord.get(w);
            if (list) list.push(e);
            else this.byWord.set(w, [e]);
          }
        }
        if (pairs === entryOf.length) {
          entryOf = grow(entryOf);
          paperOf = grow(paperOf);
        }
        entryOf[pairs] = e;
        paperOf[pairs++] = i;
      }
    });
    // Counting sort of the (entry, paper) pairs by entry; papers stay ascending within one.
    const n = this.keys.length;
    this.start = new Uint32Array(n + 1);
    for (let p = 0; p < pairs; p++) {
      const at = (entryOf[p] ?? 0) + 1;
      this.start[at] = (this.start[at] ?? 0) + 1;
    }
    for (let e = 0; e < n; e++) this.start[e + 1] = (this.start[e + 1] ?? 0) + (this.start[e] ?? 0);
    const next = this.start.slice(0, n);
    this.papers = new Uint32Array(pairs);
    for (let p = 0; p < pairs; p++) {
      const e = entryOf[p] ?? 0;
      const at = next[e] ?? 0;
      this.papers[at] = paperOf[p] ?? 0;
      next[e] = at + 1;
    }
  }

  /** Number of distinct names. */
  get size(): number {
    return this.keys.length;
  }

  /** The entry filed under exactly this key (see authorKey), or undefined. */
  get(key: string): number | undefined {
    return this.ids.get(key);
  }

  key(e: number): string {
    return this.keys[e] ?? '';
  }

  /** The name as first written in the papers. */
  display(e: number): string {
    return this.displays[e] ?? '';
  }

  words(e: number): string[] {
    return this.key(e).split(' ');
  }

  /** The entry's papers (positions), ascending; a paper naming it twice appears twice. */
  papersOf(e: number): Uint32Array {
    return this.papers.subarray(this.start[e] ?? 0, this.start[e + 1] ?? 0);
  }

  /** Entries with this word in their name. */
  withWord(word: string): readonly number[] {
    return this.byWord.get(word) ?? [];
  }

  /** The index as tables to save (the store keeps it with the lexical index: see saved-index). */
  toParts(): AuthorIndexParts {
    const words = [...this.byWord.keys()];
    const wordStart = new Uint32Array(words.length + 1);
    words.forEach((w, i) => (wordStart[i + 1] = (wordStart[i] ?? 0) + this.withWord(w).length));
    const wordEntries = new Uint32Array(wordStart[words.length] ?? 0);
    words.forEach((w, i) => wordEntries.set(this.withWord(w), wordStart[i]));
    return {
      header: {
        format: AUTHOR_INDEX_FORMAT,
        papers: this.paperCount,
        entries: this.keys.length,
        pairs: this.papers.length,
        words: words.length,
      },
      keys: this.keys.join('\n'),
      displays: JSON.stringify(this.displays),
      start: this.start,
      papers: this.papers,
      words: words.join('\n'),
      wordStart,
      wordEntries,
    };
  }

  /** An index read back from toParts (throws when the parts do not fit together). */
  static fromParts(parts: AuthorIndexParts): AuthorIndex {
    return new AuthorIndex([], parts);
  }
}

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
