// `npm run bench:scale -- --papers 10000,100000[,1000000]`: confscope against MiniSearch, Orama,
// FlexSearch and SQLite FTS5 on synthetic arXiv-style corpora (bench/gen-corpus.ts) of growing
// size. For each N and each engine, a child process (so peaks are separate) builds the index
// and answers the quality set's 119 queries (limit 10); the parent watches its RSS and its
// clock and stops it at the limits ("out of memory" / "out of time", with the limit). Reported:
// build time (wall and CPU: the machine may be shared), peak RSS, size on disk, query p50/p95;
// for confscope also the streaming ingest, LSA fit and embedding throughput, the vector part
// (exact vs HNSW, float and int8, with recall@10), hybrid search and the startup of a server
// over the built database. Results are merged into docs/scale-results.json (so sizes can be run
// separately), and docs/scale.png (log-log cost against N) is drawn from all of them.
//
// Options: --papers N[,N…] --seed S --engines confscope,minisearch,orama,flexsearch,fts5
//          --time-limit MIN (per engine and size; default 30) --mem-limit MB (RSS; default 8192)
//          --work DIR (corpora and databases; default $TMPDIR/confscope-scale) --no-save
//          --results FILE (default docs/scale-results.json) --report (tables and plot from
//          FILE[,FILE…] without running anything)

import { loadOrBuildLexical } from '../src/app/saved-index.js';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './util.js';
import { writeCorpus } from './gen-corpus.js';
import {
  DEFAULT_ANN,
  HnswIndex,
  exactTopK,
  recallAtK,
  recallBySimilarity,
} from '../src/index/ann.js';

export const ENGINES = ['confscope', 'minisearch', 'orama', 'flexsearch', 'fts5'] as const;
export type Engine = (typeof ENGINES)[number];

const NAMES: Record<Engine, string> = {
  confscope: 'confscope',
  minisearch: 'MiniSearch',
  orama: 'Orama',
  flexsearch: 'FlexSearch',
  fts5: 'SQLite FTS5',
};

/** Bump when the generator changes, so cached corpora are regenerated. */
const CORPUS_VERSION = 3;

export interface Quantiles {
  p50: number;
  p95: number;
}

/** recall10: by similarity (ann-benchmarks); recall10Ids: overlap of ids with the exact top 10. */
export interface AnnStats extends Quantiles {
  buildMs: number;
  memoryMb: number;
  recall10: number;
  recall10Ids?: number;
  queries?: number;
}

export interface ScaleResult {
  engine: Engine;
  n: number;
  status: 'ok' | 'out of time' | 'out of memory' | 'error';
  /** The limit hit, or the error. */
  detail?: string;
  ranAt: string;
  /** Records the engine indexed. */
  papers?: number;
  /** Parse of the JSON Lines file (peers) or streaming ingest into SQLite (confscope). */
  loadMs?: number;
  buildMs?: number;
  buildCpuMs?: number;
  peakRssMb?: number;
  diskMb?: number;
  query?: Quantiles;
  /** confscope only. */
  confscope?: {
    ingestMs: number;
    ingestCpuMs: number;
    lsaSample: number;
    lsaFitMs: number;
    embedPerSec: number;
    lexicalBuildMs: number;
    hybrid: Quantiles;
    vectorExact: Quantiles;
    ann: AnnStats;
    annInt8?: AnnStats;
    /** The default beam width the `ann` row was measured with (128 before it was raised). */
    annEf?: number;
    annSweep?: { ef: number; recall10: number; cpuP50: number; cpuP95: number }[];
    startupMs: number;
    annUsedBySearch: boolean;
  };
}

// ------------------------------------------------------------------------------------------
// Queries: the search-quality set (real questions about ML papers), the same for every engine.

const here = fileURLToPath(new URL('.', import.meta.url));

function readQueries(): string[] {
  for (const p of ['quality/queries.tsv', '../../bench/quality/queries.tsv']) {
    const path = join(here, p);
    if (!existsSync(path)) continue;
    return readFileSync(path, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[2] ?? '')
      .filter(Boolean);
  }
  throw new Error('bench/quality/queries.tsv not found');
}

function quantiles(times: number[]): Quantiles {
  const t = [...times].sort((a, b) => a - b);
  const at = (q: number) =>
    t[Math.min(t.length - 1, Math.max(0, Math.ceil(q * t.length) - 1))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95) };
}

/**
 * Time each query: a warm-up on the first 20, then `passes` timed passes over all of them (one
 * by default: 119 samples; the slowest peers take minutes a pass at 100k papers).
 */
async function timeQueries(
  queries: readonly string[],
  run: (q: string) => unknown,
  passes = 1,
): Promise<Quantiles> {
  for (const q of queries.slice(0, 20)) await run(q);
  const times: number[] = [];
  for (let p = 0; p < passes; p++)
    for (const q of queries) {
      const t0 = performance.now();
      await run(q);
      times.push(performance.now() - t0);
    }
  return quantiles(times);
}

const cpuMs = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1000;
};
const mb = (bytes: number) => bytes / 1e6;
const fileMb = (...paths: string[]) =>
  mb(paths.reduce((a, p) => a + (existsSync(p) ? statSync(p).size : 0), 0));

// ------------------------------------------------------------------------------------------
// Child: one engine, one corpus.

async function loadRecords(file: string) {
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const { parseArxivJsonlLines } = await import('../src/ingest/arxiv.js');
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  return (await parseArxivJsonlLines(lines, file)).records;
}

async function runPeer(engine: Exclude<Engine, 'confscope'>, file: string, work: string) {
  const systems = await import('./quality/systems.js');
  const t0 = performance.now();
  const records = await loadRecords(file);
  const loadMs = performance.now() - t0;
  const queries = readQueries();
  const c0 = cpuMs();
  const t1 = performance.now();
  let diskMb: number | undefined;
  let search: (q: string) => unknown;
  if (engine === 'fts5') {
    // On disk, so its size is the database file's; the same settings as the quality benchmark.
    const { default: Database } = await import('better-sqlite3');
    const path = join(work, 'fts5.db');
    rmSync(path, { force: true });
    const db = new Database(path);
    db.pragma('journal_mode = OFF');
    db.exec(
      `CREATE VIRTUAL TABLE papers USING fts5(id UNINDEXED, title, authors, abstract,
         tokenize = 'porter unicode61 remove_diacritics 2')`,
    );
    const insert = db.prepare<[string, string, string, string]>(
      'INSERT INTO papers (id, title, authors, abstract) VALUES (?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const r of records) insert.run(r.id, r.title ?? '', r.authors.join(', '), r.abstract);
    })();
    db.exec("INSERT INTO papers(papers) VALUES('optimize')");
    const stmt = db.prepare<[string, number], { id: string }>(
      `SELECT id FROM papers WHERE papers MATCH ? ORDER BY bm25(papers, 0, ${systems.TITLE_BOOST}, 1, 1) LIMIT ?`,
    );
    search = (q) => {
      const m = systems.fts5Query(q);
      return m ? stmt.all(m, 10).map((r) => r.id) : [];
    };
    diskMb = fileMb(path);
  } else {
    const sys =
      engine === 'minisearch'
        ? new systems.MiniSearchSystem()
        : engine === 'orama'
          ? new systems.OramaSystem()
          : new systems.FlexSearchSystem();
    await sys.build(records);
    search = (q) => sys.search(q, 10);
    const buildMs = performance.now() - t1;
    const buildCpuMs = cpuMs() - c0;
    const query = await timeQueries(queries, search);
    // Size on disk: the engine's own serialisation (each can save its index to a file).
    diskMb = await serialisedMb(engine, sys).catch(() => undefined);
    return { papers: records.length, loadMs, buildMs, buildCpuMs, diskMb, query };
  }
  const buildMs = performance.now() - t1;
  const buildCpuMs = cpuMs() - c0;
  const query = await timeQueries(queries, search);
  return { papers: records.length, loadMs, buildMs, buildCpuMs, diskMb, query };
}

/** Bytes of an in-memory peer's saved index (its documented persistence API), in MB. */
async function serialisedMb(engine: Engine, sys: object): Promise<number | undefined> {
  const inner = sys as { index?: unknown; db?: unknown };
  if (engine === 'minisearch') return mb(Buffer.byteLength(JSON.stringify(inner.index)));
  if (engine === 'orama') {
    const { save } = await import('@orama/orama');
    const raw = save(inner.db as Parameters<typeof save>[0]);
    return mb(Buffer.byteLength(JSON.stringify(raw)));
  }
  if (engine === 'flexsearch') {
    let bytes = 0;
    const idx = inner.index as { export(cb: (key: string, data: string) => void): unknown };
    await idx.export((key, data) => {
      bytes += Buffer.byteLength(key) + Buffer.byteLength(data);
    });
    return mb(bytes);
  }
  return undefined;
}

async function runConfscope(file: string, n: number, work: string) {
  const { SqliteStore } = await import('../src/store/sqlite/index.js');
  const { ingestJsonlStream } = await import('../src/app/stream-ingest.js');
  const { loadSearchDocs } = await import('../src/app/docs.js');
  const { textHash } = await import('../src/app/embeddings.js');
  const { LsaModel } = await import('../src/index/lsa.js');
  const { SearchIndex, ANN_MIN_DOCS } = await import('../src/index/search.js');
  const queries = readQueries();
  const dbPath = join(work, `confscope-${n}.db`);
  for (const s of ['', '-wal', '-shm']) rmSync(dbPath + s, { force: true });

  // 1. Streaming ingest (parse + store), as `confscope ingest` does above 64 MB.
  let c0 = cpuMs();
  let t0 = performance.now();
  const store = new SqliteStore(dbPath);
  await ingestJsonlStream(store, file, 'synthetic');
  const ingestMs = performance.now() - t0;
  const ingestCpuMs = cpuMs() - c0;

  // 2. Index build: LSA fitted on a sample, applied to every paper in a stream; ANN; BM25F.
  c0 = cpuMs();
  t0 = performance.now();
  const docs = await loadSearchDocs(store);
  const texts = docs.map((d) => SearchIndex.semanticText(d));
  const sampleSize = Math.min(texts.length, LSA_SAMPLE);
  const step = texts.length / sampleSize;
  const sample = Array.from({ length: sampleSize }, (_, i) => texts[Math.floor(i * step)] ?? '');
  let t1 = performance.now();
  const model = LsaModel.fit(sample);
  const lsaFitMs = performance.now() - t1;
  const dim = model.dim;
  t1 = performance.now();
  const vectors = new Float32Array(texts.length * dim);
  for (let i = 0; i < texts.length; i++) vectors.set(model.embedOne(texts[i] ?? ''), i * dim);
  const embedPerSec = texts.length / ((performance.now() - t1) / 1000);
  await store.putModel(`lsa-sample@${n}`, model.toBytes());
  for (let i = 0; i < texts.length; i += 10_000) {
    const part: [string, Float32Array][] = [];
    for (let j = i; j < Math.min(texts.length, i + 10_000); j++)
      part.push([textHash(texts[j] ?? ''), vectors.slice(j * dim, (j + 1) * dim)]);
    await store.putVectors(model.id, part);
  }
  t1 = performance.now();
  const ann = HnswIndex.build(vectors, dim);
  const annBuildMs = performance.now() - t1;
  const annBytes = ann.toBytes();
  await store.putModel(`ann@${n}`, annBytes);
  const useAnn = texts.length > ANN_MIN_DOCS;
  t1 = performance.now();
  // The BM25F index is built and saved, as `confscope serve` does for a large corpus.
  const { index: lexical } = await loadOrBuildLexical(store, docs, `scale@${n}`);
  const index = SearchIndex.build(docs, {
    fitted: { model, vectors },
    ann: useAnn ? ann : null,
    lexical,
  });
  const lexicalBuildMs = performance.now() - t1;
  const buildMs = performance.now() - t0;
  const buildCpuMs = cpuMs() - c0;

  // 3. Queries: lexical and hybrid as the API answers them (snippets, explanations).
  const query = await timeQueries(queries, (q) => index.search(q, { mode: 'lexical', limit: 10 }));
  const hybrid = await timeQueries(queries, (q) => index.search(q, { mode: 'hybrid', limit: 10 }));
  // The vector part alone: exact scan vs HNSW, recall@10 against the exact top 10.
  const qvs = queries.map((q) => model.embedOne(q));
  const exactHits = qvs.map((qv) => exactTopK(vectors, dim, qv, 10));
  // Queries with none of the LSA vocabulary's words have a zero vector: every paper ties at 0,
  // so they have no nearest neighbours to find; recall is over the others.
  const scored = qvs
    .map((qv, j) => ({ qv, exact: exactHits[j] }))
    .filter((x) => x.qv.some((v) => v !== 0));
  let i = 0;
  const vectorExact = await timeQueries(
    queries,
    () => exactTopK(vectors, dim, qvs[i++ % qvs.length] ?? new Float32Array(dim), 10),
    1,
  );
  const exactSim = (id: number, qv: Float32Array) => {
    let s = 0;
    for (let c = 0; c < dim; c++) s += (qv[c] ?? 0) * (vectors[id * dim + c] ?? 0);
    return s;
  };
  const annStats = async (h: HnswIndex, built: number) => {
    let byId = 0;
    let bySim = 0;
    for (const { qv, exact } of scored) {
      const got = h.search(qv, 10).ids;
      byId += recallAtK(got, exact?.ids ?? []);
      // int8 scores are approximate: judge the ids found by their exact similarity.
      bySim += recallBySimilarity(
        got.map((id) => exactSim(id, qv)),
        exact?.scores ?? [],
      );
    }
    let k = 0;
    const t = await timeQueries(
      queries,
      () => h.search(qvs[k++ % qvs.length] ?? new Float32Array(dim), 10),
      3,
    );
    return {
      buildMs: built,
      memoryMb: mb(h.memoryBytes),
      recall10: bySim / scored.length,
      recall10Ids: byId / scored.length,
      queries: scored.length,
      ...t,
    };
  };
  const annResult = await annStats(ann, annBuildMs);
  // The beam width against recall and CPU time a query (CPU time: immune to a busy machine).
  const annSweep = [64, 128, 256, 384, 512].map((ef) => {
    let bySim = 0;
    const cpu: number[] = [];
    for (const { qv, exact } of scored) {
      const c0 = process.cpuUsage();
      const got = ann.search(qv, 10, { ef }).ids;
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      bySim += recallBySimilarity(
        got.map((id) => exactSim(id, qv)),
        exact?.scores ?? [],
      );
    }
    const q = quantiles(cpu);
    return { ef, recall10: bySim / scored.length, cpuP50: q.p50, cpuP95: q.p95 };
  });
  let annInt8;
  if (n <= INT8_MAX_N) {
    t1 = performance.now();
    const q8 = HnswIndex.build(vectors, dim, { quantize: 'int8' });
    annInt8 = await annStats(q8, performance.now() - t1);
  }
  await store.close();
  const diskMb = fileMb(dbPath, `${dbPath}-wal`);

  // 4. Startup of a server over the built database: open, load papers, model, vectors, ANN and
  // the saved lexical index; ready to answer.
  t0 = performance.now();
  const again = new SqliteStore(dbPath);
  const docs2 = await loadSearchDocs(again);
  const model2 = LsaModel.fromBytes((await again.getModel(`lsa-sample@${n}`)) ?? new Uint8Array());
  const texts2 = docs2.map((d) => SearchIndex.semanticText(d));
  const got = await again.getVectors(model2.id, texts2.map(textHash));
  const vectors2 = new Float32Array(texts2.length * dim);
  texts2.forEach((t, j) => vectors2.set(got.get(textHash(t)) ?? new Float32Array(dim), j * dim));
  const ann2 = useAnn ? HnswIndex.fromBytes((await again.getModel(`ann@${n}`)) ?? annBytes) : null;
  const lexical2 = (await loadOrBuildLexical(again, docs2, `scale@${n}`)).index;
  const ready = SearchIndex.build(docs2, {
    lexical: lexical2,
    fitted: { model: model2, vectors: vectors2 },
    ann: ann2,
  });
  await ready.search('graph neural networks', { limit: 10 });
  const startupMs = performance.now() - t0;
  await again.close();

  return {
    papers: docs.length,
    loadMs: ingestMs,
    buildMs,
    buildCpuMs,
    diskMb,
    query,
    confscope: {
      ingestMs,
      ingestCpuMs,
      lsaSample: sampleSize,
      lsaFitMs,
      embedPerSec,
      lexicalBuildMs,
      hybrid,
      vectorExact,
      ann: annResult,
      annEf: DEFAULT_ANN.efSearch,
      annSweep,
      ...(annInt8 ? { annInt8 } : {}),
      startupMs,
      annUsedBySearch: useAnn,
    },
  };
}

/** LSA is fitted on at most this many papers (a stride sample), then applied to all. */
const LSA_SAMPLE = 10_000;
/** The int8 ANN variant is measured up to this size (it costs another full graph build). */
const INT8_MAX_N = 50_000;

async function child(argv: string[]): Promise<void> {
  const get = (f: string) => argv[argv.indexOf(f) + 1] ?? '';
  const engine = get('--child') as Engine;
  const file = get('--file');
  const n = Number(get('--n'));
  const work = get('--work');
  const r =
    engine === 'confscope' ? await runConfscope(file, n, work) : await runPeer(engine, file, work);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`RESULT ${JSON.stringify({ ...r, peakRssMb })}\n`);
}

// ------------------------------------------------------------------------------------------
// Parent: corpora, children under limits, tables, the plot.

function ensureCorpus(work: string, n: number, seed: number): string {
  const path = join(work, `synthetic-${n}-s${seed}-v${CORPUS_VERSION}.jsonl`);
  if (!existsSync(path)) {
    const t0 = performance.now();
    process.stderr.write(`bench:scale: generating ${n} papers → ${path}\n`);
    // Written aside and renamed once complete, so a killed generation is never reused.
    writeCorpus(`${path}.part`, { papers: n, seed });
    renameSync(`${path}.part`, path);
    process.stderr.write(
      `bench:scale: generated in ${((performance.now() - t0) / 1000).toFixed(0)} s (${fileMb(path).toFixed(0)} MB)\n`,
    );
  }
  return path;
}

function runChild(
  engine: Engine,
  file: string,
  n: number,
  work: string,
  limits: { timeMin: number; memMb: number },
): Promise<ScaleResult> {
  const base = { engine, n, ranAt: new Date().toISOString() };
  return new Promise((resolve) => {
    const heapMb = Math.max(2048, limits.memMb);
    const proc = spawn(
      process.execPath,
      [
        `--max-old-space-size=${heapMb}`,
        fileURLToPath(import.meta.url),
        '--child',
        engine,
        '--file',
        file,
        '--n',
        String(n),
        '--work',
        work,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    let peak = 0;
    let killed: ScaleResult['status'] | undefined;
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const watch = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${proc.pid ?? 0}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, kb / 1024);
        if (peak > limits.memMb && !killed) {
          killed = 'out of memory';
          proc.kill('SIGKILL');
        }
      } catch {
        // the process has exited
      }
    }, 250);
    const timer = setTimeout(() => {
      if (!killed) {
        killed = 'out of time';
        proc.kill('SIGKILL');
      }
    }, limits.timeMin * 60_000);
    proc.on('exit', (code) => {
      clearInterval(watch);
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (killed) {
        const detail =
          killed === 'out of memory' ? `RSS over ${limits.memMb} MB` : `over ${limits.timeMin} min`;
        resolve({ ...base, status: killed, detail, peakRssMb: peak });
        return;
      }
      if (!line) {
        const oom = /heap out of memory|Allocation failed/i.test(err);
        resolve({
          ...base,
          status: oom ? 'out of memory' : 'error',
          detail: oom
            ? `JS heap over ${heapMb} MB`
            : `exit ${code ?? '?'}: ${err.trim().split('\n').slice(-3).join(' ')}`,
          peakRssMb: peak,
        });
        return;
      }
      const r = JSON.parse(line.slice('RESULT '.length)) as Omit<
        ScaleResult,
        'engine' | 'n' | 'status' | 'ranAt'
      >;
      resolve({ ...base, status: 'ok', ...r, peakRssMb: Math.max(peak, r.peakRssMb ?? 0) });
    });
  });
}

const f = (x: number | undefined, digits?: number) =>
  x === undefined || !Number.isFinite(x)
    ? '—'
    : digits !== undefined
      ? x.toFixed(digits)
      : x >= 100
        ? x.toFixed(0)
        : x >= 10
          ? x.toFixed(1)
          : x.toFixed(2);
const s = (ms: number | undefined) => (ms === undefined ? '—' : f(ms / 1000));

export function resultTables(results: readonly ScaleResult[]): string {
  const sorted = [...results].sort(
    (a, b) => a.n - b.n || ENGINES.indexOf(a.engine) - ENGINES.indexOf(b.engine),
  );
  const main = table(
    [
      'papers',
      'system',
      'load s',
      'build s (CPU s)',
      'peak RSS MB',
      'on disk MB',
      'query p50 ms',
      'query p95 ms',
      'status',
    ],
    sorted.map((r) => [
      r.n.toLocaleString('en'),
      NAMES[r.engine] + (r.engine === 'confscope' ? ' (lexical)' : ''),
      s(r.loadMs),
      r.buildMs === undefined ? '—' : `${s(r.buildMs)} (${s(r.buildCpuMs)})`,
      f(r.peakRssMb, 0),
      f(r.diskMb),
      f(r.query?.p50),
      f(r.query?.p95),
      r.status === 'ok' ? 'ok' : `${r.status} (${r.detail ?? ''})`,
    ]),
  );
  const cs = sorted.filter((r) => r.confscope);
  const detail = table(
    [
      'papers',
      'ingest s (CPU s)',
      'LSA fit s (sample)',
      'embed papers/s',
      'BM25F build s',
      'hybrid p50 / p95 ms',
      'startup s',
    ],
    cs.map((r) => {
      const c = r.confscope;
      return [
        r.n.toLocaleString('en'),
        c ? `${s(c.ingestMs)} (${s(c.ingestCpuMs)})` : '—',
        c ? `${s(c.lsaFitMs)} (${c.lsaSample.toLocaleString('en')})` : '—',
        f(c?.embedPerSec, 0),
        s(c?.lexicalBuildMs),
        c
          ? `${f(c.hybrid.p50)} / ${f(c.hybrid.p95)}${c.annUsedBySearch ? ' (ANN)' : ' (exact)'}`
          : '—',
        s(c?.startupMs),
      ];
    }),
  );
  const vec = table(
    [
      'papers',
      'vector search',
      'build s',
      'memory MB',
      'recall@10 (by similarity)',
      'recall@10 (ids)',
      'p50 ms',
      'p95 ms',
    ],
    cs.flatMap((r) => {
      const c = r.confscope;
      if (!c) return [];
      const rows: (string | number)[][] = [
        [
          r.n.toLocaleString('en'),
          'exact scan (float32)',
          '—',
          f(mb(r.n * 128 * 4)),
          '1.000',
          '1.000',
          f(c.vectorExact.p50),
          f(c.vectorExact.p95),
        ],
        [
          r.n.toLocaleString('en'),
          `HNSW float32 (M 12, efC 64, ef ${c.annEf ?? 128})`,
          s(c.ann.buildMs),
          f(c.ann.memoryMb),
          c.ann.recall10Ids === undefined ? '—' : f(c.ann.recall10, 3),
          f(c.ann.recall10Ids ?? c.ann.recall10, 3),
          f(c.ann.p50),
          f(c.ann.p95),
        ],
      ];
      if (c.annInt8)
        rows.push([
          r.n.toLocaleString('en'),
          'HNSW int8 codes',
          s(c.annInt8.buildMs),
          f(c.annInt8.memoryMb),
          c.annInt8.recall10Ids === undefined ? '—' : f(c.annInt8.recall10, 3),
          f(c.annInt8.recall10Ids ?? c.annInt8.recall10, 3),
          f(c.annInt8.p50),
          f(c.annInt8.p95),
        ]);
      return rows;
    }),
  );
  const sweep = table(
    ['papers', 'ef', 'recall@10', 'CPU ms a query, p50', 'CPU ms a query, p95'],
    cs.flatMap((r) =>
      (r.confscope?.annSweep ?? []).map((w) => [
        r.n.toLocaleString('en'),
        String(w.ef),
        f(w.recall10, 3),
        f(w.cpuP50),
        f(w.cpuP95),
      ]),
    ),
  );
  return [
    '### Build, memory, disk and lexical query latency',
    '',
    main,
    '',
    '### confscope: ingest, embedding, hybrid search and startup',
    '',
    detail,
    '',
    '### confscope: the vector part (LSA, 128 dimensions), exact vs approximate',
    '',
    vec,
    ...(cs.some((r) => r.confscope?.annSweep)
      ? ['', '### HNSW beam width (ef): recall and CPU time a query', '', sweep]
      : []),
  ].join('\n');
}

/** Log-log panels of cost against N, one line per engine, as SVG. */
export function plotSvg(results: readonly ScaleResult[]): string {
  const ok = results.filter((r) => r.status === 'ok');
  const panels: { title: string; value: (r: ScaleResult) => number | undefined }[] = [
    {
      title: 'build time (s, wall)',
      value: (r) => (r.buildMs === undefined ? undefined : r.buildMs / 1000),
    },
    { title: 'peak RSS (MB)', value: (r) => r.peakRssMb },
    { title: 'query p95 (ms, lexical)', value: (r) => r.query?.p95 },
    { title: 'on disk (MB)', value: (r) => r.diskMb },
  ];
  const colours: Record<Engine, string> = {
    confscope: '#e15759',
    minisearch: '#4e79a7',
    orama: '#59a14f',
    flexsearch: '#f28e2b',
    fts5: '#b07aa1',
  };
  const W = 1200;
  const H = 900;
  const pw = 520;
  const ph = 330;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${W / 2}" y="30" text-anchor="middle" font-size="18" font-weight="bold">Cost against corpus size (log-log), synthetic arXiv-style corpora</text>`,
  ];
  const ns = [...new Set(results.map((r) => r.n))].sort((a, b) => a - b);
  const nMin = Math.min(...ns) / 1.5;
  const nMax = Math.max(...ns) * 1.5;
  panels.forEach((p, pi) => {
    const ox = 80 + (pi % 2) * (pw + 80);
    const oy = 70 + Math.floor(pi / 2) * (ph + 90);
    const vals = ok.map(p.value).filter((v): v is number => v !== undefined && v > 0);
    if (!vals.length) return;
    const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...vals))));
    const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...vals))));
    const x = (n: number) =>
      ox + ((Math.log10(n) - Math.log10(nMin)) / (Math.log10(nMax) - Math.log10(nMin))) * pw;
    const y = (v: number) =>
      oy + ph - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * ph;
    out.push(`<rect x="${ox}" y="${oy}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
    out.push(
      `<text x="${ox + pw / 2}" y="${oy - 10}" text-anchor="middle" font-weight="bold">${p.title}</text>`,
    );
    for (let v = lo; v <= hi * 1.0001; v *= 10) {
      out.push(`<line x1="${ox}" x2="${ox + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
      out.push(
        `<text x="${ox - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1 ? v.toLocaleString('en') : v}</text>`,
      );
    }
    for (const n of ns) {
      out.push(`<line x1="${x(n)}" x2="${x(n)}" y1="${oy}" y2="${oy + ph}" stroke="#eee"/>`);
      out.push(
        `<text x="${x(n)}" y="${oy + ph + 18}" text-anchor="middle">${n.toLocaleString('en')}</text>`,
      );
    }
    for (const e of ENGINES) {
      const pts = ok
        .filter((r) => r.engine === e)
        .map((r) => [r.n, p.value(r)] as const)
        .filter((pt): pt is readonly [number, number] => pt[1] !== undefined && pt[1] > 0)
        .sort((a, b) => a[0] - b[0]);
      if (!pts.length) continue;
      out.push(
        `<polyline fill="none" stroke="${colours[e]}" stroke-width="2.5" points="${pts.map(([n, v]) => `${x(n).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
      );
      for (const [n, v] of pts)
        out.push(`<circle cx="${x(n)}" cy="${y(v)}" r="4" fill="${colours[e]}"/>`);
    }
    // Engines that ran out of memory or time at a size: a cross at the top of the panel.
    for (const r of results.filter((q) => q.status !== 'ok')) {
      out.push(
        `<text x="${x(r.n)}" y="${oy + 16 + 14 * ENGINES.indexOf(r.engine)}" text-anchor="middle" fill="${colours[r.engine]}" font-weight="bold">✕</text>`,
      );
    }
  });
  ENGINES.forEach((e, i) => {
    const lx = 120 + i * 200;
    out.push(`<rect x="${lx}" y="${H - 40}" width="16" height="16" fill="${colours[e]}"/>`);
    out.push(`<text x="${lx + 22}" y="${H - 27}">${NAMES[e]}</text>`);
  });
  out.push(
    `<text x="${W - 20}" y="${H - 8}" text-anchor="end" fill="#666" font-size="11">✕ = out of memory or time at that size; x axis: papers</text>`,
  );
  out.push('</svg>');
  return out.join('\n');
}

/** The latest result of each (engine, size). */
function latestOf(results: readonly ScaleResult[]): ScaleResult[] {
  const best = new Map<string, ScaleResult>();
  for (const r of results) {
    const key = `${r.engine}@${r.n}`;
    const old = best.get(key);
    if (!old || old.ranAt < r.ranAt) best.set(key, r);
  }
  return [...best.values()];
}

function docsDir(): string {
  for (const p of ['../docs', '../../docs']) {
    const d = join(here, p);
    if (existsSync(join(d, 'BENCHMARKS.md'))) return d;
  }
  throw new Error('docs/ not found');
}

async function main(argv: string[]): Promise<void> {
  const get = (flag: string, def: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? (argv[i + 1] ?? def) : def;
  };
  const sizes = get('--papers', '10000,100000')
    .split(',')
    .map((x) => Number(x.replace(/_/g, '')));
  if (sizes.some((x) => !Number.isInteger(x) || x < 100))
    throw new Error('--papers N[,N…] (N ≥ 100)');
  const seed = Number(get('--seed', '1'));
  const engines = get('--engines', ENGINES.join(',')).split(',') as Engine[];
  for (const e of engines) if (!ENGINES.includes(e)) throw new Error(`unknown engine ${e}`);
  const limits = {
    timeMin: Number(get('--time-limit', '30')),
    memMb: Number(get('--mem-limit', '8192')),
  };
  const work = get('--work', join(tmpdir(), 'confscope-scale'));
  mkdirSync(work, { recursive: true });
  const save = !argv.includes('--no-save');
  const docs = docsDir();
  const jsonPath = get('--results', join(docs, 'scale-results.json'));
  const previous: ScaleResult[] = existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as ScaleResult[])
    : [];
  const fresh: ScaleResult[] = [];
  process.stderr.write(
    `bench:scale: node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB; limits ${limits.timeMin} min and ${limits.memMb} MB RSS per engine and size\n`,
  );
  // --report: no runs; tables and plot from the results file(s) (comma-separated, merged).
  const report = argv.includes('--report');
  for (const n of report ? [] : sizes) {
    const file = ensureCorpus(work, n, seed);
    for (const e of engines) {
      const t0 = performance.now();
      const r = await runChild(e, file, n, work, limits);
      process.stderr.write(
        `bench:scale: ${n} ${NAMES[e]}: ${r.status}${r.detail ? ` (${r.detail})` : ''} in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
      );
      fresh.push(r);
      if (save) {
        const merged = [
          ...previous.filter((p) => !fresh.some((q) => q.engine === p.engine && q.n === p.n)),
          ...fresh,
        ];
        writeFileSync(jsonPath, JSON.stringify(merged, null, 2) + '\n');
      }
    }
    rmSync(join(work, `confscope-${n}.db`), { force: true });
    rmSync(join(work, `confscope-${n}.db-wal`), { force: true });
    rmSync(join(work, 'fts5.db'), { force: true });
  }
  const all = report
    ? latestOf(
        jsonPath.split(',').flatMap((p) => JSON.parse(readFileSync(p, 'utf8')) as ScaleResult[]),
      )
    : save
      ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as ScaleResult[])
      : fresh;
  console.log(
    `## Scale — node ${process.version}, ${cpus().length} cores, ${new Date().toISOString()}\n`,
  );
  console.log(resultTables(all));
  if (save || report) {
    const { renderMapPng } = await import('../src/analysis/render.js');
    const png = await renderMapPng(plotSvg(all));
    writeFileSync(join(docs, 'scale.png'), png);
    process.stderr.write(`bench:scale: wrote ${join(docs, 'scale.png')}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  if (process.argv.includes('--child')) await child(process.argv.slice(2));
  else await main(process.argv.slice(2));
}
