// The same paper in several corpora (the accepted listing, a submissions list, an arXiv slice)
// recognised as one: records of different corpora that share an OpenReview id, an arXiv id, a
// DOI, or the same normalised title with the same first-author surname form one group. Within
// one corpus records are never merged (a corpus may hold two papers of the same title).

import type { PaperRecord } from '../core/types.js';
import { normalizeKey } from '../ingest/text.js';

type Doc = Pick<PaperRecord, 'title' | 'authors' | 'externalIds'> & { corpus: string };

const surname = (name: string): string => normalizeKey(name.trim().split(/\s+/).at(-1) ?? '');

/** The keys a record can be recognised by elsewhere. */
export function identityKeys(d: Doc): string[] {
  const keys: string[] = [];
  const ids = d.externalIds;
  if (ids?.openreview) keys.push(`openreview:${ids.openreview}`);
  if (ids?.arxiv) keys.push(`arxiv:${ids.arxiv.toLowerCase().replace(/v\d+$/, '')}`);
  if (ids?.doi) keys.push(`doi:${ids.doi.toLowerCase()}`);
  const title = d.title === null ? '' : normalizeKey(d.title);
  if (title.length >= 12) keys.push(`title:${title}|${surname(d.authors[0] ?? '')}`);
  return keys;
}

export class DuplicateGroups {
  /** Group of each doc: the index of its first member (itself when alone). */
  readonly group: Int32Array;
  private readonly members = new Map<number, number[]>();
  private readonly corpora = new Map<number, Set<string>>();

  constructor(docs: readonly Doc[]) {
    const parent = Int32Array.from(docs, (_, i) => i);
    const find = (i: number): number => {
      let r = i;
      while (parent[r] !== r) r = parent[r] ?? r;
      while (parent[i] !== r) {
        const next = parent[i] ?? r;
        parent[i] = r;
        i = next;
      }
      return r;
    };
    const firstWith = new Map<string, number>();
    // Records are grouped only across corpora: one corpus has no groups (and a million
    // records' keys cost seconds).
    const oneCorpus = docs.every((d) => d.corpus === docs[0]?.corpus);
    if (!oneCorpus)
      docs.forEach((d, i) => {
        for (const k of identityKeys(d)) {
          const j = firstWith.get(k);
          if (j === undefined) {
            firstWith.set(k, i);
            continue;
          }
          const a = find(i);
          const b = find(j);
          if (a === b) continue;
          // Never join two records of one corpus, directly or through a third.
          if (this.sharesCorpus(docs, a, b)) continue;
          parent[Math.max(a, b)] = Math.min(a, b);
        }
      });
    this.group = Int32Array.from(docs, (_, i) => find(i));
    this.group.forEach((g, i) => {
      if (g === i) return;
      const list = this.members.get(g);
      if (list) list.push(i);
      else this.members.set(g, [g, i]);
    });
  }

  /** Corpora of each group so far, by root; merged when two groups join. */
  private sharesCorpus(docs: readonly Doc[], a: number, b: number): boolean {
    const of = (r: number) => {
      let s = this.corpora.get(r);
      if (!s) {
        s = new Set([docs[r]?.corpus ?? '']);
        this.corpora.set(r, s);
      }
      return s;
    };
    const sa = of(a);
    const sb = of(b);
    for (const c of sb) if (sa.has(c)) return true;
    this.corpora.set(Math.min(a, b), new Set([...sa, ...sb]));
    return false;
  }

  /** Number of groups with more than one record. */
  get size(): number {
    return this.members.size;
  }

  /** The other records of doc i's group, in corpus order. */
  others(i: number): number[] {
    const g = this.group[i] ?? i;
    return (this.members.get(g) ?? []).filter((j) => j !== i);
  }

  /** How many results `count` marked records make once each group shows once. */
  collapsedCount(marked: Uint8Array, count: number): number {
    let out = count;
    for (const list of this.members.values()) {
      let m = 0;
      for (const i of list) m += marked[i] ? 1 : 0;
      if (m > 1) out -= m - 1;
    }
    return out;
  }

  /** Keep the best-ranked record of each group, in rank order. */
  collapse(ranked: readonly number[]): number[] {
    if (!this.members.size) return [...ranked];
    const seen = new Set<number>();
    const out: number[] = [];
    for (const i of ranked) {
      const g = this.group[i] ?? i;
      if (this.members.has(g)) {
        if (seen.has(g)) continue;
        seen.add(g);
      }
      out.push(i);
    }
    return out;
  }
}
