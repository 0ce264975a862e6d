// The HTTP server on PostgreSQL: the whole flow of server.test.ts on a fresh PostgreSQL
// database, then confscope as separate processes on one database — two ingests (and so two
// schema migrations) racing on an empty database, two servers answering while a third process
// ingests, and a clean shutdown on SIGTERM. The CLI runs from dist (npm test builds first).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { lastTestDatabaseUrl, useBackend } from './test-store.js';

useBackend('postgres');
await import('./server.test.js');

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};
const bin = join(root, pkg.bin['confscope'] ?? '');
const listing = join(root, 'data/iclr2020/listing.md');

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

function cli(args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, out, err });
    });
  });
}

interface Serving {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `confscope serve` on port 0; resolves once it prints the address it listens on. */
function serve(db: string): Promise<Serving> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve', '--db', db, '--port', '0'], {
      cwd: root,
    });
    let err = '';
    const exited = new Promise<number | null>((done) => child.on('close', done));
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving on (http:\/\/\S+) /.exec(err);
      if (m?.[1]) resolve({ child, url: m[1], stderr: () => err, exited });
    });
    void exited.then((code) => {
      reject(new Error(`serve exited with ${String(code)} before listening:\n${err}`));
    });
  });
}

describe('confscope processes sharing one PostgreSQL database', () => {
  let db: TestDatabase;
  const servers: Serving[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('procs');
  });
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await db.drop();
  });

  it('two ingests racing on an empty database both succeed: one adds, the other finds it done', async () => {
    const [a, b] = await Promise.all([
      cli(['ingest', listing, '--corpus', 'iclr2020', '--db', db.url]),
      cli(['ingest', listing, '--corpus', 'iclr2020', '--db', db.url]),
    ]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    const lines = [a.err, b.err].join('\n');
    expect(lines).toMatch(/687 added, 0 updated, 0 moved, 0 unchanged, 0 removed/);
    expect(lines).toMatch(/0 added, 0 updated, 0 moved, 687 unchanged, 0 removed/);
    // Messages name the database without a password.
    expect(lines).toContain(`of postgres://postgres@127.0.0.1:`);
  });

  it('two servers answer on one database while a third process ingests, and stop cleanly', async () => {
    // The database of the flow above, whose server saved the analysis: these servers reuse it.
    const shared = lastTestDatabaseUrl();
    servers.push(...(await Promise.all([serve(shared), serve(shared)])));
    const search = async (s: Serving, q: string) => {
      const res = await fetch(`${s.url}/api/search?q=${encodeURIComponent(q)}&limit=3`);
      expect(res.status).toBe(200);
      return (await res.json()) as { hits: { title: string }[] };
    };
    for (const s of servers) {
      const r = await search(s, 'nucleus sampling');
      expect(r.hits[0]?.title).toBe('The Curious Case of Neural Text Degeneration');
    }
    // Searches keep being answered by both servers while another process ingests a corpus.
    const ingest = cli(['ingest', listing, '--corpus', 'copy', '--db', shared]);
    const state = { done: false };
    void ingest.then(() => (state.done = true));
    let answered = 0;
    while (!state.done || answered < 10) {
      for (const s of servers) {
        const health = await fetch(`${s.url}/api/health`);
        expect(health.status).toBe(200);
        await search(s, 'graph neural networks');
        answered++;
      }
    }
    expect((await ingest).code).toBe(0);
    const corpora = await cli(['corpora', '--db', shared, '--format', 'json']);
    expect(JSON.parse(corpora.out)).toEqual([
      expect.objectContaining({ name: 'copy', papers: 687 }),
      expect.objectContaining({ name: 'iclr2020', papers: 687 }),
    ]);
    for (const s of servers) s.child.kill('SIGTERM');
    for (const s of servers) {
      expect(await s.exited, s.stderr()).toBe(0);
      expect(s.stderr()).toMatch(/shutting down/);
    }
  });

  it('read-only commands refuse a database without confscope data, naming it without a password', async () => {
    const empty = await createTestDatabase('empty');
    try {
      const u = new URL(empty.url);
      u.password = 'pw-not-shown';
      const r = spawnSync(process.execPath, [bin, 'corpora', '--db', u.toString()], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/no confscope data in this database/);
      expect(r.stderr).toContain(`postgres://postgres@127.0.0.1:${u.port}/${empty.name}`);
      expect(r.stderr).not.toContain('pw-not-shown');
    } finally {
      await empty.drop();
    }
  });
});
