// API latency under a fixed concurrent load on loopback: `confscope start` in its own process
// on the embedded ICLR corpus, 16 clients from this process, a bounded number of requests a route.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus, loadEvalSet } from './quality/evalset.js';
import { quantile, table } from './util.js';

export async function benchApiLoad(concurrency = 16, requests = 800): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'confscope-load-'));
  const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
  const child = spawn(
    process.execPath,
    [cli, 'start', '--db', join(dir, 'load.db'), '--port', '0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const server = {
    url: await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        const m = /serving on (http:\/\/\S+) /.exec(err);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`server exited (${code ?? 'signal'}): ${err}`)));
    }),
  };
  const records = loadCorpus();
  const queries = loadEvalSet(records).queries.map((q) => q.query);
  const ids = records.map((r) => r.id);
  const routes: [string, (i: number) => string, string][] = [
    [
      'search lexical',
      (i) => `/api/search?mode=lexical&q=${encodeURIComponent(queries[i % queries.length] ?? '')}`,
      '',
    ],
    [
      'search hybrid',
      (i) => `/api/search?mode=hybrid&q=${encodeURIComponent(queries[i % queries.length] ?? '')}`,
      'p95 < 30 ms',
    ],
    ['paper', (i) => `/api/papers/${ids[i % ids.length] ?? ''}`, ''],
    ['similar', (i) => `/api/papers/${ids[i % ids.length] ?? ''}/similar`, ''],
    ['map', () => '/api/map', ''],
  ];
  const rows: (string | number)[][] = [];
  try {
    for (const [name, path, target] of routes) {
      for (let i = 0; i < 20; i++) await (await fetch(server.url + path(i))).arrayBuffer(); // warm-up
      const lat: number[] = [];
      let errors = 0;
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < requests; i = next++) {
            const s = performance.now();
            const res = await fetch(server.url + path(i));
            await res.arrayBuffer();
            if (res.status !== 200) errors++;
            lat.push(performance.now() - s);
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      lat.sort((a, b) => a - b);
      rows.push([
        name,
        requests,
        requests / secs,
        quantile(lat, 0.5),
        quantile(lat, 0.95),
        errors,
        target,
      ]);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    `## API under load (loopback, ${concurrency} concurrent clients, ${requests} requests a route)`,
    '',
    table(['route', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'errors', 'target'], rows),
  ].join('\n');
}
