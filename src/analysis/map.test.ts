import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import { LsaModel } from '../index/lsa.js';
import { SearchIndex } from '../index/search.js';
import {
  computeMap,
  DEFAULT_FRAME,
  labelBox,
  labelPositions,
  mapSample,
  medoid,
  mulberry32,
  type MapFrame,
  type Point,
} from './map.js';
import {
  escapeXml,
  frameOf,
  qualitativePalette,
  renderMapPng,
  renderMapSvg,
  type MapPoint,
} from './render.js';

const records = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'listing.md',
).records;

let ids: string[] = [];
let vectors: Float32Array = new Float32Array(0);
let dim = 0;
let coords = new Map<string, Point>();
/** Each paper's 10 nearest papers in LSA space (cosine). */
let lsaNN: number[][] = [];

beforeAll(() => {
  const fit = LsaModel.fitWithVectors(records.map((r) => SearchIndex.semanticText(r)));
  ids = records.map((r) => r.id);
  vectors = fit.vectors;
  dim = fit.model.dim;
  coords = computeMap({ ids, vectors, dim }).coords;
  lsaNN = ids.map((_, i) => {
    const sims = ids.map((__, j) => (j === i ? -Infinity : cos(i, j)));
    return [...sims.keys()].sort((a, b) => (sims[b] ?? 0) - (sims[a] ?? 0)).slice(0, 10);
  });
});

/** The rows of `vectors` in a new order. */
function permute(order: readonly number[]) {
  const v = new Float32Array(order.length * dim);
  order.forEach((i, j) => v.set(vectors.subarray(i * dim, (i + 1) * dim), j * dim));
  return { ids: order.map((i) => ids[i] ?? ''), vectors: v, dim };
}

function shuffled(n: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const a = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j] ?? 0, a[i] ?? 0];
  }
  return a;
}

const cos = (i: number, j: number) => {
  let s = 0;
  for (let c = 0; c < dim; c++) s += (vectors[i * dim + c] ?? 0) * (vectors[j * dim + c] ?? 0);
  return s;
};

/** Mean map distance to each paper's 10 LSA-nearest papers, over that to 10 random papers each. */
function neighbourRatio(layout: Map<string, Point>): number {
  const n = ids.length;
  const P = ids.map((id) => layout.get(id) ?? [NaN, NaN]);
  const d = (i: number, j: number) =>
    Math.hypot((P[i]?.[0] ?? 0) - (P[j]?.[0] ?? 0), (P[i]?.[1] ?? 0) - (P[j]?.[1] ?? 0));
  const rand = mulberry32(99);
  let near = 0;
  let random = 0;
  for (let i = 0; i < n; i++) {
    for (const j of lsaNN[i] ?? []) near += d(i, j);
    for (let r = 0; r < 10; r++) random += d(i, (i + 1 + Math.floor(rand() * (n - 1))) % n);
  }
  return near / random;
}

describe('computeMap', () => {
  it('gives every paper a position in [0, 1]², filling both axes', () => {
    expect(coords.size).toBe(records.length);
    const xs = [...coords.values()].map((p) => p[0]);
    const ys = [...coords.values()].map((p) => p[1]);
    for (const v of [...xs, ...ys]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(Math.min(...xs)).toBe(0);
    expect(Math.max(...xs)).toBe(1);
    expect(Math.min(...ys)).toBe(0);
    expect(Math.max(...ys)).toBe(1);
  });

  it('is order-independent: shuffled input gives the same coordinates per id', () => {
    const again = computeMap(permute(shuffled(ids.length, 7))).coords;
    for (const id of ids) expect(again.get(id)).toEqual(coords.get(id));
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const sub = permute([...Array(150).keys()]);
    const a = computeMap(sub, { seed: 3, nEpochs: 100 }).coords;
    const b = computeMap(sub, { seed: 3, nEpochs: 100 }).coords;
    const c = computeMap(sub, { seed: 4, nEpochs: 100 }).coords;
    expect([...b]).toEqual([...a]);
    expect([...c]).not.toEqual([...a]);
  });

  it('keeps LSA neighbours close: much closer on the map than random pairs', () => {
    // Measured 0.31 (UMAP, 15 neighbours); a random layout gives 1.
    expect(neighbourRatio(coords)).toBeLessThan(0.45);
    // And the map's own 10 nearest neighbours overlap the LSA ones well (measured ≈ 0.45).
    const n = ids.length;
    const P: Point[] = ids.map((id) => coords.get(id) ?? [0, 0]);
    let shared = 0;
    for (let i = 0; i < n; i++) {
      const others = [...Array(n).keys()].filter((j) => j !== i);
      const lsa = new Set(lsaNN[i]);
      const pi: Point = P[i] ?? [0, 0];
      const dist = (j: number) => Math.hypot(pi[0] - (P[j]?.[0] ?? 0), pi[1] - (P[j]?.[1] ?? 0));
      const onMap = others.sort((a, b) => dist(a) - dist(b)).slice(0, 10);
      shared += onMap.filter((j) => lsa.has(j)).length;
    }
    expect(shared / (n * 10)).toBeGreaterThan(0.3);
  });

  it('fits a sample and places the rest when the corpus exceeds maxFitPoints', () => {
    const layout = computeMap({ ids, vectors, dim }, { maxFitPoints: 300, nEpochs: 150 }).coords;
    expect(layout.size).toBe(ids.length);
    for (const [x, y] of layout.values()) {
      expect(x >= 0 && x <= 1 && y >= 0 && y <= 1).toBe(true);
    }
    // Measured 0.40 with less than half the papers fitted.
    expect(neighbourRatio(layout)).toBeLessThan(0.55);
  });

  it('handles tiny inputs and refuses inconsistent ones', () => {
    expect(computeMap({ ids: [], vectors: new Float32Array(0), dim: 3 }).coords.size).toBe(0);
    expect([...computeMap({ ids: ['a'], vectors: new Float32Array(3), dim: 3 }).coords]).toEqual([
      ['a', [0.5, 0.5]],
    ]);
    const five = computeMap({
      ids: ['e', 'd', 'c', 'b', 'a'],
      vectors: Float32Array.from([1, 0, 0, 0.9, 0.1, 0, 0, 1, 0, 0, 0.9, 0.1, 0, 0, 0]),
      dim: 3,
    }).coords;
    expect(five.size).toBe(5);
    for (const [x, y] of five.values()) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
    expect(() => computeMap({ ids: ['a', 'b'], vectors: new Float32Array(5), dim: 3 })).toThrow(
      /vector values/,
    );
    expect(() => computeMap({ ids: ['a', 'a'], vectors: new Float32Array(6), dim: 3 })).toThrow(
      /duplicate id/,
    );
  });
});

describe('computeMap above maxFitPoints (fit a sample, place the rest with HNSW)', () => {
  // Synthetic clusters: 8 well-separated directions in 24 dims, 150 papers each, with noise.
  const D = 24;
  const C = 8;
  const PER = 150;
  const N = C * PER;
  const rand = mulberry32(2024);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const centres = Array.from({ length: C }, () => Array.from({ length: D }, gauss));
  const cIds: string[] = [];
  const cluster: number[] = [];
  const cVec = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    const c = i % C;
    cIds.push(`s${(i * 7919) % 100_000}-${i}`);
    cluster.push(c);
    for (let d = 0; d < D; d++) cVec[i * D + d] = (centres[c]?.[d] ?? 0) + 0.45 * gauss();
  }
  // Two degenerate rows among the placed ones: all zeros and a NaN.
  cVec.fill(0, 5 * D, 6 * D);
  cVec[7 * D + 3] = NaN;
  const input = { ids: cIds, vectors: cVec, dim: D };
  const opts = { maxFitPoints: 200, nEpochs: 120 };
  const sample = mapSample(cIds, opts.maxFitPoints);
  let ann = new Map<string, Point>();
  beforeAll(() => {
    ann = computeMap(input, opts).coords;
  });

  it('fits exactly maxFitPoints papers and places every other one inside [0, 1]², no NaN', () => {
    expect(sample.size).toBe(200);
    expect(ann.size).toBe(N);
    for (const [x, y] of ann.values()) {
      expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
      expect(x >= 0 && x <= 1 && y >= 0 && y <= 1).toBe(true);
    }
    expect(sample.has(cIds[5] ?? '') || sample.has(cIds[7] ?? '')).toBe(false);
  });

  it('is deterministic and independent of the input order', () => {
    const order = shuffled(N, 11);
    const again = computeMap(
      {
        ids: order.map((i) => cIds[i] ?? ''),
        vectors: Float32Array.from(
          order.flatMap((i) => Array.from(cVec.subarray(i * D, (i + 1) * D))),
        ),
        dim: D,
      },
      opts,
    ).coords;
    for (const id of cIds) expect(again.get(id)).toEqual(ann.get(id));
  });

  it('puts placed papers with their cluster: nearest to their own cluster on the map', () => {
    // Map centre of each cluster, from the fitted papers only.
    const cx = new Float64Array(C);
    const cy = new Float64Array(C);
    const cn = new Float64Array(C);
    cIds.forEach((id, i) => {
      if (!sample.has(id)) return;
      const p = ann.get(id) ?? [NaN, NaN];
      const c = cluster[i] ?? 0;
      cx[c] = (cx[c] ?? 0) + p[0];
      cy[c] = (cy[c] ?? 0) + p[1];
      cn[c] = (cn[c] ?? 0) + 1;
    });
    let placed = 0;
    let right = 0;
    cIds.forEach((id, i) => {
      if (sample.has(id) || i === 5 || i === 7) return;
      placed++;
      const [x, y] = ann.get(id) ?? [NaN, NaN];
      let best = -1;
      let bestD = Infinity;
      for (let c = 0; c < C; c++) {
        const d = Math.hypot(x - (cx[c] ?? 0) / (cn[c] ?? 1), y - (cy[c] ?? 0) / (cn[c] ?? 1));
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (best === cluster[i]) right++;
    });
    expect(placed).toBe(N - 200 - 2);
    expect(right / placed).toBeGreaterThan(0.97);
  });

  it('places papers where the exact neighbour search would, and far better than at random', () => {
    const exact = computeMap(input, { ...opts, placement: 'exact' }).coords;
    let moved = 0;
    let placed = 0;
    for (const id of cIds) {
      if (sample.has(id)) continue;
      const a = ann.get(id) ?? [NaN, NaN];
      const b = exact.get(id) ?? [NaN, NaN];
      moved += Math.hypot(a[0] - b[0], a[1] - b[1]);
      placed++;
    }
    expect(moved / placed).toBeLessThan(0.005);
    // For scale: a paper's distance to a random paper on the same map.
    const ids = [...exact.keys()];
    const perm = shuffled(ids.length, 5);
    let random = 0;
    ids.forEach((id, j) => {
      const a = exact.get(id) ?? [NaN, NaN];
      const b = exact.get(ids[perm[j] ?? 0] ?? '') ?? [NaN, NaN];
      random += Math.hypot(a[0] - b[0], a[1] - b[1]) / ids.length;
    });
    expect(moved / placed).toBeLessThan(random / 20);
  });

  it('agrees with exact placement on real LSA vectors (ICLR 2020, 300 fitted)', () => {
    const o = { maxFitPoints: 300, nEpochs: 60 };
    const a = computeMap({ ids, vectors, dim }, o).coords;
    const b = computeMap({ ids, vectors, dim }, { ...o, placement: 'exact' }).coords;
    let moved = 0;
    for (const id of ids) {
      const p = a.get(id) ?? [NaN, NaN];
      const q = b.get(id) ?? [NaN, NaN];
      moved += Math.hypot(p[0] - q[0], p[1] - q[1]) / ids.length;
    }
    expect(moved).toBeLessThan(0.002);
  });
});

function overlaps(
  placed: readonly { label: string; x: number; y: number }[],
  frame: MapFrame,
): string[] {
  const boxes = placed.map((p) => ({ p, b: labelBox(p.label, p.x, p.y, frame) }));
  const bad: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]?.b;
      const b = boxes[j]?.b;
      if (!a || !b) continue;
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        bad.push(`${boxes[i]?.p.label ?? ''} / ${boxes[j]?.p.label ?? ''}`);
    }
  return bad;
}

describe('labelPositions', () => {
  it('labels every topic of the real map without overlaps, inside the frame', () => {
    // Topics for the test: the strongest of the first 16 LSA dimensions.
    const assignments = new Map<string, number>();
    ids.forEach((id, i) => {
      let best = 0;
      for (let c = 1; c < 16; c++)
        if ((vectors[i * dim + c] ?? 0) > (vectors[i * dim + best] ?? 0)) best = c;
      assignments.set(id, best);
    });
    const labels = new Map([...Array(16).keys()].map((t) => [t, `topic ${t} label words`]));
    const frame = { ...DEFAULT_FRAME, width: 1200, height: 800 };
    const placed = labelPositions(coords, assignments, labels, frame);
    expect(placed.length).toBe(new Set(assignments.values()).size);
    expect(overlaps(placed, frame)).toEqual([]);
    for (const p of placed) {
      const b = labelBox(p.label, p.x, p.y, frame);
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(frame.width);
      expect(b.top).toBeGreaterThanOrEqual(0);
      expect(b.bottom).toBeLessThanOrEqual(frame.height);
      // Never far from its topic's centre.
      expect(Math.hypot(p.x - p.anchorX, p.y - p.anchorY)).toBeLessThan(0.35);
    }
    // The biggest topic keeps its spot: at the medoid of its papers, which is one of them.
    const first = placed[0];
    expect(first && [...coords.values()].some(([x, y]) => x === first.x && y === first.y)).toBe(
      true,
    );
  });

  it('spreads labels that all want the same spot, and is order-independent', () => {
    const c = new Map<string, Point>();
    const assignments = new Map<string, string>();
    for (let t = 0; t < 30; t++)
      for (let k = 0; k < 3; k++) {
        c.set(`p${t}-${k}`, [0.5 + k * 0.001, 0.5]);
        assignments.set(`p${t}-${k}`, `t${t}`);
      }
    const labels = new Map([...Array(30).keys()].map((t) => [`t${t}`, `a rather long label ${t}`]));
    const placed = labelPositions(c, assignments, labels);
    expect(placed).toHaveLength(30);
    expect(overlaps(placed, DEFAULT_FRAME)).toEqual([]);
    const reversed = labelPositions(
      new Map([...c].reverse()),
      new Map([...assignments].reverse()),
      labels,
    );
    expect(reversed).toEqual(placed);
  });
});

/** The medoid as plainly computed (map.ts's before it was made fast): the answer to match. */
function plainMedoid(pts: readonly Point[]): Point {
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

/** labelPositions as plainly computed (sorting every id, every box measured, every sum whole). */
function plainLabelPositions<T extends string | number>(
  coords: ReadonlyMap<string, Point>,
  assignments: ReadonlyMap<string, T>,
  labels: ReadonlyMap<T, string>,
  f: MapFrame,
) {
  const groups = new Map<T, Point[]>();
  for (const id of [...assignments.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const t = assignments.get(id);
    const p = coords.get(id);
    if (t === undefined || !p) continue;
    let g = groups.get(t);
    if (!g) groups.set(t, (g = []));
    g.push(p);
  }
  const topics = [...groups.entries()]
    .map(([topicId, pts]) => ({ topicId, pts, label: labels.get(topicId) ?? String(topicId) }))
    .sort((a, b) => {
      const [x, y] = [String(a.topicId), String(b.topicId)];
      return b.pts.length - a.pts.length || (x < y ? -1 : x > y ? 1 : 0);
    });
  type Box = ReturnType<typeof labelBox>;
  const area = (a: Box, b: Box) =>
    Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
    Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const placed: Box[] = [];
  const out = [];
  const [plotW, plotH] = [f.width - 2 * f.margin, f.height - 2 * f.margin];
  for (const t of topics) {
    const [ax, ay] = plainMedoid(t.pts);
    const half = labelBox(t.label, 0, 0, f);
    const [halfW, halfH] = [
      (half.right - half.left) / 2 / plotW,
      (half.bottom - half.top) / 2 / plotH,
    ];
    const [minX, maxX] = [(-f.margin + 2) / plotW + halfW, 1 + (f.margin - 2) / plotW - halfW];
    const [minY, maxY] = [(-f.margin * 0.3) / plotH + halfH, 1 + (f.margin - 2) / plotH - halfH];
    let best: { x: number; y: number; cost: number } | null = null;
    for (let ring = 0; ring <= 60 && !(best && best.cost === 0); ring++) {
      const r = ring * f.fontSize * 0.6;
      const dirs = ring === 0 ? 1 : 16;
      for (let d = 0; d < dirs; d++) {
        const a = (2 * Math.PI * d) / dirs;
        let x = ax + (r * Math.cos(a)) / plotW;
        let y = ay + (r * 0.6 * Math.sin(a)) / plotH;
        x = minX <= maxX ? Math.min(maxX, Math.max(minX, x)) : 0.5;
        y = minY <= maxY ? Math.min(maxY, Math.max(minY, y)) : 0.5;
        const box = labelBox(t.label, x, y, f);
        let cost = 0;
        for (const b of placed) cost += area(box, b);
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

/** n points in a few seeded Gaussian-ish clusters in [0, 1]², some of them repeated. */
function cloud(n: number, seed: number): Point[] {
  const rand = mulberry32(seed);
  const centres = Array.from({ length: 5 }, (): Point => [rand(), rand()]);
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const prev = pts[Math.floor(rand() * pts.length)];
    if (prev && rand() < 0.05) pts.push([prev[0], prev[1]]);
    else {
      const c = centres[i % centres.length] ?? [0.5, 0.5];
      const s = 0.02 + 0.1 * rand();
      pts.push([c[0] + s * (rand() + rand() - 1), c[1] + s * (rand() + rand() - 1)]);
    }
  }
  return pts;
}

describe('medoid', () => {
  it('gives the plain double loop’s answer: clouds, the stride sample, ties, tiny distances', () => {
    const cases: Point[][] = [
      [],
      [[0.3, 0.4]],
      [
        [0.1, 0.1],
        [0.9, 0.9],
      ],
      // Every member equally central: the first wins.
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
      // An even line: the two middle ones tie.
      [0, 0.1, 0.2, 0.3, 0.4, 0.5].map((x): Point => [x, 0.5]),
      [...Array(9).keys()].map((i): Point => [(i % 3) / 2, Math.floor(i / 3) / 2]),
      Array.from({ length: 50 }, (): Point => [0.25, 0.75]),
      // Differences whose squares underflow, or overflow; a NaN (every cost is NaN: the first).
      [...Array(40).keys()].map((i): Point => [0.5 + i * 1e-170, 0.5 - (i % 7) * 1e-165]),
      [...Array(40).keys()].map((i): Point => [(i % 9) * 1e200, (i % 4) * -3e199]),
      [...Array(40).keys()].map((i): Point => [i === 17 ? NaN : i / 40, 0.5]),
    ];
    for (const [n, seed] of [
      [3, 1],
      [60, 2],
      [700, 3],
      [2001, 4],
      [4500, 5],
      [9000, 6],
    ] as const)
      cases.push(cloud(n, seed));
    // The same member (not only the same position), as ties are broken the same way.
    for (const pts of cases)
      if (pts.length) expect(medoid(pts)).toBe(plainMedoid(pts));
      else expect(medoid(pts)).toEqual([0.5, 0.5]);
  });
});

describe('labelPositions on a generated crowded map', () => {
  it('places every label where the plain computation does, whatever the input order', () => {
    // 12k papers in ~120 topics, crowded (labels move off their centres), ids not in order.
    const pts = cloud(12_000, 7);
    const rand = mulberry32(8);
    const c = new Map<string, Point>();
    const assignments = new Map<string, string>();
    pts.forEach((p, i) => {
      const id = `w${(i * 7919) % 12_007}`;
      c.set(id, p);
      // Topics mostly follow the position (a 12 × 10 grid), as real ones do; some are scattered;
      // one has 4,000 members, so its medoid is found on a stride sample (which depends on the
      // members' order: by id).
      const cell = (v: number, k: number) => Math.min(k - 1, Math.max(0, Math.floor(v * k)));
      const t = rand() < 0.7 ? cell(p[0], 12) * 10 + cell(p[1], 10) : Math.floor(rand() * 120);
      if (i % 3 === 0) assignments.set(id, 'big');
      else if (i % 50 !== 1) assignments.set(id, `t${t}`);
    });
    assignments.set('not-on-the-map', 't0');
    const labels = new Map([...Array(120).keys()].map((t) => [`t${t}`, `topic ${t} with words`]));
    labels.set('big', 'the biggest topic');
    const frame = { ...DEFAULT_FRAME, width: 1000, height: 700 };
    const want = plainLabelPositions(c, assignments, labels, frame);
    expect(want.length).toBe(new Set(assignments.values()).size);
    expect(want.length).toBeGreaterThan(100);
    expect(want[0]?.size).toBe(4000);
    // Unsorted coords (ids sorted here), then coords in id order (walked without sorting).
    expect(labelPositions(c, assignments, labels, frame)).toEqual(want);
    const sortedCoords = new Map([...c].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(labelPositions(sortedCoords, assignments, labels, frame)).toEqual(want);
    expect(
      labelPositions(sortedCoords, new Map([...assignments].reverse()), labels, frame),
    ).toEqual(want);
  });
});

describe('render', () => {
  const evil = '<script>alert(1)</script> & "x"';
  const points: MapPoint[] = [
    { x: 0.1, y: 0.2, color: '#4e79a7', title: evil },
    { x: 0.8, y: 0.7, color: '#e15759"/><script>x</script>' },
    { x: 0.5, y: 0.5, color: '#59a14f' },
  ];
  const labels = [{ x: 0.5, y: 0.4, label: evil }];
  const opts = { width: 400, height: 300, title: evil };

  it('escapes every text and attribute and has no script', () => {
    const svg = renderMapSvg(points, labels, opts);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(escapeXml("a\u0000b'<")).toBe('ab&apos;&lt;');
  });

  it('renders a PNG with the points and the label text on it', async () => {
    const decode = (bytes: Uint8Array) => PNG.sync.read(Buffer.from(bytes));
    const svg = renderMapSvg(points, labels, opts);
    const png = await renderMapPng(svg);
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const img = decode(png);
    expect([img.width, img.height]).toEqual([400, 300]);
    let inked = 0;
    for (let i = 0; i < img.data.length; i += 4)
      if ((img.data[i] ?? 255) < 240 || (img.data[i + 1] ?? 255) < 240) inked++;
    expect(inked).toBeGreaterThan(200);
    // The label is drawn (a font was found): the image without it differs around the label.
    const bare = decode(await renderMapPng(renderMapSvg(points, [], { ...opts, title: '' })));
    const f = frameOf(opts);
    const box = labelBox(evil, 0.5, 0.4, f);
    let differ = 0;
    for (let y = Math.max(0, Math.floor(box.top)); y < Math.min(300, box.bottom); y++)
      for (let x = Math.max(0, Math.floor(box.left)); x < Math.min(400, box.right); x++) {
        const i = (y * 400 + x) * 4;
        if (img.data[i] !== bare.data[i]) differ++;
      }
    expect(differ).toBeGreaterThan(100);
    // A 2× render doubles both sides.
    const big = decode(await renderMapPng(svg, { scale: 2 }));
    expect([big.width, big.height]).toEqual([800, 600]);
  });

  it('gives ~80 distinct colours', () => {
    const p = qualitativePalette(80);
    expect(p).toHaveLength(80);
    expect(new Set(p).size).toBe(80);
    for (const c of p) expect(c).toMatch(/^#[0-9a-f]{6}$/);
    expect(qualitativePalette(3)).toEqual(['#4e79a7', '#f28e2b', '#e15759']);
  });
});
