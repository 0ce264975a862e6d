// The paper map at 100k–1M papers (src/analysis/map.ts): computeMap's time and peak RSS at 10k
// papers (everything fitted), 20k (the largest fit: umap-js alone), 100k (UMAP on a 20k sample,
// the rest placed with the old exact scan vs the HNSW search over the sample) and 1M (the 100k
// vectors repeated with small seeded noise; HNSW placement only), and the quality of the HNSW
// placement: recall of the exact 15 nearest fitted papers and how far placed papers move on the
// map against the exact placement. Also the rest of `confscope analyze`'s map stage, timed after
// computeMap: two levels of topic labels (labelPositions; 91 areas and 399 topics, as analyze
// made of 100k papers, here cells of the map) and the coordinates turned into an object.
//
//   npm run build --silent && node dist/bench/map-scale.js --vectors /tmp/scale/v100k.f32
//
// Options: --dim 128, --cases (any of 10k,20k,100k-ann,100k-exact,1m,quality — the last from
// the coordinates a 100k-ann run saved; default 10k,100k-ann,1m),
// --out DIR (scratch, default /tmp/map-scale), --limit-min 20 (a case running longer is killed).
// Every case runs in its own Node process so its peak RSS (getrusage maxRSS) is its own.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  computeMap,
  DEFAULT_FRAME,
  DEFAULT_PLACE_EF,
  labelPositions,
  mapSample,
  placeAt,
  SampleNeighbours,
  type MapOptions,
} from '../src/analysis/map.js';
import { mulberry32 } from '../src/core/random.js';
import { quantile, table } from './util.js';

interface Args {
  vectors: string;
  dim: number;
  cases: string[];
  out: string;
  limitMin: number;
  child: string | null;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    vectors: get('vectors') ?? '/tmp/scale/v100k.f32',
    dim: Number(get('dim') ?? 128),
    cases: (get('cases') ?? '10k,100k-ann,1m').split(','),
    out: get('out') ?? '/tmp/map-scale',
    limitMin: Number(get('limit-min') ?? 20),
    child: get('child') ?? null,
  };
}

function loadVectors(path: string, dim: number): Float32Array {
  const buf = readFileSync(path);
  const v = new Float32Array(buf.buffer, buf.byteOffset, Math.floor(buf.byteLength / 4));
  if (v.length % dim !== 0)
    throw new Error(`${path}: ${v.length} values, not a multiple of ${dim}`);
  return v;
}

const mb = (kb: number) => kb / 1024;
const pct = (v: number | undefined) => `${((v ?? NaN) * 100).toFixed(3)} %`;
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

/** 1M-style input: the base rows repeated `times`, each copy with seeded noise, renormalised. */
function repeatWithNoise(base: Float32Array, dim: number, times: number, sigma: number) {
  const n0 = base.length / dim;
  const out = new Float32Array(base.length * times);
  const rand = mulberry32(0x1badcafe);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  for (let r = 0; r < times; r++)
    for (let i = 0; i < n0; i++) {
      const o = (r * n0 + i) * dim;
      let norm = 0;
      for (let c = 0; c < dim; c++) {
        const x = (base[i * dim + c] ?? 0) + (r === 0 ? 0 : sigma * gauss());
        out[o + c] = x;
        norm += x * x;
      }
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let c = 0; c < dim; c++) out[o + c] = (out[o + c] ?? 0) * inv;
    }
  return out;
}

interface CaseResult {
  name: string;
  n: number;
  ms: number;
  /** CPU time (user + system) of computeMap: less sensitive to a busy machine than wall time. */
  cpuMs: number;
  fitMs: number;
  knnMs: number;
  placeMs: number;
  /** The rest of analyze's map stage: labels at two levels and the coordinates as an object. */
  labelsMs: number;
  inputRssMb: number;
  peakRssMb: number;
  extra?: Record<string, number>;
}

/**
 * What computeAnalysis does after computeMap (src/app/analysis.ts, the 'map' stage): place the
 * labels of the areas and of the topics, and turn the coordinates into an object. The topics are
 * cells of the map (13 × 7 areas, 21 × 19 topics: analyze found 91 and 399 at 100k papers).
 */
function labelStage(coords: Map<string, [number, number]>): number {
  const t0 = performance.now();
  for (const [cols, rows] of [
    [13, 7],
    [21, 19],
  ] as const) {
    const cell = (v: number, k: number) => Math.min(k - 1, Math.floor(v * k));
    const assign = new Map<string, string>();
    for (const [id, [x, y]] of coords) assign.set(id, `c${cell(x, cols)}-${cell(y, rows)}`);
    const names = new Map<string, string>();
    for (const t of assign.values()) names.set(t, `topic ${t} words`);
    labelPositions(coords, assign, names, DEFAULT_FRAME);
  }
  const obj = Object.fromEntries(coords);
  if (Object.keys(obj).length !== coords.size) throw new Error('lost coordinates');
  return performance.now() - t0;
}

/** One case, in this (child) process. */
function runChild(args: Args): CaseResult {
  const name = args.child ?? '';
  const all = loadVectors(args.vectors, args.dim);
  const dim = args.dim;
  if (name === 'quality') {
    // The quality numbers alone, from the coordinates a 100k-ann run saved.
    const buf = readFileSync(join(args.out, 'coords-100k-ann.f64'));
    const xy = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    const coords = new Map<string, [number, number]>();
    for (let i = 0; i < xy.length / 2; i++)
      coords.set(`p${i}`, [xy[2 * i] ?? NaN, xy[2 * i + 1] ?? NaN]);
    const extra = quality(args, all, coords);
    return {
      name,
      n: coords.size,
      ms: NaN,
      cpuMs: NaN,
      fitMs: NaN,
      knnMs: NaN,
      placeMs: NaN,
      labelsMs: NaN,
      inputRssMb: NaN,
      peakRssMb: NaN,
      extra,
    };
  }
  let vectors: Float32Array;
  let opts: MapOptions = {};
  if (name === '10k') vectors = all.subarray(0, 10_000 * dim);
  else if (name === '20k') vectors = all.subarray(0, 20_000 * dim);
  else if (name === '100k-exact') {
    vectors = all;
    opts = { placement: 'exact' };
  } else if (name === '100k-ann') {
    vectors = all;
    opts = { placement: 'ann' };
  } else if (name === '1m') vectors = repeatWithNoise(all, dim, 10, 0.02);
  else throw new Error(`unknown case ${name}`);
  const n = vectors.length / dim;
  const ids = Array.from({ length: n }, (_, i) => `p${i}`);
  const inputRssMb = rssMb();
  const timings: { fitMs?: number; knnMs?: number; placeMs?: number } = {};
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { coords } = computeMap({ ids, vectors, dim }, { ...opts, timings });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const labelsMs = labelStage(coords);
  const peakRssMb = mb(process.resourceUsage().maxRSS);
  let bad = 0;
  for (const [x, y] of coords.values()) if (!Number.isFinite(x) || !Number.isFinite(y)) bad++;
  if (bad) throw new Error(`${bad} non-finite coordinates`);
  if (name.startsWith('100k')) {
    // Coordinates in id-number order, for the displacement comparison.
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const p = coords.get(`p${i}`) ?? [NaN, NaN];
      xy[2 * i] = p[0];
      xy[2 * i + 1] = p[1];
    }
    writeFileSync(join(args.out, `coords-${name}.f64`), xy);
  }
  const extra = name === '100k-ann' ? quality(args, all, coords) : undefined;
  return {
    ...(extra ? { extra } : {}),
    name,
    n,
    ms,
    cpuMs,
    fitMs: timings.fitMs ?? NaN,
    knnMs: timings.knnMs ?? NaN,
    placeMs: timings.placeMs ?? NaN,
    labelsMs,
    inputRssMb,
    peakRssMb,
  };
}

/**
 * On 2,000 placed papers of the 100k set: recall of the exact k nearest fitted papers per ef,
 * and how far each paper would move on the map with its exact neighbours. The placement is a
 * weighted mean of fitted papers' positions, so it commutes with the final rotation and
 * rescaling: re-placing with the fitted papers' final coordinates gives the exact placement's
 * position (the check: re-placing with the HNSW neighbours reproduces computeMap's own output).
 */
function quality(
  args: Args,
  vectors: Float32Array,
  coords: ReadonlyMap<string, readonly [number, number]>,
): Record<string, number> {
  const dim = args.dim;
  const n = vectors.length / dim;
  const ids = Array.from({ length: n }, (_, i) => `p${i}`);
  const sample = mapSample(ids);
  const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  // The sample's rows in the order computeMap holds them (ids sorted by code units).
  const fitIds = [...sample].sort(byCodeUnits);
  const unit = (i: number, out: Float64Array, at: number) => {
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += (vectors[i * dim + c] ?? 0) ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c++) out[at + c] = (vectors[i * dim + c] ?? 0) * inv;
  };
  const fit = new Float64Array(fitIds.length * dim);
  fitIds.forEach((id, r) => {
    unit(Number(id.slice(1)), fit, r * dim);
  });
  const rest = ids.map((_, i) => i).filter((i) => !sample.has(`p${i}`));
  const step = Math.max(1, Math.floor(rest.length / 2000));
  const queries = rest.filter((_, j) => j % step === 0).slice(0, 2000);
  const k = 15;
  const exact = new SampleNeighbours(fit, dim, 'exact');
  const q = new Float64Array(dim);
  const idx = new Int32Array(k);
  const dist = new Float64Array(k);
  const truth: Int32Array[] = [];
  const fitPos = (j: number): [number, number] => {
    const p = coords.get(fitIds[j] ?? '');
    return [p?.[0] ?? NaN, p?.[1] ?? NaN];
  };
  const moved: number[] = [];
  const exactAt: [number, number][] = [];
  let t0 = performance.now();
  for (const i of queries) {
    unit(i, q, 0);
    const found = exact.nearest(q, k, idx, dist);
    truth.push(idx.slice());
    const [x, y] = placeAt(idx, dist, found, fitPos);
    exactAt.push([x, y]);
    const p = coords.get(`p${i}`) ?? [NaN, NaN];
    moved.push(Math.hypot(x - p[0], y - p[1]));
  }
  const exactMs = (performance.now() - t0) / queries.length;
  const extra: Record<string, number> = { queries: queries.length, exactQueryMs: exactMs };
  t0 = performance.now();
  const ann = new SampleNeighbours(fit, dim, 'ann');
  extra['buildMs'] = performance.now() - t0;
  let selfCheck = 0;
  const efMoved: number[] = [];
  for (const ef of [16, 32, 64, 128]) {
    let hit = 0;
    let first = 0;
    t0 = performance.now();
    const found: Int32Array[] = [];
    for (const i of queries) {
      unit(i, q, 0);
      const m = ann.nearest(q, k, idx, dist, ef);
      found.push(idx.slice());
      const [x, y] = placeAt(idx, dist, m, fitPos);
      const p = coords.get(`p${i}`) ?? [NaN, NaN];
      if (ef === DEFAULT_PLACE_EF) selfCheck = Math.max(selfCheck, Math.hypot(x - p[0], y - p[1]));
      // Against the exact placement (`moved` holds exact − computeMap's own, default ef).
      const ex = exactAt[found.length - 1] ?? [NaN, NaN];
      efMoved.push(Math.hypot(x - ex[0], y - ex[1]));
    }
    efMoved.sort((a, b) => a - b);
    extra[`movedMean@ef${ef}`] = efMoved.reduce((a, b) => a + b, 0) / efMoved.length;
    extra[`movedP99@ef${ef}`] = quantile(efMoved, 0.99);
    extra[`movedMax@ef${ef}`] = efMoved[efMoved.length - 1] ?? NaN;
    efMoved.length = 0;
    const qms = (performance.now() - t0) / queries.length;
    found.forEach((f, j) => {
      const want = new Set(truth[j]);
      for (const x of f) if (want.has(x)) hit++;
      if (f[0] === truth[j]?.[0]) first++;
    });
    extra[`recall@ef${ef}`] = hit / (k * queries.length);
    extra[`top1@ef${ef}`] = first / queries.length;
    extra[`queryMs@ef${ef}`] = qms;
  }
  extra['defaultEf'] = DEFAULT_PLACE_EF;
  extra['rest'] = rest.length;
  extra['selfCheck'] = selfCheck;
  moved.sort((a, b) => a - b);
  extra['movedMean'] = moved.reduce((a, b) => a + b, 0) / Math.max(1, moved.length);
  extra['movedP50'] = quantile(moved, 0.5);
  extra['movedP95'] = quantile(moved, 0.95);
  extra['movedMax'] = moved[moved.length - 1] ?? NaN;
  extra['unmoved'] = moved.filter((d) => d < 1e-12).length / Math.max(1, moved.length);
  // A scale for those numbers: a placed paper's map distance to its nearest fitted paper.
  const nnDist = queries
    .map((i) => {
      const p = coords.get(`p${i}`) ?? [NaN, NaN];
      let best = Infinity;
      for (let j = 0; j < fitIds.length; j++) {
        const [x, y] = fitPos(j);
        best = Math.min(best, Math.hypot(x - p[0], y - p[1]));
      }
      return best;
    })
    .sort((a, b) => a - b);
  extra['nnP50'] = quantile(nnDist, 0.5);
  writeFileSync(join(args.out, 'quality-queries.json'), JSON.stringify(queries));
  return extra;
}

/** Run one case in a child process; null when it failed or ran past the limit. */
function runCase(
  args: Args,
  name: string,
): Promise<{ result: CaseResult | null; note: string; wallMs: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=8192',
        fileURLToPath(import.meta.url),
        '--vectors',
        args.vectors,
        '--dim',
        String(args.dim),
        '--out',
        args.out,
        '--child',
        name,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), args.limitMin * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line)
        resolve({ result: JSON.parse(line.slice(7)) as CaseResult, note: '', wallMs });
      else
        resolve({
          result: null,
          wallMs,
          note:
            signal === 'SIGKILL'
              ? `skipped: still running after ${args.limitMin} min`
              : `failed (exit ${code ?? signal ?? '?'})`,
        });
    });
  });
}

function displacement(args: Args, n: number): string[][] {
  const a = join(args.out, 'coords-100k-exact.f64');
  const b = join(args.out, 'coords-100k-ann.f64');
  if (!existsSync(a) || !existsSync(b)) return [];
  const read = (p: string) => {
    const buf = readFileSync(p);
    return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  };
  const A = read(a);
  const B = read(b);
  const ids = Array.from({ length: n }, (_, i) => `p${i}`);
  const sample = mapSample(ids);
  const d = (i: number) =>
    Math.hypot((A[2 * i] ?? 0) - (B[2 * i] ?? 0), (A[2 * i + 1] ?? 0) - (B[2 * i + 1] ?? 0));
  const rest = ids.map((_, i) => i).filter((i) => !sample.has(`p${i}`));
  const fitted = ids.map((_, i) => i).filter((i) => sample.has(`p${i}`));
  const qPath = join(args.out, 'quality-queries.json');
  const subset = existsSync(qPath) ? (JSON.parse(readFileSync(qPath, 'utf8')) as number[]) : [];
  // A scale for the numbers: the typical distance from a fitted paper to its nearest fitted
  // neighbour on the map (a sample of 2,000, exact layout).
  const probe = fitted.filter((_, j) => j % Math.max(1, Math.floor(fitted.length / 2000)) === 0);
  const nn = probe
    .map((i) => {
      let best = Infinity;
      for (const j of fitted) {
        if (j === i) continue;
        const e = Math.hypot(
          (A[2 * i] ?? 0) - (A[2 * j] ?? 0),
          (A[2 * i + 1] ?? 0) - (A[2 * j + 1] ?? 0),
        );
        if (e < best) best = e;
      }
      return best;
    })
    .sort((x, y) => x - y);
  const row = (label: string, set: number[]) => {
    const ds = set.map(d).sort((x, y) => x - y);
    const mean = ds.reduce((s, x) => s + x, 0) / Math.max(1, ds.length);
    return [
      label,
      String(set.length),
      `${(mean * 100).toFixed(3)} %`,
      `${(quantile(ds, 0.5) * 100).toFixed(3)} %`,
      `${(quantile(ds, 0.95) * 100).toFixed(3)} %`,
      `${(quantile(ds, 1) * 100).toFixed(2)} %`,
      (ds.filter((x) => x === 0).length / Math.max(1, ds.length)).toFixed(3),
    ];
  };
  return [
    row('placed papers (all)', rest),
    ...(subset.length ? [row('the 2,000 recall queries', subset)] : []),
    row('fitted papers (same fit; moved only by the rescale)', fitted),
    [
      'reference: median map distance, fitted paper → nearest fitted paper',
      String(probe.length),
      '',
      `${(quantile(nn, 0.5) * 100).toFixed(3)} %`,
      '',
      '',
      '',
    ],
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const r = runChild(args);
    console.log(`RESULT ${JSON.stringify(r)}`);
    return;
  }
  if (!existsSync(args.vectors)) {
    console.log(`No vectors at ${args.vectors}.`);
    return;
  }
  mkdirSync(args.out, { recursive: true });
  const n100 = readFileSync(args.vectors).byteLength / 4 / args.dim;
  const rows: (string | number)[][] = [];
  const results = new Map<string, CaseResult>();
  const labels: Record<string, string> = {
    '10k': '10k papers, all fitted (exact neighbours ≤ 5k, umap-js NN-descent above)',
    '20k': '20k papers, all fitted (the default maxFitPoints)',
    '100k-exact': '100k: fit 20k sample + exact placeRest (old)',
    '100k-ann': '100k: fit 20k sample + HNSW placeRest (new)',
    '1m': '1M (100k × 10 + noise): fit 20k sample + HNSW placeRest',
  };
  for (const name of args.cases) {
    process.stderr.write(`map-scale: ${name}…\n`);
    const { result, note, wallMs } = await runCase(args, name);
    if (result) results.set(name, result);
    if (name === 'quality') continue;
    if (!result) {
      rows.push([
        labels[name] ?? name,
        note,
        `${(wallMs / 60_000).toFixed(1)} min`,
        '',
        '',
        '',
        '',
        '',
      ]);
      continue;
    }
    rows.push([
      labels[name] ?? name,
      `${(result.ms / 1000).toFixed(1)} s`,
      `${(result.cpuMs / 1000).toFixed(1)} s`,
      `${(result.fitMs / 1000).toFixed(1)} s (${(result.knnMs / 1000).toFixed(1)} s)`,
      Number.isFinite(result.placeMs) ? `${(result.placeMs / 1000).toFixed(1)} s` : '',
      `${(result.labelsMs / 1000).toFixed(1)} s`,
      `${result.peakRssMb.toFixed(0)} MB`,
      `${result.inputRssMb.toFixed(0)} MB`,
    ]);
  }
  const out: string[] = ['## Paper map at scale (computeMap)', ''];
  out.push(
    table(
      [
        'case',
        'computeMap (wall)',
        'CPU',
        'UMAP fit (of which neighbours + graph), wall',
        'placement (wall)',
        'then labels + coords object (rest of analyze’s map stage)',
        'peak RSS',
        'RSS with input loaded (before computeMap)',
      ],
      rows,
    ),
  );
  const ex = results.get('100k-exact');
  const an = results.get('100k-ann');
  if (ex && an)
    out.push(
      '',
      `100k placement, exact / HNSW: ${(ex.placeMs / an.placeMs).toFixed(1)}× (${(ex.placeMs / 1000).toFixed(1)} s → ${(an.placeMs / 1000).toFixed(1)} s)`,
    );
  const q = (results.get('100k-ann') ?? results.get('quality'))?.extra;
  if (q) {
    out.push(
      '',
      `Placement neighbours on ${q['queries'] ?? 0} placed papers of the 100k set (k = 15 nearest of the 20k fitted papers; HNSW m 12, efConstruction 64, built in ${((q['buildMs'] ?? 0) / 1000).toFixed(1)} s; 2k candidates re-ranked exactly; exact scan ${(q['exactQueryMs'] ?? 0).toFixed(2)} ms a paper):`,
      '',
      table(
        [
          'ef',
          'recall of the exact 15',
          'nearest found',
          'ms a paper',
          'speed-up vs exact',
          'map displacement vs exact: mean',
          'p99',
          'max',
        ],
        [16, 32, 64, 128].map((ef) => [
          `${ef}${ef === q['defaultEf'] ? ' (default)' : ''}`,
          (q[`recall@ef${ef}`] ?? NaN).toFixed(4),
          (q[`top1@ef${ef}`] ?? NaN).toFixed(4),
          (q[`queryMs@ef${ef}`] ?? NaN).toFixed(3),
          `${((q['exactQueryMs'] ?? 0) / (q[`queryMs@ef${ef}`] ?? 1)).toFixed(0)}×`,
          pct(q[`movedMean@ef${ef}`]),
          pct(q[`movedP99@ef${ef}`]),
          pct(q[`movedMax@ef${ef}`]),
        ]),
      ),
      '',
      `Old exact placeRest at 100k, extrapolated: ${q['rest'] ?? 0} placed papers × ${(q['exactQueryMs'] ?? 0).toFixed(2)} ms = ${(((q['rest'] ?? 0) * (q['exactQueryMs'] ?? 0)) / 1000).toFixed(0)} s (run it with --cases 100k-exact).`,
      '',
      `Map displacement of those papers, HNSW (ef ${q['defaultEf'] ?? ''}) vs exact neighbours, in units of the map side (the layout fills [0, 1]²): mean ${pct(q['movedMean'])}, median ${pct(q['movedP50'])}, p95 ${pct(q['movedP95'])}, max ${pct(q['movedMax'])}; ${((q['unmoved'] ?? 0) * 100).toFixed(1)} % not moved at all. For scale: median distance from a placed paper to its nearest fitted paper ${pct(q['nnP50'])}. (Check: re-placing with the HNSW neighbours reproduces computeMap's positions to ${(q['selfCheck'] ?? NaN).toExponential(1)}.)`,
    );
  }
  const disp = displacement(args, n100);
  if (disp.length)
    out.push(
      '',
      'Map displacement, HNSW vs exact placement at 100k (distance in units of the map side; the layout fills [0, 1]²):',
      '',
      table(['papers', 'n', 'mean', 'median', 'p95', 'max', 'share unmoved'], disp),
    );
  console.log(out.join('\n'));
}

await main();
