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
// paper. `placeRest` is exact, O(rest × sample × dim): ≈ 10¹¹ multiply-adds for 100k papers and a
// 10k sample, a minute or two; beyond that, find the neighbours with an ANN index (HNSW) and/or
// split the work over worker threads.

import { UMAP } from 'umap-js';
import { mulberry32 } from '../core/random.js';
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
  /** Above this many papers, fit on a sample of this size and `transform` the rest. */
  maxFitPoints?: number;
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

/** Unit-length rows, flat row-major (zero rows stay zero), in the given order. */
function unitRows(input: MapInput, order: readonly number[]): Float64Array {
  const { vectors, dim } = input;
  const out = new Float64Array(order.length * dim);
  order.forEach((i, r) => {
    const at = (c: number) => {
      const v = vectors[i * dim + c] ?? 0;
      return Number.isFinite(v) ? v : 0; // a NaN would spread through the whole layout
    };
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += at(c) ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c++) out[r * dim + c] = at(c) * inv;
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

/**
 * Place extra rows into a fitted layout: each goes to the membership-weighted mean of its k
 * nearest fitted rows (UMAP's own starting point for new points, without the extra
 * optimisation). umap-js's `transform` does the same plus a short optimisation, but on LSA
 * vectors its approximate neighbour search placed points little better than at random.
 */
function placeRest(
  rest: Float64Array,
  fit: Float64Array,
  fitEmb: readonly Point[],
  dim: number,
  k: number,
): Point[] {
  const { indices, distances } = exactKnn(rest, fit, dim, k, false);
  return indices.map((nb, i) => {
    const ds = distances[i] ?? [];
    const rho = ds[0] ?? 0;
    let spread = 0;
    for (const d of ds) spread += (d - rho) / ds.length;
    const sigma = spread > 1e-9 ? spread : 1;
    let x = 0;
    let y = 0;
    let w = 0;
    nb.forEach((j, t) => {
      const wt = Math.exp(-((ds[t] ?? 0) - rho) / sigma);
      const e = fitEmb[j] ?? [0, 0];
      x += wt * e[0];
      y += wt * e[1];
      w += wt;
    });
    return [x / w, y / w];
  });
}

/** Rotate the layout onto its principal axes (wider axis horizontal), fix signs, fit into [0, 1]². */
function canonicalize(pts: Point[]): Point[] {
  const n = pts.length;
  if (n === 0) return [];
  let mx = 0;
  let my = 0;
  for (const [x, y] of pts) {
    mx += x / n;
    my += y / n;
  }
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of pts) {
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const [c, s] = [Math.cos(theta), Math.sin(theta)];
  const rot: Point[] = pts.map(([x, y]) => [
    (x - mx) * c + (y - my) * s,
    -(x - mx) * s + (y - my) * c,
  ]);
  // Signs: the longer tail (third moment) points right and down.
  for (const axis of [0, 1] as const) {
    let m3 = 0;
    for (const p of rot) m3 += p[axis] ** 3;
    if (m3 < 0) for (const p of rot) p[axis] = -p[axis];
  }
  const lo: Point = [Infinity, Infinity];
  const hi: Point = [-Infinity, -Infinity];
  for (const p of rot)
    for (const a of [0, 1] as const) {
      lo[a] = Math.min(lo[a], p[a]);
      hi[a] = Math.max(hi[a], p[a]);
    }
  // Each axis fills [0, 1]: the renderer decides the aspect ratio.
  const norm = (v: number, a: 0 | 1) => (hi[a] > lo[a] ? (v - lo[a]) / (hi[a] - lo[a]) : 0.5);
  return rot.map(([x, y]) => [clamp01(norm(x, 0)), clamp01(norm(y, 1))]);
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

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
  const X = unitRows(input, order);
  const seed = opts.seed ?? DEFAULT_MAP_SEED;
  const maxFit = Math.max(16, opts.maxFitPoints ?? DEFAULT_MAX_FIT);

  // Which rows the layout is fitted on (all of them unless the corpus is very large).
  let fitRows = [...sortedIds.keys()];
  let restRows: number[] = [];
  if (n > maxFit) {
    const byHash = [...sortedIds.keys()].sort(
      (a, b) =>
        fnv1a(sortedIds[a] ?? '') - fnv1a(sortedIds[b] ?? '') ||
        byCodeUnits(sortedIds[a] ?? '', sortedIds[b] ?? ''),
    );
    fitRows = byHash.slice(0, maxFit).sort((a, b) => a - b);
    restRows = byHash.slice(maxFit).sort((a, b) => a - b);
  }
  const pick = (rows: readonly number[]) => {
    const out = new Float64Array(rows.length * dim);
    rows.forEach((r, i) => out.set(X.subarray(r * dim, (r + 1) * dim), i * dim));
    return out;
  };
  const fitX = restRows.length ? pick(fitRows) : X;
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
  const fitEmb: Point[] = umap.getEmbedding().map((row) => [row[0] ?? 0, row[1] ?? 0]);
  const emb: Point[] = new Array<Point>(n);
  fitRows.forEach((r, i) => (emb[r] = fitEmb[i] ?? [0, 0]));
  if (restRows.length) {
    const placed = placeRest(pick(restRows), fitX, fitEmb, dim, k);
    restRows.forEach((r, i) => (emb[r] = placed[i] ?? [0, 0]));
  }
  const norm = canonicalize(emb);
  sortedIds.forEach((id, j) => coords.set(id, norm[j] ?? [0.5, 0.5]));
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
  const { px, py } = toPixel(x, y, frame);
  const w = estimateTextWidth(label, frame.fontSize) + 6;
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

/** Medoid of a group of points (the member with the least total distance to the others). */
function medoid(pts: readonly Point[]): Point {
  // Past a few thousand members, a fixed stride sample gives the same centre for far less work.
  const stride = Math.max(1, Math.ceil(pts.length / 2000));
  const sample = pts.filter((_, i) => i % stride === 0);
  let best: Point = sample[0] ?? [0.5, 0.5];
  let bestCost = Infinity;
  for (const p of sample) {
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
  const sortedIds = [...assignments.keys()].sort(byCodeUnits);
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
    const half = labelBox(t.label, 0, 0, f);
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
        const box = labelBox(t.label, x, y, f);
        let cost = 0;
        for (const b of placed) cost += overlapArea(box, b);
        if (!best || cost < best.cost) best = { x, y, cost };
        if (cost === 0) break;
      }
    }
    const at = best ?? { x: ax, y: ay, cost: 0 };
    placed.push(labelBox(t.label, at.x, at.y, f));
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
