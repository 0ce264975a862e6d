// PostgreSQL restarted while the server is under load: reads keep being answered (the index is
// in memory), writes fail cleanly with 503 + Retry-After while it is down, and succeed again
// after it is back, without restarting confscope. Uses its own throwaway cluster
// (scripts/pg-throwaway.sh) so the shared test server is never stopped.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, openStore } from '../src/app/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import type { Store } from '../src/store/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'pg-throwaway.sh');
const TOKEN = 'restart-test-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'confscope-pgrestart-'));
chmodSync(dir, 0o755);
const cluster = join(dir, 'cluster');
const pgctl = (cmd: string) =>
  execFileSync('bash', [SCRIPT, cmd, cluster], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
const upload = readFileSync(join(ROOT, 'test/fixtures/miniconf-papers-30.csv'));
let store: Store;
let server: RunningServer;

beforeAll(async () => {
  const url = pgctl('start');
  store = await openStore(url);
  await ingestFile(store, join(ROOT, 'test/fixtures/iclr2020-virtual-site-papers-30.json'), {
    corpus: 'base',
  });
  server = await startServer(store, {
    port: 0,
    host: '127.0.0.1',
    writeToken: TOKEN,
    watchMs: 200,
  });
}, 120_000);

afterAll(async () => {
  await server.close();
  await store.close();
  try {
    pgctl('stop');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const put = (name: string) =>
  fetch(`${server.url}/api/corpora/${name}`, {
    method: 'PUT',
    body: upload,
    headers: { authorization: `Bearer ${TOKEN}` },
  });

describe('PostgreSQL restarted under load', () => {
  it('reads stay up, writes answer 503 with Retry-After while it is down, and work again after', async () => {
    const reads = ['/api/search?q=graph', '/api/health', '/api/topics', '/api/facets'];
    const hammer = async (rounds: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < rounds; i++)
        statuses.push(
          ...(await Promise.all(reads.map(async (p) => (await fetch(server.url + p)).status))),
        );
      return statuses;
    };
    expect(new Set(await hammer(3))).toEqual(new Set([200]));

    pgctl('pause');
    try {
      // Reads are answered from memory; none fails.
      expect(new Set(await hammer(10))).toEqual(new Set([200]));
      const w = await put('during');
      expect(w.status).toBe(503);
      expect(w.headers.get('retry-after')).toBe('5');
      expect(w.headers.get('content-type')).toMatch(/problem\+json/);
      const body = (await w.json()) as { detail: string };
      expect(body.detail).not.toMatch(/password|at .*\.js/);
    } finally {
      pgctl('resume');
    }

    // Back up: a write succeeds (the pool replaces its dead connections; a first attempt may
    // still meet one), and the new corpus is served.
    let status = 0;
    const deadline = Date.now() + 60_000;
    while (status !== 200 && Date.now() < deadline) {
      status = (await put('after')).status;
      expect([200, 503]).toContain(status);
      if (status !== 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(200);
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as {
      corpora: { name: string }[];
    };
    expect(health.corpora.map((c) => c.name)).toEqual(['after', 'base']);
    expect(new Set(await hammer(3))).toEqual(new Set([200]));
  });
});
