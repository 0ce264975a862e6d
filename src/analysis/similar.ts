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
// Everything is deterministic: fixed iteration orders, ties broken by corpus order.

import { fold, tokenize } from '../index/analyze.js';
import { mulberry32 } from '../core/random.js';

export interface SimilarInput {
  ids: readonly string[];
  /** The text of each paper (SearchIndex.semanticText: title twice, keywords, abstract). */
  texts: readonly string[];
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

/** The tf-idf side of a corpus: vocabulary with surface forms, document vectors, postings. */
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
  readonly docs: readonly SparseVec[];
  private readonly postings: { doc: Uint32Array; val: Float64Array }[];
  private readonly pos = new Map<string, number>();

  constructor(input: SimilarInput, opts: SimilarOptions = {}) {
    const { ids, texts, vectors, dim } = input;
    if (ids.length !== texts.length || vectors.length !== ids.length * dim)
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
    const useBigrams = opts.bigrams ?? true;

    // 1. Terms of each document (Porter roots, plus "root root" bigrams of adjacent words).
    const bags: Map<string, number>[] = [];
    const forms = new Map<string, Map<string, number>>();
    const addForm = (term: string, form: string) => {
      let m = forms.get(term);
      if (!m) forms.set(term, (m = new Map<string, number>()));
      m.set(form, (m.get(form) ?? 0) + 1);
    };
    for (const text of texts) {
      const bag = new Map<string, number>();
      let prev: { root: string; form: string; pos: number; start: number; end: number } | null =
        null;
      for (const t of tokenize(text)) {
        if (t.joined || !isContentWord(t.word)) {
          if (!t.joined) prev = null;
          continue;
        }
        const form = fold(text.slice(t.start, t.end));
        bag.set(t.root, (bag.get(t.root) ?? 0) + 1);
        addForm(t.root, form);
        // A bigram: two adjacent words of one compound ("semi-supervised"), or two plain words
        // with only spaces between them; never across "(" or "," and never half a compound
        // ("leverage semi-supervised" gives no "leverage semi").
        const gap = prev && prev.pos === t.pos - 1 ? text.slice(prev.end, t.start) : '';
        const sameCompound = gap === '-' || gap === '‐';
        const plainPair =
          /^[ \t\n]+$/.test(gap) &&
          !isHyphen(text[t.end]) &&
          prev !== null &&
          !isHyphen(text[prev.start - 1]);
        if (useBigrams && prev && (sameCompound || plainPair)) {
          const bi = `${prev.root} ${t.root}`;
          bag.set(bi, (bag.get(bi) ?? 0) + 1);
          addForm(bi, `${prev.form} ${form}`);
        }
        prev = { root: t.root, form, pos: t.pos, start: t.start, end: t.end };
      }
      bags.push(bag);
    }

    // 2. Vocabulary: in at least two papers (only shared terms relate papers), at most half.
    const dfMap = new Map<string, number>();
    for (const b of bags) for (const t of b.keys()) dfMap.set(t, (dfMap.get(t) ?? 0) + 1);
    const maxDf = Math.max(2, MAX_DF_RATIO * this.n);
    const vocab = [...dfMap]
      .filter(([, c]) => c >= 2 && c <= maxDf)
      .map(([t]) => t)
      .sort();
    const index = new Map(vocab.map((t, i) => [t, i]));
    this.terms = vocab;
    this.surface = vocab.map((t) => bestForm(forms.get(t)));
    this.df = Uint32Array.from(vocab, (t) => dfMap.get(t) ?? 0);
    const idf = Float64Array.from(this.df, (d) => Math.log((1 + this.n) / (1 + d)) + 1);

    // 3. Sublinear tf · idf, unit length.
    this.docs = bags.map((bag) => {
      const entries: [number, number][] = [];
      for (const [t, c] of bag) {
        const i = index.get(t);
        if (i !== undefined) entries.push([i, (1 + Math.log(c)) * (idf[i] ?? 0)]);
      }
      entries.sort((a, b) => a[0] - b[0]);
      const val = Float64Array.from(entries, (e) => e[1]);
      let norm = 0;
      for (const v of val) norm += v * v;
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let j = 0; j < val.length; j++) val[j] = (val[j] ?? 0) * inv;
      return { idx: Uint32Array.from(entries, (e) => e[0]), val };
    });

    this.topicality = this.computeTopicality(vocab.length);

    // 4. Postings, for sparse cosines against every paper at once.
    const counts = new Uint32Array(vocab.length);
    for (const d of this.docs) for (const t of d.idx) counts[t] = (counts[t] ?? 0) + 1;
    this.postings = [...counts].map((c) => ({ doc: new Uint32Array(c), val: new Float64Array(c) }));
    const fill = new Uint32Array(vocab.length);
    this.docs.forEach((d, i) => {
      for (let j = 0; j < d.idx.length; j++) {
        const t = d.idx[j] ?? 0;
        const p = this.postings[t];
        const at = fill[t] ?? 0;
        if (!p) continue;
        p.doc[at] = i;
        p.val[at] = d.val[j] ?? 0;
        fill[t] = at + 1;
      }
    });
  }

  private computeTopicality(size: number): Float64Array {
    const k = this.dim;
    const v = this.vectors;
    // Corpus mean pairwise cosine from the centroid: ‖Σv‖² = n + Σ_{i≠j} cos(i, j) for unit rows.
    const all = new Float64Array(k);
    let units = 0;
    for (let i = 0; i < this.n; i++) {
      let norm = 0;
      for (let c = 0; c < k; c++) norm += (v[i * k + c] ?? 0) ** 2;
      if (norm > 0) units++;
      for (let c = 0; c < k; c++) all[c] = (all[c] ?? 0) + (v[i * k + c] ?? 0);
    }
    const meanCos = units > 1 ? (sumSquares(all) - units) / (units * (units - 1)) : 0;
    const sums = new Float64Array(size * k);
    this.docs.forEach((d, i) => {
      for (const t of d.idx)
        for (let c = 0; c < k; c++) sums[t * k + c] = (sums[t * k + c] ?? 0) + (v[i * k + c] ?? 0);
    });
    const out = new Float64Array(size);
    for (let t = 0; t < size; t++) {
      const m = this.df[t] ?? 0;
      if (m < 2) continue;
      const pairMean = (sumSquares(sums.subarray(t * k, (t + 1) * k)) - m) / (m * (m - 1));
      out[t] = Math.max(0, Math.min(1, (pairMean - meanCos) / (1 - meanCos || 1)));
    }
    return out;
  }

  indexOf(id: string): number | undefined {
    return this.pos.get(id);
  }

  /** tf-idf cosine of paper i with every paper. */
  lexicalRow(i: number): Float64Array {
    const out = new Float64Array(this.n);
    const d = this.docs[i];
    if (!d) return out;
    for (let j = 0; j < d.idx.length; j++) {
      const p = this.postings[d.idx[j] ?? 0];
      const w = d.val[j] ?? 0;
      if (!p) continue;
      for (let m = 0; m < p.doc.length; m++) {
        const doc = p.doc[m] ?? 0;
        out[doc] = (out[doc] ?? 0) + w * (p.val[m] ?? 0);
      }
    }
    return out;
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
    const a = this.docs[i];
    const b = this.docs[j];
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

const cache = new WeakMap<SimilarInput, Map<string, SimilarityIndex>>();

/** The similarity index of an input, built once per input object and options. */
export function similarityIndex(input: SimilarInput, opts: SimilarOptions = {}): SimilarityIndex {
  const key = `${opts.semanticWeight ?? DEFAULT_SEMANTIC_WEIGHT}|${opts.bigrams ?? true}`;
  let byOpts = cache.get(input);
  if (!byOpts) cache.set(input, (byOpts = new Map<string, SimilarityIndex>()));
  let idx = byOpts.get(key);
  if (!idx) byOpts.set(key, (idx = new SimilarityIndex(input, opts)));
  return idx;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Indices of the k largest values of `score` among those `allowed`, ties by index. */
function topIndices(score: Float64Array, k: number, allowed: (j: number) => boolean): number[] {
  const idx: number[] = [];
  for (let j = 0; j < score.length; j++) if (allowed(j)) idx.push(j);
  idx.sort((a, b) => (score[b] ?? 0) - (score[a] ?? 0) || a - b);
  return idx.slice(0, k);
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
  const neg = toIdx(negatives).filter((i) => !pos.includes(i));
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
  const doc = idx.docs[p];
  const weights: [number, number][] = doc ? [...doc.idx].map((t, j) => [t, doc.val[j] ?? 0]) : [];
  return {
    method: 'centroid',
    results: topIndices(score, k, (j) => !excluded.has(j)).map((j) => ({
      id: idx.ids[j] ?? '',
      score: round(score[j] ?? 0),
      terms: idx.sharedTerms(p, j),
    })),
    explanation: idx.readable(weights, 10),
    unknown,
  };
}

/**
 * L2-regularised squared-hinge linear SVM by dual coordinate descent (Hsieh et al. 2008,
 * Algorithm 1 with D_ii = 1 / (2 C_i)), over x = [√(1−w)·tfidf, √w·lsa, 1]. Returns the
 * decision value of every paper and the weight of every tf-idf feature.
 */
export function trainLinearSvm(
  idx: SimilarityIndex,
  labels: Int8Array,
  cost: Float64Array,
  maxEpochs = 300,
  seed = 20200426,
): { decision: Float64Array; termWeights: Float64Array } {
  const n = idx.n;
  const k = idx.dim;
  const sl = Math.sqrt(1 - idx.semanticWeight);
  const ss = Math.sqrt(idx.semanticWeight);
  const wT = new Float64Array(idx.surface.length);
  const wS = new Float64Array(k);
  let wB = 0;
  const vec = idx.vectors;
  const dotW = (i: number) => {
    const d = idx.docs[i];
    let s = wB;
    if (d)
      for (let j = 0; j < d.idx.length; j++) s += sl * (d.val[j] ?? 0) * (wT[d.idx[j] ?? 0] ?? 0);
    const b = i * k;
    for (let c = 0; c < k; c++) s += ss * (vec[b + c] ?? 0) * (wS[c] ?? 0);
    return s;
  };
  const qii = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = idx.docs[i];
    let s = 1; // the bias feature
    if (d) for (const v of d.val) s += sl * sl * v * v;
    const b = i * k;
    for (let c = 0; c < k; c++) s += ss * ss * (vec[b + c] ?? 0) ** 2;
    qii[i] = s + 1 / (2 * (cost[i] ?? 1));
  }
  const alpha = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    // Seeded Fisher-Yates shuffle: a fixed, well-mixed update order per epoch.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = t;
    }
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (const i of order) {
      const y = labels[i] ?? 0;
      const a = alpha[i] ?? 0;
      const g = y * dotW(i) - 1 + a / (2 * (cost[i] ?? 1));
      const pg = a === 0 ? Math.min(g, 0) : g;
      maxPg = Math.max(maxPg, pg);
      minPg = Math.min(minPg, pg);
      if (Math.abs(pg) < 1e-12) continue;
      const next = Math.max(a - g / (qii[i] ?? 1), 0);
      const delta = (next - a) * y;
      if (delta === 0) continue;
      alpha[i] = next;
      const d = idx.docs[i];
      if (d)
        for (let j = 0; j < d.idx.length; j++) {
          const t = d.idx[j] ?? 0;
          wT[t] = (wT[t] ?? 0) + delta * sl * (d.val[j] ?? 0);
        }
      const b = i * k;
      for (let c = 0; c < k; c++) wS[c] = (wS[c] ?? 0) + delta * ss * (vec[b + c] ?? 0);
      wB += delta;
    }
    if (maxPg - minPg < 1e-4) break;
  }
  const decision = new Float64Array(n);
  for (let i = 0; i < n; i++) decision[i] = dotW(i);
  for (let t = 0; t < wT.length; t++) wT[t] = (wT[t] ?? 0) * sl;
  return { decision, termWeights: wT };
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
  const weights: [number, number][] = [...termWeights].map((w, t) => [t, w]);
  return {
    method: 'svm',
    results: topIndices(decision, k, (j) => !excluded.has(j)).map((j) => {
      const d = idx.docs[j];
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
