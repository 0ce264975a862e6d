// `confscope enrich` end to end on the built CLI: the match table, what is stored, that a
// re-ingest keeps the enrichment, that a bad source changes nothing, and that the same paper
// ingested as two corpora is shown once by search. Run `npm run build` first.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { PaperRecord } from '../src/core/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const LISTING = join(ROOT, 'data', 'iclr2020', 'listing.md');
const SITE = join(ROOT, 'data', 'iclr2020', 'virtual-site-papers.json');
const PAPERLISTS = join(ROOT, 'test', 'fixtures', 'paperlists-iclr2020-submissions-31.json');
const dir = mkdtempSync(join(tmpdir(), 'confscope-enrich-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['CONFSCOPE_DEBUG'];
  delete env['DATABASE_URL'];
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env,
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
const jsonl = (s: string) =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PaperRecord);

describe('confscope enrich', () => {
  const db = join(dir, 'e.db');

  it('joins the virtual site to the listing and prints the match table', () => {
    expect(run(['ingest', LISTING, '--db', db, '--corpus', 'iclr2020']).status).toBe(0);
    const dry = run(['enrich', '--corpus', 'iclr2020', '--from', SITE, '--db', db, '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('687 of 687 papers matched');
    expect(dry.stderr).toContain('dry run');
    expect(jsonl(run(['export', '--db', db]).stdout).some((r) => r.tldr)).toBe(false);

    const r = run(['enrich', '--corpus', 'iclr2020', '--from', SITE, '--db', db]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\| normalised title \| \d{3} \|/);
    expect(r.stdout).toContain('| not matched | 0 |');
    expect(r.stdout.match(/\[title recovered\]/g)).toHaveLength(3);
    expect(r.stdout).toContain(
      '"Oblique Decision Trees from Derivatives of ReLU Networks" → "Locally Constant Networks"',
    );

    const records = jsonl(run(['export', '--db', db]).stdout);
    expect(records).toHaveLength(687);
    expect(records.filter((x) => x.title === null)).toHaveLength(0);
    expect(records.filter((x) => x.provenance?.['title'] === 'virtual-site-papers')).toHaveLength(
      3,
    );
    expect(records.every((x) => x.externalIds?.openreview)).toBe(true);
    expect(records.filter((x) => x.tldr).length).toBeGreaterThan(500);
  });

  it('a re-ingest of the listing keeps the enrichment; JSON output has the whole report', () => {
    const again = run(['ingest', LISTING, '--db', db, '--corpus', 'iclr2020']);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('687 unchanged');
    const records = jsonl(run(['export', '--db', db]).stdout);
    expect(records.filter((x) => x.keywords?.length).length).toBeGreaterThan(600);

    const pl = run([
      'enrich',
      '--corpus',
      'iclr2020',
      '--from',
      PAPERLISTS,
      '--db',
      db,
      '--format',
      'json',
    ]);
    expect(pl.status).toBe(0);
    const report = JSON.parse(pl.stdout) as { matched: { id: number }; sourceUnmatched: number };
    // paperlists rows carry OpenReview ids: accepted ones join by id, the rejected stay out.
    expect(report.matched.id).toBeGreaterThan(0);
    expect(report.sourceUnmatched).toBeGreaterThan(0);
    const decided = jsonl(run(['export', '--db', db]).stdout).filter((x) => x.decision);
    expect(decided.length).toBe(report.matched.id);
    expect(decided.every((x) => /Poster|Spotlight|Talk/.test(x.decision ?? ''))).toBe(true);
  });

  it('refuses a bad source or an unknown corpus and changes nothing', () => {
    const before = run(['export', '--db', db]).stdout;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"notes": [ {"id": ');
    const r = run(['enrich', '--corpus', 'iclr2020', '--from', bad, '--db', db]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.json/);
    const u = run(['enrich', '--corpus', 'nope', '--from', SITE, '--db', db]);
    expect(u.status).toBe(1);
    expect(u.stderr).toContain('no corpus named "nope"');
    const m = run(['enrich', '--corpus', 'iclr2020', '--db', db]);
    expect(m.status).toBe(2);
    expect(run(['export', '--db', db]).stdout).toBe(before);
  });

  it('the same paper in two corpora is one search hit, with the other record named', () => {
    expect(run(['ingest', SITE, '--db', db, '--corpus', 'site']).status).toBe(0);
    const all = run([
      'search',
      'Locally Constant Networks',
      '--db',
      db,
      '--format',
      'json',
      '--limit',
      '50',
    ]);
    const hits = (
      JSON.parse(all.stdout) as {
        hits: { id: string; corpus: string; alsoIn?: { corpus: string }[] }[];
      }
    ).hits;
    const ids = hits.map((h) => `${h.corpus}/${h.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    const top = hits[0];
    expect(top?.alsoIn?.map((a) => a.corpus)).toEqual([
      top?.corpus === 'site' ? 'iclr2020' : 'site',
    ]);
    // Choosing a corpus shows that corpus's records only, without folding.
    const one = run([
      'search',
      'corpus:site Locally Constant Networks',
      '--db',
      db,
      '--format',
      'json',
    ]);
    const oneHits = (JSON.parse(one.stdout) as { hits: { corpus: string }[] }).hits;
    expect(oneHits.every((h) => h.corpus === 'site')).toBe(true);
  });
});
