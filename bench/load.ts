// `npm run load -- [--db PATH|postgres://…|pg] [--levels 1,4,16,64,256] [--requests N]`: the HTTP
// API under rising concurrency on loopback. `confscope start` runs in its own process (on the
// embedded ICLR 2020 corpus, in a temporary SQLite file unless --db is given); this process is
// the clients: at each level, that many concurrent clients send a bounded number of requests,
// a mix of hybrid and lexical search, paper, similar papers, topics and facets. Prints
// throughput, p50/p99 latency and errors (any status but 200, or a failed connection) per level.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPgServer, createDatabase, stopBenchPgServer } from './pg-cluster.js';
import { loadCorpus, loadEvalSet } from './quality/evalset.js';
import { quantile, table } from './util.js';

/**
 * `--db pg`: a fresh database on a throwaway PostgreSQL cluster started for the run (durable
 * settings; CONFSCOPE_BENCH_PG_URL names a server to use instead). Anything else is used as is.
 */
export async function resolveDb(
  db: string | undefined,
  name: string,
): Promise<{ db: string | undefined; done: () => Promise<void> }> {
  if (db !== 'pg') return { db, done: () => Promise.resolve() };
  const server = await benchPgServer();
  const made = await createDatabase(server, `${name}_${String(process.pid)}`);
  return {
    db: made.url,
    done: async () => {
      await made.drop();
      await stopBenchPgServer();
    },
  };
}

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `confscope start --port 0` in its own process; resolves once it prints its address. */
export async function startServer(db?: string, extra: string[] = []): Promise<Server> {
  const dir = db === undefined ? mkdtempSync(join(tmpdir(), 'confscope-load-')) : undefined;
  const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
  const where = db ?? join(dir ?? '', 'load.db');
  const child = spawn(process.execPath, [cli, 'start', '--db', where, '--port', '0', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /serving on (http:\/\/\S+) /.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => {
      reject(new Error(`server exited (${code ?? 'signal'}): ${err.slice(-1000)}`));
    });
  });
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The request mix: path of request `i` (deterministic, so runs are comparable). */
export function requestMix(): (i: number) => string {
  const records = loadCorpus();
  const queries = loadEvalSet(records).queries.map((q) => encodeURIComponent(q.query));
  const ids = records.map((r) => r.id);
  const at = <T>(a: readonly T[], i: number): T => a[i % a.length] as T;
  return (i) => {
    const k = i % 20;
    if (k < 8) return `/api/search?q=${at(queries, i)}`;
    if (k < 10) return `/api/search?mode=lexical&q=${at(queries, i * 7)}&limit=20`;
    if (k < 14) return `/api/papers/${at(ids, i * 13)}`;
    if (k < 17) return `/api/papers/${at(ids, i * 31)}/similar`;
    if (k < 19) return i % 2 ? '/api/topics?level=2' : '/api/topics?level=1';
    return '/api/facets';
  };
}

export interface LevelResult {
  clients: number;
  requests: number;
  seconds: number;
  latencies: number[];
  errors: number;
  /** The first few error descriptions. */
  samples: string[];
  /** p99 of the clients' first request (connection set-up included), not in `latencies`. */
  firstMs: number;
}

// node:http with one keep-alive connection per client. (fetch's pool queued a third of 256
// clients' first requests until the others were done: a 30 s p99 that was the client's.)
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/** GET `url`, read the body; the status, or an error after 60 s. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 60_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 60 s')));
    req.on('error', reject);
  });
}

/**
 * `clients` concurrent clients, each taking the next request until `requests` are sent. Each
 * client first opens its connection with an untimed request and waits for the others: a storm
 * of new connections is measured apart (`firstMs`), as a server under load accepts new
 * connections only between the requests of established ones.
 */
export async function drive(
  url: string,
  path: (i: number) => string,
  clients: number,
  requests: number,
  until?: () => boolean,
): Promise<LevelResult> {
  const latencies: number[] = [];
  const first: number[] = [];
  const samples: string[] = [];
  let errors = 0;
  let next = 0;
  const one = async (p: string, into: number[]) => {
    const s = performance.now();
    try {
      const status = await get(url + p);
      if (status !== 200) {
        errors++;
        if (samples.length < 5) samples.push(`${String(status)} ${p}`);
      }
    } catch (e) {
      errors++;
      if (samples.length < 5) samples.push(`${(e as Error).message} ${p}`);
    }
    into.push(performance.now() - s);
  };
  let ready = 0;
  let go: () => void = () => undefined;
  const started = new Promise<void>((r) => (go = r));
  let t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      await one('/api/health', first);
      if (++ready === clients) {
        t0 = performance.now();
        go();
      }
      await started;
      for (let i = next++; i < requests && !(until?.() ?? false); i = next++)
        await one(path(i), latencies);
    }),
  );
  first.sort((a, b) => a - b);
  return {
    clients,
    requests: latencies.length,
    seconds: (performance.now() - t0) / 1000,
    latencies,
    errors,
    samples,
    firstMs: quantile(first, 0.99),
  };
}

/**
 * Slow clients: `n` connections that send one header line a second and never finish. Returns
 * how long a normal request took meanwhile and when the server closed the slow connections.
 */
export async function slowClients(
  url: string,
  n = 200,
): Promise<{ normalMs: number; closed: number; lastCloseS: number }> {
  const { hostname, port } = new URL(url);
  const t0 = performance.now();
  let closed = 0;
  let lastClose = 0;
  const socks = Array.from({ length: n }, () => {
    const s = net.connect(Number(port), hostname, () => {
      s.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      closed++;
      lastClose = performance.now() - t0;
    });
    return s;
  });
  const drip = setInterval(() => {
    for (const s of socks) if (!s.destroyed) s.write('X-Slow: 1\r\n');
  }, 1000);
  await new Promise((r) => setTimeout(r, 2000));
  const t1 = performance.now();
  await get(`${url}/api/search?q=graph%20neural%20networks`);
  const normalMs = performance.now() - t1;
  for (let i = 0; i < 40 && closed < n; i++) await new Promise((r) => setTimeout(r, 500));
  clearInterval(drip);
  for (const s of socks) s.destroy();
  return { normalMs, closed, lastCloseS: lastClose / 1000 };
}

function parseArgs(argv: string[]) {
  const o: { db?: string; levels: number[]; requests: number } = {
    levels: [1, 4, 16, 64, 256],
    requests: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const [a, v] = [argv[i], argv[i + 1]];
    if (a === '--db' && v) o.db = v;
    else if (a === '--levels' && v) o.levels = v.split(',').map(Number);
    else if (a === '--requests' && v) o.requests = Number(v);
    else if (a === '--help') {
      console.log(
        'npm run load -- [--db PATH|postgres://…|pg] [--levels 1,4,16,64,256] [--requests N (a level; default max(400, 32 × clients))]',
      );
      process.exit(0);
    } else continue;
    i++;
  }
  return o;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const target = await resolveDb(o.db, 'confscope_load');
  o.db = target.db;
  const server = await startServer(o.db);
  const path = requestMix();
  const rows: (string | number)[][] = [];
  let failed = 0;
  let slow = { normalMs: NaN, closed: 0, lastCloseS: NaN };
  try {
    await drive(server.url, path, 4, 200); // warm-up: JIT, first map and topic requests
    for (const clients of o.levels) {
      const requests = o.requests || Math.max(400, 32 * clients);
      const r = await drive(server.url, path, clients, requests);
      r.latencies.sort((a, b) => a - b);
      failed += r.errors;
      rows.push([
        String(clients),
        String(r.requests),
        r.requests / r.seconds,
        quantile(r.latencies, 0.5),
        quantile(r.latencies, 0.99),
        String(r.errors),
        r.firstMs,
      ]);
      for (const s of r.samples) console.error(`  error at ${clients} clients: ${s}`);
    }
    slow = await slowClients(server.url);
  } finally {
    await server.stop();
    await target.done();
  }
  const store =
    o.db === undefined
      ? 'SQLite (temporary file)'
      : /^postgres/.test(o.db)
        ? 'PostgreSQL'
        : `SQLite (${o.db})`;
  console.log(
    `## API under rising load — ${store}, loopback, clients and server sharing the machine\n\n` +
      'Mix: 40% hybrid search, 10% lexical search (limit 20), 20% paper, 15% similar, 10% topics, 5% facets.\n',
  );
  console.log(
    table(
      [
        'clients',
        'requests',
        'req/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'connect + first request p99 ms',
      ],
      rows,
    ),
  );
  console.log(
    `\nSlow clients: 200 connections sending one header line a second; a search meanwhile took ${slow.normalMs.toFixed(0)} ms; ` +
      `the server closed ${slow.closed} of them, the last ${slow.lastCloseS.toFixed(1)} s after they connected (header timeout 10 s).`,
  );
  if (slow.closed < 200) failed++;
  if (failed) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
