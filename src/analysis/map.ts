// The 2D map of papers: a seeded, deterministic UMAP layout of the LSA vectors (cosine), and
// topic labels placed at a robust centre of their papers without overlapping each other.
//
// Why UMAP (umap-js): it keeps local neighbourhoods (what a reader checks on a map: "my paper's
// neighbours are near it") and shows clusters with gaps between them; umap-js takes a custom
// random function (so a seeded PRNG makes it deterministic), accepts precomputed neighbours and
// lets us set the initial layout. On ICLR 2020 a paper's 10 nearest LSA neighbours lie at 0.31×
// the map distance of random papers, and 44 % of its 10 nearest map neighbours are among them.
//
// Determinism: the input is sorted by id first, neighbours are exact (ties broken by id order),
// the initial layout is the data's first two principal components, and every random draw comes
// from a mulberry32 PRNG seeded by `seed`. The same vectors give the same coordinates whatever
// order the caller passes them in.
//
// Scale (100k+ papers): exact neighbours are O(n²·dim) and umap-js optimises in single-threaded
// JS (≈ 1.5 s for 687 papers on a busy 2-core machine; linear in neighbour edges × epochs).
// Above `maxFitPoints` (default 20 000) the layout is fitted on a sample of papers chosen by a
// hash of their id (stable when papers are added; umap-js's NN-descent finds approximate
// neighbours past 5 000 points), and every other paper is placed into that layout at the
// membership-weighted mean of its nearest sampled papers (`placeRest`, what UMAP's `transform`
// starts from). umap-js's own `transform` was tried first: on LSA vectors its approximate
// neighbour search put even the fitted points back little closer to themselves than to a random
// paper. `placeRest` finds those neighbours with the project's HNSW index built over the sample
// only (`SampleNeighbours`: 2k candidates re-ranked by exact distance); the exact scan (O(rest ×
// sample × dim), ≈ 40 ms a paper against a 20k sample) stays available as `placement: 'exact'`.
// bench/map-scale.ts, 100k synthetic arXiv-like papers: the HNSW path finds 99.6 % of the exact
// 15 neighbours, ~23× faster a paper, and placed papers move by ~0.1 % of the map's side; 1M
// papers take ~10 min on a busy 2-core machine. Memory is O(n + sample × dim): rows are
// normalised one at a time, no rest × sample matrix is held.

import { UMAP } from 'umap-js';
import { mulberry32 } from '../core/random.js';
import { HnswIndex } from '../index/ann.js';
export { mulberry32 } from '../core/random.js';

export interface MapInput {
  ids: readonly string[];
  /** Row-major n × dim; rows need not be unit length (cosine is used). */
  vectors: Float32Array;
  dim: number;
}

export interface MapOptions {
  seed?: number;
  /** UMAP neighbourhood size (default 15): larger keeps more global structure. */
  nNeighbors?: number;
  /** UMAP minimum distance between embedded points (default 0.1). */
  minDist?: number;
  /**
   * Optimisation epochs (default 200, umap-learn's choice for large data; umap-js would run 500
   * on small data: 2.5× the time for no measurable gain here — on ICLR 2020 the LSA-neighbour
   * distance ratio was 0.31 either way and the 10-NN overlap 0.44 vs 0.45).
   */
  nEpochs?: number;
  /** Above this many papers, fit on a sample of this size and place the rest into it. */
  maxFitPoints?: number;
  /**
   * How placed papers find their nearest fitted papers: 'ann' (default; HNSW over the sample)
   * or 'exact' (a scan of the whole sample per paper: the reference, minutes at 100k papers).
   */
  placement?: Placement;
  /** HNSW beam width for 'ann' placement (default 64; at least 2 × nNeighbors is used). */
  placeEf?: number;
  /** Filled with the time (ms) of the UMAP fit and of placing the other papers, for benches. */
  timings?: { fitMs?: number; knnMs?: number; placeMs?: number };
}

export type Point = [number, number];

export interface MapLayout {
  /** Paper id → position in [0, 1]²; x grows rightwards, y downwards (as in SVG). */
  coords: Map<string, Point>;
}

export const DEFAULT_MAP_SEED = 20200426;
const DEFAULT_NEIGHBORS = 15;
const DEFAULT_EPOCHS = 200;
const DEFAULT_MAX_FIT = 20_000;
/** Up to this many points, neighbours are computed exactly (n² dot products). */
const EXACT_KNN_MAX = 5_000;

/** FNV-1a hash of a string (for choosing a stable sample of ids). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Row i of the input scaled to unit length into `out` (a zero or non-finite row gives zeros). */
function unitRowInto(input: MapInput, i: number, out: Float64Array, at = 0): void {
  const { vectors, dim } = input;
  const v = (c: number) => {
    const x = vectors[i * dim + c] ?? 0;
    return Number.isFinite(x) ? x : 0; // a NaN would spread through the whole layout
  };
  let norm = 0;
  for (let c = 0; c < dim; c++) norm += v(c) ** 2;
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let c = 0; c < dim; c++) out[at + c] = v(c) * inv;
}

/** Unit-length rows, flat row-major (zero rows stay zero), in the given order. */
function unitRows(input: MapInput, order: readonly number[]): Float64Array {
  const out = new Float64Array(order.length * input.dim);
  order.forEach((i, r) => {
    unitRowInto(input, i, out, r * input.dim);
  });
  return out;
}

function dotAt(X: Float64Array, a: number, Y: Float64Array, b: number, dim: number): number {
  let s = 0;
  const oa = a * dim;
  const ob = b * dim;
  for (let c = 0; c < dim; c++) s += (X[oa + c] ?? 0) * (Y[ob + c] ?? 0);
  return s;
}

/** Cosine distance of unit (or zero) rows: 1 − dot, never negative; a zero row is at distance 1. */
function cosineUnit(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let c = 0; c < a.length; c++) s += (a[c] ?? 0) * (b[c] ?? 0);
  return Math.max(0, 1 - s);
}

/**
 * Exact k nearest rows of `base` for each row of `query` under cosine distance (ties by index).
 * With `selfFirst` (query = base), each row's own index comes first at distance 0, as UMAP wants.
 */
function exactKnn(
  query: Float64Array,
  base: Float64Array,
  dim: number,
  k: number,
  selfFirst: boolean,
): { indices: number[][]; distances: number[][] } {
  const nq = query.length / dim;
  const nb = base.length / dim;
  const indices: number[][] = [];
  const distances: number[][] = [];
  const bestI = new Int32Array(k);
  const bestD = new Float64Array(k);
  for (let i = 0; i < nq; i++) {
    let size = 0;
    for (let j = 0; j < nb; j++) {
      const d = selfFirst && i === j ? -1 : Math.max(0, 1 - dotAt(query, i, base, j, dim));
      if (size === k && d >= (bestD[k - 1] ?? 0)) continue; // equal: the lower index stays
      let p = size < k ? size++ : k - 1;
      while (p > 0 && (bestD[p - 1] ?? 0) > d) {
        bestD[p] = bestD[p - 1] ?? 0;
        bestI[p] = bestI[p - 1] ?? 0;
        p--;
      }
      bestD[p] = d;
      bestI[p] = j;
    }
    indices.push(Array.from(bestI.subarray(0, size)));
    distances.push(Array.from(bestD.subarray(0, size), (d) => Math.max(0, d)));
  }
  return { indices, distances };
}

/**
 * The first two principal components of the rows (power iteration with deflation, fixed start),
 * scaled so the layout spans [-10, 10] like umap-learn's spectral start.
 */
function pcaInit(X: Float64Array, dim: number): Point[] {
  const n = X.length / dim;
  const mean = new Float64Array(dim);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < dim; c++) mean[c] = (mean[c] ?? 0) + (X[r * dim + c] ?? 0) / n;
  const C = X.map((v, i) => v - (mean[i % dim] ?? 0));
  const comps: Float64Array[] = [];
  const proj = new Float64Array(n);
  for (let p = 0; p < 2; p++) {
    let v = new Float64Array(dim);
    for (let c = 0; c < dim; c++) v[c] = 1 + (c % 7) * 0.01; // fixed start
    for (let it = 0; it < 60; it++) {
      for (let r = 0; r < n; r++) proj[r] = dotAt(C, r, v, 0, dim);
      const next = new Float64Array(dim);
      for (let r = 0; r < n; r++) {
        const s = proj[r] ?? 0;
        for (let c = 0; c < dim; c++) next[c] = (next[c] ?? 0) + s * (C[r * dim + c] ?? 0);
      }
      for (const prev of comps) {
        const d = dotAt(next, 0, prev, 0, dim);
        for (let c = 0; c < dim; c++) next[c] = (next[c] ?? 0) - d * (prev[c] ?? 0);
      }
      let norm = 0;
      for (let c = 0; c < dim; c++) norm += (next[c] ?? 0) ** 2;
      if (norm < 1e-24) break;
      const inv = 1 / Math.sqrt(norm);
      let change = 0;
      for (let c = 0; c < dim; c++) {
        const x = (next[c] ?? 0) * inv;
        change += Math.abs(x - (v[c] ?? 0));
        next[c] = x;
      }
      v = next;
      if (change < 1e-7) break;
    }
    comps.push(v);
  }
  const [c0 = new Float64Array(dim), c1 = new Float64Array(dim)] = comps;
  const pts: Point[] = [];
  let maxAbs = 0;
  for (let r = 0; r < n; r++) {
    const p: Point = [dotAt(C, r, c0, 0, dim), dotAt(C, r, c1, 0, dim)];
    maxAbs = Math.max(maxAbs, Math.abs(p[0]), Math.abs(p[1]));
    pts.push(p);
  }
  const s = maxAbs > 0 ? 10 / maxAbs : 0;
  // A little seeded jitter keeps identical papers from starting on the same spot.
  const rand = mulberry32(0x9e3779b9);
  return pts.map(([x, y]) => [x * s + (rand() - 0.5) * 1e-3, y * s + (rand() - 0.5) * 1e-3]);
}

/** How papers outside the fitted sample find their nearest fitted papers. */
export type Placement = 'ann' | 'exact';

/**
 * HNSW over the fitted sample for `placement: 'ann'` (bench/map-scale.ts, 100k synthetic
 * arXiv-like LSA vectors, 20k sample, 2,000 placed papers: ef 64 finds 99.6 % of the exact 15
 * nearest fitted papers at 0.7 ms a paper against 16.6 ms for the exact scan, and placed papers
 * move by 0.10 % of the map's side on average (p99 1.7 %); ef 32: 98.9 %, 0.5 ms, 0.31 %).
 */
const PLACE_ANN = { m: 12, efConstruction: 64, seed: 0x6d6170 } as const;
export const DEFAULT_PLACE_EF = 64;

/**
 * The k nearest rows of a fitted sample (unit rows, float64) to a unit query, nearest first by
 * cosine distance, ties by row index. `exact` scans the sample (O(sample × dim) a query);
 * `ann` asks an HNSW graph built over the sample for 2k candidates and re-ranks them by their
 * exact distance, so a neighbour found is weighted exactly as the exact search would weight it.
 * Deterministic: the graph is seeded and built in row order, and a query's answer does not
 * depend on other queries.
 */
export class SampleNeighbours {
  readonly size: number;
  private readonly ann: HnswIndex | null;
  private readonly q32: Float32Array;
  private readonly ef: number;

  constructor(
    readonly fit: Float64Array,
    readonly dim: number,
    mode: Placement,
    ef = DEFAULT_PLACE_EF,
  ) {
    this.size = Math.floor(fit.length / dim);
    this.ann = mode === 'ann' ? HnswIndex.build(Float32Array.from(fit), dim, PLACE_ANN) : null;
    this.q32 = new Float32Array(dim);
    this.ef = ef;
  }

  /** Fills idx/dist (length ≥ k) and returns how many were found (min(k, size)). */
  nearest(q: Float64Array, k: number, idx: Int32Array, dist: Float64Array, ef = this.ef): number {
    const { fit, dim } = this;
    const distTo = (j: number) => {
      let s = 0;
      const ob = j * dim;
      for (let c = 0; c < dim; c++) s += (q[c] ?? 0) * (fit[ob + c] ?? 0);
      return Math.max(0, 1 - s);
    };
    let size = 0;
    // Insert (d, j) into the sorted top-k; on equal distance the lower index comes first.
    const offer = (d: number, j: number) => {
      if (size === k) {
        const wd = dist[k - 1] ?? 0;
        if (d > wd || (d === wd && j > (idx[k - 1] ?? 0))) return;
      }
      let p = size < k ? size++ : k - 1;
      while (p > 0) {
        const pd = dist[p - 1] ?? 0;
        if (pd < d || (pd === d && (idx[p - 1] ?? 0) < j)) break;
        dist[p] = pd;
        idx[p] = idx[p - 1] ?? 0;
        p--;
      }
      dist[p] = d;
      idx[p] = j;
    };
    if (!this.ann) {
      for (let j = 0; j < this.size; j++) offer(distTo(j), j);
      return size;
    }
    const q32 = this.q32;
    for (let c = 0; c < dim; c++) q32[c] = q[c] ?? 0;
    const want = Math.min(this.size, 2 * k);
    const hits = this.ann.search(q32, want, { ef: Math.max(ef, want) });
    for (const j of hits.ids) offer(distTo(j), j);
    return size;
  }
}

/**
 * Place extra rows into a fitted layout: each goes to the membership-weighted mean of its k
 * nearest fitted rows (UMAP's own starting point for new points, without the extra
 * optimisation). umap-js's `transform` does the same plus a short optimisation, but on LSA
 * vectors its approximate neighbour search placed points little better than at random.
 * Rows are normalised one at a time: no rest × dim (or rest × sample) matrix is held.
 */
function placeRest(
  input: MapInput,
  rows: readonly number[],
  nb: SampleNeighbours,
  fitEmb: Float64Array,
  k: number,
  outX: Float64Array,
  outY: Float64Array,
  outAt: readonly number[],
): void {
  const q = new Float64Array(input.dim);
  const idx = new Int32Array(k);
  const ds = new Float64Array(k);
  const at = (j: number): Point => [fitEmb[2 * j] ?? 0, fitEmb[2 * j + 1] ?? 0];
  rows.forEach((row, i) => {
    unitRowInto(input, row, q);
    const found = nb.nearest(q, k, idx, ds);
    const [x, y] = placeAt(idx, ds, found, at);
    const r = outAt[i] ?? 0;
    outX[r] = x;
    outY[r] = y;
  });
}

/**
 * Where a placed paper goes: the membership-weighted mean (UMAP's smooth-kNN weights) of the
 * positions of its `found` nearest fitted papers (`idx`, at cosine distances `dist`, nearest
 * first). Exported for bench/map-scale.ts, which re-places papers with exact neighbours.
 */
export function placeAt(
  idx: ArrayLike<number>,
  dist: ArrayLike<number>,
  found: number,
  at: (j: number) => Point,
): Point {
  const rho = dist[0] ?? 0;
  let spread = 0;
  for (let t = 0; t < found; t++) spread += ((dist[t] ?? 0) - rho) / found;
  const sigma = spread > 1e-9 ? spread : 1;
  let x = 0;
  let y = 0;
  let w = 0;
  for (let t = 0; t < found; t++) {
    const wt = Math.exp(-((dist[t] ?? 0) - rho) / sigma);
    const p = at(idx[t] ?? 0);
    x += wt * p[0];
    y += wt * p[1];
    w += wt;
  }
  return w > 0 ? [x / w, y / w] : [0, 0];
}

/** Rotate the layout onto its principal axes (wider axis horizontal), fix signs, fit into [0, 1]². */
function canonicalize(xs: Float64Array, ys: Float64Array): void {
  const n = xs.length;
  if (n === 0) return;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += (xs[i] ?? 0) / n;
    my += (ys[i] ?? 0) / n;
  }
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] ?? 0;
    const y = ys[i] ?? 0;
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const [c, s] = [Math.cos(theta), Math.sin(theta)];
  for (let i = 0; i < n; i++) {
    const x = xs[i] ?? 0;
    const y = ys[i] ?? 0;
    xs[i] = (x - mx) * c + (y - my) * s;
    ys[i] = -(x - mx) * s + (y - my) * c;
  }
  // Signs: the longer tail (third moment) points right and down. Each axis then fills [0, 1]:
  // the renderer decides the aspect ratio.
  for (const a of [xs, ys]) {
    let m3 = 0;
    for (let i = 0; i < n; i++) m3 += (a[i] ?? 0) ** 3;
    if (m3 < 0) for (let i = 0; i < n; i++) a[i] = -(a[i] ?? 0);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, a[i] ?? 0);
      hi = Math.max(hi, a[i] ?? 0);
    }
    for (let i = 0; i < n; i++) a[i] = hi > lo ? clamp01(((a[i] ?? 0) - lo) / (hi - lo)) : 0.5;
  }
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Which of the (sorted, distinct) ids the layout is fitted on: all of them up to `maxFit`,
 * else the `maxFit` with the smallest id hash (stable when papers are added). Row indices into
 * `sortedIds`, ascending.
 */
function sampleRows(
  sortedIds: readonly string[],
  maxFit: number,
): { fitRows: number[]; restRows: number[] } {
  const n = sortedIds.length;
  if (n <= maxFit) return { fitRows: [...sortedIds.keys()], restRows: [] };
  const hash = Uint32Array.from(sortedIds, fnv1a);
  const byHash = [...sortedIds.keys()].sort(
    (a, b) =>
      (hash[a] ?? 0) - (hash[b] ?? 0) || byCodeUnits(sortedIds[a] ?? '', sortedIds[b] ?? ''),
  );
  return {
    fitRows: byHash.slice(0, maxFit).sort((a, b) => a - b),
    restRows: byHash.slice(maxFit).sort((a, b) => a - b),
  };
}

/** The ids `computeMap` fits the layout on (the rest are placed), for benches and tests. */
export function mapSample(ids: readonly string[], maxFitPoints = DEFAULT_MAX_FIT): Set<string> {
  const sorted = [...ids].sort(byCodeUnits);
  const { fitRows } = sampleRows(sorted, Math.max(16, maxFitPoints));
  return new Set(fitRows.map((r) => sorted[r] ?? ''));
}

/** Seeded, deterministic, input-order-independent 2D layout of the vectors, in [0, 1]². */
export function computeMap(input: MapInput, opts: MapOptions = {}): MapLayout {
  const { ids, vectors, dim } = input;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`computeMap: bad dim ${dim}`);
  if (vectors.length !== ids.length * dim)
    throw new Error(
      `computeMap: ${vectors.length} vector values for ${ids.length} ids × ${dim} dims`,
    );
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new Error(`computeMap: duplicate id ${id}`);
    seen.add(id);
  }
  seen.clear();
  const n = ids.length;
  const order = [...ids.keys()].sort((a, b) => byCodeUnits(ids[a] ?? '', ids[b] ?? ''));
  const sortedIds = order.map((i) => ids[i] ?? '');
  const coords = new Map<string, Point>();
  if (n === 0) return { coords };
  if (n <= 3) {
    // Too few points for a neighbour graph: spread them on a line in id order.
    sortedIds.forEach((id, j) => coords.set(id, [n === 1 ? 0.5 : j / (n - 1), 0.5]));
    return { coords };
  }
  const seed = opts.seed ?? DEFAULT_MAP_SEED;
  const maxFit = Math.max(16, opts.maxFitPoints ?? DEFAULT_MAX_FIT);

  // Which rows the layout is fitted on (all of them unless the corpus is very large).
  const { fitRows, restRows } = sampleRows(sortedIds, maxFit);
  const t0 = performance.now();
  const fitX = unitRows(
    input,
    fitRows.map((r) => order[r] ?? 0),
  );
  const nFit = fitRows.length;
  const k = Math.max(2, Math.min(opts.nNeighbors ?? DEFAULT_NEIGHBORS, nFit - 1));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: k,
    minDist: opts.minDist ?? 0.1,
    nEpochs: Math.max(1, Math.round(opts.nEpochs ?? DEFAULT_EPOCHS)),
    random: mulberry32(seed),
    distanceFn: cosineUnit,
  });
  if (nFit <= EXACT_KNN_MAX) {
    const knn = exactKnn(fitX, fitX, dim, k, true);
    umap.setPrecomputedKNN(knn.indices, knn.distances);
  }
  const rows: number[][] = [];
  for (let r = 0; r < nFit; r++) rows.push(Array.from(fitX.subarray(r * dim, (r + 1) * dim)));
  const epochs = umap.initializeFit(rows);
  if (opts.timings) opts.timings.knnMs = performance.now() - t0;
  rows.length = 0;
  // Start from PCA rather than umap-js's uniform random start: the global arrangement of the
  // clusters is then meaningful and stable across seeds. The embedding array is updated in place
  // (the optimiser holds references to its rows).
  const start = pcaInit(fitX, dim);
  umap.getEmbedding().forEach((row, i) => {
    const p = start[i];
    if (p) {
      row[0] = p[0];
      row[1] = p[1];
    }
  });
  for (let e = 0; e < epochs; e++) umap.step();
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const fitEmb = new Float64Array(2 * nFit);
  umap.getEmbedding().forEach((row, i) => {
    fitEmb[2 * i] = row[0] ?? 0;
    fitEmb[2 * i + 1] = row[1] ?? 0;
  });
  fitRows.forEach((r, i) => {
    xs[r] = fitEmb[2 * i] ?? 0;
    ys[r] = fitEmb[2 * i + 1] ?? 0;
  });
  const t1 = performance.now();
  if (opts.timings) opts.timings.fitMs = t1 - t0;
  if (restRows.length) {
    const nb = new SampleNeighbours(fitX, dim, opts.placement ?? 'ann', opts.placeEf);
    placeRest(
      input,
      restRows.map((r) => order[r] ?? 0),
      nb,
      fitEmb,
      k,
      xs,
      ys,
      restRows,
    );
  }
  if (opts.timings) opts.timings.placeMs = performance.now() - t1;
  canonicalize(xs, ys);
  sortedIds.forEach((id, j) => coords.set(id, [xs[j] ?? 0.5, ys[j] ?? 0.5]));
  return { coords };
}

// ---------------------------------------------------------------------------------------------
// Labels

/** The drawing frame labels are placed for; the renderer uses the same geometry. */
export interface MapFrame {
  width: number;
  height: number;
  /** Space around the plotted area (the title sits in the top margin). */
  margin: number;
  /** Label font size in px. */
  fontSize: number;
}

export const DEFAULT_FRAME: MapFrame = { width: 1600, height: 1000, margin: 56, fontSize: 15 };

/** Pixel position of a map point inside the frame. */
export function toPixel(x: number, y: number, f: Pick<MapFrame, 'width' | 'height' | 'margin'>) {
  return {
    px: f.margin + x * (f.width - 2 * f.margin),
    py: f.margin + y * (f.height - 2 * f.margin),
  };
}

/** Approximate advance widths (em) for DejaVu Sans, the font the PNG renderer bundles. */
function charEm(ch: string): number {
  if (/[iljI.,:;'!|]/.test(ch)) return 0.32;
  if (/[ ftr()[\]{}"`-]/.test(ch)) return 0.42;
  if (/[mwMW@%]/.test(ch)) return 0.95;
  if (/[A-Z#&]/.test(ch)) return 0.74;
  if (/[0-9a-z$?_+=<>~^*/\\]/.test(ch)) return 0.62;
  return 0.8; // other scripts and symbols: be generous
}

/**
 * Estimated rendered width (px) of a label in DejaVu Sans Bold (how labels are drawn) at this font
 * size, on the large side: checked against resvg's rendering of 8 labels it was 1–11 % wider than
 * the inked text (the box adds padding), and 10–30 % wider for the regular weight.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * fontSize * 1.1;
}

/** A label's box in pixels (centred on its position, with a small padding). */
export function labelBox(
  label: string,
  x: number,
  y: number,
  frame: MapFrame = DEFAULT_FRAME,
): { left: number; top: number; right: number; bottom: number } {
  return boxOfSize(estimateTextWidth(label, frame.fontSize) + 6, x, y, frame);
}

/** The box of a label `w` px wide (padding included) at (x, y): `labelBox` once w is known. */
function boxOfSize(w: number, x: number, y: number, frame: MapFrame) {
  const { px, py } = toPixel(x, y, frame);
  const h = frame.fontSize * 1.3 + 4;
  return { left: px - w / 2, top: py - h / 2, right: px + w / 2, bottom: py + h / 2 };
}

export interface PlacedLabel<T> {
  topicId: T;
  label: string;
  x: number;
  y: number;
  /** Where the topic's centre is (the label may have been nudged away from it). */
  anchorX: number;
  anchorY: number;
  /** Number of papers in the topic. */
  size: number;
}

type Box = ReturnType<typeof labelBox>;
const overlapArea = (a: Box, b: Box) =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
  Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

/** At most this many members of a topic are used for its medoid (a fixed stride sample). */
const MEDOID_SAMPLE = 2000;
/** Cells a side of the grid whose counts bound a member's cost from below (see `medoid`). */
const MEDOID_GRID = 8;

/**
 * Medoid of a group of points (the member with the least total distance to the others, by
 * `Math.hypot`; the first such member on ties). Past a few thousand members, a fixed stride
 * sample gives the same centre for far less work.
 *
 * The plain double loop (`Math.hypot` over arrays of points) was most of the 12–16 s CPU that
 * labelling 100k papers took (91 areas and 399 topics), so it is pruned without changing the
 * answer. Members are binned in a coarse grid: a member's cost is at least the sum over cells of
 * (members in the cell × distance to the cell's bounding box). Members are then costed in order
 * of that bound, with `Math.sqrt(dx² + dy²)` over flat arrays, a sum abandoned once over the best
 * so far, until the bound alone rules out the rest. Only members within a relative 1e-9 of the
 * best (the two ways of summing agree to ~1e-12) are summed again with `Math.hypot`, in member
 * order. Exported for the test that checks it against the plain loop.
 */
export function medoid(pts: readonly Point[]): Point {
  const stride = Math.max(1, Math.ceil(pts.length / MEDOID_SAMPLE));
  const sample = pts.filter((_, i) => i % stride === 0);
  const m = sample.length;
  if (m <= 2) return sample[0] ?? [0.5, 0.5];
  const xs = Float64Array.from(sample, (p) => p[0]);
  const ys = Float64Array.from(sample, (p) => p[1]);
  const lower = medoidLowerBounds(xs, ys);
  const order = [...sample.keys()].sort((a, b) => (lower[a] ?? 0) - (lower[b] ?? 0) || a - b);
  const within = (c: number) => c * (1 + 1e-9) + 1e-100; // the absolute part covers underflow
  const fast = new Float64Array(m).fill(Infinity);
  let bestFast = Infinity;
  for (const i of order) {
    const limit = within(bestFast);
    if ((lower[i] ?? 0) * (1 - 1e-9) > limit) break; // and so are all later ones
    const x = xs[i] ?? 0;
    const y = ys[i] ?? 0;
    let cost = 0;
    // Every term is ≥ 0: a partial sum over the limit already rules this member out.
    for (let j = 0; j < m && cost <= limit; j++) {
      const dx = x - (xs[j] ?? 0);
      const dy = y - (ys[j] ?? 0);
      cost += Math.sqrt(dx * dx + dy * dy);
    }
    fast[i] = cost;
    if (cost < bestFast) bestFast = cost;
  }
  const limit = within(bestFast);
  let best: Point = sample[0] ?? [0.5, 0.5];
  let bestCost = Infinity;
  for (let i = 0; i < m; i++) {
    if (!((fast[i] ?? Infinity) <= limit)) continue;
    const p = sample[i] ?? best;
    let cost = 0;
    for (const q of sample) cost += Math.hypot(p[0] - q[0], p[1] - q[1]);
    if (cost < bestCost) {
      bestCost = cost;
      best = p;
    }
  }
  return best;
}

/**
 * For each point, a lower bound of its summed distance to all the points: the points binned in a
 * MEDOID_GRID² grid over their extent, each cell counted at its bounding box's nearest point.
 * All zeros (no pruning) when a coordinate is not finite or so large that squares overflow.
 */
function medoidLowerBounds(xs: Float64Array, ys: Float64Array): Float64Array {
  const m = xs.length;
  const out = new Float64Array(m);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < m; i++) {
    const x = xs[i] ?? NaN;
    const y = ys[i] ?? NaN;
    if (!(Math.abs(x) < 1e150 && Math.abs(y) < 1e150)) return out;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const G = MEDOID_GRID;
  const cellOf = (v: number, lo: number, hi: number) =>
    hi > lo ? Math.min(G - 1, Math.floor(((v - lo) / (hi - lo)) * G)) : 0;
  const count = new Float64Array(G * G);
  const box = new Float64Array(4 * G * G).fill(NaN); // left, right, top, bottom of each cell
  for (let i = 0; i < m; i++) {
    const x = xs[i] ?? 0;
    const y = ys[i] ?? 0;
    const c = cellOf(y, y0, y1) * G + cellOf(x, x0, x1);
    const b = 4 * c;
    if (!count[c]) [box[b], box[b + 1], box[b + 2], box[b + 3]] = [x, x, y, y];
    count[c] = (count[c] ?? 0) + 1;
    box[b] = Math.min(box[b] ?? x, x);
    box[b + 1] = Math.max(box[b + 1] ?? x, x);
    box[b + 2] = Math.min(box[b + 2] ?? y, y);
    box[b + 3] = Math.max(box[b + 3] ?? y, y);
  }
  const cells = [...count.keys()].filter((c) => (count[c] ?? 0) > 0);
  for (let i = 0; i < m; i++) {
    const x = xs[i] ?? 0;
    const y = ys[i] ?? 0;
    let sum = 0;
    for (const c of cells) {
      const b = 4 * c;
      const dx = Math.max(0, (box[b] ?? 0) - x, x - (box[b + 1] ?? 0));
      const dy = Math.max(0, (box[b + 2] ?? 0) - y, y - (box[b + 3] ?? 0));
      sum += (count[c] ?? 0) * Math.sqrt(dx * dx + dy * dy);
    }
    out[i] = sum;
  }
  return out;
}

/** Are the strings strictly ascending by code units (each one once)? */
function inCodeUnitOrder(keys: Iterable<string>): boolean {
  let prev: string | undefined;
  for (const k of keys) {
    if (prev !== undefined && !(prev < k)) return false;
    prev = k;
  }
  return true;
}

/**
 * One label per topic, at the medoid of its papers' positions, nudged (greedily, biggest topics
 * first) to the nearest free spot so no two labels' estimated text boxes overlap and each stays
 * inside the frame. Returns labels in placement order (biggest topic first).
 */
export function labelPositions<T extends string | number>(
  coords: ReadonlyMap<string, Point>,
  assignments: ReadonlyMap<string, T>,
  labels: ReadonlyMap<T, string>,
  frame: Partial<MapFrame> = {},
): PlacedLabel<T>[] {
  const f: MapFrame = { ...DEFAULT_FRAME, ...frame };
  const groups = new Map<T, Point[]>();
  // Members in id order (the medoid's stride sample depends on it). computeMap's coords come in
  // id order already: walking them then saves sorting every id (~0.6 s CPU at a million papers).
  const sortedIds = inCodeUnitOrder(coords.keys())
    ? coords.keys()
    : [...assignments.keys()].sort(byCodeUnits);
  for (const id of sortedIds) {
    const t = assignments.get(id);
    const p = coords.get(id);
    if (t === undefined || !p) continue;
    let g = groups.get(t);
    if (!g) groups.set(t, (g = []));
    g.push(p);
  }
  const topics = [...groups.entries()]
    .map(([topicId, pts]) => ({ topicId, pts, label: labels.get(topicId) ?? String(topicId) }))
    .sort(
      (a, b) => b.pts.length - a.pts.length || byCodeUnits(String(a.topicId), String(b.topicId)),
    );
  const placed: Box[] = [];
  const out: PlacedLabel<T>[] = [];
  const plotW = f.width - 2 * f.margin;
  const plotH = f.height - 2 * f.margin;
  const step = f.fontSize * 0.6;
  for (const t of topics) {
    const [ax, ay] = medoid(t.pts);
    // The box must stay inside the frame (labels may reach into the margins, not the title's).
    // The text's width is the same for every candidate spot (estimating it is most of a box).
    const w = estimateTextWidth(t.label, f.fontSize) + 6;
    const half = boxOfSize(w, 0, 0, f);
    const halfW = (half.right - half.left) / 2 / plotW;
    const halfH = (half.bottom - half.top) / 2 / plotH;
    const minX = (-f.margin + 2) / plotW + halfW;
    const maxX = 1 + (f.margin - 2) / plotW - halfW;
    const minY = (-f.margin * 0.3) / plotH + halfH;
    const maxY = 1 + (f.margin - 2) / plotH - halfH;
    let best: { x: number; y: number; cost: number } | null = null;
    // Candidates on rings of growing radius around the anchor (in pixels), 16 directions each;
    // the first free one wins, else the one with the least overlap.
    for (let ring = 0; ring <= 60 && !(best && best.cost === 0); ring++) {
      const r = ring * step;
      const dirs = ring === 0 ? 1 : 16;
      for (let d = 0; d < dirs; d++) {
        const a = (2 * Math.PI * d) / dirs;
        // Prefer vertical moves a little: labels are wide and short.
        let x = ax + (r * Math.cos(a)) / plotW;
        let y = ay + (r * 0.6 * Math.sin(a)) / plotH;
        x = minX <= maxX ? Math.min(maxX, Math.max(minX, x)) : 0.5;
        y = minY <= maxY ? Math.min(maxY, Math.max(minY, y)) : 0.5;
        const box = boxOfSize(w, x, y, f);
        let cost = 0;
        // Areas are ≥ 0: once the sum reaches the best so far, this spot cannot win.
        const bound = best ? best.cost : Infinity;
        for (let b = 0; b < placed.length && cost < bound; b++)
          cost += overlapArea(box, placed[b] as Box);
        if (!best || cost < best.cost) best = { x, y, cost };
        if (cost === 0) break;
      }
    }
    const at = best ?? { x: ax, y: ay, cost: 0 };
    placed.push(boxOfSize(w, at.x, at.y, f));
    out.push({
      topicId: t.topicId,
      label: t.label,
      x: at.x,
      y: at.y,
      anchorX: ax,
      anchorY: ay,
      size: t.pts.length,
    });
  }
  return out;
}
