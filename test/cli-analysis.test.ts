// The analysis commands as a user runs them: a subprocess on a database built by `start`.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/src/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'confscope-cli-analysis-'));
const db = join(tmp, 'a.db');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, '--db', db], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const json = (args: string[]): unknown => {
  const r = run([...args, '--format', 'json']);
  expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
  return JSON.parse(r.out);
};

beforeAll(() => {
  const r = spawnSync(process.execPath, [bin, 'start', '--no-serve', '--db', db], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('analysis CLI', () => {
  it('analyze reports what it built and reuses it', () => {
    const r = run(['analyze']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/analysis of 687 papers: \d+ areas, \d+ topics, \d+ authors/);
  });

  it('similar: ten papers with reasons, never the paper itself; unknown ids are refused', () => {
    const nucleus = 'a45ef854a96e';
    const r = json(['similar', nucleus]) as {
      similar: { id: string; score: number; reason: { sharedTerms: string[] } }[];
    };
    expect(r.similar).toHaveLength(10);
    expect(r.similar.map((s) => s.id)).not.toContain(nucleus);
    for (let i = 1; i < r.similar.length; i++)
      expect(r.similar[i - 1]?.score).toBeGreaterThanOrEqual(r.similar[i]?.score ?? 0);
    expect(run(['similar', nucleus]).out).toContain(
      'Papers like "The Curious Case of Neural Text Degeneration"',
    );
    const bad = run(['similar', 'ffffffffffff']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('no paper with id ffffffffffff');
  });

  it('topics: two nested levels covering every paper, with 2–4-word labels', () => {
    const broad = json(['topics', '--level', '1']) as { id: string; size: number; label: string }[];
    const fine = json(['topics', '--level', '2']) as {
      id: string;
      size: number;
      parent: string;
      label: string;
    }[];
    expect(broad.length).toBeGreaterThanOrEqual(10);
    expect(broad.length).toBeLessThanOrEqual(15);
    expect(fine.length).toBeGreaterThanOrEqual(40);
    expect(fine.length).toBeLessThanOrEqual(80);
    expect(broad.reduce((s, t) => s + t.size, 0)).toBe(687);
    expect(fine.reduce((s, t) => s + t.size, 0)).toBe(687);
    const ids = new Set(broad.map((t) => t.id));
    for (const t of fine) expect(ids.has(t.parent)).toBe(true);
    for (const t of [...broad, ...fine]) {
      const words = t.label.split(/[\s,]+/).filter(Boolean).length;
      expect(words, t.label).toBeGreaterThanOrEqual(1);
      expect(words, t.label).toBeLessThanOrEqual(4);
    }
    const one = json(['topic', fine[0]?.id ?? '']) as {
      papers: string[];
      size: number;
      centralPapers: string[];
    };
    expect(one.papers).toHaveLength(one.size);
    expect(one.papers).toEqual(expect.arrayContaining(one.centralPapers));
  });

  it('author: Yoshua Bengio, not Samy; experts for a query', () => {
    const authors = json(['author', 'Yoshua Bengio']) as {
      name: string;
      papers: string[];
      coauthors: unknown[];
    }[];
    expect(authors.map((a) => a.name)).toEqual(['Yoshua Bengio']);
    expect(authors[0]?.papers).toHaveLength(5);
    // A common name: the first 20 shown, the rest counted.
    const wangs = json(['author', 'wang']) as { name: string }[];
    expect(wangs).toHaveLength(20);
    const text = run(['author', 'wang']).out;
    const more = /… and (\d+) more authors match/.exec(text);
    expect(Number(more?.[1])).toBeGreaterThan(10);
    expect(text.split('\n').filter((l) => /^\S.*\(\d+ papers?; key /.test(l))).toHaveLength(20);
    const experts = json(['experts', 'meta-learning few-shot', '--limit', '5']) as {
      name: string;
      papers: string[];
    }[];
    expect(experts).toHaveLength(5);
    for (const e of experts) expect(e.papers.length).toBeGreaterThan(0);
  });

  it('map: PNG and SVG files', () => {
    const png = join(tmp, 'map.png');
    const svg = join(tmp, 'map.svg');
    const r = run(['map', '--png', png, '--svg', svg]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(png).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const text = readFileSync(svg, 'utf8');
    expect(text).toMatch(/^<svg /);
    expect(text.match(/<circle /g)?.length).toBe(687);
    expect(text).not.toContain('<script');
  });
});

describe('a large corpus gets a larger JavaScript heap (src/cli/heap.ts)', () => {
  // The threshold lowered to 100 papers, and this process started with a 1 GB heap, so the
  // command runs itself again with the 4096 MB a corpus of this size is given.
  const env = { ...process.env, CONFSCOPE_LARGE_CORPUS: '100' };
  const small = (args: string[]) =>
    spawnSync(process.execPath, ['--max-old-space-size=1024', bin, ...args, '--db', db], {
      cwd: root,
      encoding: 'utf8',
      env,
    });

  it('runs the command again in a child with the heap, same output and exit code', () => {
    const r = small(['topics', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/687 papers: running with a 4096 MB JavaScript heap/);
    expect(JSON.parse(r.stdout)).toEqual(json(['topics']));
    const bad = small(['author', 'nobody at all']);
    expect(bad.stderr).toMatch(/running with a 4096 MB/);
    expect(bad.stderr).toMatch(/no author matching "nobody at all"/);
    expect(bad.status).toBe(run(['author', 'nobody at all']).code);
    expect(bad.status).not.toBe(0);
    // Under the threshold, nothing happens.
    const plain = spawnSync(process.execPath, [bin, 'topics', '--db', db], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(plain.status).toBe(0);
    expect(plain.stderr).not.toMatch(/JavaScript heap/);
  });

  it('serve: passes SIGTERM to the child, which shuts down; the port is freed', async () => {
    const p = spawn(
      process.execPath,
      ['--max-old-space-size=1024', bin, 'serve', '--port', '0', '--db', db],
      { cwd: root, env },
    );
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /serving on (http:\/\/\S+) /.exec(err);
        if (m?.[1]) {
          clearInterval(t);
          resolve(m[1]);
        }
      }, 50);
      p.once('exit', () => {
        clearInterval(t);
        reject(new Error(`exited early: ${err}`));
      });
    });
    expect(err).toMatch(/running with a 4096 MB JavaScript heap/);
    expect((await fetch(`${url}/api/topics`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    p.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toMatch(/shutting down/);
    await expect(fetch(`${url}/api/topics`)).rejects.toThrow();
  }, 60_000);

  it("serve: a terminal's Ctrl-C (SIGINT to the process group) shuts the child down cleanly", async () => {
    // Its own process group, as a terminal's foreground job: the signal reaches both processes.
    const p = spawn(
      process.execPath,
      ['--max-old-space-size=1024', bin, 'serve', '--port', '0', '--db', db],
      { cwd: root, env, detached: true },
    );
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    await expect.poll(() => /serving on /.test(err), { timeout: 30_000 }).toBe(true);
    expect(err).toMatch(/running with a 4096 MB JavaScript heap/);
    const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    process.kill(-(p.pid ?? 0), 'SIGINT');
    expect(await exited).toBe(0);
    expect(err).toMatch(/shutting down/);
  }, 60_000);
});
