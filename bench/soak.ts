// `npm run soak -- --minutes 10 [--clients 16] [--db PATH|postgres://…] [--every 5]`: a bounded
// soak. `confscope start` in its own process under constant load (the request mix of
// bench/load.ts) for the given minutes; the server's resident memory (VmRSS from /proc) is
// sampled every few seconds. Reports requests, errors, latency, and the least-squares slope of
// RSS over the second half of the run (MB/min) with a verdict: the first half is warm-up (JIT,
// caches, the allocator settling).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drive, requestMix, startServer } from './load.js';
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
    else if (a === '--help') {
      console.log(
        'npm run soak -- [--minutes 10] [--clients 16] [--every 5 (seconds between RSS samples)] [--db PATH|postgres://…]',
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
  }
  const half = samples.filter(([t]) => t >= o.minutes / 2);
  const s = slope(
    half.map(([t]) => t),
    half.map(([, m]) => m),
  );
  const mean = half.reduce((a, [, m]) => a + m, 0) / Math.max(1, half.length);
  const lat = result.latencies.sort((a, b) => a - b);
  // Flat: the second half's trend would add under 1% of the RSS a minute... and under 1 MB/min.
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
        'slope 2nd half MB/min',
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
          s.toFixed(3),
          flat,
        ],
      ],
    ),
  );
  console.log(
    `\nRSS samples (minute: MB): ${samples.map(([t, m]) => `${t.toFixed(1)}: ${m.toFixed(0)}`).join(', ')}`,
  );
  for (const e of result.samples) console.error(`  error: ${e}`);
  if (result.errors || flat !== 'no growth trend') process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
