// BM25F over a few weighted fields, in flat typed arrays: a sorted vocabulary, one offsets
// array into one array of document ids and one of per-field term frequencies (interleaved,
// capped at 255). No object per term, so a million papers' index is a few arrays that are
// saved to the store and loaded back without rebuilding (`toParts` / `fromParts`). Phrases are
// verified by re-tokenising candidate fields, so no positional index is kept.

import { rootKey, tokenize } from './analyze.js';
import type { Token } from './analyze.js';

export const FIELDS = ['title', 'authors', 'abstract', 'keywords'] as const;
export type Field = (typeof FIELDS)[number];
const NF = FIELDS.length;

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

/** A field's weight and length normalisation 1 − b + b·len/avg as base + slope·len; null: not searched. */
type FieldNorm = { weight: number; base: number; slope: number } | null;

/** A query term: its weight, and the fields it may match in (all when absent). */
export interface WeightedTerm {
  term: string;
  weight: number;
  fields?: readonly Field[];
}

export interface TermScore {
  doc: number;
  score: number;
}

/** Bump when the saved layout changes: a saved index of another format is rebuilt. */
export const LEXICAL_FORMAT = 2;

/** The arrays of a built index, as saved (see toParts). */
export interface LexicalParts {
  header: { format: number; size: number; params: Bm25Params; terms: number; postings: number };
  /** The sorted vocabulary, joined by newlines (terms never contain one). */
  vocabulary: string;
  offsets: Uint32Array;
  docs: Uint32Array;
  tf: Uint8Array;
  fieldLen: Uint16Array;
  /** Bit f set when the term occurs in field f of some document. */
  fieldMask: Uint8Array;
  /** Each posting's BM25F saturation over all fields, tfw / (k1 + tfw), in units of 1/65535. */
  impact: Uint16Array;
}

/** Impacts are saturations in (0, 1) stored as integers out of this. */
const IMPACT_SCALE = 65535;

/** Growable typed-array columns for postings gathered during a build. */
class PostingBuffer {
  term = new Uint32Array(1 << 16);
  doc = new Uint32Array(1 << 16);
  tf = new Uint8Array((1 << 16) * NF);
  length = 0;

  push(term: number, doc: number, tf: Uint8Array, at: number): void {
    if (this.length === this.term.length) {
      const cap = this.term.length * 2;
      const grow = <T extends Uint32Array | Uint8Array>(a: T, size: number): T => {
        const b = new (a.constructor as new (n: number) => T)(size);
        b.set(a);
        return b;
      };
      this.term = grow(this.term, cap);
      this.doc = grow(this.doc, cap);
      this.tf = grow(this.tf, cap * NF);
    }
    const i = this.length++;
    this.term[i] = term;
    this.doc[i] = doc;
    this.tf.set(tf.subarray(at, at + NF), i * NF);
  }
}

export class LexicalIndex {
  /** Sorted vocabulary, for lookups, prefix expansion and typo candidates. */
  readonly vocabulary: string[];
  readonly size: number;
  private readonly offsets: Uint32Array;
  private readonly postDocs: Uint32Array;
  /** tf[p * 4 + f]: frequency of the term in field f of the p-th posting's document. */
  private readonly postTf: Uint8Array;
  private readonly fieldLen: Uint16Array;
  private readonly fieldMask: Uint8Array;
  private readonly impact: Uint16Array;
  private readonly avgLen: number[];

  private constructor(
    parts: Omit<LexicalParts, 'vocabulary' | 'header'>,
    vocabulary: string[],
    size: number,
    readonly params: Bm25Params,
  ) {
    this.size = size;
    this.vocabulary = vocabulary;
    this.offsets = parts.offsets;
    this.postDocs = parts.docs;
    this.postTf = parts.tf;
    this.fieldLen = parts.fieldLen;
    this.fieldMask = parts.fieldMask;
    this.impact = parts.impact;
    this.avgLen = FIELDS.map((_, fi) => {
      let s = 0;
      for (let d = 0; d < size; d++) s += this.fieldLen[fi * size + d] ?? 0;
      return size ? s / size || 1 : 1;
    });
  }

  static build(
    docs: readonly FieldTexts[],
    params: Bm25Params = DEFAULT_BM25,
    onProgress?: (done: number) => void,
  ): LexicalIndex {
    const n = docs.length;
    const fieldLen = new Uint16Array(NF * n);
    // Terms and Porter roots share one id space; roots are filed under rootKey(root).
    const termIds = new Map<string, number>();
    const rootIds = new Map<string, number>();
    const keys: string[] = [];
    const idOf = (map: Map<string, number>, k: string, prefix: string): number => {
      let id = map.get(k);
      if (id === undefined) {
        id = keys.length;
        keys.push(prefix ? prefix + k : k);
        map.set(k, id);
      }
      return id;
    };
    const rootPrefix = rootKey('');
    const buf = new PostingBuffer();
    // Per-document scratch: the slot of each term id seen in this document (stamped by doc).
    let stamp = new Int32Array(1024).fill(-1);
    let slot = new Uint32Array(1024);
    let local = new Uint8Array(256 * NF);
    const localIds: number[] = [];
    const count = (id: number, d: number, fi: number): void => {
      if (id >= stamp.length) {
        const s2 = new Int32Array(stamp.length * 2).fill(-1);
        s2.set(stamp);
        stamp = s2;
        const l2 = new Uint32Array(slot.length * 2);
        l2.set(slot);
        slot = l2;
      }
      if (stamp[id] !== d) {
        stamp[id] = d;
        slot[id] = localIds.length;
        if ((localIds.length + 1) * NF > local.length) {
          const g = new Uint8Array(local.length * 2);
          g.set(local);
          local = g;
        }
        local.fill(0, localIds.length * NF, (localIds.length + 1) * NF);
        localIds.push(id);
      }
      const at = (slot[id] ?? 0) * NF + fi;
      if ((local[at] ?? 0) < 255) local[at] = (local[at] ?? 0) + 1;
    };
    for (let d = 0; d < n; d++) {
      const doc = docs[d] ?? {};
      localIds.length = 0;
      for (let fi = 0; fi < NF; fi++) {
        const text = doc[FIELDS[fi] ?? 'abstract'];
        if (!text) continue;
        const toks = tokenize(text);
        fieldLen[fi * n + d] = Math.min(65535, toks.length);
        for (const t of toks) {
          count(idOf(termIds, t.term, ''), d, fi);
          // The Porter root is filed too, so related forms match (with a lower query weight).
          count(idOf(rootIds, t.root, rootPrefix), d, fi);
        }
      }
      for (let j = 0; j < localIds.length; j++) buf.push(localIds[j] ?? 0, d, local, j * NF);
      if (onProgress && (d + 1) % 10_000 === 0) onProgress(d + 1);
    }
    // Sort the vocabulary; postings by term (counting sort), documents ascending within a term.
    const order = keys.map((_, i) => i).sort((a, b) => cmp(keys[a] ?? '', keys[b] ?? ''));
    const rank = new Uint32Array(keys.length);
    order.forEach((id, r) => (rank[id] = r));
    const V = keys.length;
    const P = buf.length;
    const offsets = new Uint32Array(V + 1);
    for (let p = 0; p < P; p++) {
      const r = (rank[buf.term[p] ?? 0] ?? 0) + 1;
      offsets[r] = (offsets[r] ?? 0) + 1;
    }
    for (let r = 0; r < V; r++) offsets[r + 1] = (offsets[r + 1] ?? 0) + (offsets[r] ?? 0);
    const fill = offsets.slice(0, V);
    const postDocs = new Uint32Array(P);
    const postTf = new Uint8Array(P * NF);
    const fieldMask = new Uint8Array(V);
    for (let p = 0; p < P; p++) {
      const r = rank[buf.term[p] ?? 0] ?? 0;
      const at = fill[r] ?? 0;
      fill[r] = at + 1;
      postDocs[at] = buf.doc[p] ?? 0;
      let mask = fieldMask[r] ?? 0;
      for (let fi = 0; fi < NF; fi++) {
        const v = buf.tf[p * NF + fi] ?? 0;
        postTf[at * NF + fi] = v;
        if (v) mask |= 1 << fi;
      }
      fieldMask[r] = mask;
    }
    const index = new LexicalIndex(
      { offsets, docs: postDocs, tf: postTf, fieldLen, fieldMask, impact: new Uint16Array(P) },
      order.map((id) => keys[id] ?? ''),
      n,
      params,
    );
    // Precomputed saturations: a query term over all fields costs one multiply a posting.
    const norm = index.fieldNorms();
    for (let p = 0; p < P; p++) {
      const sat = index.saturation(norm, p);
      index.impact[p] = sat > 0 ? Math.max(1, Math.round(sat * IMPACT_SCALE)) : 0;
    }
    return index;
  }

  /** The index as plain arrays, to save (fromParts reads them back). */
  toParts(): LexicalParts {
    return {
      header: {
        format: LEXICAL_FORMAT,
        size: this.size,
        params: this.params,
        terms: this.vocabulary.length,
        postings: this.postDocs.length,
      },
      vocabulary: this.vocabulary.join('\n'),
      offsets: this.offsets,
      docs: this.postDocs,
      tf: this.postTf,
      fieldLen: this.fieldLen,
      fieldMask: this.fieldMask,
      impact: this.impact,
    };
  }

  /** An index from saved arrays; throws when they do not fit together. */
  static fromParts(p: LexicalParts): LexicalIndex {
    const h = p.header;
    const vocabulary = h.terms ? p.vocabulary.split('\n') : [];
    const ok =
      h.format === LEXICAL_FORMAT &&
      vocabulary.length === h.terms &&
      p.offsets.length === h.terms + 1 &&
      p.offsets[h.terms] === h.postings &&
      p.docs.length === h.postings &&
      p.tf.length === h.postings * NF &&
      p.fieldLen.length === h.size * NF &&
      p.fieldMask.length === h.terms &&
      p.impact.length === h.postings;
    if (!ok) throw new Error('saved lexical index is inconsistent or of another format');
    return new LexicalIndex(p, vocabulary, h.size, h.params);
  }

  /** The term's position in the sorted vocabulary, or -1. */
  private idOf(term: string): number {
    const v = this.vocabulary;
    let lo = 0;
    let hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = cmp(v[mid] ?? '', term);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  df(term: string): number {
    const t = this.idOf(term);
    return t < 0 ? 0 : (this.offsets[t + 1] ?? 0) - (this.offsets[t] ?? 0);
  }

  has(term: string): boolean {
    return this.idOf(term) >= 0;
  }

  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** Does the term occur in any of these fields of any document? */
  inFields(term: string, fields: readonly Field[]): boolean {
    const t = this.idOf(term);
    if (t < 0) return false;
    const mask = this.fieldMask[t] ?? 0;
    return fields.some((f) => (mask >> FIELDS.indexOf(f)) & 1);
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
    const t = this.idOf(term);
    if (t < 0) return;
    const from = this.offsets[t] ?? 0;
    const to = this.offsets[t + 1] ?? 0;
    const w = weight * this.idf(term);
    const norm = this.fieldNorms(onlyFields);
    const docs = this.postDocs;
    if (!restricted(norm)) {
      const impact = this.impact;
      for (let p = from; p < to; p++) {
        const d = docs[p] ?? 0;
        scores[d] = (scores[d] ?? 0) + w * ((impact[p] ?? 0) / IMPACT_SCALE);
        onHit?.(d);
      }
      return;
    }
    for (let p = from; p < to; p++) {
      const c = this.contribution(w, norm, p);
      if (c === 0) continue;
      const d = docs[p] ?? 0;
      scores[d] = (scores[d] ?? 0) + c;
      onHit?.(d);
    }
  }

  /**
   * The k best documents by the summed BM25F of these terms (the scores `accumulate` gives,
   * ties to the lower document), and which allowed documents match any of them. One pass over
   * the postings into a dense score array and one over the documents with a small heap: with
   * precomputed impacts this beat MaxScore pruning (Turtle & Flood 1995), tried first, whose
   * per-document bookkeeping cost more than the multiply-adds it skipped (2–5× slower at 100k
   * papers for k from 10 to 1000).
   */
  topK(
    terms: readonly WeightedTerm[],
    k: number,
    allowed?: Uint8Array,
    /** Arrays of `size` zeros to work in (reused by the caller); `matched` is returned. */
    into?: { scores: Float64Array; matched: Uint8Array },
  ): { docs: number[]; scores: number[]; matched: Uint8Array; count: number } {
    const n = this.size;
    const scores = into?.scores ?? new Float64Array(n);
    const matched = into?.matched ?? new Uint8Array(n);
    // Every contribution is positive (weights and idf are), so a match is a positive score.
    for (const t of terms) this.accumulate(t.term, t.weight, scores, undefined, t.fields);
    const heap = new ScoreHeap(Math.max(0, k));
    let count = 0;
    for (let d = 0; d < n; d++) {
      const s = scores[d] ?? 0;
      if (s <= 0 || (allowed && !allowed[d])) continue;
      matched[d] = 1;
      count++;
      heap.offer(d, s);
    }
    const { docs, scores: best } = heap.sorted();
    return { docs, scores: best, matched, count };
  }

  /**
   * weight × BM25F saturation of the p-th posting (0 when it matches in none of the fields
   * searched); over all fields, from the precomputed impact.
   */
  private contribution(w: number, norm: FieldNorm[], p: number): number {
    if (!restricted(norm)) return w * ((this.impact[p] ?? 0) / IMPACT_SCALE);
    return w * this.saturation(norm, p);
  }

  /** tfw / (k1 + tfw) of the p-th posting over the fields normed. */
  private saturation(norm: FieldNorm[], p: number): number {
    const d = this.postDocs[p] ?? 0;
    const n = this.size;
    let tfw = 0;
    for (let fi = 0; fi < NF; fi++) {
      const tf = this.postTf[p * NF + fi] ?? 0;
      if (tf === 0) continue;
      const nf = norm[fi];
      if (!nf) continue;
      tfw += (nf.weight * tf) / (nf.base + nf.slope * (this.fieldLen[fi * n + d] ?? 0));
    }
    return tfw === 0 ? 0 : tfw / (this.params.k1 + tfw);
  }

  /** One document's summed score for these terms (what topK or accumulate would give it). */
  scoreDoc(terms: readonly WeightedTerm[], doc: number): number {
    let s = 0;
    for (const t of terms) {
      const id = this.idOf(t.term);
      if (id < 0) continue;
      const to = this.offsets[id + 1] ?? 0;
      const p = gallop(this.postDocs, this.offsets[id] ?? 0, to, doc);
      if (p < to && this.postDocs[p] === doc)
        s += this.contribution(t.weight * this.idf(t.term), this.fieldNorms(t.fields), p);
    }
    return s;
  }

  /** Per field: weight and the length normalisation 1 − b + b·len/avg as base + slope·len. */
  private fieldNorms(onlyFields?: readonly Field[]): FieldNorm[] {
    return FIELDS.map((f, fi) => {
      if (onlyFields && !onlyFields.includes(f)) return null;
      const fp = this.params.fields[f];
      return { weight: fp.weight, base: 1 - fp.b, slope: fp.b / (this.avgLen[fi] ?? 1) };
    });
  }

  /** Terms that occur in any of these fields of any document. */
  *termsInFields(fields: readonly Field[]): Generator<string> {
    let want = 0;
    for (const f of fields) want |= 1 << FIELDS.indexOf(f);
    for (let t = 0; t < this.vocabulary.length; t++)
      if ((this.fieldMask[t] ?? 0) & want) yield this.vocabulary[t] ?? '';
  }

  /** Documents containing the term (any field, or this field), ascending. */
  docsWith(term: string, field?: Field): Uint32Array {
    const t = this.idOf(term);
    if (t < 0) return new Uint32Array(0);
    const from = this.offsets[t] ?? 0;
    const to = this.offsets[t + 1] ?? 0;
    const all = this.postDocs.subarray(from, to);
    if (!field) return all;
    const fi = FIELDS.indexOf(field);
    return all.filter((_, i) => (this.postTf[(from + i) * NF + fi] ?? 0) > 0);
  }

  /** Vocabulary terms starting with `prefix` (at most `limit`, most frequent first). */
  expandPrefix(prefix: string, limit = 50): string[] {
    const v = this.vocabulary;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(v[mid] ?? '', prefix) < 0) lo = mid + 1;
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

/** Does the term search only some fields? */
const restricted = (norm: readonly FieldNorm[]): boolean => norm.some((x) => x === null);

/** First position in [from, to) whose document is ≥ d (doubling steps, then bisection). */
function gallop(docs: Uint32Array, from: number, to: number, d: number): number {
  if (from >= to || (docs[from] ?? 0) >= d) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < to && (docs[hi] ?? 0) < d) {
    lo = hi;
    step *= 2;
    hi = Math.min(to, hi + step);
  }
  // docs[lo] < d; the answer is in (lo, hi]
  let a = lo + 1;
  let b = Math.min(hi, to);
  while (a < b) {
    const mid = (a + b) >> 1;
    if ((docs[mid] ?? 0) < d) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** The k best (document, score) pairs: a min-heap on score, ties kept by the lower document. */
class ScoreHeap {
  private readonly d: number[] = [];
  private readonly s: number[] = [];
  constructor(private readonly k: number) {}

  get full(): boolean {
    return this.d.length >= this.k;
  }

  get minScore(): number {
    return this.s[0] ?? -Infinity;
  }

  /** Documents come in ascending order, so an equal score never displaces a held one. */
  offer(doc: number, score: number): boolean {
    if (this.k === 0) return false;
    if (!this.full) {
      this.d.push(doc);
      this.s.push(score);
      this.up(this.d.length - 1);
      return true;
    }
    if (score <= (this.s[0] ?? -Infinity)) return false;
    this.d[0] = doc;
    this.s[0] = score;
    this.down(0);
    return true;
  }

  /** Is entry a worse than entry b (lower score, or equal score and later document)? */
  private worse(a: number, b: number): boolean {
    const sa = this.s[a] ?? 0;
    const sb = this.s[b] ?? 0;
    return sa < sb || (sa === sb && (this.d[a] ?? 0) > (this.d[b] ?? 0));
  }

  private swap(a: number, b: number): void {
    [this.d[a], this.d[b]] = [this.d[b] ?? 0, this.d[a] ?? 0];
    [this.s[a], this.s[b]] = [this.s[b] ?? 0, this.s[a] ?? 0];
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.d.length && this.worse(l, m)) m = l;
      if (r < this.d.length && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  /** Best first (score descending, then document ascending). */
  sorted(): { docs: number[]; scores: number[] } {
    const idx = this.d.map((_, i) => i);
    idx.sort((a, b) => (this.s[b] ?? 0) - (this.s[a] ?? 0) || (this.d[a] ?? 0) - (this.d[b] ?? 0));
    return { docs: idx.map((i) => this.d[i] ?? 0), scores: idx.map((i) => this.s[i] ?? 0) };
  }
}

/** Code-unit order, the order of the sorted vocabulary. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

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
