// `npm run soak -- --minutes 10 [--clients 16] [--db PATH|postgres://…|pg] [--store postgres]
// [--every 5]`: a bounded soak. `confscope start` in its own process under constant load (the
// request mix of bench/load.ts) for the given minutes; the server's resident memory (VmRSS from
// /proc) is sampled every few seconds. Reports requests, errors, latency, and the least-squares
// slope of RSS over the second half of the run (MB/min) with a verdict: the first half is
// warm-up (JIT, caches, the allocator settling). `--store postgres` (or `--db pg`) runs it on a
// throwaway PostgreSQL cluster; `--db postgres://…` on a database it may write to.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drive, requestMix, resolveDb, startServer } from './load.js';
import { quantile, table } from './util.js';

/** Resident set size of a process in MB (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) / 1024 : NaN;
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    den += ((xs[i] ?? 0) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * RSS right after each garbage collection: the lowest sample of every drop of 5% or more.
 * V8 lets the heap grow between major collections, so RSS is a sawtooth whose raw slope says
 * where the run ended on a tooth; the troughs show what is really retained.
 */
export function troughs(samples: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]?.[1] ?? 0;
    const cur = samples[i];
    if (!cur || cur[1] >= prev * 0.95) continue;
    let low = cur;
    while (i + 1 < samples.length && (samples[i + 1]?.[1] ?? Infinity) <= low[1]) {
      i++;
      low = samples[i] ?? low;
    }
    out.push([low[0], low[1]]);
  }
  return out;
}

function parseArgs(argv: string[]) {
  const o: { minutes: number; clients: number; db?: string; every: number } = {
    minutes: 10,
    clients: 16,
    every: 5,
  };
  for (let i = 0; i < argv.length; i++) {
    const [a, v] = [argv[i], argv[i + 1]];
    if (a === '--minutes' && v) o.minutes = Number(v);
    else if (a === '--clients' && v) o.clients = Number(v);
    else if (a === '--every' && v) o.every = Number(v);
    else if (a === '--db' && v) o.db = v;
    else if (a === '--store' && v) {
      // `--store postgres`: a throwaway cluster (the same as `--db pg`); `--store sqlite`: a
      // temporary SQLite file (the default).
      if (v !== 'postgres' && v !== 'sqlite') throw new Error('--store must be postgres or sqlite');
      if (v === 'postgres') o.db = 'pg';
    } else if (a === '--help') {
      console.log(
        'npm run soak -- [--minutes 10] [--clients 16] [--every 5 (seconds between RSS samples)] [--db PATH|postgres://…|pg] [--store sqlite|postgres]',
      );
      process.exit(0);
    } else continue;
    i++;
  }
  if (!(o.minutes > 0 && o.minutes <= 24 * 60)) throw new Error('--minutes must be in (0, 1440]');
  return o;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const target = await resolveDb(o.db, 'confscope_soak');
  o.db = target.db;
  const server = await startServer(o.db);
  const pid = server.child.pid ?? 0;
  const path = requestMix();
  const samples: [number, number][] = [];
  const t0 = performance.now();
  const minutes = () => (performance.now() - t0) / 60_000;
  samples.push([0, rssMb(pid)]);
  const timer = setInterval(() => samples.push([minutes(), rssMb(pid)]), o.every * 1000);
  let result;
  try {
    result = await drive(
      server.url,
      path,
      o.clients,
      Number.MAX_SAFE_INTEGER,
      () => minutes() >= o.minutes,
    );
  } finally {
    clearInterval(timer);
    samples.push([minutes(), rssMb(pid)]);
    await server.stop();
    await target.done();
  }
  const half = samples.filter(([t]) => t >= o.minutes / 2);
  const raw = slope(
    half.map(([t]) => t),
    half.map(([, m]) => m),
  );
  // Post-collection troughs of the second half (of the whole run after its first minute when
  // the second half has fewer than two collections).
  const all = troughs(samples);
  const late = all.filter(([t]) => t >= o.minutes / 2);
  const used = late.length >= 2 ? late : all.filter(([t]) => t >= 1);
  const s =
    used.length >= 2
      ? slope(
          used.map(([t]) => t),
          used.map(([, m]) => m),
        )
      : raw;
  const mean = half.reduce((a, [, m]) => a + m, 0) / Math.max(1, half.length);
  const lat = result.latencies.sort((a, b) => a - b);
  // Flat: retained memory grows by under 1 MB (and under 1% of RSS) a minute.
  const flat = s < Math.max(1, mean * 0.01) ? 'no growth trend' : 'GROWING';
  const store =
    o.db === undefined
      ? 'SQLite (temporary file)'
      : /^postgres/.test(o.db)
        ? 'PostgreSQL'
        : `SQLite (${o.db})`;
  console.log(
    `## Soak — ${store}, ${o.clients} clients, ${o.minutes} min, RSS every ${o.every} s\n`,
  );
  console.log(
    table(
      [
        'requests',
        'req/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'RSS start MB',
        'RSS max MB',
        'RSS end MB',
        'raw slope 2nd half MB/min',
        `post-GC slope MB/min (${String(used.length)} troughs)`,
        'verdict',
      ],
      [
        [
          String(result.requests),
          result.requests / result.seconds,
          quantile(lat, 0.5),
          quantile(lat, 0.99),
          String(result.errors),
          samples[0]?.[1] ?? NaN,
          Math.max(...samples.map(([, m]) => m)),
          samples.at(-1)?.[1] ?? NaN,
          raw.toFixed(2),
          used.length >= 2 ? s.toFixed(2) : 'n/a',
          flat,
        ],
      ],
    ),
  );
  console.log(
    `\nRSS after collections (minute: MB): ${all.map(([t, m]) => `${t.toFixed(1)}: ${m.toFixed(0)}`).join(', ')}`,
  );
  console.log(
    `RSS samples (minute: MB): ${samples.map(([t, m]) => `${t.toFixed(1)}: ${m.toFixed(0)}`).join(', ')}`,
  );
  for (const e of result.samples) console.error(`  error: ${e}`);
  if (result.errors || flat !== 'no growth trend') process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
