// Topics with names, in two levels: every paper gets one fine topic and one broad area (no
// outlier bin). Fine topics: Ward's agglomerative clustering of the papers' (LSA) vectors, refined
// by k-means iterations from Ward's partition (on ICLR 2020 this agreed best with the papers'
// curated and author keywords; bench/topics-quality.ts); topics under 3 papers are dissolved.
// Broad areas: Ward's clustering of the fine topics' centroid directions, weighted by size, so
// fine topics nest in areas by construction.
//
// Names: class-based tf-idf over words and bigrams (hyphenated compounds count as one word:
// few-shot, non-convex), each extended to the longer phrase it is usually part of (graph →
// graph neural networks, up to four words), preferring phrases that occur in titles; generic
// words (propose, novel, results) never name a topic and weak ones (learning, network) only
// inside a phrase; no term repeats the stems of earlier ones, and a label (one or two terms,
// 2–4 words) never repeats a Porter stem. Surface forms are the corpus's most frequent spelling
// (ImageNet, GANs, BERT keep their case; other words are title-cased); citations are ignored.
//
// Pure and deterministic: the input is sorted by id first, so the same papers in any order give
// the same topics; the default method uses no randomness at all, and `kmeans` a seeded PRNG.
//
// Large corpora (over TOPICS_SCALE_ABOVE papers, or with `largeCorpus: true`; the model's method
// is then `minibatch-kmeans`): Ward's clustering of the papers needs n² time and memory, so fine
// topics come from mini-batch k-means (Sculley 2010) over all papers — k-means++ seeding on a
// sample, a fixed number of mini-batches, one pass assigning every paper to its nearest center —
// with the same default number of topics capped at `maxFineTopics` (400: beyond that topics are
// too many to browse, and each pass costs n · k · dim); broad areas are capped in the same
// proportion (91) and found as above. Names and terms come from a sample of each topic's papers
// (`labelSample`: the nearest half and an even spread of the rest), by the same rules; central
// papers, sizes and top authors count all members. Memory stays O(n · dim) (the input) plus
// O(n) and the naming sample: no n × n or n × k matrix. Seeded by `seed`, so still deterministic.
// The nearest-center search, most of the clustering time, runs in WebAssembly SIMD when the
// runtime has it, with sums equal to the last bit to the JavaScript ones (`SimdDots`).

import { fold, stem, STOP_WORDS, tokenize, type Token } from '../index/analyze.js';
import { PairTable } from '../core/pair-table.js';
import { mulberry32 as prng } from '../core/random.js';

/** `minibatch-kmeans` is the large-corpus path (see `TOPICS_SCALE_ABOVE`). */
export type TopicMethod = 'ward' | 'kmeans' | 'ward-kmeans' | 'minibatch-kmeans';

export interface TopicOptions {
  /** Number of fine topics (default `round(fineFactor · √n)`, at most n / 3). */
  fineTopics?: number;
  /** Number of broad areas (default `round(broadFactor · √n)`). */
  broadAreas?: number;
  fineFactor: number;
  broadFactor: number;
  /** How fine topics are found (broad areas are always Ward on fine-topic centroids). */
  method: TopicMethod;
  seed: number;
  /** k-means++ restarts (the one with the lowest within-cluster sum of squares wins). */
  restarts: number;
  maxIterations: number;
  /** Cluster the directions of fine-topic centroids into areas (not the raw means). */
  unitCentroids: boolean;
  /** Fine topics smaller than this are dissolved into their nearest topics. */
  minTopicSize: number;
  centralPapers: number;
  terms: number;
  topAuthors: number;
  /** A term must be in this share of a topic's papers (and in at least 2) to describe it. */
  termSupport: number;
  /** Authors need this many papers in a topic to be listed among its top authors. */
  minAuthorCount: number;
  /**
   * Take the large-corpus path (mini-batch k-means, names from a sample): true forces it, false
   * never takes it; by default it is taken above `TOPICS_SCALE_ABOVE` papers (or with the method
   * `minibatch-kmeans`).
   */
  largeCorpus?: boolean;
  /** Large path: the default number of fine topics is capped at this. */
  maxFineTopics: number;
  /** Large path: mini-batches of this many papers (drawn with replacement)… */
  batchSize: number;
  /** … this many of them, after k-means++ seeding on a sample of `seedSample` papers… */
  miniBatches: number;
  seedSample: number;
  /** … then this many passes over all papers (1: assign each to its nearest center; more: Lloyd). */
  fullPasses: number;
  /** Large path: names and terms come from at most this many papers per fine topic. */
  labelSample: number;
  /**
   * Large path: find nearest centers with WebAssembly SIMD when the runtime has it (the same
   * sums to the last bit, so the same topics; about 4× faster); false: plain JavaScript only.
   */
  simd?: boolean;
}

/** Chosen on the ICLR 2020 corpus (bench/topics-quality.ts). */
export const DEFAULT_TOPICS: TopicOptions = {
  fineFactor: 2.2,
  broadFactor: 0.5,
  method: 'ward-kmeans',
  seed: 20200426,
  restarts: 8,
  maxIterations: 100,
  unitCentroids: true,
  minTopicSize: 3,
  centralPapers: 5,
  terms: 10,
  termSupport: 0.15,
  topAuthors: 5,
  minAuthorCount: 2,
  maxFineTopics: 400,
  batchSize: 2048,
  miniBatches: 150,
  seedSample: 4096,
  fullPasses: 1,
  labelSample: 100,
};

/**
 * Above this many papers `buildTopics` clusters by mini-batch k-means and names topics from a
 * sample: Ward's clustering of the papers needs n² memory and time (3.2 GB at 20,000 papers).
 */
export const TOPICS_SCALE_ABOVE = 20_000;

export interface TopicInput {
  ids: string[];
  /** The text each paper is described by (e.g. `SearchIndex.semanticText`), for naming. */
  texts: string[];
  /** Row-major n × dim paper vectors (e.g. LSA), in the order of `ids`. */
  vectors: Float32Array;
  dim: number;
  authors: string[][];
  /** Titles (phrases used in titles are preferred as names); default: each text's first sentence. */
  titles?: (string | null)[];
}

export interface Topic {
  /** `t3` for a broad area, `t3.2` for a fine topic inside it. */
  id: string;
  /** 1: broad area; 2: fine topic. */
  level: 1 | 2;
  /** The broad area of a fine topic. */
  parent?: string;
  /** 2–4 words, title-cased, e.g. `Graph Neural Networks, Molecules`. */
  label: string;
  /** The most distinctive terms and phrases, best first, no two with the same stems. */
  terms: string[];
  size: number;
  /** Papers nearest to the topic's centroid, nearest first. */
  centralPapers: string[];
  topAuthors: { name: string; count: number }[];
}

export interface TopicAssignment {
  fine: string;
  broad: string;
  /** Cosine similarity of the paper to its fine topic's centroid. */
  score: number;
}

export interface TopicModel {
  /** Broad areas (largest first), then fine topics (by area, largest first). */
  topics: Topic[];
  assignments: Map<string, TopicAssignment>;
  fineCount: number;
  broadCount: number;
  method: TopicMethod;
}

/**
 * The numbers of fine topics and broad areas for a corpus of n papers (on the large-corpus
 * path, the defaults are capped: see `maxFineTopics`).
 */
export function topicCounts(
  n: number,
  opts: Partial<TopicOptions> = {},
): { fine: number; broad: number } {
  const o = { ...DEFAULT_TOPICS, ...opts };
  if (n <= 0) return { fine: 0, broad: 0 };
  // The large path caps the defaults: fine topics at maxFineTopics, areas in the same proportion.
  const large = isLarge(n, o);
  const capFine = large ? o.maxFineTopics : Infinity;
  const capBroad = large
    ? Math.max(1, Math.round((o.maxFineTopics * o.broadFactor) / o.fineFactor))
    : Infinity;
  const fine = clampInt(
    o.fineTopics ?? Math.min(Math.round(o.fineFactor * Math.sqrt(n)), Math.floor(n / 3), capFine),
    1,
    n,
  );
  const broad = clampInt(
    o.broadAreas ?? Math.min(Math.round(o.broadFactor * Math.sqrt(n)), capBroad),
    1,
    fine,
  );
  return { fine, broad };
}

/** Does `buildTopics` take the large-corpus path for n papers? */
const isLarge = (n: number, o: TopicOptions) =>
  o.method === 'minibatch-kmeans' || (o.largeCorpus ?? n > TOPICS_SCALE_ABOVE);

const clampInt = (x: number, lo: number, hi: number) =>
  Math.max(lo, Math.min(hi, Math.round(Number.isFinite(x) ? x : lo)));

export function buildTopics(input: TopicInput, opts: Partial<TopicOptions> = {}): TopicModel {
  const o = { ...DEFAULT_TOPICS, ...opts };
  const n = input.ids.length;
  if (input.texts.length !== n || input.authors.length !== n)
    throw new Error('buildTopics: ids, texts and authors must have the same length');
  if (input.vectors.length !== n * input.dim)
    throw new Error(`buildTopics: vectors must hold ${n} × ${input.dim} numbers`);
  if (new Set(input.ids).size !== n) throw new Error('buildTopics: ids must be unique');
  if (n === 0)
    return { topics: [], assignments: new Map(), fineCount: 0, broadCount: 0, method: o.method };

  // Work in id order: the result cannot depend on the input order.
  const order = input.ids
    .map((_, i) => i)
    .sort((a, b) => cmp(input.ids[a] ?? '', input.ids[b] ?? ''));
  if (isLarge(n, o)) return buildTopicsLarge(input, order, o);
  const ids = order.map((i) => input.ids[i] ?? '');
  const texts = order.map((i) => input.texts[i] ?? '');
  const authors = order.map((i) => input.authors[i] ?? []);
  const dim = input.dim;
  const X = new Float64Array(n * dim);
  order.forEach((src, r) => {
    let s = 0;
    for (let c = 0; c < dim; c++) s += (input.vectors[src * dim + c] ?? 0) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < dim; c++) X[r * dim + c] = (input.vectors[src * dim + c] ?? 0) * inv;
  });

  const counts = topicCounts(n, o);
  let fine = clusterPoints(X, n, dim, counts.fine, o);
  fine = dissolveSmall(X, n, dim, fine, Math.min(o.minTopicSize, Math.floor(n / counts.fine)));
  const kFine = 1 + Math.max(...fine);
  const fineCentroids = centroids(X, n, dim, fine, kFine);
  const fineSizes = sizesOf(fine, kFine);
  const points = o.unitCentroids ? fineCentroids.map(unit) : fineCentroids;
  const areaOfFine = ward(points, fineSizes, kFine, dim, Math.min(counts.broad, kFine));
  const kBroad = 1 + Math.max(...areaOfFine);
  const broad = fine.map((f) => areaOfFine[f] ?? 0);

  // Stable ids: areas by size (then first member), fine topics likewise inside their area.
  const { broadIds, fineIds } = stableIds(broad, fine, kBroad, kFine, areaOfFine, fineSizes);

  const titles = input.titles ? order.map((i) => input.titles?.[i] ?? '') : undefined;
  const corpus = new TermCorpus(texts, titles);
  const fineDesc = describeClusters(corpus, fine, kFine, o.terms, o.termSupport);
  const broadDesc = describeClusters(corpus, broad, kBroad, o.terms, o.termSupport);

  const assignments = new Map<string, TopicAssignment>();
  const fineUnit = fineCentroids.map(unit);
  const score = ids.map((_, i) =>
    dotRow(X, i, dim, fineUnit[fine[i] ?? 0] ?? new Float64Array(dim)),
  );
  ids.forEach((id, i) =>
    assignments.set(id, {
      fine: fineIds[fine[i] ?? 0] ?? '',
      broad: broadIds[broad[i] ?? 0] ?? '',
      score: round6(score[i] ?? 0),
    }),
  );

  const topicOf = (labels: number[], level: 1 | 2, c: number): Topic => {
    const members = labels.flatMap((l, i) => (l === c ? [i] : []));
    const cen = unit(
      level === 2 ? (fineCentroids[c] ?? new Float64Array(dim)) : centroidOf(X, dim, members),
    );
    const central = members
      .map((i) => [dotRow(X, i, dim, cen), i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, o.centralPapers)
      .map(([, i]) => ids[i] ?? '');
    const desc = (level === 2 ? fineDesc : broadDesc)[c];
    const t: Topic = {
      id: level === 2 ? (fineIds[c] ?? '') : (broadIds[c] ?? ''),
      level,
      label: desc?.label ?? `Topic ${c + 1}`,
      terms: desc?.terms ?? [],
      size: members.length,
      centralPapers: central,
      topAuthors: topAuthors(
        members.map((i) => authors[i] ?? []),
        o.topAuthors,
        o.minAuthorCount,
      ),
    };
    if (level === 2) t.parent = broadIds[areaOfFine[c] ?? 0] ?? '';
    return t;
  };
  const broadTopics = [...Array(kBroad).keys()].map((a) => topicOf(broad, 1, a));
  const fineTopics = [...Array(kFine).keys()].map((f) => topicOf(fine, 2, f));
  const byId = (a: Topic, b: Topic) => cmpIds(a.id, b.id);
  return {
    topics: [...broadTopics.sort(byId), ...fineTopics.sort(byId)],
    assignments,
    fineCount: kFine,
    broadCount: kBroad,
    method: o.method,
  };
}

// ————————————————————————————————————————————— clustering

function clusterPoints(
  X: Float64Array,
  n: number,
  dim: number,
  k: number,
  o: TopicOptions,
): number[] {
  if (o.method === 'kmeans') return kmeans(X, n, dim, k, o).labels;
  const w = ward(rowsOf(X, n, dim), new Array<number>(n).fill(1), n, dim, k);
  if (o.method === 'ward') return w;
  return lloyd(X, n, dim, k, centroids(X, n, dim, w, k), o.maxIterations).labels;
}

// Hot loops read typed arrays with `as number` (indices in range) rather than `?? 0`: the
// fallback halved V8's speed there, and the sums are the same, in the same order.

function sqDist(X: Float64Array, i: number, dim: number, c: Float64Array): number {
  let s = 0;
  const base = i * dim;
  for (let d = 0; d < dim; d++) {
    const x = (X[base + d] as number) - (c[d] as number);
    s += x * x;
  }
  return s;
}

function dotRow(X: Float64Array, i: number, dim: number, c: Float64Array): number {
  let s = 0;
  const base = i * dim;
  for (let d = 0; d < dim; d++) s += (X[base + d] as number) * (c[d] as number);
  return s;
}

function rowsOf(X: Float64Array, n: number, dim: number): Float64Array[] {
  return [...Array(n).keys()].map((i) => X.slice(i * dim, (i + 1) * dim));
}

function unit(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return v.map((x) => x * inv);
}

function centroidOf(X: Float64Array, dim: number, members: number[]): Float64Array {
  const c = new Float64Array(dim);
  for (const i of members) for (let d = 0; d < dim; d++) c[d] = (c[d] ?? 0) + (X[i * dim + d] ?? 0);
  if (members.length > 0) for (let d = 0; d < dim; d++) c[d] = (c[d] ?? 0) / members.length;
  return c;
}

/** Mean vector of each cluster (labels 0..k-1). */
export function centroids(
  X: Float64Array,
  n: number,
  dim: number,
  labels: readonly number[],
  k: number,
): Float64Array[] {
  const c = [...Array(k).keys()].map(() => new Float64Array(dim));
  const size = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const l = labels[i] ?? 0;
    const v = c[l];
    if (!v) continue;
    size[l] = (size[l] ?? 0) + 1;
    for (let d = 0; d < dim; d++) v[d] = (v[d] ?? 0) + (X[i * dim + d] ?? 0);
  }
  c.forEach((v, l) => {
    const s = size[l] ?? 0;
    if (s > 0) for (let d = 0; d < dim; d++) v[d] = (v[d] ?? 0) / s;
  });
  return c;
}

/** Stable ids: areas by size (then first member) t1, t2…; fine topics likewise inside their area t1.1… */
function stableIds(
  broad: ArrayLike<number>,
  fine: ArrayLike<number>,
  kBroad: number,
  kFine: number,
  areaOfFine: readonly number[],
  fineSizes: readonly number[],
): { broadIds: string[]; fineIds: string[] } {
  const n = fine.length;
  const firstMember = (labels: ArrayLike<number>, k: number) => {
    const first = new Array<number>(k).fill(n);
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i] ?? 0;
      if (i < (first[l] ?? n)) first[l] = i;
    }
    return first;
  };
  const broadSizes = sizesOf(Array.from(broad), kBroad);
  const broadFirst = firstMember(broad, kBroad);
  const areaRank = rankBy(kBroad, (a) => [-(broadSizes[a] ?? 0), broadFirst[a] ?? 0]);
  const fineFirst = firstMember(fine, kFine);
  const fineIds: string[] = new Array<string>(kFine).fill('');
  const broadIds = areaRank.map((_, a) => `t${(areaRank[a] ?? 0) + 1}`);
  for (let a = 0; a < kBroad; a++) {
    const members = [...Array(kFine).keys()]
      .filter((f) => areaOfFine[f] === a)
      .sort(
        (x, y) =>
          (fineSizes[y] ?? 0) - (fineSizes[x] ?? 0) || (fineFirst[x] ?? 0) - (fineFirst[y] ?? 0),
      );
    members.forEach((f, j) => (fineIds[f] = `${broadIds[a] ?? ''}.${j + 1}`));
  }
  return { broadIds, fineIds };
}

function sizesOf(labels: readonly number[] | Int32Array, k: number): number[] {
  const s = new Array<number>(k).fill(0);
  for (const l of labels) s[l] = (s[l] ?? 0) + 1;
  return s;
}

/** Indices 0..k-1 → rank by the key (lexicographic, ascending). */
function rankBy(k: number, key: (i: number) => number[]): number[] {
  const keys = [...Array(k).keys()].map(key);
  const sorted = [...Array(k).keys()].sort((a, b) => {
    const ka = keys[a] ?? [];
    const kb = keys[b] ?? [];
    for (let j = 0; j < ka.length; j++) {
      const d = (ka[j] ?? 0) - (kb[j] ?? 0);
      if (d !== 0) return d;
    }
    return a - b;
  });
  const rank = new Array<number>(k).fill(0);
  sorted.forEach((c, r) => (rank[c] = r));
  return rank;
}

/**
 * Euclidean k-means: greedy k-means++ seeding (2 + ln k candidates a step) from a seeded PRNG,
 * then Lloyd's iterations; the best of `restarts` runs by within-cluster sum of squares.
 */
export function kmeans(
  X: Float64Array,
  n: number,
  dim: number,
  k: number,
  opts: { seed: number; restarts: number; maxIterations: number },
): { labels: number[]; sse: number } {
  let best: { labels: number[]; sse: number } | undefined;
  for (let r = 0; r < Math.max(1, opts.restarts); r++) {
    const init = kmeansPlusPlus(X, n, dim, k, prng(opts.seed + 7919 * r));
    const run = lloyd(X, n, dim, k, init, opts.maxIterations);
    if (!best || run.sse < best.sse - 1e-12) best = run;
  }
  return best ?? { labels: new Array<number>(n).fill(0), sse: 0 };
}

function kmeansPlusPlus(
  X: Float64Array,
  n: number,
  dim: number,
  k: number,
  rand: () => number,
  simd?: SimdDots,
): Float64Array[] {
  const trials = 2 + Math.floor(Math.log(k));
  // Squared distances of every point to c: the first points' in WebAssembly when given (the
  // same sums), the rest here.
  simd?.setRows(X, n, dim);
  const distances = (c: Float64Array, out: Float64Array) => {
    let i = 0;
    if (simd) {
      simd.x.set(c);
      simd.runSquares();
      out.set(simd.out);
      i = simd.out.length;
    }
    for (; i < n; i++) out[i] = sqDist(X, i, dim, c);
    return out;
  };
  const first = Math.min(n - 1, Math.floor(rand() * n));
  const centers = [X.slice(first * dim, (first + 1) * dim)];
  const closest = distances(centers[0] ?? new Float64Array(dim), new Float64Array(n));
  let potential = closest.reduce((a, b) => a + b, 0);
  while (centers.length < Math.min(k, n)) {
    let bestIdx = -1;
    let bestPot = Infinity;
    let bestDist: Float64Array | undefined;
    for (let t = 0; t < trials; t++) {
      // Draw a point with probability ∝ its squared distance to the nearest center.
      let target = rand() * potential;
      let cand = n - 1;
      for (let i = 0; i < n; i++) {
        target -= closest[i] as number;
        if (target <= 0) {
          cand = i;
          break;
        }
      }
      const dist = distances(X.slice(cand * dim, (cand + 1) * dim), new Float64Array(n));
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i] as number, dist[i] as number);
        dist[i] = v;
        pot += v;
      }
      if (pot < bestPot) {
        bestPot = pot;
        bestIdx = cand;
        bestDist = dist;
      }
    }
    if (bestIdx < 0 || !bestDist) break;
    centers.push(X.slice(bestIdx * dim, (bestIdx + 1) * dim));
    closest.set(bestDist);
    potential = bestPot;
  }
  while (centers.length < k) centers.push(new Float64Array(dim));
  return centers;
}

function nearestCenter(X: Float64Array, i: number, dim: number, C: Float64Array[], skip = -1) {
  let best = -1;
  let bestD = Infinity;
  C.forEach((c, j) => {
    if (j === skip) return;
    const d = sqDist(X, i, dim, c);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  });
  return { best, dist: bestD };
}

/** Lloyd's iterations from given centers; an emptied cluster takes the worst-fitting point. */
export function lloyd(
  X: Float64Array,
  n: number,
  dim: number,
  k: number,
  init: Float64Array[],
  maxIterations: number,
): { labels: number[]; sse: number } {
  let C: Float64Array[] = init.map((c) => c.slice());
  const labels = new Array<number>(n).fill(-1);
  const dist = new Float64Array(n);
  for (let it = 0; it < maxIterations; it++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const { best, dist: d } = nearestCenter(X, i, dim, C);
      dist[i] = d;
      if (labels[i] !== best) {
        labels[i] = best;
        changed = true;
      }
    }
    // Refill empty clusters with the points farthest from their centers (in a fixed order).
    const size = sizesOf(labels, k);
    for (let c = 0; c < k; c++) {
      if ((size[c] ?? 0) > 0) continue;
      let far = -1;
      for (let i = 0; i < n; i++)
        if ((size[labels[i] ?? 0] ?? 0) > 1 && (far < 0 || (dist[i] ?? 0) > (dist[far] ?? 0)))
          far = i;
      if (far < 0) break;
      size[labels[far] ?? 0] = (size[labels[far] ?? 0] ?? 0) - 1;
      labels[far] = c;
      size[c] = 1;
      dist[far] = 0;
      changed = true;
    }
    if (!changed && it > 0) break;
    C = centroids(X, n, dim, labels, k);
  }
  let sse = 0;
  for (let i = 0; i < n; i++) sse += sqDist(X, i, dim, C[labels[i] ?? 0] ?? new Float64Array(dim));
  return { labels, sse };
}

/**
 * Ward's agglomerative clustering of weighted points (clusters with sizes) by the nearest-neighbour
 * chain algorithm, cut at k clusters. Deterministic: ties go to the lower index. Labels 0..k-1
 * are numbered by first member.
 */
export function ward(
  points: readonly Float64Array[],
  sizes: readonly number[],
  n: number,
  dim: number,
  k: number,
): number[] {
  if (n === 0) return [];
  // D: the Ward distance 2·nᵢnⱼ/(nᵢ+nⱼ)·‖cᵢ − cⱼ‖² (for single points, the squared distance).
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = points[i] ?? new Float64Array(dim);
    const ni = sizes[i] ?? 1;
    for (let j = i + 1; j < n; j++) {
      const b = points[j] ?? new Float64Array(dim);
      const nj = sizes[j] ?? 1;
      let s = 0;
      for (let d = 0; d < dim; d++) s += ((a[d] ?? 0) - (b[d] ?? 0)) ** 2;
      const v = ((2 * ni * nj) / (ni + nj)) * s;
      D[i * n + j] = v;
      D[j * n + i] = v;
    }
  }
  const size = sizes.slice(0, n).map((s) => s);
  const active = new Uint8Array(n).fill(1);
  const merges: { a: number; b: number; h: number }[] = [];
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1] ?? 0;
    const prev = chain.length >= 2 ? (chain[chain.length - 2] ?? -1) : -1;
    let b = prev;
    let bd = prev >= 0 ? (D[a * n + prev] ?? Infinity) : Infinity;
    for (let j = 0; j < n; j++) {
      if (j === a || !active[j]) continue;
      const d = D[a * n + j] ?? Infinity;
      if (d < bd) {
        bd = d;
        b = j;
      }
    }
    if (b === prev && prev >= 0) {
      chain.pop();
      chain.pop();
      const keep = Math.min(a, b);
      const drop = Math.max(a, b);
      const na = size[a] ?? 1;
      const nb = size[b] ?? 1;
      const dab = D[a * n + b] ?? 0;
      merges.push({ a: keep, b: drop, h: dab });
      for (let j = 0; j < n; j++) {
        if (!active[j] || j === a || j === b) continue;
        const nj = size[j] ?? 1;
        const v =
          ((na + nj) * (D[a * n + j] ?? 0) + (nb + nj) * (D[b * n + j] ?? 0) - nj * dab) /
          (na + nb + nj);
        D[keep * n + j] = v;
        D[j * n + keep] = v;
      }
      size[keep] = na + nb;
      active[drop] = 0;
      remaining--;
    } else chain.push(b);
  }
  // Replay the n − k lowest merges (stable: a merge always follows those it builds on).
  const order = merges
    .map((_, i) => i)
    .sort((x, y) => (merges[x]?.h ?? 0) - (merges[y]?.h ?? 0) || x - y);
  const parent = [...Array(n).keys()];
  const find = (x: number): number => {
    while (parent[x] !== x) {
      const p = parent[x] ?? x;
      parent[x] = parent[p] ?? p;
      x = p;
    }
    return x;
  };
  for (const m of order.slice(0, Math.max(0, n - Math.max(1, k)))) {
    const e = merges[m];
    if (!e) continue;
    const ra = find(e.a);
    const rb = find(e.b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const label = new Map<number, number>();
  return [...Array(n).keys()].map((i) => {
    const r = find(i);
    let l = label.get(r);
    if (l === undefined) label.set(r, (l = label.size));
    return l;
  });
}

/** Dissolve clusters smaller than `min` into the nearest remaining centroids; relabel 0..k'-1. */
function dissolveSmall(X: Float64Array, n: number, dim: number, labels: number[], min: number) {
  let lab = labels.slice();
  for (;;) {
    const k = 1 + Math.max(...lab);
    const size = sizesOf(lab, k);
    let small = -1;
    for (let c = 0; c < k; c++)
      if (
        (size[c] ?? 0) > 0 &&
        (size[c] ?? 0) < min &&
        (small < 0 || (size[c] ?? 0) < (size[small] ?? 0))
      )
        small = c;
    if (small < 0 || size.filter((s) => s > 0).length <= 1) break;
    const C = centroids(X, n, dim, lab, k);
    const empty = new Float64Array(dim).fill(Infinity);
    const usable = C.map((c, j) => ((size[j] ?? 0) > 0 ? c : empty));
    lab = lab.map((l, i) => (l === small ? nearestCenter(X, i, dim, usable, small).best : l));
  }
  const map = new Map<number, number>();
  return lab.map((l) => {
    let m = map.get(l);
    if (m === undefined) map.set(l, (m = map.size));
    return m;
  });
}

// ————————————————————————————————————————————— large corpora

// The large-corpus path never holds an n × n or n × k matrix: the papers' vectors are read from
// the input in id order through `order` (normalised on the fly, one row at a time), fine topics
// come from Sculley's mini-batch k-means (2010) seeded by k-means++ on a sample, every paper is
// assigned once to its nearest center, and names come from a sample of each topic's papers.

/** The rows of the input in id order, each scaled to unit length (zero rows stay zero). */
class UnitRows {
  readonly n: number;
  readonly dim: number;
  private readonly v: Float32Array;
  private readonly order: readonly number[];
  private readonly inv: Float64Array;

  constructor(vectors: Float32Array, dim: number, order: readonly number[]) {
    this.n = order.length;
    this.dim = dim;
    this.v = vectors;
    this.order = order;
    this.inv = new Float64Array(this.n);
    for (let r = 0; r < this.n; r++) {
      const base = (order[r] ?? 0) * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += (vectors[base + d] ?? 0) ** 2;
      this.inv[r] = s > 0 ? 1 / Math.sqrt(s) : 0;
    }
  }

  /** Copy row r (in id order) into `out`. */
  load(r: number, out: Float64Array): Float64Array {
    const base = (this.order[r] ?? 0) * this.dim;
    const inv = this.inv[r] as number;
    const v = this.v;
    for (let d = 0; d < this.dim; d++) out[d] = (v[base + d] as number) * inv;
    return out;
  }
}

/** x · row c of C (k × dim, row-major), four partial sums for speed. */
function dotAt(x: Float64Array, C: Float64Array, c: number, dim: number): number {
  const base = c * dim;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += (x[d] as number) * (C[base + d] as number);
    s1 += (x[d + 1] as number) * (C[base + d + 1] as number);
    s2 += (x[d + 2] as number) * (C[base + d + 2] as number);
    s3 += (x[d + 3] as number) * (C[base + d + 3] as number);
  }
  for (; d < dim; d++) s0 += (x[d] as number) * (C[base + d] as number);
  return s0 + s1 + s2 + s3;
}

/**
 * The Euclidean-nearest center: ‖x − c‖² = ‖x‖² − 2 (x·c − ‖c‖²/2), so the largest x·c − half[c]
 * (half[c] = ‖c‖²/2; Infinity rules a center out). Ties go to the lower index.
 */
function nearestRow(
  x: Float64Array,
  C: Float64Array,
  half: Float64Array,
  k: number,
  dim: number,
  pre?: Float64Array,
) {
  let best = 0;
  let bestV = -Infinity;
  const take = (c: number, dot: number) => {
    const v = dot - (half[c] as number);
    if (v > bestV) {
      bestV = v;
      best = c;
    }
  };
  // `pre`: x · c of the first centers (a multiple of 8, summed as below: see SimdDots).
  let c = 0;
  if (pre) for (; c < pre.length; c++) take(c, pre[c] as number);
  // Four centers at a time: each x[d] is read once for four products (about 1.7× faster).
  for (; c + 3 < k; c += 4) {
    const b0 = c * dim;
    const b1 = b0 + dim;
    const b2 = b1 + dim;
    const b3 = b2 + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < dim; d++) {
      const xd = x[d] as number;
      s0 += xd * (C[b0 + d] as number);
      s1 += xd * (C[b1 + d] as number);
      s2 += xd * (C[b2 + d] as number);
      s3 += xd * (C[b3 + d] as number);
    }
    take(c, s0);
    take(c + 1, s1);
    take(c + 2, s2);
    take(c + 3, s3);
  }
  for (; c < k; c++) take(c, dotAt(x, C, c, dim));
  return best;
}

// The WebAssembly API, in the few types used here (its declarations come with the DOM library,
// which this project does not load).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const Wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The module below, compiled once (null: no WebAssembly, or no SIMD in it). */
let simdModule: object | null | undefined;

/**
 * x · c for groups of 8 centers in WebAssembly with 128-bit SIMD (two doubles a register). Each
 * lane sums its center's products in the order of `nearestRow`'s four-center blocks, with the
 * same roundings (one multiply, then one add, per dimension), so the dot products are equal to
 * the last bit; it runs about 4× faster than V8's scalar code, as 4 registers (8 centers) are
 * summed at once. Memory: x (dim doubles), the dots (8 a group), then the centers group by group,
 * dimension by dimension, 8 doubles (one per center of the group).
 */
class SimdDots {
  private readonly memory: WasmMemory;
  private readonly dots: WasmKernel;
  private readonly sqdists: WasmKernel;
  private groups = 0;
  private dim = 0;
  /** Copy the row here before `run`. */
  x = new Float64Array(0);
  /** After `run`: x · c for the first 8 · groups centers (after `runSquares`: ‖c − x‖²). */
  out = new Float64Array(0);

  private constructor(instance: { exports: unknown }) {
    const e = instance.exports as { memory: WasmMemory; dots: WasmKernel; sqdists: WasmKernel };
    this.memory = e.memory;
    this.dots = e.dots;
    this.sqdists = e.sqdists;
  }

  static create(): SimdDots | undefined {
    if (simdModule === undefined) {
      try {
        simdModule = Wasm ? new Wasm.Module(simdDotsWasm()) : null;
      } catch {
        simdModule = null;
      }
    }
    return simdModule && Wasm ? new SimdDots(new Wasm.Instance(simdModule, {})) : undefined;
  }

  /** Lay out the centers: the groups of 8 within the four-center blocks of `nearestRow`. */
  setCenters(C: Float64Array, k: number, dim: number): void {
    this.setRows(C, k - (k % 4), dim);
  }

  /** Lay out the first 8 · ⌊count / 8⌋ rows of C (row-major, `dim` columns). */
  setRows(C: Float64Array, count: number, dim: number): void {
    const groups = Math.floor(count / 8);
    const doubles = dim + 8 * groups + groups * dim * 8;
    const have = this.memory.buffer.byteLength;
    if (8 * doubles > have) this.memory.grow(Math.ceil((8 * doubles - have) / 65536));
    const f = new Float64Array(this.memory.buffer, 0, doubles);
    this.groups = groups;
    this.dim = dim;
    this.x = f.subarray(0, dim);
    this.out = f.subarray(dim, dim + 8 * groups);
    let at = dim + 8 * groups;
    for (let g = 0; g < groups; g++)
      for (let d = 0; d < dim; d++)
        for (let j = 0; j < 8; j++) f[at++] = C[(8 * g + j) * dim + d] as number;
  }

  run(): void {
    const { dim, groups } = this;
    this.dots(0, 8 * (dim + 8 * groups), 8 * dim, groups, dim);
  }

  /** Squared distances: Σ (c[d] − x[d])², in the order and roundings of `sqDist`. */
  runSquares(): void {
    const { dim, groups } = this;
    this.sqdists(0, 8 * (dim + 8 * groups), 8 * dim, groups, dim);
  }
}

type WasmKernel = (x: number, g: number, out: number, groups: number, dim: number) => void;

/**
 * The WebAssembly module of SimdDots: two functions of (x, g, out, groups, dim) (byte offsets),
 * and its memory. dots, as text:
 *   for (g = 0; g < groups; g++) { a0..a3 = 0
 *     for (d = 0; d < dim; d++) { xv = f64x2.splat(x[d]); p = g + (g·dim + d)·64
 *       aj = f64x2.add(aj, f64x2.mul(xv, v128.load(p + 16j))) for j = 0..3 }
 *     v128.store(out + 64g + 16j, aj) for j = 0..3 }
 * sqdists: the same with t = f64x2.sub(v128.load(p + 16j), xv); aj = f64x2.add(aj, f64x2.mul(t, t)).
 */
function simdDotsWasm(): Uint8Array {
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      const b = n & 0x7f;
      n >>>= 7;
      out.push(n ? b | 0x80 : b);
    } while (n);
    return out;
  };
  const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32 = (v: number) => [0x41, v]; // constants 0..63 only (one signed LEB byte)
  const simd = (op: number) => [0xfd, ...leb(op)];
  const [LOAD, STORE, CONST, SPLAT, ADD, SUB, MUL] = [0x00, 0x0b, 0x0c, 0x14, 0xf0, 0xf1, 0xf2];
  // Parameters x, g, out, groups, dim; locals gi, d, p (i32), xv, a0..a3, t (v128).
  const [X, G, OUT, GROUPS, DIM, GI, D, P, XV, A, T] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13];
  const lanes = [0, 1, 2, 3];
  const load = (j: number) => [...get(P), ...simd(LOAD), 4, 16 * j];
  const dot = (j: number) => [...get(A + j), ...get(XV), ...load(j), ...simd(MUL), ...simd(ADD)];
  const square = (j: number) => [
    ...get(A + j),
    ...load(j),
    ...get(XV),
    ...simd(SUB),
    ...[0x22, T], // local.tee
    ...get(T),
    ...simd(MUL),
    ...simd(ADD),
  ];
  const body = (step: (j: number) => number[]) => [
    ...[0x02, 0x40, 0x03, 0x40], // block loop (over groups)
    ...get(GI),
    ...get(GROUPS),
    ...[0x4f, 0x0d, 1], // i32.ge_u br_if 1
    ...lanes.flatMap((j) => [...simd(CONST), ...new Array<number>(16).fill(0), ...set(A + j)]),
    ...i32(0),
    ...set(D),
    ...[0x02, 0x40, 0x03, 0x40], // block loop (over dimensions)
    ...get(D),
    ...get(DIM),
    ...[0x4f, 0x0d, 1],
    ...[...get(X), ...get(D), ...i32(3), 0x74, 0x6a, 0x2b, 3, 0], // f64.load x + 8d
    ...simd(SPLAT),
    ...set(XV),
    ...[...get(G), ...get(GI), ...get(DIM), 0x6c, ...get(D), 0x6a, ...i32(6), 0x74, 0x6a],
    ...set(P),
    ...lanes.flatMap((j) => [...step(j), ...set(A + j)]),
    ...[...get(D), ...i32(1), 0x6a, ...set(D), 0x0c, 0], // d++, br 0
    ...[0x0b, 0x0b],
    ...lanes.flatMap((j) => [
      ...[...get(OUT), ...get(GI), ...i32(6), 0x74, 0x6a],
      ...get(A + j),
      ...simd(STORE),
      4,
      16 * j,
    ]),
    ...[...get(GI), ...i32(1), 0x6a, ...set(GI), 0x0c, 0], // gi++, br 0
    ...[0x0b, 0x0b, 0x0b],
  ];
  const code = (step: (j: number) => number[]) => {
    const c = [2, 3, 0x7f, 6, 0x7b, ...body(step)]; // locals: 3 × i32, 6 × v128
    return [...leb(c.length), ...c];
  };
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // (i32 × 5) → ()
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0, 1]), // memory: 1 page, grown by setRows
    ...section(7, [3, ...name('dots'), 0, 0, ...name('sqdists'), 0, 1, ...name('memory'), 2, 0]),
    ...section(10, [2, ...code(dot), ...code(square)]),
  ]);
}

/**
 * For each row x of X (n × dim), row by row: x · c for the centers c of C (k × dim) that
 * SimdDots takes (the first 8 · ⌊k′/8⌋, k′ the multiple of 4 below k), and ‖c − x‖² for the
 * first 8 · ⌊k/8⌋; undefined when the runtime has no WebAssembly SIMD. For tests: they must
 * equal the plain sums to the last bit.
 */
export function simdKernels(
  X: Float64Array,
  n: number,
  C: Float64Array,
  k: number,
  dim: number,
): { dots: Float64Array; squares: Float64Array } | undefined {
  const simd = SimdDots.create();
  if (!simd) return undefined;
  const each = (run: () => void) => {
    const m = simd.out.length;
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      simd.x.set(X.subarray(i * dim, (i + 1) * dim));
      run();
      out.set(simd.out, i * m);
    }
    return out;
  };
  simd.setCenters(C, k, dim);
  const dots = each(() => simd.run());
  simd.setRows(C, k, dim);
  return { dots, squares: each(() => simd.runSquares()) };
}

/** Nearest centers of rows for one set of centers, with SimdDots when given. */
class NearestCenters {
  private readonly buf: Float64Array;

  constructor(
    private readonly rows: UnitRows,
    private readonly C: Float64Array,
    private readonly half: Float64Array,
    private readonly k: number,
    private readonly simd: SimdDots | undefined,
  ) {
    this.buf = new Float64Array(rows.dim);
    simd?.setCenters(C, k, rows.dim);
  }

  of(r: number): number {
    const { rows, C, half, k, simd } = this;
    if (!simd) return nearestRow(rows.load(r, this.buf), C, half, k, rows.dim);
    rows.load(r, simd.x);
    simd.run();
    return nearestRow(simd.x, C, half, k, rows.dim, simd.out);
  }
}

function halfNorms(C: Float64Array, k: number, dim: number): Float64Array {
  const h = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += (C[c * dim + d] ?? 0) ** 2;
    h[c] = s / 2;
  }
  return h;
}

/** `m` distinct indices of 0..n-1 (all when m ≥ n), ascending, from a seeded PRNG. */
function sampleIndices(n: number, m: number, rand: () => number): number[] {
  if (m >= n) return [...Array(n).keys()];
  const picked = new Uint8Array(n);
  const out: number[] = [];
  // Floyd's algorithm: m draws, each new.
  for (let j = n - m; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    const x = picked[t] ? j : t;
    picked[x] = 1;
    out.push(x);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Mini-batch k-means (Sculley 2010) over all rows: k-means++ seeding on `seedSample` rows, then
 * `miniBatches` batches of `batchSize` rows drawn with replacement; each center moves to the
 * running mean of the rows assigned to it so far (learning rate 1 / count). Returns the centers
 * (k × dim; a center never chosen keeps its seed).
 */
function miniBatchKmeans(
  rows: UnitRows,
  k: number,
  opts: { seed: number; batchSize: number; miniBatches: number; seedSample: number },
  simd: SimdDots | undefined,
): Float64Array {
  const { n, dim } = rows;
  const rand = prng(opts.seed);
  const seedRows = sampleIndices(n, Math.max(k, opts.seedSample), rand);
  const S = new Float64Array(seedRows.length * dim);
  const buf = new Float64Array(dim);
  seedRows.forEach((r, j) => S.set(rows.load(r, buf), j * dim));
  const init = kmeansPlusPlus(S, seedRows.length, dim, k, rand, simd);
  const C = new Float64Array(k * dim);
  init.forEach((c, j) => C.set(c, j * dim));
  const count = new Float64Array(k);
  const b = Math.max(1, Math.min(opts.batchSize, n));
  const batch = new Int32Array(b);
  const label = new Int32Array(b);
  for (let t = 0; t < opts.miniBatches; t++) {
    for (let j = 0; j < b; j++) batch[j] = Math.min(n - 1, Math.floor(rand() * n));
    // Assign the whole batch to the current centers, then take the gradient steps in order.
    const nearest = new NearestCenters(rows, C, halfNorms(C, k, dim), k, simd);
    for (let j = 0; j < b; j++) label[j] = nearest.of(batch[j] ?? 0);
    for (let j = 0; j < b; j++) {
      const c = label[j] ?? 0;
      const v = (count[c] ?? 0) + 1;
      count[c] = v;
      const eta = 1 / v;
      rows.load(batch[j] ?? 0, buf);
      const base = c * dim;
      for (let d = 0; d < dim; d++)
        C[base + d] = (C[base + d] as number) * (1 - eta) + (buf[d] as number) * eta;
    }
  }
  return C;
}

/** Assign every row to its nearest center (centers marked in `skip` excluded). */
function assignAll(
  rows: UnitRows,
  C: Float64Array,
  k: number,
  labels: Int32Array,
  simd: SimdDots | undefined,
  skip?: readonly boolean[],
): void {
  const { n, dim } = rows;
  const half = halfNorms(C, k, dim);
  skip?.forEach((x, c) => {
    if (x) half[c] = Infinity;
  });
  const nearest = new NearestCenters(rows, C, half, k, simd);
  for (let r = 0; r < n; r++) labels[r] = nearest.of(r);
}

/** Means (k × dim) and sizes of the clusters of a labelling. */
function meansOf(rows: UnitRows, labels: Int32Array, k: number) {
  const { n, dim } = rows;
  const sum = new Float64Array(k * dim);
  const size = new Array<number>(k).fill(0);
  const buf = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    const l = labels[r] ?? 0;
    size[l] = (size[l] ?? 0) + 1;
    rows.load(r, buf);
    const base = l * dim;
    for (let d = 0; d < dim; d++) sum[base + d] = (sum[base + d] as number) + (buf[d] as number);
  }
  for (let l = 0; l < k; l++) {
    const s = size[l] ?? 0;
    if (s > 0) for (let d = 0; d < dim; d++) sum[l * dim + d] = (sum[l * dim + d] ?? 0) / s;
  }
  return { means: sum, size };
}

/** Members of each cluster, ascending: `members[start[c] .. start[c + 1])`. */
function groupBy(labels: Int32Array, k: number) {
  const start = new Int32Array(k + 1);
  for (const l of labels) start[l + 1] = (start[l + 1] ?? 0) + 1;
  for (let c = 0; c < k; c++) start[c + 1] = (start[c + 1] ?? 0) + (start[c] ?? 0);
  const fill = start.slice(0, k);
  const members = new Int32Array(labels.length);
  labels.forEach((l, r) => {
    const at = fill[l] ?? 0;
    members[at] = r;
    fill[l] = at + 1;
  });
  return { start, members };
}

function buildTopicsLarge(
  input: TopicInput,
  order: readonly number[],
  o: TopicOptions,
): TopicModel {
  const n = order.length;
  const dim = input.dim;
  const rows = new UnitRows(input.vectors, dim, order);
  const ids = order.map((i) => input.ids[i] ?? '');
  const counts = topicCounts(n, o);
  const k0 = counts.fine;

  // Fine topics: mini-batch k-means, one full assignment, small topics dissolved.
  const simd = o.simd === false ? undefined : SimdDots.create();
  const C = miniBatchKmeans(rows, k0, o, simd);
  const raw = new Int32Array(n);
  assignAll(rows, C, k0, raw, simd);
  let { means, size } = meansOf(rows, raw, k0);
  // Optional Lloyd iterations over all rows (each costs one more assignment pass).
  for (let pass = 1; pass < o.fullPasses; pass++) {
    const empty = size.map((s) => s === 0);
    assignAll(rows, means, k0, raw, simd, empty);
    ({ means, size } = meansOf(rows, raw, k0));
  }
  const min = Math.min(o.minTopicSize, Math.floor(n / k0));
  const alive = size.map((s) => s >= min);
  if (!alive.some(Boolean)) alive[size.indexOf(Math.max(...size))] = true;
  if (size.some((s, c) => s > 0 && !alive[c])) {
    const half = halfNorms(means, k0, dim);
    alive.forEach((a, c) => {
      if (!a) half[c] = Infinity;
    });
    const nearest = new NearestCenters(rows, means, half, k0, simd);
    for (let r = 0; r < n; r++) if (!alive[raw[r] ?? 0]) raw[r] = nearest.of(r);
    ({ means, size } = meansOf(rows, raw, k0));
  }
  // Number the topics 0..kFine-1 by first member (in id order).
  const renum = new Int32Array(k0).fill(-1);
  let kFine = 0;
  const fine = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const l = raw[r] ?? 0;
    if ((renum[l] ?? -1) < 0) renum[l] = kFine++;
    fine[r] = renum[l] ?? 0;
  }
  const fineCentroids: Float64Array[] = new Array<Float64Array>(kFine);
  const fineSizes = new Array<number>(kFine).fill(0);
  renum.forEach((f, l) => {
    if (f < 0) return;
    fineCentroids[f] = means.slice(l * dim, (l + 1) * dim);
    fineSizes[f] = size[l] ?? 0;
  });

  // Broad areas: Ward's clustering of the fine topics' centroids, as on the small path.
  const fineUnit = fineCentroids.map(unit);
  const points = o.unitCentroids ? fineUnit : fineCentroids;
  const areaOfFine = ward(points, fineSizes, kFine, dim, Math.min(counts.broad, kFine));
  const kBroad = 1 + Math.max(...areaOfFine);
  const broad = fine.map((f) => areaOfFine[f] ?? 0);

  // Stable ids, as on the small path.
  const { broadIds, fineIds } = stableIds(broad, fine, kBroad, kFine, areaOfFine, fineSizes);

  // Each paper's cosine to its fine topic's centroid; to its area's centroid (for central papers).
  const areaUnit = [...Array(kBroad).keys()].map((a) => {
    const c = new Float64Array(dim);
    fineCentroids.forEach((m, f) => {
      if (areaOfFine[f] !== a) return;
      const w = fineSizes[f] ?? 0;
      for (let d = 0; d < dim; d++) c[d] = (c[d] ?? 0) + w * (m[d] ?? 0);
    });
    return unit(c);
  });
  const fineU = new Float64Array(kFine * dim);
  fineUnit.forEach((u, f) => fineU.set(u, f * dim));
  const areaU = new Float64Array(kBroad * dim);
  areaUnit.forEach((u, a) => areaU.set(u, a * dim));
  const score = new Float64Array(n);
  const areaScore = new Float64Array(n);
  const buf = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    rows.load(r, buf);
    score[r] = dotAt(buf, fineU, fine[r] ?? 0, dim);
    areaScore[r] = dotAt(buf, areaU, broad[r] ?? 0, dim);
  }

  // Members of each fine topic, nearest to the centroid first; the naming sample takes the
  // nearest half and spreads the other half evenly over the rest of that ranking.
  const byFine = groupBy(fine, kFine);
  const ranked = (g: { start: Int32Array; members: Int32Array }, c: number, s: Float64Array) =>
    [...g.members.subarray(g.start[c] ?? 0, g.start[c + 1] ?? 0)].sort(
      (a, b) => (s[b] ?? 0) - (s[a] ?? 0) || a - b,
    );
  const fineCentral: number[][] = [];
  const sample: number[] = [];
  for (let f = 0; f < kFine; f++) {
    const list = ranked(byFine, f, score);
    fineCentral.push(list.slice(0, o.centralPapers));
    const m = Math.min(list.length, o.labelSample);
    const near = Math.ceil(m / 2);
    for (let j = 0; j < near; j++) sample.push(list[j] ?? 0);
    const rest = list.length - near;
    for (let j = 0; j < m - near; j++)
      sample.push(list[near + Math.floor(((j + 0.5) * rest) / (m - near))] ?? 0);
  }
  sample.sort((a, b) => a - b);
  const byBroad = groupBy(broad, kBroad);
  const broadCentral = [...Array(kBroad).keys()].map((a) =>
    ranked(byBroad, a, areaScore).slice(0, o.centralPapers),
  );

  // Names and terms from the sample, by the same rules as on the small path.
  const sTexts = sample.map((r) => input.texts[order[r] ?? 0] ?? '');
  const sTitles = input.titles ? sample.map((r) => input.titles?.[order[r] ?? 0] ?? '') : undefined;
  const corpus = new TermCorpus(sTexts, sTitles);
  const sFine = sample.map((r) => fine[r] ?? 0);
  const fineDesc = describeClusters(corpus, sFine, kFine, o.terms, o.termSupport);
  const broadDesc = describeClusters(
    corpus,
    sFine.map((f) => areaOfFine[f] ?? 0),
    kBroad,
    o.terms,
    o.termSupport,
  );

  const assignments = new Map<string, TopicAssignment>();
  ids.forEach((id, r) =>
    assignments.set(id, {
      fine: fineIds[fine[r] ?? 0] ?? '',
      broad: broadIds[broad[r] ?? 0] ?? '',
      score: round6(score[r] ?? 0),
    }),
  );

  // Top authors over all members (each name folded once).
  const keyCache = new Map<string, string>();
  const authorsOf = (g: { start: Int32Array; members: Int32Array }, c: number) =>
    [...g.members.subarray(g.start[c] ?? 0, g.start[c + 1] ?? 0)].map(
      (r) => input.authors[order[r] ?? 0] ?? [],
    );
  const topicOf = (level: 1 | 2, c: number): Topic => {
    const desc = (level === 2 ? fineDesc : broadDesc)[c];
    const g = level === 2 ? byFine : byBroad;
    const t: Topic = {
      id: level === 2 ? (fineIds[c] ?? '') : (broadIds[c] ?? ''),
      level,
      label: desc?.label ?? `Topic ${c + 1}`,
      terms: desc?.terms ?? [],
      size: (g.start[c + 1] ?? 0) - (g.start[c] ?? 0),
      centralPapers: ((level === 2 ? fineCentral : broadCentral)[c] ?? []).map((r) => ids[r] ?? ''),
      topAuthors: topAuthors(authorsOf(g, c), o.topAuthors, o.minAuthorCount, keyCache),
    };
    if (level === 2) t.parent = broadIds[areaOfFine[c] ?? 0] ?? '';
    return t;
  };
  const broadTopics = [...Array(kBroad).keys()].map((a) => topicOf(1, a));
  const fineTopics = [...Array(kFine).keys()].map((f) => topicOf(2, f));
  const byId = (a: Topic, b: Topic) => cmpIds(a.id, b.id);
  return {
    topics: [...broadTopics.sort(byId), ...fineTopics.sort(byId)],
    assignments,
    fineCount: kFine,
    broadCount: kBroad,
    method: 'minibatch-kmeans',
  };
}

// ————————————————————————————————————————————— naming

// Words that never name a topic (by Porter stem), and words that name one only inside a phrase
// with a more specific word (learning → reinforcement learning; not neural network).
const GENERIC = new Set(
  (
    'propose proposed show shows result results method methods approach approaches novel ' +
    'demonstrate experiment experiments experimental performance perform based work works problem ' +
    'problems existing new different state art significantly significant well outperform achieve ' +
    'provide present introduce effective effectively can one two three first second various several ' +
    'many often large small high low higher lower larger smaller fewer further et al e g ie eg ' +
    'important improve improvement improved compared furthermore moreover recent recently typically ' +
    'commonly widely make take given lead study studies consider simple key better best able allow ' +
    'allows across even though set techniques technique way ways number prior find found need needs ' +
    'demonstrates empirical empirically extensive strong competitive main known code available www ' +
    'http https com github open source benchmark benchmarks previous specific standard particular ' +
    'instead achieves obtain obtains usually called like require requires required end discuss rely ' +
    'relies encourage encouraging impressive applicable limited understanding sense thing things ' +
    'remarkable remain remains success successful promising crucial challenging challenge ' +
    'challenges fail fails paradigm practice practical real world wide range variety vs good ' +
    'enough pay emerge emerges along try four five short free extra beyond suffice define move ' +
    'respect explain increase increased reduce reduced reducing primary part types critical ' +
    'benefit benefits single identify identifying predicting complex building solve solving ' +
    'discovering reconstructing extracted incrementally exponentially provably optimal near ' +
    'expected constant consistent reliable relevant combination reduction variant accelerate ' +
    'towards toward revisiting revisited rethinking understanding matter matters approximately ' +
    'really better faster fast hard easy simple simpler efficiently unified scratch little much ' +
    'lot million millions billion billions thousand thousands hundred hundreds dozen'
  )
    .split(' ')
    .map((w) => stem(w)),
);
const WEAK = new Set(
  (
    'learning learn model models network networks neural deep data training train trained ' +
    'algorithm algorithms task tasks framework system systems function functions machine ' +
    'neurons layer layers input inputs output outputs information process properties dnn dnns ' +
    'nn nns architecture architectures scale efficient efficiency accuracy performance loss ' +
    'representation representations'
  )
    .split(' ')
    .map((w) => stem(w)),
);

// Words a multi-word name does not end in (graph neural → graph neural network).
const NO_END = new Set(
  (
    'neural deep convolutional recurrent generative adversarial efficient robust stochastic ' +
    'variational multi non self pre semi training'
  )
    .split(' ')
    .map((w) => stem(w)),
);

// -ing words that start long noun phrases (graph matching networks); other -ing words start a
// title's verb phrase there (learning disentangled representations).
const NOUN_ING = new Set(
  (
    'sampling clustering embedding pruning matching planning reasoning programming processing ' +
    'computing encoding decoding reading building ranking routing tracking parsing scaling ' +
    'labeling labelling pooling smoothing hashing mixing meta-learning'
  ).split(' '),
);

/** A word, or a hyphenated compound taken whole (few-shot, non-convex, state-of-the-art). */
interface Unit {
  /** Light-stemmed parts joined by spaces: the same key as the spaced phrase (meta-learning). */
  key: string;
  /** Porter stems of the parts (the diversity rule and the word lists use these). */
  roots: string[];
  /** Folded parts joined by hyphens. */
  surface: string;
  /** The tokens it is made of (offsets into the text, for the original spelling). */
  parts: Token[];
  /** Directly followed (only whitespace between) by the next unit. */
  next: boolean;
}

const CITATIONS = [
  /\([^()]*\b(?:19|20)\d\d[a-z]?\b[^()]*\)/g,
  /\b\p{Lu}[\p{L}'’-]+(?:\s+(?:and|&)\s+\p{Lu}[\p{L}'’-]+)?\s+et\s+al\b\.?/gu,
  /\b\p{Lu}[\p{L}'’-]+(?:\s+(?:and|&)\s+\p{Lu}[\p{L}'’-]+)?\s*\(\s*(?:19|20)\d\d/gu,
];

/** The text's words and compounds in order; citations, numbers and stop words break phrases. */
function unitsOf(text: string): Unit[] {
  const cited: [number, number][] = [];
  for (const re of CITATIONS)
    for (const m of text.matchAll(re)) cited.push([m.index, m.index + m[0].length]);
  const inCitation = (at: number) => cited.some(([s, e]) => at >= s && at < e);
  const toks = tokenize(text, { keepStopWords: true }).filter((t) => !t.joined);
  const isHyphen = (a: number, b: number) =>
    b - a === 1 && (text.charCodeAt(a) === 45 || text.charCodeAt(a) === 0x2010);
  const onlySpace = (a: number, b: number) => {
    if (b <= a) return false;
    for (let i = a; i < b; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 160) return false;
    }
    return true;
  };
  const out: Unit[] = [];
  let prevEnd = -1;
  let prevValid = false;
  for (let i = 0; i < toks.length;) {
    let j = i;
    while (j + 1 < toks.length && isHyphen(toks[j]?.end ?? 0, toks[j + 1]?.start ?? 0)) j++;
    const parts = toks.slice(i, j + 1);
    i = j + 1;
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (!first || !last) continue;
    const single = parts.length === 1;
    const valid =
      (single
        ? first.word.length >= 2 && /^[a-z]/.test(first.word) && !STOP_WORDS.has(first.word)
        : parts.some((p) => /[a-z]/.test(p.word)) && !parts.every((p) => STOP_WORDS.has(p.word))) &&
      (cited.length === 0 || !inCitation(first.start));
    const prev = out[out.length - 1];
    if (prev) prev.next = valid && prevValid && onlySpace(prevEnd, first.start);
    prevEnd = last.end;
    prevValid = valid;
    if (!valid) continue;
    out.push({
      key: single ? first.term : parts.map((p) => p.term).join(' '),
      roots: single ? [stem(first.word)] : parts.map((p) => stem(p.word)),
      surface: single ? first.word : parts.map((p) => p.word).join('-'),
      parts,
      next: false,
    });
  }
  return out;
}

/** The first sentence of a text (its title, for `SearchIndex.semanticText`). */
function firstSentence(text: string): string {
  const m = /[.!?](?:\s|$)/.exec(text);
  return m ? text.slice(0, m.index) : text.slice(0, 300);
}

/** Longest phrase kept, in units (words or hyphenated compounds). */
const MAX_UNITS = 4;

/**
 * Call `visit` for every phrase of up to MAX_UNITS adjacent units: its key, start, length and
 * the key of the same phrase without its last unit.
 */
function eachPhrase(
  units: readonly Unit[],
  visit: (key: string, start: number, length: number, prefix: string) => void,
): void {
  for (let i = 0; i < units.length; i++) {
    const first = units[i];
    if (!first) continue;
    let key = '';
    for (let L = 0; L < MAX_UNITS && i + L < units.length; L++) {
      const u = units[i + L];
      if (!u) break;
      const prefix = key;
      key = L === 0 ? u.key : `${key} ${u.key}`;
      visit(key, i, L + 1, prefix);
      if (!u.next) break;
    }
  }
}

/** One occurrence of a phrase in a text, as the plain string-keyed walk sees it. */
export interface PhraseOccurrence {
  key: string;
  /** The key without the last unit ('' for one unit). */
  prefix: string;
  start: number;
  length: number;
  /** The key of its first unit. */
  head: string;
  roots: string[];
  /** Its units' folded surfaces, space-separated. */
  surface: string;
  /** Each word's folded form and spelling in the text. */
  words: [string, string][];
}

/**
 * Every phrase occurrence of a text, in order, keys built as strings: the straightforward walk
 * that `TermCorpus` numbers (the tests compare the two).
 */
export function textPhrases(text: string): PhraseOccurrence[] {
  const units = unitsOf(text);
  const out: PhraseOccurrence[] = [];
  eachPhrase(units, (key, start, length, prefix) => {
    const us = units.slice(start, start + length);
    out.push({
      key,
      prefix,
      start,
      length,
      head: units[start]?.key ?? '',
      roots: us.flatMap((u) => u.roots),
      surface: us.map((u) => u.surface).join(' '),
      words: us.flatMap((u) =>
        u.parts.map((t): [string, string] => [t.word, text.slice(t.start, t.end)]),
      ),
    });
  });
  return out;
}

/**
 * The corpus as sets of phrase keys (phrases of one to four adjacent words or hyphenated
 * compounds), with document frequencies, the phrases seen in titles, and surface forms.
 *
 * Phrases are numbered (ids in order of first occurrence) and held in flat arrays: a phrase's
 * key is built once, when first seen; its Porter stems and the longer phrases containing it are
 * found when asked, from its first occurrence. A key is the same phrase however its words were
 * grouped (meta-learning and meta learning), as the ids come from the key strings.
 */
export class TermCorpus {
  private readonly units: Unit[][];
  /** Unit ids (by key) of each text's units. */
  private readonly unitIds: Int32Array[];
  /** Unit keys by unit id. */
  private readonly unitKeys: string[] = [];
  private readonly texts: readonly string[];
  private readonly idOf = new Map<string, number>();
  private readonly keys: string[] = [];
  /** Each text's phrases (ids, in order of first occurrence). */
  private readonly docIds: Int32Array[];
  private readonly dfOf: number[] = [];
  /** Fewest units a phrase was seen as (meta-learning: 1; meta learning: 2). */
  private readonly fewest: number[] = [];
  /** Where a phrase was first seen: text, first unit, units, and the id of its prefix (or -1). */
  private readonly firstDoc: number[] = [];
  private readonly firstStart: number[] = [];
  private readonly firstLength: number[] = [];
  private readonly prefixOf: number[] = [];
  /**
   * A phrase's id from its prefix's id + 1 and its last unit's id: walking a text's phrases
   * needs no string built or hashed.
   */
  private readonly pairs = new PairTable();
  private readonly titleDf = new Map<string, number>();
  private readonly rootCache = new Map<number, string[]>();
  /** Per phrase, nameable in titles / anywhere: 0 not known yet, 1 no, 2 yes. */
  private nameCache = new Uint8Array(0);
  private longerCache: { start: Int32Array; list: Int32Array } | undefined;
  private variantCache: Map<string, number[]> | undefined;
  private docsCache: Set<string>[] | undefined;
  private dfCache: Map<string, number> | undefined;

  /** `titles` default to each text's first sentence. */
  constructor(texts: readonly string[], titles?: readonly string[]) {
    this.texts = texts;
    this.units = texts.map((t) => unitsOf(t));
    const unitId = new Map<string, number>();
    this.unitIds = this.units.map((units) =>
      Int32Array.from(units, (u) => {
        let id = unitId.get(u.key);
        if (id === undefined) {
          unitId.set(u.key, (id = unitId.size));
          this.unitKeys.push(u.key);
        }
        return id;
      }),
    );
    const seenIn: number[] = [];
    const list: number[] = [];
    this.docIds = this.units.map((units, doc) => {
      const uid = this.unitIds[doc] ?? new Int32Array(0);
      list.length = 0;
      for (let i = 0; i < units.length; i++) {
        let prefix = -1;
        for (let L = 0; L < MAX_UNITS && i + L < units.length; L++) {
          const u = units[i + L];
          if (!u) break;
          let id = this.pairs.get(prefix + 1, uid[i + L] as number);
          if (id < 0) {
            const key = L === 0 ? u.key : `${this.keys[prefix] ?? ''} ${u.key}`;
            id = this.idOf.get(key) ?? -1;
            if (id < 0) {
              id = this.keys.length;
              this.idOf.set(key, id);
              this.keys.push(key);
              this.dfOf.push(0);
              this.fewest.push(L + 1);
              this.firstDoc.push(doc);
              this.firstStart.push(i);
              this.firstLength.push(L + 1);
              this.prefixOf.push(prefix);
              seenIn.push(-1);
            }
            this.pairs.set(prefix + 1, uid[i + L] as number, id);
          }
          if (L + 1 < (this.fewest[id] as number)) this.fewest[id] = L + 1;
          if (seenIn[id] !== doc) {
            seenIn[id] = doc;
            this.dfOf[id] = (this.dfOf[id] as number) + 1;
            list.push(id);
          }
          prefix = id;
          if (!u.next) break;
        }
      }
      return Int32Array.from(list);
    });
    this.nameCache = new Uint8Array(2 * this.keys.length);
    texts.forEach((t, i) => {
      const set = new Set<string>();
      eachPhrase(unitsOf(titles?.[i] ?? firstSentence(t)), (key) => set.add(key));
      for (const k of set) this.titleDf.set(k, (this.titleDf.get(k) ?? 0) + 1);
    });
  }

  /** Each text's phrase keys (built when first asked). */
  get docs(): Set<string>[] {
    this.docsCache ??= this.docIds.map((ids) => new Set(Array.from(ids, (id) => this.key(id))));
    return this.docsCache;
  }

  /** Document frequency of each phrase key (built when first asked). */
  get df(): Map<string, number> {
    this.dfCache ??= new Map(this.keys.map((k, id) => [k, this.dfOf[id] ?? 0]));
    return this.dfCache;
  }

  /** Number of distinct phrases (ids are 0 .. phraseCount − 1). */
  get phraseCount(): number {
    return this.keys.length;
  }

  /** The id of a phrase key, or -1. */
  id(key: string): number {
    return this.idOf.get(key) ?? -1;
  }

  key(id: number): string {
    return this.keys[id] ?? '';
  }

  /** The phrase ids of text i, each once. */
  phrasesOf(i: number): Int32Array {
    return this.docIds[i] ?? new Int32Array(0);
  }

  dfById(id: number): number {
    return this.dfOf[id] ?? 0;
  }

  /** Porter stems of a phrase's words. */
  roots(key: string): string[] {
    const id = this.id(key);
    return id >= 0 ? this.rootsById(id) : key.split(' ').map((w) => stem(w));
  }

  /** Porter stems of a phrase's words, as in its first occurrence. */
  rootsById(id: number): string[] {
    let r = this.rootCache.get(id);
    if (!r) {
      r = [];
      const units = this.units[this.firstDoc[id] ?? 0] ?? [];
      const s = this.firstStart[id] ?? 0;
      for (let j = s; j < s + (this.firstLength[id] ?? 0); j++) r.push(...(units[j]?.roots ?? []));
      this.rootCache.set(id, r);
    }
    return r;
  }

  unitCount(key: string): number {
    const id = this.id(key);
    return id >= 0 ? this.unitCountById(id) : key.split(' ').length;
  }

  unitCountById(id: number): number {
    return this.fewest[id] ?? 0;
  }

  /**
   * Can this phrase name a topic? No generic word, not only weak words, no stem twice, and
   * (when `inTitles`) used in some title: titles are written in topic words.
   */
  nameable(key: string, inTitles = true): boolean {
    const id = this.id(key);
    return id >= 0 ? this.nameableById(id, inTitles) : this.judge(key, inTitles);
  }

  nameableById(id: number, inTitles = true): boolean {
    const at = 2 * id + (inTitles ? 0 : 1);
    let v = this.nameCache[at] ?? 0;
    if (v === 0) {
      v = this.judge(this.key(id), inTitles) ? 2 : 1;
      this.nameCache[at] = v;
    }
    return v === 2;
  }

  private judge(key: string, inTitles: boolean): boolean {
    const r = this.roots(key);
    if (r.some((x) => GENERIC.has(x)) || r.every((x) => WEAK.has(x))) return false;
    if (new Set(r).size < r.length) return false;
    const units = this.unitCount(key);
    if (units > 1) {
      // Not "… neural", not "learning disentangled representations" (a title's verb phrase).
      if (NO_END.has(r[r.length - 1] ?? '')) return false;
      const first = key.split(' ')[0] ?? '';
      if (units > 2 && /ing$/.test(first) && !NOUN_ING.has(first)) return false;
    }
    return !inTitles || (this.titleDf.get(key) ?? 0) > 0;
  }

  /** Single words with the same Porter stem (uncertain, uncertainty), for preferring nouns. */
  variants(key: string): readonly string[] {
    const id = this.id(key);
    if (id < 0) return [key];
    return this.variantsById(id).map((v) => this.key(v));
  }

  variantsById(id: number): readonly number[] {
    if (!this.variantCache) {
      const m = new Map<string, number[]>();
      for (let g = 0; g < this.keys.length; g++) {
        if (this.fewest[g] !== 1) continue;
        const roots = this.rootsById(g);
        if (roots.length !== 1) continue;
        const r = roots[0] ?? '';
        let l = m.get(r);
        if (!l) m.set(r, (l = []));
        l.push(g);
      }
      this.variantCache = m;
    }
    const roots = this.rootsById(id);
    if (this.fewest[id] !== 1 || roots.length !== 1) return [id];
    return this.variantCache.get(roots[0] ?? '') ?? [id];
  }

  /** Longer phrases containing this one as a prefix or suffix (graph neural → graph neural network). */
  longer(key: string): readonly string[] {
    const id = this.id(key);
    return id < 0 ? [] : this.longerById(id).map((q) => this.key(q));
  }

  /**
   * The phrases one unit longer with this one as prefix or suffix (each phrase's first
   * occurrence decides, in order of first occurrence; a phrase that is both is listed twice).
   */
  longerById(id: number): readonly number[] {
    if (!this.longerCache) {
      // Pairs (shorter, longer), counted then placed: flat arrays, no list per phrase.
      const m = this.keys.length;
      const subs: number[] = [];
      const of: number[] = [];
      for (let g = 0; g < m; g++) {
        const len = this.firstLength[g] ?? 0;
        if (len < 2) continue;
        subs.push(this.prefixOf[g] ?? 0, this.suffixOf(g));
        of.push(g, g);
      }
      const start = new Int32Array(m + 1);
      for (const s of subs) start[s + 1] = (start[s + 1] ?? 0) + 1;
      for (let g = 0; g < m; g++) start[g + 1] = (start[g + 1] ?? 0) + (start[g] ?? 0);
      const fill = start.slice(0, m);
      const list = new Int32Array(subs.length);
      subs.forEach((s, j) => {
        const at = fill[s] ?? 0;
        list[at] = of[j] ?? 0;
        fill[s] = at + 1;
      });
      this.longerCache = { start, list };
    }
    const { start, list } = this.longerCache;
    return Array.from(list.subarray(start[id] ?? 0, start[id + 1] ?? 0));
  }

  /** The phrase a multi-unit phrase's first occurrence ends with, without its first unit. */
  private suffixOf(g: number): number {
    const uid = this.unitIds[this.firstDoc[g] ?? 0] ?? new Int32Array(0);
    const s = this.firstStart[g] ?? 0;
    let id = -1;
    for (let j = s + 1; j < s + (this.firstLength[g] ?? 0); j++)
      id = this.pairs.get(id + 1, uid[j] ?? 0);
    return id;
  }

  /** Display forms: each key's most frequent spelling, words in their usual case. */
  surfaces(keys: Iterable<string>): Map<string, string> {
    const want = new Set(keys);
    const wanted = new Uint8Array(this.keys.length);
    for (const k of want) {
      const id = this.id(k);
      if (id >= 0) wanted[id] = 1;
    }
    // Only phrases starting with a wanted phrase's first unit (of its first occurrence) count.
    const heads = new Set(
      [...want].map((k) => {
        const id = this.id(k);
        return id < 0
          ? k
          : (this.units[this.firstDoc[id] ?? 0]?.[this.firstStart[id] ?? 0]?.key ?? k);
      }),
    );
    const isHead = Uint8Array.from(this.unitKeys, (k) => (heads.has(k) ? 1 : 0));
    const seqs = new Map<string, Map<string, number>>();
    const cases = new Map<string, Map<string, number>>();
    this.units.forEach((units, doc) => {
      const text = this.texts[doc] ?? '';
      const uid = this.unitIds[doc] ?? new Int32Array(0);
      for (let i = 0; i < units.length; i++) {
        if (isHead[uid[i] ?? 0] !== 1) continue;
        let id = -1;
        for (let L = 0; L < MAX_UNITS && i + L < units.length; L++) {
          const u = units[i + L];
          if (!u) break;
          id = this.pairs.get(id + 1, uid[i + L] ?? 0);
          if (wanted[id] === 1) {
            const key = this.key(id);
            const surface = units
              .slice(i, i + L + 1)
              .map((x) => x.surface)
              .join(' ');
            let m = seqs.get(key);
            if (!m) seqs.set(key, (m = new Map<string, number>()));
            m.set(surface, (m.get(surface) ?? 0) + 1);
            for (let j = i; j <= i + L; j++)
              for (const t of units[j]?.parts ?? []) {
                const raw = text.slice(t.start, t.end);
                let c = cases.get(t.word);
                if (!c) cases.set(t.word, (c = new Map<string, number>()));
                c.set(raw, (c.get(raw) ?? 0) + 1);
              }
          }
          if (!u.next) break;
        }
      }
    });
    const out = new Map<string, string>();
    for (const key of want) {
      const seq = mostFrequent(seqs.get(key)) ?? key;
      out.set(
        key,
        seq.replace(/[^\s-]+/g, (w) => displayWord(w, cases.get(w))),
      );
    }
    return out;
  }
}

function mostFrequent(m: Map<string, number> | undefined): string | undefined {
  if (!m) return undefined;
  let best: string | undefined;
  let bc = -1;
  for (const [k, c] of m)
    if (c > bc || (c === bc && best !== undefined && k < best)) [best, bc] = [k, c];
  return best;
}

/** Title case, unless the word is usually written with inner capitals (ImageNet, GANs, BERT). */
function displayWord(word: string, forms: Map<string, number> | undefined): string {
  const usual = mostFrequent(forms);
  if (usual && /\p{Lu}/u.test(usual.slice(1)) && fold(usual) === word) return usual;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export interface ClusterDescription {
  /** Phrase keys (as in `TermCorpus.docs`), best first. */
  keys: string[];
  terms: string[];
  label: string;
}

/**
 * Name clusters by class-based tf-idf over phrases: a phrase's weight in cluster c is the share
 * of c's papers containing it times log(1 + A / df), A the average cluster size. A chosen word
 * or bigram is extended to the longer phrase it usually occurs in (graph → graph neural
 * network); a term whose stems are all in earlier terms is skipped. Labels are one or two
 * terms (2–4 words) with no stem repeated, unique within the level when possible.
 */
export function describeClusters(
  corpus: TermCorpus,
  labels: readonly number[],
  k: number,
  nTerms = DEFAULT_TOPICS.terms,
  minShare = DEFAULT_TOPICS.termSupport,
): ClusterDescription[] {
  const n = labels.length;
  const A = n / Math.max(1, k);
  const size = sizesOf(labels, k);
  // One cluster at a time: its document frequencies in one dense array by phrase id (the
  // entries it touched are reset after), instead of a map of phrase keys per cluster.
  const count = new Int32Array(corpus.phraseCount);
  const touched: number[] = [];
  const membersOf = [...Array(k).keys()].map((): number[] => []);
  labels.forEach((l, i) => membersOf[l]?.push(i));

  const pick = (c: number, inTitles: boolean): string[] => {
    const nc = size[c] ?? 0;
    const support = Math.min(nc, Math.max(2, Math.ceil(minShare * nc)));
    const scored: [number, number][] = [];
    for (const id of touched) {
      const d = count[id] as number;
      if (d < support || corpus.unitCountById(id) > 2 || !corpus.nameableById(id, inTitles))
        continue;
      scored.push([id, (d / Math.max(1, nc)) * Math.log(1 + A / corpus.dfById(id))]);
    }
    scored.sort((a, b) => b[1] - a[1] || cmp(corpus.key(a[0]), corpus.key(b[0])));
    const extend = (id: number): number => {
      let cur = id;
      for (;;) {
        const base = count[cur] as number;
        let best = -1;
        let bd = 0;
        for (const q of corpus.longerById(cur)) {
          const d = count[q] as number;
          if (d < Math.max(support, 0.5 * base) || corpus.unitCountById(q) > 4) continue;
          if (!corpus.nameableById(q, inTitles)) continue;
          if (d > bd || (d === bd && best >= 0 && corpus.key(q) < corpus.key(best)))
            [best, bd] = [q, d];
        }
        if (best < 0) return cur;
        cur = best;
      }
    };
    // The cluster's usual form of a word (uncertainty rather than uncertain).
    const usual = (id: number): number => {
      let best = id;
      for (const v of corpus.variantsById(id))
        if ((count[v] as number) > (count[best] as number) && corpus.nameableById(v, inTitles))
          best = v;
      return best;
    };
    const keys: number[] = [];
    const covered = new Set<string>();
    for (const [id] of scored) {
      if (keys.length >= nTerms) break;
      const full = extend(usual(id));
      const roots = corpus.rootsById(full);
      if (keys.includes(full) || roots.every((r) => covered.has(r))) continue;
      keys.push(full);
      for (const r of roots) covered.add(r);
    }
    return keys.map((id) => corpus.key(id));
  };
  const picked: string[][] = [];
  for (let c = 0; c < k; c++) {
    for (const i of membersOf[c] ?? [])
      for (const id of corpus.phrasesOf(i)) {
        if (count[id] === 0) touched.push(id);
        count[id] = (count[id] as number) + 1;
      }
    const keys = pick(c, true);
    picked.push(keys.length >= Math.min(3, nTerms) ? keys : pick(c, false));
    for (const id of touched) count[id] = 0;
    touched.length = 0;
  }

  const surface = corpus.surfaces(picked.flat());
  const shown = (key: string) => surface.get(key) ?? key;
  const words = (key: string) => shown(key).split(/\s+/).length;
  const used = new Set<string>();
  const result: ClusterDescription[] = picked.map((keys) => ({
    keys,
    terms: keys.map(shown),
    label: '',
  }));
  // Larger clusters choose labels first; a later cluster takes its next-best unused label.
  const byRank = [...Array(k).keys()].sort((a, b) => (size[b] ?? 0) - (size[a] ?? 0) || a - b);
  for (const c of byRank) {
    const keys = picked[c] ?? [];
    const options: string[] = [];
    for (let i = 0; i < keys.length && options.length < 12; i++) {
      const a = keys[i] ?? '';
      const ra = new Set(corpus.roots(a));
      if (words(a) > 4) continue;
      for (let j = i + 1; j < Math.min(keys.length, i + 6); j++) {
        const b = keys[j] ?? '';
        if (words(a) + words(b) > 4 || corpus.roots(b).some((r) => ra.has(r))) continue;
        options.push(`${shown(a)}, ${shown(b)}`);
      }
      if (words(a) >= 2) options.push(shown(a));
    }
    const fallback = keys[0] ? `${shown(keys[0])} Papers` : `Topic ${c + 1}`;
    const label = options.find((l) => !used.has(l)) ?? options[0] ?? fallback;
    used.add(label);
    const r = result[c];
    if (r) r.label = label;
  }
  return result;
}

// ————————————————————————————————————————————— authors, helpers

/** `keys` caches each name's folded key across calls. */
function topAuthors(
  lists: string[][],
  limit: number,
  min: number,
  keys?: Map<string, string>,
): { name: string; count: number }[] {
  const count = new Map<string, number>();
  const forms = new Map<string, Map<string, number>>();
  for (const list of lists) {
    const seen = new Set<string>();
    for (const name of list) {
      let key = keys?.get(name);
      if (key === undefined) {
        key = fold(name)
          .replace(/[^a-z0-9]+/g, ' ')
          .trim();
        keys?.set(name, key);
      }
      if (!key || seen.has(key)) continue;
      seen.add(key);
      count.set(key, (count.get(key) ?? 0) + 1);
      let f = forms.get(key);
      if (!f) forms.set(key, (f = new Map<string, number>()));
      f.set(name, (f.get(name) ?? 0) + 1);
    }
  }
  return [...count]
    .filter(([, c]) => c >= min)
    .map(([key, c]) => ({ name: mostFrequent(forms.get(key)) ?? key, count: c }))
    .sort((a, b) => b.count - a.count || cmp(a.name, b.name))
    .slice(0, limit);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `t2` < `t10`, `t2.3` < `t2.10`. */
function cmpIds(a: string, b: string): number {
  const pa = a.slice(1).split('.').map(Number);
  const pb = b.slice(1).split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
