// Crash safety, the CI-sized version of `npm run crashtest`: `confscope ingest` (the built CLI,
// dist/src/cli/main.js; run `npm run build` first) killed with SIGKILL at several points of its
// run; afterwards the database opens, passes SQLite's integrity check and holds exactly the
// old corpus or exactly the new one, a re-run completes, and search still answers. Then a full
// disk (a file-size limit): a clean error and the old corpus intact.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editedListing } from '../bench/crashtest.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'confscope-crash-'));
const db = join(dir, 'c.db');
const oldPath = join(dir, 'old.md');
const newPath = join(dir, 'new.md');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  killed: boolean;
}

function cli(args: string[], opts: { killAfter?: number; wrap?: string } = {}): Promise<Run> {
  const t0 = performance.now();
  const [cmd, argv] =
    opts.wrap !== undefined
      ? ['bash', ['-c', `${opts.wrap}; exec "$0" "$@"`, process.execPath, CLI, ...args]]
      : [process.execPath, [CLI, ...args]];
  const env = { ...process.env };
  delete env['CONFSCOPE_DEBUG'];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer =
    opts.killAfter !== undefined
      ? setTimeout(() => child.kill('SIGKILL'), opts.killAfter)
      : undefined;
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        ms: performance.now() - t0,
        killed: signal === 'SIGKILL',
      });
    });
  });
}

const ingest = (path: string, where = db) => ['ingest', path, '--db', where, '--corpus', 'c'];
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
async function exported(where = db): Promise<string> {
  const r = await cli(['export', '--db', where, '--corpus', 'c']);
  expect(r.code, r.stderr).toBe(0);
  return sha(r.stdout);
}
function integrity(where = db): string {
  const d = new Database(where, { readonly: true });
  try {
    return String(d.pragma('integrity_check', { simple: true }));
  } finally {
    d.close();
  }
}

let oldHash = '';
let newHash = '';
let fullMs = 0;

beforeAll(async () => {
  const listing = readFileSync(join(ROOT, 'data/iclr2020/listing.md'), 'utf8');
  writeFileSync(oldPath, listing);
  writeFileSync(newPath, editedListing(listing, 2));
  const first = await cli(ingest(newPath));
  expect(first.code, first.stderr).toBe(0);
  fullMs = first.ms;
  newHash = await exported();
  expect((await cli(ingest(oldPath))).code).toBe(0);
  oldHash = await exported();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash safety (SQLite)', () => {
  // Each trial kills the ingest of the other version (new, old, new), so no restore is needed.
  it('an ingest killed at any point leaves the old or the new corpus, whole', async () => {
    const versions = { old: [oldPath, oldHash], new: [newPath, newHash] } as const;
    for (const [fraction, target] of [
      [0.4, 'new'],
      [0.7, 'old'],
      [0.95, 'new'],
    ] as const) {
      const [path, hash] = versions[target];
      const run = await cli(ingest(path), { killAfter: Math.round(fullMs * fraction) });
      const h = await exported();
      expect([oldHash, newHash], `killed at ${fraction} of the run (${run.killed})`).toContain(h);
      expect(integrity()).toBe('ok');
      const again = await cli(ingest(path));
      expect(again.code, again.stderr).toBe(0);
      expect(await exported()).toBe(hash);
    }
    const search = await cli(['search', 'graph neural networks', '--db', db, '--format', 'json']);
    expect(search.code, search.stderr).toBe(0);
    expect((JSON.parse(search.stdout) as { hits: unknown[] }).hits.length).toBeGreaterThan(0);
  }, 300_000);

  it('a full disk (file-size limit) fails cleanly and keeps the old corpus', async () => {
    const fresh = join(dir, 'full.db');
    expect((await cli(ingest(oldPath, fresh))).code).toBe(0);
    const before = await exported(fresh);
    const run = await cli(ingest(newPath, fresh), { wrap: 'ulimit -f 256' });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/error: .*failed and was rolled back/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await exported(fresh)).toBe(before);
    expect(integrity(fresh)).toBe('ok');
  }, 120_000);
});
