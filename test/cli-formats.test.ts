// The built CLI (dist/src/cli/main.js) on every importer's sample file, as a subprocess:
// formats detected from content, `--input-format`/`--format` forcing, `--map`, and two
// formats ingested into one database as two corpora. Run `npm run build` first.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXTRA_FIELDS, RECORD_FIELDS, type PaperRecord } from '../src/core/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FIX = join(ROOT, 'test', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'confscope-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CONFSCOPE_DB: join(dir, 'default.db') };
  delete env['CONFSCOPE_DEBUG'];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
const jsonl = (s: string) =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PaperRecord);

const SAMPLES: [file: string, format: string, count: number][] = [
  ['iclr2020-virtual-site-papers-30.json', 'miniconf-json', 30],
  ['miniconf-papers-30.csv', 'miniconf-csv', 30],
  ['paperlists-iclr2020-submissions-31.json', 'paperlists', 31],
  ['openreview-v2-notes.json', 'openreview', 7],
  ['arxiv-sample.jsonl', 'arxiv-jsonl', 6],
  ['iclr2020-sample.bib', 'bibtex', 10],
];

describe('confscope parse on every format', () => {
  for (const [file, format, count] of SAMPLES) {
    it(`detects ${format} (${file}) and prints ${count} records with the listing's fields first`, () => {
      const path = join(FIX, file);
      const detected = run(['parse', path]);
      expect(detected.status, detected.stderr).toBe(0);
      const records = jsonl(detected.stdout);
      expect(records).toHaveLength(count);
      // The listing's fields in order, then only the documented optional ones, in their order.
      for (const r of records) {
        const keys = Object.keys(r);
        expect(keys.slice(0, RECORD_FIELDS.length)).toEqual([...RECORD_FIELDS]);
        const extra = keys.slice(RECORD_FIELDS.length);
        expect(extra).toEqual(EXTRA_FIELDS.filter((f) => extra.includes(f)));
      }
      expect(detected.stderr).toContain(`${path}: ${count} records`);
      const forced = run(['parse', path, '--input-format', format]);
      expect(forced.status).toBe(0);
      expect(forced.stdout).toBe(detected.stdout);
    });
  }

  it('--map reads a JSON file with other keys; a bad --map is a usage-style error (exit 1, located)', () => {
    const path = join(FIX, 'generic-papers.json');
    const r = run([
      'parse',
      path,
      '--map',
      'title=paper.name,authors=people,abstract=summary,track=kind',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(jsonl(r.stdout)).toHaveLength(10);
    const bad = run(['parse', path, '--map', 'title=nope']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${path}:1: --map title=nope: no such column`);
    const unmapped = run(['parse', path, '--input-format', 'json']);
    expect(unmapped.status).toBe(1);
    expect(unmapped.stderr).toContain(`${path}:1: cannot tell which column holds the title`);
    // Other CSV/JSON is not guessed at: without --format or --map it is "not a listing".
    const csv = join(FIX, 'generic-papers.csv');
    const guessed = run(['parse', csv]);
    expect(guessed.status).toBe(1);
    expect(guessed.stderr).toContain(`${csv}:1: no abstract marker found`);
    const forced = run(['parse', csv, '--input-format', 'csv']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(jsonl(forced.stdout)).toHaveLength(10);
    expect(forced.stderr).toContain(
      `${csv}:1: no --map given; columns used: id=Paper ID, title=Title`,
    );
    const ing = run([
      'ingest',
      csv,
      '--db',
      join(dir, 'map.db'),
      '--map',
      'title=Title,authors=Author Names,abstract=Summary',
    ]);
    expect(ing.status, ing.stderr).toBe(0);
    expect(ing.stderr).toContain('10 added');
  });

  it('a forced wrong format, a truncated file and bad UTF-8 are refused with file:line, no stack', () => {
    const wrong = run(['parse', join(FIX, 'arxiv-sample.jsonl'), '--input-format', 'paperlists']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(
      /arxiv-sample\.jsonl:2:1: invalid JSON \(paperlists submissions\): unexpected "\{" after the end of the JSON value/,
    );
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, '[{"id": "x", "title": "T", "status": "Poster", "author": "A');
    const t = run(['parse', cut]);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain(`${cut}:1:`);
    expect(t.stderr).toContain('the file ends inside the string');
    const latin1 = join(dir, 'latin1.bib');
    writeFileSync(latin1, Buffer.from('@misc{k, title={G\xf6del}}\n', 'latin1'));
    const enc = run(['parse', latin1]);
    expect(enc.status).toBe(1);
    expect(enc.stderr).toContain(`${latin1}:1: invalid UTF-8`);
    for (const r of [wrong, t, enc]) expect(r.stderr).not.toMatch(/^\s+at\s/m);
    const unknown = run(['parse', cut, '--input-format', 'nope']);
    expect(unknown.status).toBe(2);
  });
});

describe('confscope ingest of two formats into one database', () => {
  it('stores each as its own corpus; re-ingesting changes nothing', () => {
    const db = join(dir, 'two.db');
    const a = run([
      'ingest',
      join(FIX, 'iclr2020-virtual-site-papers-30.json'),
      '--db',
      db,
      '--corpus',
      'vs',
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toContain('30 added');
    const b = run([
      'ingest',
      join(FIX, 'paperlists-iclr2020-submissions-31.json'),
      '--db',
      db,
      '--corpus',
      'pl',
      '--format',
      'paperlists',
    ]);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).toContain('31 added');
    const corpora = run(['corpora', '--db', db, '--format', 'json']);
    expect(corpora.status).toBe(0);
    const list = JSON.parse(corpora.stdout) as { name: string }[];
    expect(list.map((c) => c.name).sort()).toEqual(['pl', 'vs']);
    const again = run([
      'ingest',
      join(FIX, 'iclr2020-virtual-site-papers-30.json'),
      '--db',
      db,
      '--corpus',
      'vs',
    ]);
    expect(again.stderr).toContain('30 unchanged');
    const exported = run(['export', '--db', db, '--corpus', 'pl']);
    expect(jsonl(exported.stdout)).toHaveLength(31);
    const parsed = jsonl(
      run(['parse', join(FIX, 'paperlists-iclr2020-submissions-31.json')]).stdout,
    );
    expect(
      jsonl(exported.stdout)
        .map((r) => r.id)
        .sort(),
    ).toEqual(parsed.map((r) => r.id).sort());
  });
});
