// A server that listens before the database is open (startServer's listenFirst, as `serve`
// runs): 503 with progress while opening, the real API after, a closed port when opening fails.
// Over real HTTP on loopback, on a real SQLite database whose reads the test holds back.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, openStore } from '../src/app/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import { OpeningSchema } from '../src/server/schemas.js';
import type { Store } from '../src/store/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'confscope-opening-'));
const db = join(dir, 'o.db');
let store: Store;

beforeAll(async () => {
  store = await openStore(db);
  await ingestFile(store, join(ROOT, 'test/fixtures/miniconf-papers-30.csv'), { corpus: 'mini' });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new database of the embedded corpus (687 papers), not analysed yet. */
async function freshStore(name: string): Promise<Store> {
  const s = await openStore(join(dir, name));
  await ingestFile(s, join(ROOT, 'data/iclr2020/listing.md'), { corpus: 'iclr2020' });
  return s;
}

/** A gate the test opens: `wait` resolves once `open()` is called. */
function gate() {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/**
 * The store, delegating every call, except that listPapers waits for `papers` (then fails with
 * `fail`, when given) and getModel, once the papers are read, waits for `after`.
 */
function slowStore(
  real: Store,
  papers: Promise<void>,
  after: Promise<void> = Promise.resolve(),
  fail?: Error,
): Store {
  let read = false;
  return new Proxy(real, {
    get(target, key) {
      if (key === 'listPapers')
        return async (...args: Parameters<Store['listPapers']>) => {
          await papers;
          if (fail) throw fail;
          const r = await target.listPapers(...args);
          read = true;
          return r;
        };
      if (key === 'getModel')
        return async (id: string) => {
          if (read) await after;
          return target.getModel(id);
        };
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function get(server: RunningServer, path: string, init?: RequestInit) {
  const res = await fetch(server.url + path, init);
  const text = await res.text();
  return { res, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function expectOpening(
  server: RunningServer,
  path: string,
  step: string,
  init?: RequestInit,
) {
  const { res, json } = await get(server, path, init);
  expect(res.status, path).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const body = json();
  expect(body).toMatchObject({ type: 'about:blank', status: 503, title: 'Service Unavailable' });
  expect(body['detail']).toMatch(new RegExp(`^opening the database \\(step: ${step}, \\d+ s\\)$`));
}

describe('startServer with listenFirst', () => {
  it('answers 503 with progress while the database opens, then the real API', async () => {
    const papers = gate();
    const vectors = gate();
    const steps: string[] = [];
    const server = await startServer(slowStore(store, papers.wait, vectors.wait), {
      port: 0,
      host: '127.0.0.1',
      listenFirst: true,
      onOpen: (p) => steps.push(p.step),
    });
    try {
      let ready = false;
      void server.ready.then(() => (ready = true));
      const health = await get(server, '/api/health');
      expect(health.res.status).toBe(503);
      expect(health.res.headers.get('retry-after')).toBe('5');
      expect(health.json()).toMatchObject({
        status: 'opening',
        step: 'papers',
        done: [],
        papers: null,
      });
      expect(health.json()['seconds']).toBeGreaterThanOrEqual(0);
      // The body is the one the API documents for a 503 (see /api/openapi.json once open).
      expect(OpeningSchema.safeParse(health.json()).success).toBe(true);
      await expectOpening(server, '/api/search?q=spiking', 'papers');
      await expectOpening(server, '/api/no-such-route', 'papers');
      await expectOpening(server, '/', 'papers');
      await expectOpening(server, '/api/more-like-these', 'papers', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids: ['f864ee639881'] }),
      });

      // The papers are read; the next step waits.
      papers.open();
      await expect
        .poll(async () => (await get(server, '/api/health')).json()['step'])
        .toBe('vectors');
      const later = (await get(server, '/api/health')).json();
      expect(later).toMatchObject({ status: 'opening', done: ['papers'], papers: 30 });
      expect(OpeningSchema.safeParse(later).success).toBe(true);
      await expectOpening(server, '/api/search?q=spiking', 'vectors');
      expect(ready).toBe(false);

      vectors.open();
      await server.ready;
      const ok = await get(server, '/api/health');
      expect(ok.res.status).toBe(200);
      const spec = (await get(server, '/api/openapi.json')).json() as {
        paths: Record<string, { get?: { responses?: Record<string, unknown> } }>;
      };
      expect(Object.keys(spec.paths['/api/health']?.get?.responses ?? {})).toEqual(['200', '503']);
      expect(ok.json()).toMatchObject({ status: 'ok', papers: 30 });
      const search = await get(server, '/api/search?q=spiking');
      expect(search.res.status).toBe(200);
      const hits = search.json()['hits'] as { title: string }[];
      expect(hits[0]?.title).toMatch(/^Enabling Deep Spiking Neural Networks/);
      expect(steps.slice(0, 3)).toEqual(['papers', 'vectors', 'lexical index']);
    } finally {
      papers.open();
      vectors.open();
      await server.close();
    }
  });

  it('answers while a real database opens (no gate: the store is read between turns)', async () => {
    // Never analysed: the analysis is computed and saved while the server answers.
    const s = await openStore(join(dir, 'real.db'));
    await ingestFile(s, join(ROOT, 'test/fixtures/miniconf-papers-30.csv'), { corpus: 'mini' });
    const server = await startServer(s, { port: 0, host: '127.0.0.1', listenFirst: true });
    try {
      const first = await get(server, '/api/health');
      expect(first.res.status).toBe(503);
      expect(first.json()).toMatchObject({ status: 'opening' });
      await server.ready;
      expect((await get(server, '/api/health')).json()).toMatchObject({
        status: 'ok',
        papers: 30,
      });
    } finally {
      await server.close();
      await s.close();
    }
  });

  it('closes the port and rejects `ready` when opening fails', async () => {
    const papers = gate();
    const server = await startServer(
      slowStore(store, papers.wait, undefined, new Error('the disk is on fire')),
      { port: 0, host: '127.0.0.1', listenFirst: true },
    );
    try {
      expect((await get(server, '/api/health')).res.status).toBe(503);
      papers.open();
      await expect(server.ready).rejects.toThrow('the disk is on fire');
      await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('close() while opening frees the port; the opening that finishes later does not reopen it', async () => {
    const papers = gate();
    const server = await startServer(slowStore(store, papers.wait), {
      port: 0,
      host: '127.0.0.1',
      listenFirst: true,
      watchMs: 50,
    });
    expect((await get(server, '/api/health')).res.status).toBe(503);
    await server.close();
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    papers.open();
    await server.ready;
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
  });

  it('without listenFirst, resolves only when serving; `ready` is settled already', async () => {
    const server = await startServer(store, { port: 0, host: '127.0.0.1' });
    try {
      await expect(server.ready).resolves.toBeUndefined();
      expect((await get(server, '/api/health')).res.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('fails to start on a port in use, before opening anything', async () => {
    const first = await startServer(store, { port: 0, host: '127.0.0.1' });
    try {
      await expect(
        startServer(store, { port: first.port, host: '127.0.0.1', listenFirst: true }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

describe('confscope serve (the built CLI; run `npm run build` first)', () => {
  it('says it listens before it says it serves, and stops cleanly on SIGTERM', async () => {
    const p = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', db], { cwd: ROOT });
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    try {
      await expect
        .poll(() => /serving on (http:\/\/\S+) /.test(err), { timeout: 20_000 })
        .toBe(true);
      const listening = err.indexOf('confscope: listening on http://127.0.0.1:');
      expect(listening, err).toBeGreaterThanOrEqual(0);
      expect(listening).toBeLessThan(err.indexOf('confscope: serving on '));
      const url = /serving on (http:\/\/\S+) /.exec(err)?.[1] ?? '';
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      p.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).toMatch(/shutting down/);
      await expect(fetch(`${url}/api/health`)).rejects.toThrow();
    } finally {
      p.kill('SIGKILL');
    }
  }, 30_000);

  it('stops cleanly on SIGTERM while the database opens', async () => {
    // 687 papers never analysed: opening takes seconds (the analysis is computed).
    await (await freshStore('fresh.db')).close();
    const fresh = join(dir, 'fresh.db');
    const p = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', fresh], {
      cwd: ROOT,
    });
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    try {
      await expect
        .poll(() => /listening on (http:\/\/\S+),/.test(err), { timeout: 20_000 })
        .toBe(true);
      const url = /listening on (http:\/\/\S+),/.exec(err)?.[1] ?? '';
      p.kill('SIGTERM');
      expect(await exited, err).toBe(0);
      expect(err).toMatch(/shutting down/);
      expect(err).not.toMatch(/serving on|error/);
      await expect(fetch(`${url}/api/health`)).rejects.toThrow();
    } finally {
      p.kill('SIGKILL');
    }
  }, 30_000);
});
