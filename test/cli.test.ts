// The CLI as a user runs it: a subprocess, through the package.json bin and through npx.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RECORD_FIELDS } from '../src/core/types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};
const bin = join(root, pkg.bin['confscope'] ?? '');
const tmp = mkdtempSync(join(tmpdir(), 'confscope-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], opts: { npx?: boolean } = {}) {
  const [cmd, argv] = opts.npx
    ? ['npx', ['--no-install', 'confscope', ...args]]
    : [process.execPath, [bin, ...args]];
  const r = spawnSync(cmd, argv, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, CONFSCOPE_DB: join(tmp, 'env.db') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('confscope CLI', () => {
  it('runs through the bin path and through npx, with help listing every command', () => {
    for (const npx of [false, true]) {
      const r = run(['--help'], { npx });
      expect(r.code).toBe(0);
      for (const c of ['parse', 'ingest', 'export', 'corpora', 'start']) expect(r.out).toContain(c);
    }
  });

  it('parse prints one JSON object a line with exactly the documented fields, and a summary on stderr', () => {
    const r = run(['parse', 'data/iclr2020/listing.md']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(687);
    for (const l of lines) expect(Object.keys(JSON.parse(l) as object)).toEqual([...RECORD_FIELDS]);
    expect(r.err).toMatch(/687 records \(531 Poster, 108 Spotlight, 48 Talk; 3 untitled\)/);
    expect(r.err).toContain('data/iclr2020/listing.md:487: record has no title line');
  });

  it('ingest then export gives back what parse printed; a second ingest changes nothing', () => {
    const db = join(tmp, 'a.db');
    const first = run(['ingest', 'data/iclr2020/listing.md', '--db', db, '--corpus', 'iclr2020']);
    expect(first.code).toBe(0);
    expect(first.err).toContain('687 added');
    const second = run(['ingest', 'data/iclr2020/listing.md', '--db', db, '--corpus', 'iclr2020']);
    expect(second.err).toContain('0 added, 0 updated, 0 moved, 687 unchanged, 0 removed');
    for (const format of ['jsonl', 'json', 'csv']) {
      const exported = run(['export', '--db', db, '--corpus', 'iclr2020', '--format', format]);
      const parsed = run(['parse', 'data/iclr2020/listing.md', '--format', format]);
      expect(exported.code).toBe(0);
      expect(exported.out).toBe(parsed.out);
    }
    const corpora = run(['corpora', '--db', db, '--format', 'json']);
    expect(JSON.parse(corpora.out)).toMatchObject([{ name: 'iclr2020', papers: 687 }]);
  });

  it('start builds the embedded corpus once and reuses it after', () => {
    const db = join(tmp, 'start.db');
    const first = run(['start', '--db', db, '--no-serve']);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/papers: +687 \(531 Poster, 108 Spotlight, 48 Talk\)/);
    expect(first.err).toContain('687 added');
    const second = run(['start', '--db', db, '--no-serve']);
    expect(second.err).toContain('database reused');
  });

  it('export of an unknown corpus names the corpora there are', () => {
    const db = join(tmp, 'a.db');
    const r = run(['export', '--db', db, '--corpus', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no corpus named "nope" in the database (corpora: iclr2020)');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
