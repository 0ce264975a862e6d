// No super-linear time on hostile input: every importer (detected and forced formats) on long
// lines made of near-matches of its patterns, and the query language on long queries. The
// checks are ratios of CPU times, never absolute times: parsing 4× the input must take well
// under the 16× a quadratic parser needs (linear is 4×), and the time is compared with parsing a
// normal input of the same shape and size. Repetitions take the fastest run, so a busy machine
// does not fail the test.

import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONTEXTS,
  normalLine,
  parseIn,
  QUERY_RUNS,
  RUNS,
  runLine,
  type Context,
  type Run,
} from '../bench/adversarial.js';
import { isConfscopeError } from '../src/core/errors.js';
import { parseListing } from '../src/ingest/listing.js';
import { parseQuery } from '../src/index/query.js';
import { SearchIndex } from '../src/index/search.js';
import { readFileSync } from 'node:fs';
import { DEFAULT_CORPUS } from '../src/app/index.js';

/** Linear: 4; quadratic: 16. */
const MAX_RATIO = 10;

// On a retry, a collection before each timed run, so garbage left by earlier runs is not
// billed to it (a collection costs tens of ms in a test worker: not done on the first try).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** CPU time of `fn` in ms: other processes on a shared machine do not inflate it. */
function timeOnce(fn: () => unknown, collect = false): number {
  if (collect) gc();
  const t0 = process.cpuUsage();
  try {
    fn();
  } catch (e) {
    if (!isConfscopeError(e)) throw e;
  }
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}

/**
 * t(4n) / max(t(n), t(normal input of size n)), each the fastest of up to `reps` runs; more runs
 * are taken only while the ratio looks too high (noise on a shared machine).
 */
function growth(
  small: () => unknown,
  large: () => unknown,
  normal: number,
  reps = 5,
): { ratio: number; small: number; large: number } {
  let s = Infinity;
  let l = Infinity;
  let ratio = Infinity;
  for (let i = 0; i < reps && ratio >= MAX_RATIO; i++) {
    s = Math.min(s, timeOnce(small, i > 0));
    l = Math.min(l, timeOnce(large, i > 0));
    ratio = l / Math.max(s, normal);
  }
  return { ratio, small: s, large: l };
}

function normalTime(ctx: Context, chars: number): number {
  const text = ctx.doc(normalLine(chars));
  let best = Infinity;
  for (let i = 0; i < 3; i++)
    best = Math.min(
      best,
      timeOnce(() => parseIn(ctx, text)),
    );
  return best;
}

/**
 * Parsing a 4× longer line takes under MAX_RATIO× as long. At small sizes a ratio can be
 * distorted by the JIT compiling the code halfway through: a failing size is retried once at
 * 4× the size, where a quadratic parser shows even more clearly and compilation no longer counts.
 */
function check(ctx: Context, run: Run, chars: number, retry = true): void {
  const small = ctx.doc(runLine(run, chars));
  const large = ctx.doc(runLine(run, chars * 4));
  const g = growth(
    () => parseIn(ctx, small),
    () => parseIn(ctx, large),
    normalTime(ctx, chars),
    3,
  );
  if (g.ratio >= MAX_RATIO && retry) {
    check(ctx, run, chars * 4, false);
    return;
  }
  expect(
    g.ratio,
    `${ctx.name} / ${run.name}: ${g.small.toFixed(1)} ms → ${g.large.toFixed(1)} ms for 4× the input`,
  ).toBeLessThan(MAX_RATIO);
}

describe('importers on adversarial lines', () => {
  // The listing's line patterns with every run; the structured formats (whose patterns are
  // separators, escapes and delimiters) with the runs that reach them. 8 kB → 32 kB: a
  // quadratic pattern already takes seconds at 32 kB. `npm run fuzz` runs every context with
  // every run at 256 kB → 1 MB.
  const structured = new Set([
    'spaces',
    'space-newline',
    'separators with spaces',
    'spaces before and',
    'lower word',
    'backslashes',
    'escaped dollars',
    'escaped quotes',
    'quotes',
    'doubled quotes',
    'open braces',
    'unclosed fields',
    'unclosed quoted fields',
    'url then closing parens',
    'latex accents',
    'acronyms',
  ]);
  for (const ctx of CONTEXTS) {
    const all = ctx.format === undefined || ctx.format === 'listing';
    it(`${ctx.name}: ${all ? 'every run grows' : 'runs grow'} linearly`, () => {
      for (const run of RUNS) if (all || structured.has(run.name)) check(ctx, run, 8_000);
    });
  }

  // The patterns that were quadratic before (fixed in text.ts, common.ts, bibtex.ts), at
  // 256 kB → 1 MB lines.
  const big: [string, string][] = [
    ['listing authors', 'spaces'],
    ['listing authors', 'lower word'],
    ['listing authors', 'spaces before and'],
    ['listing abstract', 'url then closing parens'],
    ['listing abstract', 'url then brackets'],
    ['detected, whole file', 'unclosed quoted fields'],
    ['arxiv-jsonl fields', 'spaces'],
  ];
  it('the formerly quadratic cases at 256 kB → 1 MB lines', () => {
    for (const [c, r] of big) {
      const ctx = CONTEXTS.find((x) => x.name === c);
      const run = RUNS.find((x) => x.name === r);
      if (!ctx || !run) throw new Error(`unknown case ${c} / ${r}`);
      check(ctx, run, 250_000, false);
    }
  });

  it('a JSON object with 100k keys is read in linear time', () => {
    const ctx = CONTEXTS.find((x) => x.name === 'json (forced), whole file');
    if (!ctx) throw new Error('no json context');
    const doc = (n: number) =>
      JSON.stringify([
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])),
        { title: 't' },
      ]);
    const small = doc(25_000);
    const large = doc(100_000);
    const g = growth(
      () => parseIn(ctx, small),
      () => parseIn(ctx, large),
      0,
    );
    expect(g.ratio).toBeLessThan(MAX_RATIO);
  });
});

describe('memory', () => {
  it('what a parse keeps is bounded by the input size', () => {
    for (const [c, r] of [
      ['listing abstract', 'url then closing parens'],
      ['miniconf-json fields', 'separators with spaces'],
      ['bibtex (forced), whole file', 'unclosed fields'],
    ] as const) {
      const ctx = CONTEXTS.find((x) => x.name === c);
      const run = RUNS.find((x) => x.name === r);
      if (!ctx || !run) throw new Error(`unknown case ${c} / ${r}`);
      const text = ctx.doc(runLine(run, 1_000_000));
      gc();
      const before = process.memoryUsage().heapUsed;
      let kept: unknown;
      try {
        kept = parseIn(ctx, text);
      } catch (e) {
        kept = e;
      }
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      expect(kept).toBeDefined();
      // Every field of a record may hold its own copy of the line (UTF-16: 2 bytes a char).
      expect(grown, `${c} / ${r}: ${(grown / 1e6).toFixed(1)} MB kept`).toBeLessThan(
        40 * text.length,
      );
    }
  });
});

describe('the query language on hostile queries', () => {
  let index: SearchIndex;
  beforeAll(() => {
    const records = parseListing(readFileSync(DEFAULT_CORPUS.path, 'utf8'), 'l.md').records;
    index = SearchIndex.build(
      records.slice(0, 150).map((r) => ({ ...r, corpus: 'c' })),
      { lsa: { dims: 16 } },
    );
  });

  it('parseQuery never throws and reads at most its cut on 1 MB queries', () => {
    for (const run of QUERY_RUNS) {
      const q = runLine(run, 1_000_000);
      const g = growth(
        () => parseQuery(q.slice(0, 250_000)),
        () => parseQuery(q),
        0,
      );
      expect(g.ratio, run.name).toBeLessThan(MAX_RATIO);
      const parsed = parseQuery(q);
      expect(parsed.notes.join(' ')).toMatch(/cut to its first/);
    }
  });

  it('search answers 10 kB hostile queries in time comparable to normal ones', async () => {
    const normal = normalLine(10_000);
    const timeSearch = async (q: string) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = process.cpuUsage();
        const r = await index.search(q, { mode: 'hybrid', limit: 10 });
        const t = process.cpuUsage(t0);
        best = Math.min(best, (t.user + t.system) / 1000);
        expect(r.hits.length).toBeLessThanOrEqual(10);
      }
      return best;
    };
    const base = await timeSearch(normal);
    for (const run of QUERY_RUNS) {
      const t = await timeSearch(runLine(run, 10_000));
      expect(t, `${run.name}: ${t.toFixed(1)} ms vs ${base.toFixed(1)} ms`).toBeLessThan(
        20 * Math.max(base, 1),
      );
    }
  });
});
