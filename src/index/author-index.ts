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

export class AuthorIndex {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly displays: string[] = [];
  /** Papers of entry e: papers[start[e] .. start[e + 1]), ascending. */
  private readonly start: Uint32Array;
  private readonly papers: Uint32Array;
  private readonly byWord = new Map<string, number[]>();

  /** Index the authors of these papers (by position); a name's first spelling is its display. */
  constructor(docs: readonly { authors: readonly string[] }[]) {
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
}

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
