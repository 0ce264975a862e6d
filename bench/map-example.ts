// Draws docs/map-example.png from the ICLR 2020 corpus: LSA vectors → UMAP map →
// colours and labels by topic. Until topics exist, papers are grouped by a quick seeded spherical
// k-means of the LSA vectors and each group is named by its most distinctive title words.
// Re-run with real topics by passing `topics`:
//
//   npm run build && node -e "import('./dist/bench/map-example.js').then((m) => m.writeMapExample())"

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CORPUS } from '../src/app/index.js';
import type { PaperRecord } from '../src/core/types.js';
import { parseListing } from '../src/ingest/listing.js';
import { LsaModel } from '../src/index/lsa.js';
import { SearchIndex } from '../src/index/search.js';
import { computeMap, labelPositions, mulberry32, type MapOptions } from '../src/analysis/map.js';
import { frameOf, qualitativePalette, renderMapPng, renderMapSvg } from '../src/analysis/render.js';

export interface MapExampleOptions {
  /** Output PNG path. Default: docs/map-example.png of the repo. */
  out?: string;
  /** Also write the SVG here. */
  svgOut?: string;
  /** Number of k-means groups when no topics are given. */
  groups?: number;
  seed?: number;
  /** UMAP settings (neighbours, minimum distance, epochs). */
  map?: MapOptions;
  width?: number;
  height?: number;
  /** Real topics: paper id → topic id, and topic id → label. */
  topics?: { assignments: Map<string, number | string>; labels: Map<number | string, string> };
}

export interface MapExampleResult {
  out: string;
  papers: number;
  timingsMs: Record<'parse' | 'lsa' | 'map' | 'groups' | 'labels' | 'svg' | 'png', number>;
  groups: { label: string; size: number }[];
  pngBytes: number;
}

const repoRoot = () => {
  const here = dirname(fileURLToPath(import.meta.url));
  // bench/ in the source tree, dist/bench/ when compiled.
  return here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
};

/** Spherical k-means (k-means++ start, seeded) on unit rows; returns each row's group. */
export function quickKmeans(vectors: Float32Array, dim: number, k: number, seed = 1): Int32Array {
  const n = vectors.length / dim;
  const rand = mulberry32(seed);
  const dot = (i: number, c: Float64Array) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += (vectors[i * dim + d] ?? 0) * (c[d] ?? 0);
    return s;
  };
  const centres: Float64Array[] = [];
  const first = Math.floor(rand() * n);
  centres.push(Float64Array.from(vectors.subarray(first * dim, (first + 1) * dim)));
  const best = new Float64Array(n).fill(Infinity);
  while (centres.length < Math.min(k, n)) {
    const last = centres[centres.length - 1] ?? new Float64Array(dim);
    let total = 0;
    for (let i = 0; i < n; i++) {
      best[i] = Math.min(best[i] ?? Infinity, Math.max(0, 1 - dot(i, last)));
      total += (best[i] ?? 0) ** 2;
    }
    let r = rand() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= (best[i] ?? 0) ** 2;
      if (r <= 0) {
        pick = i;
        break;
      }
    }
    centres.push(Float64Array.from(vectors.subarray(pick * dim, (pick + 1) * dim)));
  }
  const assign = new Int32Array(n).fill(-1);
  for (let iter = 0; iter < 50; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let bc = 0;
      let bs = -Infinity;
      centres.forEach((c, j) => {
        const s = dot(i, c);
        if (s > bs) {
          bs = s;
          bc = j;
        }
      });
      if (assign[i] !== bc) changed++;
      assign[i] = bc;
    }
    if (changed === 0) break;
    for (const c of centres) c.fill(0);
    for (let i = 0; i < n; i++) {
      const c = centres[assign[i] ?? 0];
      if (c) for (let d = 0; d < dim; d++) c[d] = (c[d] ?? 0) + (vectors[i * dim + d] ?? 0);
    }
    for (const c of centres) {
      let norm = 0;
      for (const v of c) norm += v * v;
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = 0; d < dim; d++) c[d] = (c[d] ?? 0) * inv;
    }
  }
  return assign;
}

const GENERIC = new Set(
  (
    'a an and are as at by for from in into is it its of on or the to via with without we our ' +
    'learning learn learned neural network networks deep model models using based towards toward ' +
    'approach method methods data training efficient better improving improved new via through ' +
    'beyond large scale simple analysis understanding can how what when why do does not under'
  ).split(' '),
);

/** The two most distinctive title words of each group (frequency in the group × share of uses). */
export function groupLabels(
  records: readonly PaperRecord[],
  assign: ArrayLike<number>,
): Map<number, string> {
  const words = (t: string | null) =>
    new Set(
      (t ?? '')
        .toLowerCase()
        .split(/[^a-z0-9-]+/)
        .map((w) => w.replace(/^-+|-+$/g, ''))
        .filter((w) => w.length >= 3 && !GENERIC.has(w) && !/^\d+$/.test(w)),
    );
  const inGroup = new Map<number, Map<string, number>>();
  const overall = new Map<string, number>();
  records.forEach((r, i) => {
    const g = assign[i] ?? 0;
    let m = inGroup.get(g);
    if (!m) inGroup.set(g, (m = new Map<string, number>()));
    for (const w of words(r.title)) {
      m.set(w, (m.get(w) ?? 0) + 1);
      overall.set(w, (overall.get(w) ?? 0) + 1);
    }
  });
  const out = new Map<number, string>();
  for (const [g, m] of inGroup) {
    const top = [...m]
      .filter(([, c]) => c >= 2)
      .map(([w, c]) => [w, (c * c) / (overall.get(w) ?? c)] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 2)
      .map(([w]) => w);
    out.set(g, top.join(' · ') || `group ${g + 1}`);
  }
  return out;
}

/** Build the example map from the ICLR 2020 listing and write it as PNG and SVG. */
export async function writeMapExample(opts: MapExampleOptions = {}): Promise<MapExampleResult> {
  const out = opts.out ?? join(repoRoot(), 'docs', 'map-example.png');
  const t: Partial<MapExampleResult['timingsMs']> = {};
  const lap = <T>(name: keyof MapExampleResult['timingsMs'], fn: () => T): T => {
    const t0 = performance.now();
    const v = fn();
    t[name] = Math.round(performance.now() - t0);
    return v;
  };
  const records = lap(
    'parse',
    () => parseListing(readFileSync(DEFAULT_CORPUS.path, 'utf8'), DEFAULT_CORPUS.label).records,
  );
  const { vectors, model } = lap('lsa', () =>
    LsaModel.fitWithVectors(records.map((r) => SearchIndex.semanticText(r))),
  );
  const ids = records.map((r) => r.id);
  const { coords } = lap('map', () =>
    computeMap({ ids, vectors, dim: model.dim }, { seed: opts.seed, ...opts.map }),
  );
  const { assignments, labels } = lap('groups', () => {
    if (opts.topics) return opts.topics;
    const assign = quickKmeans(vectors, model.dim, opts.groups ?? 12, opts.seed ?? 1);
    const names = groupLabels(records, assign);
    return {
      assignments: new Map<string, number | string>(ids.map((id, i) => [id, assign[i] ?? 0])),
      labels: new Map<number | string, string>(names),
    };
  });
  const renderOpts = {
    width: opts.width ?? 1600,
    height: opts.height ?? 1000,
    title: `ICLR 2020 — ${records.length} accepted papers, map of their LSA vectors (UMAP), coloured by ${opts.topics ? 'topic' : 'k-means group'}`,
  };
  const placed = lap('labels', () =>
    labelPositions(coords, assignments, labels, frameOf(renderOpts)),
  );
  // Colours: biggest group first gets the first palette colour.
  const palette = qualitativePalette(placed.length);
  const colourOf = new Map(placed.map((p, i) => [p.topicId, palette[i] ?? '#777777']));
  const svg = lap('svg', () =>
    renderMapSvg(
      records.flatMap((r) => {
        const p = coords.get(r.id);
        if (!p) return [];
        const g = assignments.get(r.id);
        const color = (g === undefined ? undefined : colourOf.get(g)) ?? '#bbbbbb';
        return [{ x: p[0], y: p[1], color, title: r.title ?? '(untitled)' }];
      }),
      placed,
      renderOpts,
    ),
  );
  const t0 = performance.now();
  const png = await renderMapPng(svg);
  t.png = Math.round(performance.now() - t0);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, png);
  if (opts.svgOut) writeFileSync(opts.svgOut, svg);
  return {
    out,
    papers: records.length,
    timingsMs: t as MapExampleResult['timingsMs'],
    groups: placed.map((p) => ({ label: p.label, size: p.size })),
    pngBytes: png.length,
  };
}
