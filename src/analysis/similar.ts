// Similar papers: "papers like this one" (nearestPapers) and "more like these" (moreLikeThese).
//
// Two views of a paper are combined. LSA vectors (the 128-d semantic space the search index
// already has) find papers about the same topic in other words; a sparse tf-idf vector over
// Porter roots and adjacent-word bigrams (sublinear tf, idf, unit length) rewards papers that
// share the distinctive vocabulary itself ("lottery ticket", "message passing") and gives the
// human-readable reason. Similarity is a fixed mix of the two cosines,
//   score = semanticWeight · cos_LSA + (1 − semanticWeight) · cos_tfidf,
// with semanticWeight chosen by agreement with the ICLR 2020 virtual site's own recommendations
// (bench/similar-agreement.ts; docs/similar-papers.md has the numbers).
//
// moreLikeThese trains, as arxiv-sanity does, a linear SVM (L2-regularised, squared hinge, class
// weights balanced, explicit negatives weighted like positives) on the positives against every
// other paper, over the same features scaled so that the linear kernel equals the mix above:
// x = [√(1 − w)·tfidf, √w·lsa, 1]. The solver is dual coordinate descent (Hsieh et al., ICML
// 2008) with a seeded update order: deterministic, ≈ 0.1 s on 687 papers × ≈ 6 400 sparse + 128
// dense features. With a hinge loss a negative already far from the positives changes nothing;
// negatives matter when they are among the top results ("not these"), the usual feedback. With a
// single positive there is nothing to learn a boundary from, so it falls back to centroid
// similarity (Rocchio: similarity to the positive minus half the mean similarity to any
// negatives).
//
// Large corpora (ApproxSimilarity, nearestPapersApprox): instead of scoring every pair, each
// paper's candidates come from the HNSW index over the LSA vectors plus the postings of its
// rarest terms, and are scored with the exact mix above; "more like these" trains on the
// positives, the papers around them and a seeded sample of the rest (see the section below).
// Building its tf-idf side takes about half a minute at 100k papers, so a server builds it with
// ApproxSimilarity.build: the same work as the constructor, as a generator run in slices of
// ~20 ms that give the event loop back (runInSlices), with an identical result.
//
// Everything is deterministic: fixed iteration orders, ties broken by corpus order.

import { fold, tokenize } from '../index/analyze.js';
import { PairTable } from '../core/pair-table.js';
import { mulberry32 } from '../core/random.js';
import { selectTop, type HnswIndex } from '../index/ann.js';

export interface SimilarInput {
  ids: readonly string[];
  /**
   * The text of each paper (SearchIndex.semanticText: title twice, keywords, abstract), or a
   * function giving paper i's text on demand (nothing held: the texts are read once, while the
   * tf-idf index is built; the same text must come back for the same i).
   */
  texts: readonly string[] | ((i: number) => string);
  /** Row-major n × dim LSA vectors (unit rows; zero rows allowed). */
  vectors: Float32Array;
  dim: number;
}

export interface SimilarOptions {
  /** Weight of the LSA cosine in the mix (the tf-idf cosine gets 1 − this). */
  semanticWeight?: number;
  /** Adjacent-word bigrams as tf-idf features (default true). */
  bigrams?: boolean;
}

export interface SimilarReason {
  /** The distinctive terms both papers use, most telling first (surface forms, 0–5). */
  sharedTerms: string[];
  /** Cosine of the two LSA vectors. */
  semantic: number;
  /** Cosine of the two tf-idf vectors. */
  lexical: number;
}

export interface SimilarPaper {
  id: string;
  score: number;
  reason: SimilarReason;
}

/**
 * Chosen by agreement with the virtual site's recommendations (their 4 in our top 4 and top 10,
 * swept over 0, 0.1, …, 1 in bench/similar-agreement.ts): best top-10 agreement (61.4%), tied best
 * top-4 (39.0%); see docs/similar-papers.md.
 */
export const DEFAULT_SEMANTIC_WEIGHT = 0.2;

/** Terms in more than this fraction of papers are not features (they say nothing). */
const MAX_DF_RATIO = 0.5;

interface SparseVec {
  idx: Uint32Array;
  val: Float64Array;
}

/** How many texts an input has (a function gives one for every id). */
function textCount(input: SimilarInput): number {
  return typeof input.texts === 'function' ? input.ids.length : input.texts.length;
}

/**
 * Paper i's text, read without flattening the string the input holds. Reading a string's
 * characters makes V8 flatten it in place: a text made by concatenation (semanticText's template,
 * a cons-string of the title, keywords and abstract the paper's record holds anyway) would then
 * keep a flat copy of itself as long as the input lives: 1.4 GB at a million papers. A new
 * concatenation is flattened instead (its parts are only read), and dropped with the document.
 * The characters are the same, hence every token and offset.
 */
function textAt(texts: SimilarInput['texts'], i: number): string {
  if (typeof texts === 'function') return texts(i);
  const s = texts[i] ?? '';
  return s.length < 16 ? s : (' ' + s).slice(1);
}

/** Postings held at once while computing topicality (64 MB): blocks of features. */
const TOPICALITY_BLOCK_POSTINGS = 1 << 24;

/** A growable typed array (U32List, F64List). */
class TypedList<A extends Uint8Array | Uint32Array | Float64Array> {
  length = 0;
  constructor(
    public a: A,
    private readonly make: (size: number) => A,
  ) {}
  push(x: number): void {
    if (this.length === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = x;
  }
  /** Room for `more` pushes, the copy made in chunks with a yield between two. */
  *reserve(more: number): Generator<void, void> {
    if (this.length + more <= this.a.length) return;
    const b = this.make(Math.max(this.a.length * 2, this.length + more));
    for (let i = 0; i < this.length; i += COPY_CHUNK) {
      b.set(this.a.subarray(i, Math.min(this.length, i + COPY_CHUNK)), i);
      yield;
    }
    this.a = b;
  }
}

/** A growable Uint32Array. */
class U32List extends TypedList<Uint32Array> {
  constructor(cap = 1024) {
    super(new Uint32Array(cap), (size) => new Uint32Array(size));
  }
}

/** A growable Uint8Array. */
class U8List extends TypedList<Uint8Array> {
  constructor(cap = 1024) {
    super(new Uint8Array(cap), (size) => new Uint8Array(size));
  }
}

/** A growable Float64Array. */
class F64List extends TypedList<Float64Array> {
  constructor(cap = 1024) {
    super(new Float64Array(cap), (size) => new Float64Array(size));
  }
}

/** Elements copied between two yields when a list grows (a few ms). */
const COPY_CHUNK = 1 << 20;

/** The parts of a SimilarityIndex that take time to build (see similarityParts). */
export interface SimilarityParts {
  terms: string[];
  surface: string[];
  df: Uint32Array;
  topicality: Float64Array;
  docOff: Uint32Array;
  docIdx: Uint32Array;
  docTf: TfArray;
  docInv: Float64Array;
  idf: Float64Array;
  tfWeight: Float64Array;
}

/** Term counts in a paper, in the narrowest array that holds the largest. */
type TfArray = Uint8Array | Uint16Array | Uint32Array;

/**
 * The tf-idf side of a corpus: vocabulary with surface forms, document vectors, postings.
 *
 * Memory: the document vectors are one CSR matrix of features and term counts (4 + 1 bytes a
 * non-zero, usually), a value computed when read, exactly as the build computed it (see value);
 * the term → papers postings (12 bytes a non-zero) are built only when a whole row is asked for
 * (lexicalRow, the exact path); documents are tokenised one at a time.
 */
export class SimilarityIndex {
  readonly ids: readonly string[];
  readonly n: number;
  readonly dim: number;
  readonly vectors: Float32Array;
  readonly semanticWeight: number;
  /** Feature → its key: a Porter root, or two roots joined by a space (a bigram). */
  readonly terms: readonly string[];
  /** Feature → display form (the most frequent surface form; bigrams joined by a space). */
  readonly surface: readonly string[];
  readonly df: Uint32Array;
  /**
   * Feature → how topical it is, in [0, 1]: the mean LSA cosine between the papers using it,
   * rescaled so the corpus-wide mean pairwise cosine is 0. "winning tickets" is near 1, "exists"
   * or "results suggest" near 0. Used only to choose which shared terms to show.
   */
  readonly topicality: Float64Array;
  /** Document vectors, CSR: paper i's features are docIdx[docOff[i] … docOff[i+1]), sorted. */
  readonly docOff: Uint32Array;
  readonly docIdx: Uint32Array;
  /** The count of each non-zero's feature in its paper. */
  readonly docTf: TfArray;
  /** Paper → 1 / the length of its tf-idf weights (0 for a paper without features). */
  readonly docInv: Float64Array;
  /** Feature → its idf, ln((1 + n) / (1 + df)) + 1. */
  readonly idf: Float64Array;
  /** Count → its sublinear tf, 1 + ln count. */
  readonly tfWeight: Float64Array;
  private postings: { doc: Uint32Array; val: Float64Array }[] | null = null;
  private readonly pos = new Map<string, number>();

  /**
   * Builds the index synchronously, or takes `parts` already built from the same input and
   * options (buildSimilarityIndex builds them in slices that yield to the event loop).
   */
  constructor(input: SimilarInput, opts: SimilarOptions = {}, parts?: SimilarityParts) {
    const { ids, vectors, dim } = input;
    if (ids.length !== textCount(input) || vectors.length !== ids.length * dim)
      throw new Error('similar: ids, texts and vectors (n × dim) must describe the same papers');
    this.ids = ids;
    this.n = ids.length;
    this.dim = dim;
    this.vectors = vectors;
    this.semanticWeight = opts.semanticWeight ?? DEFAULT_SEMANTIC_WEIGHT;
    ids.forEach((id, i) => {
      if (this.pos.has(id)) throw new Error(`similar: duplicate id ${id}`);
      this.pos.set(id, i);
    });
    const p = parts ?? runToEnd(similarityParts(input, opts));
    this.terms = p.terms;
    this.surface = p.surface;
    this.df = p.df;
    this.topicality = p.topicality;
    this.docOff = p.docOff;
    this.docIdx = p.docIdx;
    this.docTf = p.docTf;
    this.docInv = p.docInv;
    this.idf = p.idf;
    this.tfWeight = p.tfWeight;
  }

  /**
   * The value of non-zero j, in paper i's row: tf · idf · 1/length, the same operations in the
   * same order as the build's, hence the same double (8 bytes a non-zero were not kept for it).
   */
  value(j: number, i: number): number {
    const w = (this.tfWeight[this.docTf[j] ?? 0] ?? 0) * (this.idf[this.docIdx[j] ?? 0] ?? 0);
    return w * (this.docInv[i] ?? 0);
  }

  /** The values of paper i's row (docIdx[docOff[i] … docOff[i+1]) in order). */
  rowValues(i: number): Float64Array {
    const a = this.docOff[i] ?? 0;
    const out = new Float64Array((this.docOff[i + 1] ?? 0) - a);
    for (let j = 0; j < out.length; j++) out[j] = this.value(a + j, i);
    return out;
  }

  /** Every non-zero's value, as one array (made on each call: nnz × 8 bytes; for checks). */
  get docVal(): Float64Array {
    const out = new Float64Array(this.docIdx.length);
    for (let i = 0; i < this.n; i++)
      for (let j = this.docOff[i] ?? 0; j < (this.docOff[i + 1] ?? 0); j++)
        out[j] = this.value(j, i);
    return out;
  }

  indexOf(id: string): number | undefined {
    return this.pos.get(id);
  }

  /** Paper i's tf-idf vector (views into the CSR matrix). */
  doc(i: number): SparseVec | undefined {
    if (!(i >= 0 && i < this.n)) return undefined;
    const a = this.docOff[i] ?? 0;
    const b = this.docOff[i + 1] ?? 0;
    return { idx: this.docIdx.subarray(a, b), val: this.rowValues(i) };
  }

  /** Bytes of the tf-idf side: document vectors, and postings once built. */
  get memoryBytes(): number {
    let p = 0;
    for (const x of this.postings ?? []) p += x.doc.byteLength + x.val.byteLength + 64;
    return (
      this.docOff.byteLength +
      this.docIdx.byteLength +
      this.docTf.byteLength +
      this.docInv.byteLength +
      this.idf.byteLength +
      this.tfWeight.byteLength +
      this.df.byteLength +
      this.topicality.byteLength +
      p
    );
  }

  /** Term → papers postings (built on first use: only the exact path needs them). */
  private allPostings(): { doc: Uint32Array; val: Float64Array }[] {
    if (this.postings) return this.postings;
    const size = this.terms.length;
    const counts = new Uint32Array(size);
    for (const t of this.docIdx) counts[t] = (counts[t] ?? 0) + 1;
    const postings = [...counts].map((c) => ({
      doc: new Uint32Array(c),
      val: new Float64Array(c),
    }));
    const fill = new Uint32Array(size);
    for (let i = 0; i < this.n; i++) {
      for (let j = this.docOff[i] ?? 0; j < (this.docOff[i + 1] ?? 0); j++) {
        const t = this.docIdx[j] ?? 0;
        const p = postings[t];
        const at = fill[t] ?? 0;
        if (!p) continue;
        p.doc[at] = i;
        p.val[at] = this.value(j, i);
        fill[t] = at + 1;
      }
    }
    this.postings = postings;
    return postings;
  }

  /** tf-idf cosine of paper i with every paper. */
  lexicalRow(i: number): Float64Array {
    const out = new Float64Array(this.n);
    if (!(i >= 0 && i < this.n)) return out;
    const postings = this.allPostings();
    for (let j = this.docOff[i] ?? 0; j < (this.docOff[i + 1] ?? 0); j++) {
      const p = postings[this.docIdx[j] ?? 0];
      const w = this.value(j, i);
      if (!p) continue;
      for (let m = 0; m < p.doc.length; m++) {
        const doc = p.doc[m] ?? 0;
        out[doc] = (out[doc] ?? 0) + w * (p.val[m] ?? 0);
      }
    }
    return out;
  }

  /** tf-idf cosine of papers i and j (the same value as lexicalRow(i)[j]). */
  lexical(i: number, j: number): number {
    const idx = this.docIdx;
    const tf = this.docTf;
    const tw = this.tfWeight;
    const idf = this.idf;
    const invI = this.docInv[i] ?? 0;
    const invJ = this.docInv[j] ?? 0;
    let x = this.docOff[i] ?? 0;
    const xe = this.docOff[i + 1] ?? 0;
    let y = this.docOff[j] ?? 0;
    const ye = this.docOff[j + 1] ?? 0;
    let s = 0;
    while (x < xe && y < ye) {
      const ta = idx[x] ?? 0;
      const tb = idx[y] ?? 0;
      if (ta === tb) {
        // value(x, i) · value(y, j), inlined.
        const it = idf[ta] ?? 0;
        const vx = (tw[tf[x] ?? 0] ?? 0) * it * invI;
        const vy = (tw[tf[y] ?? 0] ?? 0) * it * invJ;
        s += vx * vy;
        x++;
        y++;
      } else if (ta < tb) x++;
      else y++;
    }
    return s;
  }

  /** LSA cosine of papers i and j (the same value as semanticRow(i)[j]). */
  semantic(i: number, j: number): number {
    const k = this.dim;
    const v = this.vectors;
    const a = i * k;
    const b = j * k;
    let s = 0;
    for (let c = 0; c < k; c++) s += (v[a + c] ?? 0) * (v[b + c] ?? 0);
    return s;
  }

  /** LSA cosine of paper i with every paper. */
  semanticRow(i: number): Float64Array {
    const k = this.dim;
    const v = this.vectors;
    const out = new Float64Array(this.n);
    const base = i * k;
    for (let j = 0; j < this.n; j++) {
      let s = 0;
      const b = j * k;
      for (let c = 0; c < k; c++) s += (v[base + c] ?? 0) * (v[b + c] ?? 0);
      out[j] = s;
    }
    return out;
  }

  /** The mixed similarity of paper i with every paper (and its two parts). */
  row(
    i: number,
    w = this.semanticWeight,
  ): { mix: Float64Array; sem: Float64Array; lex: Float64Array } {
    const sem = this.semanticRow(i);
    const lex = this.lexicalRow(i);
    const mix = new Float64Array(this.n);
    for (let j = 0; j < this.n; j++) mix[j] = w * (sem[j] ?? 0) + (1 - w) * (lex[j] ?? 0);
    return { mix, sem, lex };
  }

  /** The distinctive terms two papers share: their tf-idf cosine's largest parts, readable. */
  sharedTerms(i: number, j: number, max = 5): string[] {
    const a = this.doc(i);
    const b = this.doc(j);
    if (!a || !b) return [];
    const contrib: [number, number][] = [];
    let x = 0;
    let y = 0;
    while (x < a.idx.length && y < b.idx.length) {
      const ta = a.idx[x] ?? 0;
      const tb = b.idx[y] ?? 0;
      if (ta === tb) {
        contrib.push([ta, (a.val[x] ?? 0) * (b.val[y] ?? 0)]);
        x++;
        y++;
      } else if (ta < tb) x++;
      else y++;
    }
    return this.readable(contrib, max);
  }

  /**
   * Readable terms for weighted features: weight × topicality, highest first, at most `max`; a
   * bigram replaces the single words it contains, and after three terms only those carrying at
   * least a fifth of the best one's weight are kept.
   */
  readable(weighted: readonly [number, number][], max: number): string[] {
    const sorted = weighted
      .map(([t, w]): [number, number] => [t, w * (this.topicality[t] ?? 0)])
      .filter((e) => e[1] > 0)
      .sort((p, q) => q[1] - p[1] || p[0] - q[0]);
    const top = sorted[0]?.[1] ?? 0;
    // Chosen features, as their roots (one for a word, two for a bigram).
    const chosen: { form: string; roots: string[] }[] = [];
    for (const [t, w] of sorted) {
      if (chosen.length >= max) break;
      if (chosen.length >= 3 && w < top / 5) break;
      const roots = (this.terms[t] ?? '').split(' ');
      const form = this.surface[t] ?? '';
      const covered = (r: string) => chosen.some((c) => c.roots.includes(r));
      if (roots.length === 1) {
        if (!covered(roots[0] ?? '')) chosen.push({ form, roots });
        continue;
      }
      // A bigram replaces the single words it contains (at the place of the first of them).
      const at = chosen.findIndex((c) => c.roots.length === 1 && roots.includes(c.roots[0] ?? ''));
      if (chosen.some((c) => c.roots.length > 1 && roots.every((r) => c.roots.includes(r))))
        continue;
      const merged = { form, roots };
      const rest = chosen.filter(
        (c) => !(c.roots.length === 1 && roots.includes(c.roots[0] ?? '')),
      );
      if (at >= 0) rest.splice(Math.min(at, rest.length), 0, merged);
      else rest.push(merged);
      chosen.splice(0, chosen.length, ...rest);
    }
    return chosen.map((c) => c.form);
  }
}

const isHyphen = (c: string | undefined) => c === '-' || c === '‐';

function isAscii(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

function sumSquares(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x * x;
  return s;
}

/** Citation residue and abbreviations that tell nothing about a topic. */
const NOT_FEATURES = new Set(['et', 'al', 'etc', 'eg', 'ie', 'cf', 'vs']);

/** Words that make a readable, informative feature: not bare numbers, not single letters. */
function isContentWord(w: string): boolean {
  return w.length > 1 && !/^\d+$/.test(w) && !NOT_FEATURES.has(w);
}

function bestForm(m: Map<string, number> | undefined): string {
  let best = '';
  let bestCount = -1;
  for (const [form, c] of m ?? []) {
    if (
      c > bestCount ||
      (c === bestCount &&
        (form.length < best.length || (form.length === best.length && form < best)))
    ) {
      best = form;
      bestCount = c;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Building the index as a generator: the work yields every few hundred papers, so one driver
// runs it to the end at once (runToEnd: the constructor) and another in slices that give the
// event loop back between them (runInSlices: a server building it on first request). The
// result is the same either way.

/** Papers tokenised between two yields (and 16× as many in the cheaper passes): a few ms. */
const YIELD_EVERY = 64;

/** Iterations of a cheap one-off loop between two yields. */
const CHUNK = 1 << 18;

/** Unigram and surface-form ids below this; a bigram is keyed by a · PAIR + b (< 2^53). */
const PAIR = 2 ** 26;

/** Run a build to its end, synchronously. */
export function runToEnd<T>(work: Generator<unknown, T>): T {
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}

export interface SliceOptions {
  /** Work this long at most between two yields to the event loop, in ms (default 20). */
  sliceMs?: number;
  /** How to yield (default: until the event loop has run its pending I/O: setImmediate). */
  pause?: () => Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Run a build in slices of about sliceMs, giving the event loop back between them. */
export async function runInSlices<T>(
  work: Generator<unknown, T>,
  opts: SliceOptions = {},
): Promise<T> {
  const sliceMs = opts.sliceMs ?? 20;
  const pause = opts.pause ?? nextTurn;
  for (;;) {
    const until = performance.now() + sliceMs;
    for (;;) {
      const r = work.next();
      if (r.done) return r.value;
      if (performance.now() >= until) break;
    }
    await pause();
  }
}

/** The similarity index of an input, built in slices (see runInSlices), then cached as similarityIndex's. */
export async function buildSimilarityIndex(
  input: SimilarInput,
  opts: SimilarOptions = {},
  slices: SliceOptions = {},
): Promise<SimilarityIndex> {
  const cached = cachedIndex(input, opts);
  if (cached) return cached;
  const parts = await runInSlices(similarityParts(input, opts), slices);
  return (
    cachedIndex(input, opts) ?? cacheIndex(input, opts, new SimilarityIndex(input, opts, parts))
  );
}

/** Everything costly of a SimilarityIndex, yielding every YIELD_EVERY papers or so. */
export function* similarityParts(
  input: SimilarInput,
  opts: SimilarOptions = {},
): Generator<void, SimilarityParts> {
  const { texts, vectors, dim } = input;
  const n = textCount(input);
  const useBigrams = opts.bigrams ?? true;

  // 1. Terms of each document (Porter roots, plus "root root" bigrams of adjacent words), one
  // document at a time: every term gets a provisional id, the document its (id, count) pairs.
  // Roots and surface forms are interned once; a bigram and its form are keyed by the pair of
  // numbers, and their strings are made at the end for the features kept (most bigrams occur
  // once: building their strings and hashing them was a third of the time).
  const uniId = new Map<string, number>();
  const uniRoot: string[] = [];
  const uniTerm = new U32List();
  const biId = new PairTable();
  const formId = new Map<string, number>();
  const formStr: string[] = [];
  // Form → its unigram: a form determines its word, and the word its root (analyzeWord).
  const formUni = new U32List();
  // Term → its unigram (termA), and for a bigram its second unigram + 1 (termB; 0: a unigram).
  const termA = new U32List();
  const termB = new U32List();
  const dfAll = new U32List();
  // The current document's terms: count, and which document last counted (d + 1).
  const termCnt = new U32List();
  const termLast = new U32List();
  const touched: number[] = [];
  const count = (t: number, d: number) => {
    if (termLast.a[t] === d + 1) termCnt.a[t] = (termCnt.a[t] ?? 0) + 1;
    else {
      termLast.a[t] = d + 1;
      termCnt.a[t] = 1;
      touched.push(t);
    }
  };
  // Surface forms: the first seen and its count; a map only for terms with several forms.
  const firstForm = new F64List();
  const firstCount = new U32List();
  // (firstCount SEVERAL: firstForm is then the index of the term's counts in moreForms. Not a
  // Map by term: a Map of millions of number keys stalled half a second each time it grew.)
  const moreForms: Map<number, number>[] = [];
  const SEVERAL = 0xffffffff;
  const newTerm = (a: number, b: number): number => {
    termA.push(a);
    termB.push(b);
    dfAll.push(0);
    termCnt.push(0);
    termLast.push(0);
    firstForm.push(0);
    firstCount.push(0);
    return termA.length - 1;
  };
  const addForm = (id: number, form: number) => {
    const c = firstCount.a[id] ?? 0;
    if (c === SEVERAL) {
      const m = moreForms[firstForm.a[id] ?? 0];
      m?.set(form, (m.get(form) ?? 0) + 1);
    } else if (c === 0) {
      firstForm.a[id] = form;
      firstCount.a[id] = 1;
    } else if (firstForm.a[id] === form) firstCount.a[id] = c + 1;
    else {
      moreForms.push(
        new Map([
          [firstForm.a[id] ?? 0, c],
          [form, 1],
        ]),
      );
      firstForm.a[id] = moreForms.length - 1;
      firstCount.a[id] = SEVERAL;
    }
  };
  const bagOff = new Uint32Array(n + 1);
  const bagTerm = new U32List(1 << 16);
  // Counts in a byte (most are 1 or 2: the largest list of the build, 4 bytes a pair were a
  // gigabyte at a million papers); a count of BIG or more is kept in bigCount, by pair.
  const bagCount = new U8List(1 << 16);
  const bigCount = new Map<number, number>();
  const BIG = 0xff;
  const countAt = (j: number): number => {
    const c = bagCount.a[j] ?? 1;
    return c === BIG ? (bigCount.get(j) ?? BIG) : c;
  };
  for (let d = 0; d < n; d++) {
    const text = textAt(texts, d);
    // A document adds at most two terms a word (a root and a bigram), fewer than its length:
    // the tables and lists grow between documents, in slices (they grow together, and the
    // copies of doubling lists of millions of terms stalled for 0.4 s).
    if (!biId.hasRoom(text.length)) yield* biId.grow();
    for (const list of [
      termA,
      termB,
      dfAll,
      termCnt,
      termLast,
      firstCount,
      firstForm,
      bagTerm,
      bagCount,
    ])
      yield* list.reserve(text.length);
    touched.length = 0;
    let hasPrev = false;
    let prevU = 0;
    let prevF = 0;
    let prevPos = 0;
    let prevStart = 0;
    let prevEnd = 0;
    for (const t of tokenize(text)) {
      if (t.joined || !isContentWord(t.word)) {
        if (!t.joined) hasPrev = false;
        continue;
      }
      // The folded surface form is the token's word unless folding made spaces (non-ASCII
      // only); the word is a cached string, cheaper to look up than a new one.
      const formText = isAscii(text, t.start, t.end) ? t.word : fold(text.slice(t.start, t.end));
      let f = formId.get(formText);
      let u: number;
      if (f === undefined) {
        f = formStr.length;
        if (f >= PAIR) throw new Error('similar: too many distinct words');
        formId.set(formText, f);
        formStr.push(formText);
        const known = uniId.get(t.root);
        if (known === undefined) {
          u = uniRoot.length;
          uniId.set(t.root, u);
          uniRoot.push(t.root);
          uniTerm.push(newTerm(u, 0));
        } else u = known;
        formUni.push(u);
      } else u = formUni.a[f] ?? 0;
      const root = uniTerm.a[u] ?? 0;
      count(root, d);
      addForm(root, f);
      // A bigram: two adjacent words of one compound ("semi-supervised"), or two plain words
      // with only spaces between them; never across "(" or "," and never half a compound
      // ("leverage semi-supervised" gives no "leverage semi").
      const gap = hasPrev && prevPos === t.pos - 1 ? text.slice(prevEnd, t.start) : '';
      const sameCompound = gap === '-' || gap === '‐';
      const plainPair =
        /^[ \t\n]+$/.test(gap) &&
        !isHyphen(text[t.end]) &&
        hasPrev &&
        !isHyphen(text[prevStart - 1]);
      if (useBigrams && hasPrev && (sameCompound || plainPair)) {
        let bi = biId.get(prevU, u);
        if (bi < 0) {
          bi = newTerm(prevU, u + 1);
          biId.set(prevU, u, bi);
        }
        count(bi, d);
        addForm(bi, prevF * PAIR + f);
      }
      hasPrev = true;
      prevU = u;
      prevF = f;
      prevPos = t.pos;
      prevStart = t.start;
      prevEnd = t.end;
    }
    // In order of first occurrence, as a Map's entries were.
    for (const t of touched) {
      dfAll.a[t] = (dfAll.a[t] ?? 0) + 1;
      bagTerm.push(t);
      const c = termCnt.a[t] ?? 0;
      if (c >= BIG) bigCount.set(bagCount.length, c);
      bagCount.push(Math.min(c, BIG));
    }
    bagOff[d + 1] = bagTerm.length;
    if (d % YIELD_EVERY === YIELD_EVERY - 1) yield;
  }
  uniId.clear();
  formId.clear();

  // 2. Vocabulary: in at least two papers (only shared terms relate papers), at most half.
  const termCount = termA.length;
  const keyOf = (t: number): string => {
    const a = uniRoot[termA.a[t] ?? 0] ?? '';
    const b = termB.a[t] ?? 0;
    return b === 0 ? a : `${a} ${uniRoot[b - 1] ?? ''}`;
  };
  const formOf = (t: number, key: number): string =>
    termB.a[t] === 0
      ? (formStr[key] ?? '')
      : `${formStr[Math.floor(key / PAIR)] ?? ''} ${formStr[key % PAIR] ?? ''}`;
  const maxDf = Math.max(2, MAX_DF_RATIO * n);
  const kept: { t: number; key: string }[] = [];
  // Long one-off loops run in chunks, in plain functions: a generator's first run of a loop is
  // not optimised (no on-stack replacement), and a loop over millions took a second.
  const keep = (from: number, to: number) => {
    for (let t = from; t < to; t++) {
      const c = dfAll.a[t] ?? 0;
      if (c >= 2 && c <= maxDf) kept.push({ t, key: keyOf(t) });
    }
  };
  for (let t = 0; t < termCount; t += CHUNK) {
    keep(t, Math.min(termCount, t + CHUNK));
    yield;
  }
  kept.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  yield;
  const finalOf = new Int32Array(termCount).fill(-1);
  kept.forEach((e, i) => (finalOf[e.t] = i));
  const terms = kept.map((e) => e.key);
  const surface: string[] = [];
  for (const { t } of kept) {
    // Counts summed by string, as distinct keys could (in theory) spell the same form.
    const byForm = new Map<string, number>();
    const several = firstCount.a[t] === SEVERAL;
    const counts = several
      ? (moreForms[firstForm.a[t] ?? 0] ?? new Map<number, number>())
      : [[firstForm.a[t] ?? 0, firstCount.a[t] ?? 0]];
    for (const [key, c] of counts) {
      const f = formOf(t, key);
      byForm.set(f, (byForm.get(f) ?? 0) + c);
    }
    surface.push(bestForm(byForm));
    if (surface.length % (64 * YIELD_EVERY) === 0) yield;
  }
  const df = Uint32Array.from(kept, (e) => dfAll.a[e.t] ?? 0);
  const idf = Float64Array.from(df, (x) => Math.log((1 + n) / (1 + x)) + 1);

  // 3. Sublinear tf · idf, unit length, as one CSR matrix: each non-zero's feature and count,
  // and each paper's 1 / length (SimilarityIndex.value makes the value as it is made here).
  let nnz = 0;
  let maxTf = 1;
  const countKept = (from: number, to: number) => {
    for (let j = from; j < to; j++)
      if ((finalOf[bagTerm.a[j] ?? 0] ?? -1) >= 0) {
        nnz++;
        maxTf = Math.max(maxTf, countAt(j));
      }
  };
  for (let j = 0; j < bagTerm.length; j += CHUNK) {
    countKept(j, Math.min(bagTerm.length, j + CHUNK));
    yield;
  }
  const docOff = new Uint32Array(n + 1);
  const docIdx = new Uint32Array(nnz);
  const docTf =
    maxTf <= 0xff
      ? new Uint8Array(nnz)
      : maxTf <= 0xffff
        ? new Uint16Array(nnz)
        : new Uint32Array(nnz);
  const docInv = new Float64Array(n);
  const tfWeight = Float64Array.from({ length: maxTf + 1 }, (_, c) => 1 + Math.log(c));
  let at = 0;
  // A document's features, sorted as numbers in place, and their counts and weights by feature.
  const tfOf = new Uint32Array(kept.length);
  const weightOf = new Float64Array(kept.length);
  for (let d = 0; d < n; d++) {
    const from = at;
    for (let j = bagOff[d] ?? 0; j < (bagOff[d + 1] ?? 0); j++) {
      const i = finalOf[bagTerm.a[j] ?? 0] ?? -1;
      if (i < 0) continue;
      docIdx[at++] = i;
      const c = countAt(j);
      tfOf[i] = c;
      weightOf[i] = (tfWeight[c] ?? 0) * (idf[i] ?? 0);
    }
    const feats = docIdx.subarray(from, at);
    feats.sort();
    let norm = 0;
    for (const i of feats) norm += (weightOf[i] ?? 0) * (weightOf[i] ?? 0);
    docInv[d] = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = from; j < at; j++) docTf[j] = tfOf[docIdx[j] ?? 0] ?? 0;
    docOff[d + 1] = at;
    if (d % (16 * YIELD_EVERY) === 16 * YIELD_EVERY - 1) yield;
  }

  const topicality = yield* topicalityOf(vectors, dim, n, df, docOff, docIdx);
  return { terms, surface, df, topicality, docOff, docIdx, docTf, docInv, idf, tfWeight };
}

/** out[s … s+k) += v[base … base+k): the inner loop of topicalityOf, kept small for the JIT. */
function addRow(out: Float64Array, s: number, v: Float32Array, base: number, k: number): void {
  for (let c = 0; c < k; c++) out[s + c] = (out[s + c] as number) + (v[base + c] as number);
}

/**
 * out[0 … k) += rows a, b, c, d of v, added in that order to each element (so the sums are
 * those of four addRow calls): one load and store of out for four additions, 3× faster.
 */
function addRows4(
  out: Float64Array,
  v: Float32Array,
  a: number,
  b: number,
  c: number,
  d: number,
  k: number,
): void {
  const ra = a * k;
  const rb = b * k;
  const rc = c * k;
  const rd = d * k;
  for (let x = 0; x < k; x++) {
    let s = out[x] as number;
    s += v[ra + x] as number;
    s += v[rb + x] as number;
    s += v[rc + x] as number;
    s += v[rd + x] as number;
    out[x] = s;
  }
}

/**
 * Each feature's topicality (see SimilarityIndex.topicality). The LSA vectors of a feature's
 * papers are summed one feature at a time, from its postings (papers in corpus order), into a
 * k-float accumulator: summing every paper into a row per feature instead wrote a 40 MB matrix
 * at random (8 s of 100k papers' 37 s build, memory-bound); the order of the additions, hence
 * every value, is the same.
 */
function* topicalityOf(
  v: Float32Array,
  k: number,
  n: number,
  df: Uint32Array,
  off: Uint32Array,
  idx: Uint32Array,
): Generator<void, Float64Array> {
  const size = df.length;
  // Corpus mean pairwise cosine from the centroid: ‖Σv‖² = n + Σ_{i≠j} cos(i, j) for unit rows.
  const all = new Float64Array(k);
  let units = 0;
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let c = 0; c < k; c++) norm += (v[i * k + c] ?? 0) ** 2;
    if (norm > 0) units++;
    addRow(all, 0, v, i * k, k);
  }
  const meanCos = units > 1 ? (sumSquares(all) - units) / (units * (units - 1)) : 0;
  const out = new Float64Array(size);
  // Postings of a block of features at a time (bounded memory: the whole would be 4 bytes a
  // non-zero of the document matrix).
  const postOff = new Float64Array(size + 1);
  let maxDf = 0;
  for (let t = 0; t < size; t++) {
    postOff[t + 1] = (postOff[t] ?? 0) + (df[t] ?? 0);
    maxDf = Math.max(maxDf, df[t] ?? 0);
  }
  const post = new Uint32Array(
    Math.min(postOff[size] ?? 0, Math.max(TOPICALITY_BLOCK_POSTINGS, maxDf)),
  );
  const cursor = new Uint32Array(size);
  const acc = new Float64Array(k);
  let work = 0;
  for (let lo = 0; lo < size;) {
    const base = postOff[lo] ?? 0;
    let hi = lo + 1;
    while (hi < size && (postOff[hi + 1] ?? 0) - base <= post.length) hi++;
    for (let t = lo; t < hi; t++) cursor[t] = (postOff[t] ?? 0) - base;
    for (let i = 0; i < n; i++) {
      // The first feature ≥ lo (features are sorted): binary search.
      let a = off[i] ?? 0;
      let b = off[i + 1] ?? 0;
      const end = b;
      while (a < b) {
        const m = (a + b) >>> 1;
        if ((idx[m] ?? 0) < lo) a = m + 1;
        else b = m;
      }
      for (let j = a; j < end; j++) {
        const t = idx[j] ?? 0;
        if (t >= hi) break;
        const at = cursor[t] ?? 0;
        post[at] = i;
        cursor[t] = at + 1;
      }
      if (i % (16 * YIELD_EVERY) === 16 * YIELD_EVERY - 1) yield;
    }
    for (let t = lo; t < hi; t++) {
      const m = df[t] ?? 0;
      if (m < 2) continue;
      acc.fill(0);
      const from = (postOff[t] ?? 0) - base;
      let p = from;
      for (; p + 4 <= from + m; p += 4)
        addRows4(acc, v, post[p] ?? 0, post[p + 1] ?? 0, post[p + 2] ?? 0, post[p + 3] ?? 0, k);
      for (; p < from + m; p++) addRow(acc, 0, v, (post[p] ?? 0) * k, k);
      const pairMean = (sumSquares(acc) - m) / (m * (m - 1));
      out[t] = Math.max(0, Math.min(1, (pairMean - meanCos) / (1 - meanCos || 1)));
      work += m;
      if (work >= 64 * YIELD_EVERY) {
        work = 0;
        yield;
      }
    }
    lo = hi;
  }
  return out;
}

const cache = new WeakMap<SimilarInput, Map<string, SimilarityIndex>>();

const cacheKey = (opts: SimilarOptions) =>
  `${opts.semanticWeight ?? DEFAULT_SEMANTIC_WEIGHT}|${opts.bigrams ?? true}`;

function cachedIndex(input: SimilarInput, opts: SimilarOptions): SimilarityIndex | undefined {
  return cache.get(input)?.get(cacheKey(opts));
}

function cacheIndex(
  input: SimilarInput,
  opts: SimilarOptions,
  idx: SimilarityIndex,
): SimilarityIndex {
  let byOpts = cache.get(input);
  if (!byOpts) cache.set(input, (byOpts = new Map<string, SimilarityIndex>()));
  byOpts.set(cacheKey(opts), idx);
  return idx;
}

/** The similarity index of an input, built once per input object and options. */
export function similarityIndex(input: SimilarInput, opts: SimilarOptions = {}): SimilarityIndex {
  return cachedIndex(input, opts) ?? cacheIndex(input, opts, new SimilarityIndex(input, opts));
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Indices of the k largest values of `score` among those `allowed`, ties by index. */
function topIndices(score: Float64Array, k: number, allowed: (j: number) => boolean): number[] {
  const idx: number[] = [];
  for (let j = 0; j < score.length; j++) if (allowed(j)) idx.push(j);
  return selectTop(idx, score, k);
}

/** The k papers most similar to paper i (itself excluded). */
function nearestOf(idx: SimilarityIndex, i: number, k: number): SimilarPaper[] {
  const { mix, sem, lex } = idx.row(i);
  return topIndices(mix, k, (j) => j !== i).map((j) => ({
    id: idx.ids[j] ?? '',
    score: round(mix[j] ?? 0),
    reason: {
      sharedTerms: idx.sharedTerms(i, j),
      semantic: round(sem[j] ?? 0),
      lexical: round(lex[j] ?? 0),
    },
  }));
}

/** For every paper, its k nearest other papers, best first: paper id → list. */
export function nearestPapers(
  input: SimilarInput,
  k = 10,
  opts: SimilarOptions = {},
): Map<string, SimilarPaper[]> {
  const idx = similarityIndex(input, opts);
  const out = new Map<string, SimilarPaper[]>();
  for (let i = 0; i < idx.n; i++) out.set(idx.ids[i] ?? '', nearestOf(idx, i, k));
  return out;
}

/** The k papers nearest to one paper (an unknown id gives an empty list). */
export function similarTo(
  input: SimilarInput,
  id: string,
  k = 10,
  opts: SimilarOptions = {},
): SimilarPaper[] {
  const idx = similarityIndex(input, opts);
  const i = idx.indexOf(id);
  return i === undefined ? [] : nearestOf(idx, i, k);
}

export interface MoreLikeTheseOptions extends SimilarOptions {
  /** SVM regularisation C (default 0.1, as arxiv-sanity). */
  c?: number;
  /** Weight of an explicit negative relative to a positive (default 1: as much as a positive). */
  negativeWeight?: number;
  /** Maximum epochs of dual coordinate descent (default 300). */
  maxEpochs?: number;
}

export interface RankedPaper {
  id: string;
  /** SVM decision value (or, for one positive, centroid similarity). Higher is more alike. */
  score: number;
  /** The paper's terms that pushed it up most (positive-weight features it has). */
  terms: string[];
}

export interface MoreLikeTheseResult {
  method: 'svm' | 'centroid';
  /** Best first; the positives and the negatives themselves are not listed. */
  results: RankedPaper[];
  /** The terms with the largest positive weights: what "like these" meant. */
  explanation: string[];
  /** Ids that are not in the corpus (ignored). */
  unknown: string[];
}

/** Positive and negative ids as rows (each once; a negative that is also positive dropped). */
function resolveSets(
  idx: SimilarityIndex,
  positives: readonly string[],
  negatives: readonly string[],
): { pos: number[]; neg: number[]; unknown: string[] } {
  const unknown: string[] = [];
  const toIdx = (ids: readonly string[]) => {
    const out: number[] = [];
    for (const id of ids) {
      const i = idx.indexOf(id);
      if (i === undefined) unknown.push(id);
      else if (!out.includes(i)) out.push(i);
    }
    return out;
  };
  const pos = toIdx(positives);
  return { pos, neg: toIdx(negatives).filter((i) => !pos.includes(i)), unknown };
}

/**
 * Rank the other papers by how much they resemble `positives` (and not `negatives`). Two or
 * more positives: a linear SVM trained on positives vs. the rest; one: centroid similarity.
 */
export function moreLikeThese(
  input: SimilarInput,
  positives: readonly string[],
  negatives: readonly string[] = [],
  k = 20,
  opts: MoreLikeTheseOptions = {},
): MoreLikeTheseResult {
  const idx = similarityIndex(input, opts);
  const { pos, neg, unknown } = resolveSets(idx, positives, negatives);
  if (pos.length === 0) return { method: 'centroid', results: [], explanation: [], unknown };
  const excluded = new Set([...pos, ...neg]);
  return pos.length === 1
    ? centroidRank(idx, pos, neg, excluded, k, unknown)
    : svmRank(idx, pos, neg, excluded, k, unknown, opts);
}

function centroidRank(
  idx: SimilarityIndex,
  pos: number[],
  neg: number[],
  excluded: Set<number>,
  k: number,
  unknown: string[],
): MoreLikeTheseResult {
  const p = pos[0] ?? 0;
  const score = idx.row(p).mix;
  if (neg.length) {
    const negRows = neg.map((i) => idx.row(i).mix);
    for (let j = 0; j < idx.n; j++) {
      let s = 0;
      for (const r of negRows) s += r[j] ?? 0;
      score[j] = (score[j] ?? 0) - (0.5 * s) / negRows.length;
    }
  }
  return {
    method: 'centroid',
    results: topIndices(score, k, (j) => !excluded.has(j)).map((j) => ({
      id: idx.ids[j] ?? '',
      score: round(score[j] ?? 0),
      terms: idx.sharedTerms(p, j),
    })),
    explanation: idx.readable(docWeights(idx, p), 10),
    unknown,
  };
}

/** Paper i's tf-idf features as (feature, weight) pairs. */
function docWeights(idx: SimilarityIndex, i: number): [number, number][] {
  const d = idx.doc(i);
  return d ? [...d.idx].map((t, j) => [t, d.val[j] ?? 0]) : [];
}

interface SvmModel {
  /** tf-idf feature weights (unscaled: multiply by sl for the weight of a tf-idf value). */
  wT: Float64Array;
  wS: Float64Array;
  wB: number;
  sl: number;
  ss: number;
}

/**
 * Decision value of paper i: w · [√(1−w)·tfidf, √w·lsa, 1]. Its tf-idf values are
 * vals[at …] when given (fitSvm's, made once), else made here.
 */
function svmDecision(
  idx: SimilarityIndex,
  m: SvmModel,
  i: number,
  vals?: Float64Array,
  at = 0,
): number {
  const k = idx.dim;
  const vec = idx.vectors;
  const { wT, wS, sl, ss } = m;
  const v = vals ?? idx.rowValues(i);
  let s = m.wB;
  const a = idx.docOff[i] ?? 0;
  for (let j = a; j < (idx.docOff[i + 1] ?? 0); j++)
    s += sl * (v[at + j - a] ?? 0) * (wT[idx.docIdx[j] ?? 0] ?? 0);
  const b = i * k;
  for (let c = 0; c < k; c++) s += ss * (vec[b + c] ?? 0) * (wS[c] ?? 0);
  return s;
}

/**
 * Dual coordinate descent over the training papers `rows` (labels and costs by position in
 * `rows`); the update order is a seeded shuffle of the positions.
 */
function fitSvm(
  idx: SimilarityIndex,
  rows: ArrayLike<number>,
  labels: Int8Array,
  cost: Float64Array,
  maxEpochs: number,
  seed: number,
): SvmModel {
  const m = rows.length;
  const k = idx.dim;
  const model: SvmModel = {
    wT: new Float64Array(idx.surface.length),
    wS: new Float64Array(k),
    wB: 0,
    sl: Math.sqrt(1 - idx.semanticWeight),
    ss: Math.sqrt(idx.semanticWeight),
  };
  const { wT, wS, sl, ss } = model;
  const vec = idx.vectors;
  const off = idx.docOff;
  const dIdx = idx.docIdx;
  // The training papers' tf-idf values, made once: row p's start at valAt[p].
  const valAt = new Float64Array(m + 1);
  for (let p = 0; p < m; p++) {
    const i = rows[p] ?? 0;
    valAt[p + 1] = (valAt[p] ?? 0) + (off[i + 1] ?? 0) - (off[i] ?? 0);
  }
  const dVal = new Float64Array(valAt[m] ?? 0);
  for (let p = 0; p < m; p++) dVal.set(idx.rowValues(rows[p] ?? 0), valAt[p] ?? 0);
  const qii = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    const i = rows[p] ?? 0;
    let s = 1; // the bias feature
    const base = (valAt[p] ?? 0) - (off[i] ?? 0);
    for (let j = off[i] ?? 0; j < (off[i + 1] ?? 0); j++) s += sl * sl * (dVal[base + j] ?? 0) ** 2;
    const b = i * k;
    for (let c = 0; c < k; c++) s += ss * ss * (vec[b + c] ?? 0) ** 2;
    qii[p] = s + 1 / (2 * (cost[p] ?? 1));
  }
  const alpha = new Float64Array(m);
  const order = Array.from({ length: m }, (_, p) => p);
  const rand = mulberry32(seed);
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    // Seeded Fisher-Yates shuffle: a fixed, well-mixed update order per epoch.
    for (let p = m - 1; p > 0; p--) {
      const j = Math.floor(rand() * (p + 1));
      const t = order[p] ?? 0;
      order[p] = order[j] ?? 0;
      order[j] = t;
    }
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (const p of order) {
      const i = rows[p] ?? 0;
      const y = labels[p] ?? 0;
      const a = alpha[p] ?? 0;
      const g = y * svmDecision(idx, model, i, dVal, valAt[p]) - 1 + a / (2 * (cost[p] ?? 1));
      const pg = a === 0 ? Math.min(g, 0) : g;
      maxPg = Math.max(maxPg, pg);
      minPg = Math.min(minPg, pg);
      if (Math.abs(pg) < 1e-12) continue;
      const next = Math.max(a - g / (qii[p] ?? 1), 0);
      const delta = (next - a) * y;
      if (delta === 0) continue;
      alpha[p] = next;
      const base = (valAt[p] ?? 0) - (off[i] ?? 0);
      for (let j = off[i] ?? 0; j < (off[i + 1] ?? 0); j++) {
        const t = dIdx[j] ?? 0;
        wT[t] = (wT[t] ?? 0) + delta * sl * (dVal[base + j] ?? 0);
      }
      const b = i * k;
      for (let c = 0; c < k; c++) wS[c] = (wS[c] ?? 0) + delta * ss * (vec[b + c] ?? 0);
      model.wB += delta;
    }
    if (maxPg - minPg < 1e-4) break;
  }
  return model;
}

/** The learnt weight of every tf-idf feature (of a tf-idf value, not of the scaled feature). */
function termWeightsOf(m: SvmModel): Float64Array {
  return m.wT.map((w) => w * m.sl);
}

/**
 * L2-regularised squared-hinge linear SVM by dual coordinate descent (Hsieh et al. 2008,
 * Algorithm 1 with D_ii = 1 / (2 C_i)), over x = [√(1−w)·tfidf, √w·lsa, 1], trained on every
 * paper. Returns the decision value of every paper and the weight of every tf-idf feature.
 */
export function trainLinearSvm(
  idx: SimilarityIndex,
  labels: Int8Array,
  cost: Float64Array,
  maxEpochs = 300,
  seed = 20200426,
): { decision: Float64Array; termWeights: Float64Array } {
  const n = idx.n;
  const rows = Uint32Array.from({ length: n }, (_, i) => i);
  const model = fitSvm(idx, rows, labels, cost, maxEpochs, seed);
  const decision = new Float64Array(n);
  for (let i = 0; i < n; i++) decision[i] = svmDecision(idx, model, i);
  return { decision, termWeights: termWeightsOf(model) };
}

/** Results and explanation of a trained SVM: the best `k` of `ranked` by decision value. */
function svmResult(
  idx: SimilarityIndex,
  decision: Float64Array,
  termWeights: Float64Array,
  k: number,
  allowed: (j: number) => boolean,
  unknown: string[],
): MoreLikeTheseResult {
  const weights: [number, number][] = [];
  termWeights.forEach((w, t) => {
    if (w > 0) weights.push([t, w]);
  });
  return {
    method: 'svm',
    results: topIndices(decision, k, allowed).map((j) => {
      const d = idx.doc(j);
      const contrib: [number, number][] = d
        ? [...d.idx].map((t, m) => [t, (d.val[m] ?? 0) * (termWeights[t] ?? 0)])
        : [];
      return {
        id: idx.ids[j] ?? '',
        score: round(decision[j] ?? 0),
        terms: idx.readable(contrib, 5),
      };
    }),
    explanation: idx.readable(weights, 10),
    unknown,
  };
}

function svmRank(
  idx: SimilarityIndex,
  pos: number[],
  neg: number[],
  excluded: Set<number>,
  k: number,
  unknown: string[],
  opts: MoreLikeTheseOptions,
): MoreLikeTheseResult {
  const n = idx.n;
  const c = opts.c ?? 0.1;
  const labels = new Int8Array(n).fill(-1);
  for (const i of pos) labels[i] = 1;
  // Balanced class weights (as sklearn's class_weight='balanced'); explicit negatives count as
  // much as a positive, far more than an ordinary paper of "the rest".
  const cPos = (c * n) / (2 * pos.length);
  const cRest = (c * n) / (2 * (n - pos.length));
  const cost = new Float64Array(n).fill(cRest);
  for (const i of pos) cost[i] = cPos;
  for (const i of neg) cost[i] = Math.max(cRest, cPos * (opts.negativeWeight ?? 1));
  const { decision, termWeights } = trainLinearSvm(idx, labels, cost, opts.maxEpochs ?? 300);
  return svmResult(idx, decision, termWeights, k, (j) => !excluded.has(j), unknown);
}

// ---------------------------------------------------------------------------------------------
// The large-corpus path: candidates instead of every paper.
//
// For one paper, the candidates are (a) its nearest neighbours by LSA cosine from the HNSW index
// over the LSA vectors and (b) the papers sharing its most distinctive terms: the postings of
// its rarest features (df ≤ maxPostingDf, heaviest first, within a budget of postings read),
// ranked by the partial tf-idf cosine they give. Every candidate is then scored with the exact
// mix (the same arithmetic as the exact path), so a list is identical to the exact one whenever
// the exact top k are among the candidates. Only the rare features' postings are kept (the
// common ones are the bulk of all postings and weigh least in a cosine).

export interface ApproxSimilarOptions extends SimilarOptions {
  /** HNSW index over input.vectors (same rows, same order), e.g. HnswIndex.build(vectors, dim). */
  ann: HnswIndex;
  /** Candidates from the ANN index (default 100). */
  semanticCandidates?: number;
  /** ANN beam width (default: the index's efSearch, at least semanticCandidates + 1). */
  ef?: number;
  /** Candidates from the rare features' postings (default 100; 0: ANN candidates only). */
  lexicalCandidates?: number;
  /** Features in at most this many papers have postings (default max(100, n / 100)). */
  maxPostingDf?: number;
  /** Postings read per query at most (default 50 000). */
  postingBudget?: number;
}

export interface ApproxMoreLikeTheseOptions extends MoreLikeTheseOptions {
  /** Papers near the positives (ANN, around their centroid) that are ranked (default 500). */
  pool?: number;
  /** Random papers added to the SVM's training set as ordinary negatives (default 2 000). */
  negativeSample?: number;
  /** Seed of that sample (default 1). */
  seed?: number;
}

export class ApproxSimilarity {
  readonly index: SimilarityIndex;
  readonly ann: HnswIndex;
  readonly semanticCandidates: number;
  readonly lexicalCandidates: number;
  readonly maxPostingDf: number;
  readonly postingBudget: number;
  private readonly ef: number;
  /** Postings of the rare features, CSR by feature (Float32 values: only for candidates). */
  private readonly rareOff: Uint32Array;
  private readonly rareDoc: Uint32Array;
  private readonly rareVal: Float32Array;
  private readonly acc: Float64Array;
  private readonly mark: Uint32Array;
  private epoch = 0;

  /**
   * Builds everything synchronously (minutes at a million papers: a server should use
   * ApproxSimilarity.build), or takes `built` from build.
   */
  constructor(
    input: SimilarInput,
    opts: ApproxSimilarOptions,
    built?: { index: SimilarityIndex; rare: RarePostings },
  ) {
    checkAnn(input, opts.ann);
    this.index = built?.index ?? similarityIndex(input, opts);
    this.ann = opts.ann;
    const n = this.index.n;
    this.semanticCandidates = opts.semanticCandidates ?? 100;
    this.lexicalCandidates = opts.lexicalCandidates ?? 100;
    this.maxPostingDf = maxPostingDfOf(opts, n);
    this.postingBudget = opts.postingBudget ?? 50_000;
    this.ef = Math.max(this.semanticCandidates + 1, opts.ef ?? this.ann.options.efSearch);
    const rare = built?.rare ?? runToEnd(rarePostings(this.index, this.maxPostingDf));
    this.rareOff = rare.off;
    this.rareDoc = rare.doc;
    this.rareVal = rare.val;
    this.acc = new Float64Array(n);
    this.mark = new Uint32Array(n);
  }

  /**
   * The same as the constructor, built in slices that give the event loop back between them
   * (see runInSlices): a server goes on answering while it builds. The tf-idf index is cached
   * as similarityIndex's.
   */
  static async build(
    input: SimilarInput,
    opts: ApproxSimilarOptions,
    slices: SliceOptions = {},
  ): Promise<ApproxSimilarity> {
    checkAnn(input, opts.ann);
    const index = await buildSimilarityIndex(input, opts, slices);
    const rare = await runInSlices(rarePostings(index, maxPostingDfOf(opts, index.n)), slices);
    return new ApproxSimilarity(input, opts, { index, rare });
  }

  get n(): number {
    return this.index.n;
  }

  indexOf(id: string): number | undefined {
    return this.index.indexOf(id);
  }

  /** Memory held, in MB: tf-idf vectors, rare postings, ANN index. */
  memoryStats(): { sparseMb: number; postingsMb: number; annMb: number } {
    const mb = (b: number) => Math.round(b / 2 ** 20);
    return {
      sparseMb: mb(this.index.memoryBytes),
      postingsMb: mb(this.rareOff.byteLength + this.rareDoc.byteLength + this.rareVal.byteLength),
      annMb: mb(this.ann.memoryBytes),
    };
  }

  private nextEpoch(): number {
    if (++this.epoch === 0xffffffff) {
      this.mark.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** The papers sharing paper i's rarest, heaviest features, by partial tf-idf cosine. */
  private lexicalNeighbours(i: number, count: number): number[] {
    const idx = this.index;
    if (count <= 0) return [];
    const a = idx.docOff[i] ?? 0;
    const b = idx.docOff[i + 1] ?? 0;
    const vals = idx.rowValues(i);
    const feats: number[] = [];
    for (let j = a; j < b; j++)
      if ((idx.df[idx.docIdx[j] ?? 0] ?? 0) <= this.maxPostingDf) feats.push(j);
    feats.sort((x, y) => (vals[y - a] ?? 0) - (vals[x - a] ?? 0) || x - y);
    const epoch = this.nextEpoch();
    const touched: number[] = [];
    const acc = this.acc;
    let budget = this.postingBudget;
    for (const j of feats) {
      const t = idx.docIdx[j] ?? 0;
      const lo = this.rareOff[t] ?? 0;
      const hi = this.rareOff[t + 1] ?? 0;
      if (hi - lo > budget) continue;
      budget -= hi - lo;
      const w = vals[j - a] ?? 0;
      for (let m = lo; m < hi; m++) {
        const d = this.rareDoc[m] ?? 0;
        if (this.mark[d] !== epoch) {
          this.mark[d] = epoch;
          acc[d] = 0;
          if (d !== i) touched.push(d);
        }
        acc[d] = (acc[d] ?? 0) + w * (this.rareVal[m] ?? 0);
      }
      if (budget <= 0) break;
    }
    return selectTop(touched, acc, count);
  }

  /**
   * Candidate papers for paper i (itself excluded), ascending: its `semantic` nearest by LSA
   * cosine (ANN) and `lexical` nearest by the rare features' partial tf-idf cosine.
   */
  candidates(
    i: number,
    semantic = this.semanticCandidates,
    lexical = this.lexicalCandidates,
  ): number[] {
    const idx = this.index;
    const k = idx.dim;
    const out = new Set<number>();
    if (semantic > 0) {
      const q = idx.vectors.subarray(i * k, (i + 1) * k);
      const hits = this.ann.search(q, semantic + 1, { ef: Math.max(this.ef, semantic + 1) });
      for (const j of hits.ids) if (j !== i && out.size < semantic) out.add(j);
    }
    for (const j of this.lexicalNeighbours(i, lexical)) out.add(j);
    return [...out].sort((a, b) => a - b);
  }

  /** The exact mixed similarity of papers i and j (the value the exact path computes). */
  score(i: number, j: number): { mix: number; sem: number; lex: number } {
    const w = this.index.semanticWeight;
    const sem = this.index.semantic(i, j);
    const lex = this.index.lexical(i, j);
    return { mix: w * sem + (1 - w) * lex, sem, lex };
  }

  /** The k papers most similar to paper i (by index), among its candidates. */
  nearestOf(i: number, k = 10): SimilarPaper[] {
    const idx = this.index;
    if (!(i >= 0 && i < idx.n) || k <= 0) return [];
    const cands = this.candidates(i);
    const scored = cands.map((j) => ({ j, ...this.score(i, j) }));
    scored.sort((a, b) => b.mix - a.mix || a.j - b.j);
    return scored.slice(0, k).map((s) => ({
      id: idx.ids[s.j] ?? '',
      score: round(s.mix),
      reason: {
        sharedTerms: idx.sharedTerms(i, s.j),
        semantic: round(s.sem),
        lexical: round(s.lex),
      },
    }));
  }

  /** The k papers nearest to one paper (an unknown id gives an empty list). */
  similarTo(id: string, k = 10): SimilarPaper[] {
    const i = this.index.indexOf(id);
    return i === undefined ? [] : this.nearestOf(i, k);
  }

  /** The exact list of paper i (every paper scored: O(n); for checks and small corpora). */
  exactSimilarTo(i: number, k = 10): SimilarPaper[] {
    return i >= 0 && i < this.index.n ? nearestOf(this.index, i, k) : [];
  }

  /** For every paper, its k nearest other papers, best first: paper id → list. */
  nearestAll(
    k = 10,
    onProgress?: (done: number, total: number) => void,
  ): Map<string, SimilarPaper[]> {
    const out = new Map<string, SimilarPaper[]>();
    const n = this.index.n;
    for (let i = 0; i < n; i++) {
      out.set(this.index.ids[i] ?? '', this.nearestOf(i, k));
      if (onProgress && (i + 1) % 10_000 === 0) onProgress(i + 1, n);
    }
    onProgress?.(n, n);
    return out;
  }

  /**
   * "More like these" over candidates: one positive ranks its candidates by centroid similarity
   * (as moreLikeThese); two or more train the SVM on the positives, the explicit negatives, the
   * papers nearest the positives (each one's candidates and the ANN neighbours of their
   * centroid) and a seeded random sample of other papers, and rank the non-random ones. The
   * cost is bounded by pool + negativeSample + candidates, not n. semanticWeight and bigrams in
   * `opts` are those of the index (ignored here).
   */
  moreLikeThese(
    positives: readonly string[],
    negatives: readonly string[] = [],
    k = 20,
    opts: ApproxMoreLikeTheseOptions = {},
  ): MoreLikeTheseResult {
    const idx = this.index;
    const { pos, neg, unknown } = resolveSets(idx, positives, negatives);
    if (pos.length === 0) return { method: 'centroid', results: [], explanation: [], unknown };
    const excluded = new Set([...pos, ...neg]);
    const wanted = k + excluded.size;
    const pool = new Set<number>();
    for (const p of pos)
      for (const j of this.candidates(
        p,
        Math.max(this.semanticCandidates, wanted),
        Math.max(this.lexicalCandidates, wanted),
      ))
        pool.add(j);
    if (pos.length === 1) {
      const p = pos[0] ?? 0;
      const ranked = [...pool].filter((j) => !excluded.has(j));
      const score = new Float64Array(idx.n);
      for (const j of ranked) {
        let s = this.score(p, j).mix;
        if (neg.length) {
          let t = 0;
          for (const q of neg) t += this.score(q, j).mix;
          s -= (0.5 * t) / neg.length;
        }
        score[j] = s;
      }
      ranked.sort((a, b) => (score[b] ?? 0) - (score[a] ?? 0) || a - b);
      return {
        method: 'centroid',
        results: ranked.slice(0, k).map((j) => ({
          id: idx.ids[j] ?? '',
          score: round(score[j] ?? 0),
          terms: idx.sharedTerms(p, j),
        })),
        explanation: idx.readable(docWeights(idx, p), 10),
        unknown,
      };
    }
    // Around the centroid of the positives' LSA vectors.
    const dim = idx.dim;
    const centroid = new Float32Array(dim);
    for (const p of pos)
      for (let c = 0; c < dim; c++)
        centroid[c] = (centroid[c] ?? 0) + (idx.vectors[p * dim + c] ?? 0);
    let norm = 0;
    for (const x of centroid) norm += x * x;
    if (norm > 0) for (let c = 0; c < dim; c++) centroid[c] = (centroid[c] ?? 0) / Math.sqrt(norm);
    const poolSize = Math.max(opts.pool ?? 500, wanted);
    for (const j of this.ann.search(centroid, poolSize, { ef: Math.max(this.ef, poolSize) }).ids)
      pool.add(j);
    for (const i of excluded) pool.delete(i);
    // A seeded random sample of the rest: "everything else" for the SVM.
    const sample = new Set<number>();
    const want = Math.min(opts.negativeSample ?? 2000, idx.n - pool.size - excluded.size);
    const rand = mulberry32(opts.seed ?? 1);
    for (let tries = 0; sample.size < want && tries < 20 * want + 100; tries++) {
      const j = Math.floor(rand() * idx.n);
      if (!pool.has(j) && !excluded.has(j)) sample.add(j);
    }
    const rows = Uint32Array.from(new Set([...pos, ...neg, ...pool, ...sample])).sort();
    const m = rows.length;
    const c = opts.c ?? 0.1;
    const isPos = new Set(pos);
    const isNeg = new Set(neg);
    const cPos = (c * m) / (2 * pos.length);
    const cRest = (c * m) / (2 * Math.max(1, m - pos.length));
    const cNeg = Math.max(cRest, cPos * (opts.negativeWeight ?? 1));
    const labels = new Int8Array(m);
    const cost = new Float64Array(m);
    rows.forEach((i, p) => {
      labels[p] = isPos.has(i) ? 1 : -1;
      cost[p] = isPos.has(i) ? cPos : isNeg.has(i) ? cNeg : cRest;
    });
    const model = fitSvm(idx, rows, labels, cost, opts.maxEpochs ?? 300, 20200426);
    const decision = new Float64Array(idx.n);
    for (const j of pool) decision[j] = svmDecision(idx, model, j);
    const ranked = [...pool];
    const top = selectTop(ranked, decision, k);
    const allowed = new Set(top);
    return svmResult(idx, decision, termWeightsOf(model), k, (j) => allowed.has(j), unknown);
  }
}

/** The postings of the rare features (df ≤ maxDf), CSR by feature, papers in corpus order. */
interface RarePostings {
  off: Uint32Array;
  doc: Uint32Array;
  val: Float32Array;
}

function* rarePostings(idx: SimilarityIndex, maxDf: number): Generator<void, RarePostings> {
  const size = idx.terms.length;
  const off = new Uint32Array(size + 1);
  for (let t = 0; t < size; t++) {
    const d = idx.df[t] ?? 0;
    off[t + 1] = (off[t] ?? 0) + (d <= maxDf ? d : 0);
  }
  yield;
  const total = off[size] ?? 0;
  const doc = new Uint32Array(total);
  const val = new Float32Array(total);
  const fill = off.slice(0, size);
  // Papers in chunks, in a plain function (see similarityParts: generators' loops start slow).
  const papers = (from: number, to: number) => {
    for (let i = from; i < to; i++)
      for (let j = idx.docOff[i] ?? 0; j < (idx.docOff[i + 1] ?? 0); j++) {
        const t = idx.docIdx[j] ?? 0;
        if ((idx.df[t] ?? 0) > maxDf) continue;
        const at = fill[t] ?? 0;
        doc[at] = i;
        val[at] = idx.value(j, i);
        fill[t] = at + 1;
      }
  };
  for (let i = 0; i < idx.n; i += 16 * YIELD_EVERY) {
    papers(i, Math.min(idx.n, i + 16 * YIELD_EVERY));
    yield;
  }
  return { off, doc, val };
}

const maxPostingDfOf = (opts: ApproxSimilarOptions, n: number) =>
  opts.maxPostingDf ?? Math.max(100, Math.ceil(n / 100));

function checkAnn(input: SimilarInput, ann: HnswIndex): void {
  const n = input.ids.length;
  if (ann.size !== n || ann.dim !== input.dim)
    throw new Error(
      `similar: the ANN index has ${ann.size} × ${ann.dim} vectors, not ${n} × ${input.dim}`,
    );
}

/** For every paper, its k nearest other papers by the approximate path (see ApproxSimilarity). */
export function nearestPapersApprox(
  input: SimilarInput,
  k: number,
  opts: ApproxSimilarOptions,
  onProgress?: (done: number, total: number) => void,
): Map<string, SimilarPaper[]> {
  return new ApproxSimilarity(input, opts).nearestAll(k, onProgress);
}
