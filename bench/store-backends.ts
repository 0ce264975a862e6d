// SQLite and PostgreSQL side by side, same corpus, same run: ingest (into an empty store, again
// unchanged, again with edits), reading every paper back, and search latency under concurrent
// load for PostgreSQL's full-text search, SQLite FTS5 and confscope's in-process search (which
// reads its documents from either store and answers from memory, so it is the same on both).
// PostgreSQL is a local durable cluster on loopback (fsync on) unless CONFSCOPE_BENCH_PG_URL
// names a server.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_CORPUS } from '../src/app/index.js';
import type { PaperRecord } from '../src/core/types.js';
import { SearchIndex } from '../src/index/search.js';
import { parseListing } from '../src/ingest/listing.js';
import { PostgresStore } from '../src/store/postgres/index.js';
import { SqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/types.js';
import { benchPgServer, createDatabase } from './pg-cluster.js';
import { loadEvalSet } from './quality/evalset.js';
import { Fts5System } from './quality/systems.js';
import { quantile, table } from './util.js';

const RUNS = 5;
const CONCURRENCY = [1, 4, 16] as const;
const meta = { sourcePath: DEFAULT_CORPUS.label, sourceHash: 'bench', warnings: [] };

const median = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

interface Backend {
  name: string;
  /** A new empty store. */
  fresh(i: number): Promise<{ store: Store; dispose: () => Promise<void> }>;
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Medians over RUNS (after one warm-up) of each operation on one backend. */
async function ingestTimings(b: Backend, records: PaperRecord[]) {
  const edited = records.map((r, i) => (i % 14 === 0 ? { ...r, abstract: `${r.abstract} *` } : r));
  const fresh: number[] = [];
  const again: number[] = [];
  const edits: number[] = [];
  const read: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const { store, dispose } = await b.fresh(i);
    try {
      const t = [
        await timeMs(() => store.replaceCorpus('iclr2020', records, meta)),
        await timeMs(() => store.replaceCorpus('iclr2020', records, meta)),
        await timeMs(() => store.replaceCorpus('iclr2020', edited, meta)),
        await timeMs(() => store.listPapers('iclr2020')),
      ];
      if (i === 0) continue; // warm-up
      fresh.push(t[0] ?? NaN);
      again.push(t[1] ?? NaN);
      edits.push(t[2] ?? NaN);
      read.push(t[3] ?? NaN);
    } finally {
      await dispose();
    }
  }
  return {
    fresh: median(fresh),
    again: median(again),
    edits: median(edits),
    read: median(read),
  };
}

interface LoadResult {
  p50: number;
  p95: number;
  qps: number;
}

/**
 * `clients` closed-loop clients share the query list; a query's latency runs from when its
 * client issues it (yielding to the event loop first, so queued work ahead of it counts) to
 * its answer. Medians of RUNS runs of p50, p95 and throughput.
 */
async function underLoad(
  search: (q: string) => Promise<unknown>,
  queries: string[],
  clients: number,
): Promise<LoadResult> {
  const runs: LoadResult[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const work = [...queries, ...queries];
    let next = 0;
    const lat: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (;;) {
          const q = work[next++];
          if (q === undefined) return;
          const s = performance.now();
          await new Promise((r) => setImmediate(r));
          await search(q);
          lat.push(performance.now() - s);
        }
      }),
    );
    const wall = performance.now() - t0;
    if (run === 0) continue; // warm-up
    lat.sort((a, b) => a - b);
    runs.push({
      p50: quantile(lat, 0.5),
      p95: quantile(lat, 0.95),
      qps: work.length / (wall / 1000),
    });
  }
  return {
    p50: median(runs.map((r) => r.p50)),
    p95: median(runs.map((r) => r.p95)),
    qps: median(runs.map((r) => r.qps)),
  };
}

export async function benchStoreBackends(): Promise<string> {
  const text = readFileSync(DEFAULT_CORPUS.path, 'utf8');
  const records = parseListing(text, DEFAULT_CORPUS.label).records;
  const title = `## Store backends: SQLite and PostgreSQL (ICLR 2020, ${records.length} papers)`;
  let server: string;
  try {
    server = await benchPgServer();
  } catch (e) {
    return `${title}\n\nPostgreSQL not available, skipped: ${(e as Error).message}`;
  }
  const version = await serverVersion(server);

  const dir = mkdtempSync(join(tmpdir(), 'confscope-bench-backends-'));
  const sqlite: Backend = {
    name: 'SQLite',
    fresh: (i) => {
      const store = new SqliteStore(join(dir, `b-${i}.db`));
      return Promise.resolve({ store, dispose: () => store.close() });
    },
  };
  const postgres: Backend = {
    name: 'PostgreSQL',
    fresh: async (i) => {
      const db = await createDatabase(server, `confscope_bench_backend_${i}`);
      const store = await PostgresStore.open(db.url);
      return {
        store,
        dispose: async () => {
          await store.close();
          await db.drop();
        },
      };
    },
  };
  const lite = await ingestTimings(sqlite, records);
  const pgt = await ingestTimings(postgres, records);
  rmSync(dir, { recursive: true, force: true });

  // Search: every query of the quality set, limit 10, each system on the same documents.
  const queries = loadEvalSet(records).queries.map((q) => q.query);
  const db = await createDatabase(server, 'confscope_bench_search');
  const store = await PostgresStore.open(db.url, { max: 16 });
  await store.replaceCorpus('iclr2020', records, meta);
  const fts5 = new Fts5System();
  fts5.build(records);
  const index = SearchIndex.build(records.map((r) => ({ ...r, corpus: 'iclr2020' })));
  const systems: [string, (q: string) => Promise<unknown>][] = [
    [
      'PostgreSQL FTS (any words, pool of 16)',
      (q) => store.searchText(q, { match: 'any', limit: 10 }),
    ],
    ['PostgreSQL FTS (websearch syntax)', (q) => store.searchText(q, { limit: 10 })],
    ['SQLite FTS5 (in-process)', (q) => Promise.resolve(fts5.search(q, 10))],
    ['confscope lexical (in-process)', (q) => index.search(q, { mode: 'lexical', limit: 10 })],
    ['confscope hybrid (in-process)', (q) => index.search(q, { mode: 'hybrid', limit: 10 })],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, search] of systems) {
    for (const c of CONCURRENCY) {
      const r = await underLoad(search, queries, c);
      rows.push([name, String(c), r.p50, r.p95, r.qps]);
    }
  }
  fts5.close();
  await store.close();
  await db.drop();

  return [
    title,
    '',
    `${version}, local cluster on loopback with its durability settings (fsync on); SQLite in WAL ` +
      `mode. Medians of ${RUNS} runs after a warm-up; a fresh database each run.`,
    '',
    table(
      ['operation', 'SQLite ms', 'PostgreSQL ms'],
      [
        ['ingest into an empty store', lite.fresh, pgt.fresh],
        ['re-ingest, unchanged', lite.again, pgt.again],
        [`re-ingest, ${Math.ceil(records.length / 14)} records edited`, lite.edits, pgt.edits],
        ['read every paper back (listPapers)', lite.read, pgt.read],
      ],
    ),
    '',
    `Search latency under load: ${queries.length} quality-set queries × 2 per run, limit 10, ` +
      `closed-loop clients; latency includes waiting behind the other clients' queries. The ` +
      `in-process systems run on this process's one event loop; PostgreSQL answers from its own ` +
      `server processes.`,
    '',
    table(['system', 'clients', 'p50 ms', 'p95 ms', 'queries/s'], rows),
  ].join('\n');
}

async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return `PostgreSQL ${r.rows[0]?.v ?? '?'}`;
  } finally {
    await c.end();
  }
}
