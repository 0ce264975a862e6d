// `confscope search` as a user runs it: a subprocess on a database built by `start`, with its
// output formats, modes, usage errors and the --batch TREC run. (`npm test` builds dist first.)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../src/app/search.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/src/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'confscope-search-'));
const db = join(tmp, 'search.db');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    // No CONFSCOPE_DEBUG: stderr must be a message, never a stack trace.
    env: { ...process.env, CONFSCOPE_DB: join(tmp, 'env-default.db'), CONFSCOPE_DEBUG: '' },
  });
  expect(r.stderr).not.toMatch(/\n\s+at |Error: .*\n\s+at /);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const search = (...args: string[]) => run(['search', ...args, '--db', db]);

function json(out: string): SearchResult {
  return JSON.parse(out) as SearchResult;
}

const RESULT_FIELDS = [
  'query',
  'mode',
  'total',
  'offset',
  'hits',
  'filters',
  'expansions',
  'notes',
  'tookMs',
];
const HIT_FIELDS = [
  'id',
  'corpus',
  'title',
  'authors',
  'track',
  'score',
  'snippet',
  'snippetHighlights',
  'titleHighlights',
  'explanation',
];
const NUCLEUS = 'The Curious Case of Neural Text Degeneration';

describe('confscope search', () => {
  let paperIds: Set<string>;

  beforeAll(() => {
    const start = run(['start', '--db', db, '--no-serve']);
    expect(start.code).toBe(0);
    expect(start.err).toContain('687 added');
    const parsed = run(['parse', 'data/iclr2020/listing.md']);
    expect(parsed.code).toBe(0);
    paperIds = new Set(
      parsed.out
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );
    expect(paperIds.size).toBe(687);
  });

  it('--format json prints one valid result with the documented fields', () => {
    const r = search('nucleus sampling', '--format', 'json');
    expect(r.code).toBe(0);
    const res = json(r.out);
    expect(Object.keys(res).sort()).toEqual([...RESULT_FIELDS].sort());
    expect(res.query).toBe('nucleus sampling');
    expect(res.mode).toBe('hybrid');
    expect(res.offset).toBe(0);
    expect(res.hits).toHaveLength(10);
    expect(res.total).toBeGreaterThanOrEqual(10);
    const [first] = res.hits;
    expect(first?.title).toBe(NUCLEUS);
    expect(first?.corpus).toBe('iclr2020');
    for (const h of res.hits) {
      expect(Object.keys(h).sort()).toEqual([...HIT_FIELDS].sort());
      expect(Object.keys(h.explanation).sort()).toEqual(
        ['filters', 'lexicalScore', 'matchedTerms', 'semanticScore'].sort(),
      );
      expect(paperIds.has(h.id)).toBe(true);
      expect(h.score).toBeGreaterThanOrEqual(0);
      expect(h.score).toBeLessThanOrEqual(1);
    }
    expect(first?.explanation.matchedTerms).toEqual(['nucleus', 'sampling']);
  });

  it('--format table (the default) shows the title, authors and the result count', () => {
    const r = search('nucleus sampling', '--limit', '2');
    expect(r.code).toBe(0);
    const plain = r.out.replace(/[«»]/g, '');
    expect(r.out).toMatch(/^\d+ results for "nucleus sampling" \(hybrid; [\d.]+ ms\)/);
    expect(plain).toContain(`1. ${NUCLEUS}  [Poster]`);
    expect(plain).toContain('Ari Holtzman');
    expect(r.out).toContain('«Nucleus» «Sampling»');
    expect(r.out).toContain('matched: nucleus, sampling');
    expect(r.out).not.toContain('  3. ');
  });

  it('--mode lexical|semantic|hybrid with --limit 3 gives 3 hits of that mode', () => {
    for (const mode of ['lexical', 'semantic', 'hybrid']) {
      const r = search('graph neural networks', '--mode', mode, '--limit', '3', '--format', 'json');
      expect(r.code, mode).toBe(0);
      const res = json(r.out);
      expect(res.mode).toBe(mode);
      expect(res.hits).toHaveLength(3);
      for (const h of res.hits) {
        if (mode === 'lexical') {
          expect(h.explanation.semanticScore).toBeNull();
          expect(h.explanation.lexicalScore).toBeGreaterThan(0);
        } else expect(typeof h.explanation.semanticScore).toBe('number');
        expect(h.title ?? '').toMatch(/graph/i);
      }
    }
  });

  it('--offset pages through the same ranking; filters show in the JSON', () => {
    const r = search('track:talk', '--offset', '45', '--format', 'json');
    expect(r.code).toBe(0);
    const res = json(r.out);
    expect(res.total).toBe(48);
    expect(res.offset).toBe(45);
    expect(res.hits).toHaveLength(3);
    expect(res.hits.every((h) => h.track === 'Talk')).toBe(true);
    expect(res.filters).toEqual([
      { kind: 'track', value: 'Talk', negated: false, source: 'explicit' },
    ]);
  });

  it('usage errors exit 2 with a message: bad --limit, query with --batch, --batch without --run, no query', () => {
    const topics = join(tmp, 'usage.tsv');
    writeFileSync(topics, 'q1\tgraphs\n');
    for (const [args, msg] of [
      [['graphs', '--limit', '0'], '--limit must be an integer between 1 and 10000, got "0"'],
      [['graphs', '--limit', 'abc'], '--limit must be an integer between 1 and 10000, got "abc"'],
      [['graphs', '--limit', '2.5'], '--limit must be an integer'],
      [['graphs', '--offset', '-1'], '--offset must be an integer between 0 and 10000'],
      [
        ['graphs', '--batch', topics, '--run', join(tmp, 'x.trec')],
        'give either a query or --batch, not both',
      ],
      [['--batch', topics], '--batch needs --run OUT.trec'],
      [[], 'give a query, or --batch TOPICS.tsv --run OUT.trec'],
    ] as const) {
      const r = search(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(msg);
      expect(r.out).toBe('');
    }
    const badMode = search('graphs', '--mode', 'fuzzy');
    expect(badMode.code).toBe(2);
    expect(badMode.err).toMatch(/fuzzy/);
  });

  it('--batch topics.tsv --run out.trec writes a TREC run, skipping the header', () => {
    const topics = join(tmp, 'topics.tsv');
    const out = join(tmp, 'out.trec');
    writeFileSync(
      topics,
      [
        'qid\tquery',
        'q1\tnucleus sampling',
        '',
        'q2\t"mode connectivity"',
        'q3\tgraph neural networks',
        'q4\tzzqxv',
        '',
      ].join('\n'),
    );
    const r = search('--batch', topics, '--run', out, '--limit', '5', '--mode', 'lexical');
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain(`wrote 4 topics to ${out}`);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const byQid = new Map<string, string[][]>();
    for (const line of lines) {
      const f = line.split(' ');
      expect(f, line).toHaveLength(6);
      const [qid, q0, id, rank, score, tag] = f;
      expect(qid).toMatch(/^q[1-4]$/);
      expect(q0).toBe('Q0');
      expect(paperIds.has(id ?? '')).toBe(true);
      expect(Number.isInteger(Number(rank))).toBe(true);
      expect(Number.isFinite(Number(score))).toBe(true);
      expect(tag).toBe('confscope-lexical');
      byQid.set(qid ?? '', [...(byQid.get(qid ?? '') ?? []), f]);
    }
    expect([...byQid.keys()]).toEqual(['q1', 'q2', 'q3']); // q4 finds nothing
    for (const [qid, rows] of byQid) {
      expect(rows.length, qid).toBeLessThanOrEqual(5);
      expect(rows.map((f) => Number(f[3]))).toEqual(rows.map((_, i) => i + 1));
      const scores = rows.map((f) => Number(f[4]));
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(new Set(rows.map((f) => f[2])).size).toBe(rows.length);
    }
    expect(byQid.get('q1')).toHaveLength(5);
    expect(byQid.get('q2')).toHaveLength(1);
    expect(byQid.get('q3')).toHaveLength(5);
    // The run agrees with the interactive search.
    const one = json(
      search('nucleus sampling', '--mode', 'lexical', '--limit', '5', '--format', 'json').out,
    );
    expect(byQid.get('q1')?.map((f) => f[2])).toEqual(one.hits.map((h) => h.id));
  });

  it('a topics line without a tab exits 1 naming file:line, and writes no run', () => {
    const topics = join(tmp, 'bad.tsv');
    const out = join(tmp, 'bad.trec');
    writeFileSync(topics, 'qid\tquery\nq1\tgraphs\nq2 no tab here\n');
    const r = search('--batch', topics, '--run', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${topics}:3: expected "qid<TAB>query", found no tab`);
    expect(() => readFileSync(out)).toThrow();
    const missing = search('--batch', join(tmp, 'nope.tsv'), '--run', out);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nope.tsv: cannot read the topics file');
  });

  it('searching a database that does not exist exits 1 and creates nothing', () => {
    const nowhere = join(tmp, 'missing.db');
    const r = run(['search', 'graphs', '--db', nowhere]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${nowhere}: no database there`);
    expect(() => readFileSync(nowhere)).toThrow();
  });
});
