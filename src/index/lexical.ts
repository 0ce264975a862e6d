// BM25F over a few weighted fields. Postings are frozen into typed arrays after the build;
// phrases are verified by re-tokenising candidate fields, so no positional index is kept.

import { rootKey, tokenize, type Token } from './analyze.js';

export const FIELDS = ['title', 'authors', 'abstract', 'keywords'] as const;
export type Field = (typeof FIELDS)[number];

export interface FieldParams {
  weight: number;
  /** Length normalisation strength (BM25 b) for this field. */
  b: number;
}

export interface Bm25Params {
  k1: number;
  fields: Record<Field, FieldParams>;
}

export const DEFAULT_BM25: Bm25Params = {
  k1: 1.2,
  fields: {
    title: { weight: 3, b: 0.5 },
    authors: { weight: 2, b: 0.3 },
    abstract: { weight: 1, b: 0.75 },
    keywords: { weight: 1.5, b: 0.5 },
  },
};

export type FieldTexts = Partial<Record<Field, string>>;

interface Posting {
  docs: Uint32Array;
  /** tf[f * docs.length + i]: frequency of the term in field f of docs[i]. */
  tf: Uint16Array;
}

export interface TermScore {
  doc: number;
  score: number;
}

export class LexicalIndex {
  private readonly postings = new Map<string, Posting>();
  /** Sorted vocabulary, for prefix expansion and typo candidates. */
  readonly vocabulary: string[];
  /** Surface words seen for each term (first few), for typo tolerance over real words. */
  private readonly fieldLen: Uint16Array[];
  private readonly avgLen: number[];
  readonly size: number;

  private constructor(
    size: number,
    postings: Map<string, Posting>,
    fieldLen: Uint16Array[],
    readonly params: Bm25Params,
  ) {
    this.size = size;
    this.postings = postings;
    this.fieldLen = fieldLen;
    this.avgLen = fieldLen.map((lens) => {
      let s = 0;
      for (const l of lens) s += l;
      return lens.length ? s / lens.length || 1 : 1;
    });
    this.vocabulary = [...postings.keys()].sort();
  }

  static build(docs: readonly FieldTexts[], params: Bm25Params = DEFAULT_BM25): LexicalIndex {
    const n = docs.length;
    const fieldLen = FIELDS.map(() => new Uint16Array(n));
    const acc = new Map<string, { docs: number[]; tf: number[][] }>();
    docs.forEach((doc, d) => {
      FIELDS.forEach((f, fi) => {
        const text = doc[f];
        if (!text) return;
        const toks = tokenize(text);
        const lens = fieldLen[fi];
        if (lens) lens[d] = Math.min(65535, toks.length);
        const counts = new Map<string, number>();
        for (const t of toks) {
          counts.set(t.term, (counts.get(t.term) ?? 0) + 1);
          // The Porter root is filed too, so related forms match (with a lower query weight).
          const rk = rootKey(t.root);
          counts.set(rk, (counts.get(rk) ?? 0) + 1);
        }
        for (const [term, c] of counts) {
          let p = acc.get(term);
          if (!p) {
            p = { docs: [], tf: FIELDS.map(() => []) };
            acc.set(term, p);
          }
          if (p.docs[p.docs.length - 1] !== d) {
            p.docs.push(d);
            for (const arr of p.tf) arr.push(0);
          }
          const row = p.tf[fi];
          if (row) row[row.length - 1] = Math.min(65535, c);
        }
      });
    });
    const postings = new Map<string, Posting>();
    for (const [term, p] of acc) {
      const m = p.docs.length;
      const tf = new Uint16Array(FIELDS.length * m);
      p.tf.forEach((row, fi) => tf.set(row, fi * m));
      postings.set(term, { docs: Uint32Array.from(p.docs), tf });
    }
    return new LexicalIndex(n, postings, fieldLen, params);
  }

  df(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /**
   * Add weight × BM25F(term) of every document containing the term into `scores`, and mark the
   * term as matched for those documents. `onlyFields` restricts matching (e.g. `title:`).
   */
  accumulate(
    term: string,
    weight: number,
    scores: Float64Array,
    onHit?: (doc: number) => void,
    onlyFields?: readonly Field[],
  ): void {
    const p = this.postings.get(term);
    if (!p) return;
    const m = p.docs.length;
    const idf = this.idf(term);
    const { k1, fields } = this.params;
    for (let i = 0; i < m; i++) {
      const d = p.docs[i] ?? 0;
      let tfw = 0;
      for (let fi = 0; fi < FIELDS.length; fi++) {
        const f = FIELDS[fi] ?? 'abstract';
        if (onlyFields && !onlyFields.includes(f)) continue;
        const tf = p.tf[fi * m + i] ?? 0;
        if (tf === 0) continue;
        const fp = fields[f];
        const len = this.fieldLen[fi]?.[d] ?? 0;
        const norm = 1 - fp.b + fp.b * (len / (this.avgLen[fi] ?? 1));
        tfw += (fp.weight * tf) / norm;
      }
      if (tfw === 0) continue;
      scores[d] = (scores[d] ?? 0) + weight * idf * (tfw / (k1 + tfw));
      onHit?.(d);
    }
  }

  /** Terms that occur in any of these fields of any document. */
  *termsInFields(fields: readonly Field[]): Generator<string> {
    const fis = fields.map((f) => FIELDS.indexOf(f));
    for (const [term, p] of this.postings) {
      const m = p.docs.length;
      if (fis.some((fi) => p.tf.subarray(fi * m, (fi + 1) * m).some((x) => x > 0))) yield term;
    }
  }

  /** Documents containing the term (any field). */
  docsWith(term: string, field?: Field): Uint32Array {
    const p = this.postings.get(term);
    if (!p) return new Uint32Array(0);
    if (!field) return p.docs;
    const m = p.docs.length;
    const fi = FIELDS.indexOf(field);
    return p.docs.filter((_, i) => (p.tf[fi * m + i] ?? 0) > 0);
  }

  /** Vocabulary terms starting with `prefix` (at most `limit`, most frequent first). */
  expandPrefix(prefix: string, limit = 50): string[] {
    const v = this.vocabulary;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((v[mid] ?? '') < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < v.length && (v[i] ?? '').startsWith(prefix); i++) out.push(v[i] ?? '');
    return out.sort((a, b) => this.df(b) - this.df(a)).slice(0, limit);
  }

  /** Vocabulary terms within edit distance `max` of `term` (same first letter, close length). */
  similarTerms(term: string, max: number): string[] {
    const out: string[] = [];
    for (const v of this.byFirstLetter().get(term[0] ?? '') ?? []) {
      if (Math.abs(v.length - term.length) > max || v === term) continue;
      if (editDistance(term, v, max) <= max) out.push(v);
    }
    return out;
  }

  private firstLetter: Map<string, string[]> | undefined;

  /** The vocabulary grouped by first character (typo candidates share it), built on first use. */
  private byFirstLetter(): Map<string, string[]> {
    if (!this.firstLetter) {
      this.firstLetter = new Map();
      for (const v of this.vocabulary) {
        const k = v[0] ?? '';
        const list = this.firstLetter.get(k);
        if (list) list.push(v);
        else this.firstLetter.set(k, [v]);
      }
    }
    return this.firstLetter;
  }
}

/** Edit distance counting an adjacent transposition as one edit (OSA), early exit above `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length] ?? max + 1;
}

/** Is `doc` in the sorted posting list? */
export function postingHas(docs: Uint32Array, doc: number): boolean {
  let lo = 0;
  let hi = docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = docs[mid] ?? 0;
    if (v === doc) return true;
    if (v < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Does `field` text contain the phrase (consecutive stemmed terms, stop words counted)? */
export function containsPhrase(text: string, phrase: readonly Token[]): boolean {
  if (phrase.length === 0) return false;
  const toks = tokenize(text, { keepStopWords: true });
  const wanted = phrase.map((t) => t.term);
  const startPos = phrase[0]?.pos ?? 0;
  const offsets = phrase.map((t) => t.pos - startPos);
  const byPos = new Map<number, Set<string>>();
  for (const t of toks) {
    let s = byPos.get(t.pos);
    if (!s) byPos.set(t.pos, (s = new Set()));
    s.add(t.term);
  }
  for (const t of toks) {
    if (t.term !== wanted[0]) continue;
    if (wanted.every((w, i) => byPos.get(t.pos + (offsets[i] ?? i))?.has(w))) return true;
  }
  return false;
}
