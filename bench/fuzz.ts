// `npm run fuzz -- --seconds 60 [--seed N] [--out DIR] [--growth N]`: a time-boxed fuzz run.
//
// Inputs (seeded, reproducible): the test fixtures of every format and small documents of each
// importer, mutated (flips, inserted fragments and long runs, deleted, duplicated and spliced
// ranges, truncation, random bytes through the UTF-8 decoder), parsed with the format detected
// and with every format forced; queries from fast-check (arbitrary Unicode, query-language
// tokens, controls, emoji, up to 10 kB) through the parser and a search over a small index;
// and 1 MB adversarial lines (bench/adversarial.ts) timed at 256 kB and 1 MB for a growth ratio.
//
// Each input runs in a worker thread with a heap limit and a per-input time budget, so a hang
// or an out-of-memory is caught and reported, not suffered. A failure is any throw other than
// the project's ConfscopeError, an error message that does not name the input, a record or
// warning of the wrong shape, a hang, an out-of-memory or a super-linear growth; every failing
// input is saved to --out with what happened.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import fc from 'fast-check';
import {
  CONTEXTS,
  normalLine,
  parseIn,
  QUERY_RUNS,
  RUNS,
  runLine,
  type Context,
} from './adversarial.js';
import { DEFAULT_CORPUS } from '../src/app/index.js';
import { isConfscopeError } from '../src/core/errors.js';
import type { ParseResult } from '../src/core/types.js';
import { INPUT_FORMATS, parseText, type InputFormat } from '../src/ingest/index.js';
import { parseListing } from '../src/ingest/listing.js';
import { decodeUtf8 } from '../src/ingest/text.js';
import { parseQuery } from '../src/index/query.js';
import { SearchIndex, SEARCH_MODES } from '../src/index/search.js';
import { table } from './util.js';
import { mulberry32 as rng } from '../src/core/random.js';

const PATH = 'fuzz-input';
/** A job taking longer than this is a hang (inputs are at most a few MB). */
const HANG_MS = 20_000;
/** A growth job parses 1 MB lines several times: a larger budget. */
const GROWTH_HANG_MS = 120_000;
/** The worker's heap: hundreds of times the largest input. */
const HEAP_MB = 768;
/** Linear growth is 4× for 4× the input; quadratic 16×. */
const MAX_GROWTH = 10;

type Job =
  | { kind: 'parse'; target: string; text: string; format?: InputFormat; map?: string }
  | { kind: 'bytes'; target: string; bytes: Uint8Array; format?: InputFormat }
  | { kind: 'query'; target: string; text: string; mode: (typeof SEARCH_MODES)[number] }
  | { kind: 'growth'; target: string; context: string; run: string; chars: number };

interface Outcome {
  status: 'accepted' | 'rejected' | 'failed';
  /** The worker hung, ran out of memory or died: it is replaced. */
  lost?: boolean;
  /** Rejected: the message named the line too (`path:LINE`). */
  located?: boolean;
  detail?: string;
  ms: number;
  ratio?: number;
}

// ---------------------------------------------------------------------------------------------
// Worker side: run one job, judge the outcome.

function checkResult(r: ParseResult): string | undefined {
  for (const rec of r.records) {
    if (!/^[0-9a-f]{12}(-\d+)?$/.test(rec.id)) return `record id ${JSON.stringify(rec.id)}`;
    for (const w of rec.warnings)
      if (!w.startsWith(`${PATH}:`)) return `warning not naming the input: ${w.slice(0, 200)}`;
  }
  for (const w of r.warnings)
    if (!w.startsWith(`${PATH}:`)) return `warning not naming the input: ${w.slice(0, 200)}`;
  JSON.stringify(r.records);
  return undefined;
}

function judge(fn: () => ParseResult): Outcome {
  const t0 = performance.now();
  try {
    const bad = checkResult(fn());
    const ms = performance.now() - t0;
    return bad ? { status: 'failed', detail: bad, ms } : { status: 'accepted', ms };
  } catch (e) {
    const ms = performance.now() - t0;
    if (!isConfscopeError(e)) {
      const err = e as Error;
      return { status: 'failed', detail: `${err.name}: ${err.message}\n${err.stack ?? ''}`, ms };
    }
    const named = e.message.startsWith(PATH) || e.message.startsWith('--map');
    if (!named) return { status: 'failed', detail: `message names no place: ${e.message}`, ms };
    return {
      status: 'rejected',
      located: new RegExp(`^${PATH}:\\d+`).test(e.message),
      detail: e.message,
      ms,
    };
  }
}

function cpuMs(fn: () => unknown): number {
  const t0 = process.cpuUsage();
  try {
    fn();
  } catch (e) {
    if (!isConfscopeError(e)) throw e;
  }
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}

let index: SearchIndex | undefined;
function smallIndex(): SearchIndex {
  if (!index) {
    const records = parseListing(readFileSync(DEFAULT_CORPUS.path, 'utf8'), 'l.md').records;
    index = SearchIndex.build(
      records.slice(0, 120).map((r) => ({ ...r, corpus: 'fuzz' })),
      { lsa: { dims: 16 } },
    );
  }
  return index;
}

async function runJob(job: Job): Promise<Outcome> {
  switch (job.kind) {
    case 'parse':
      return judge(() =>
        parseText(job.text, PATH, job.format, job.map !== undefined ? { map: job.map } : {}),
      );
    case 'bytes':
      return judge(() => parseText(decodeUtf8(job.bytes, PATH), PATH, job.format));
    case 'query': {
      smallIndex(); // built once, not billed to the first query
      const t0 = performance.now();
      try {
        const parsed = parseQuery(job.text);
        JSON.stringify(parsed);
        const r = await smallIndex().search(job.text, { mode: job.mode, limit: 10 });
        if (r.hits.length > 10) throw new Error(`${r.hits.length} hits for limit 10`);
        JSON.stringify(r);
        return { status: 'accepted', ms: performance.now() - t0 };
      } catch (e) {
        const err = e as Error;
        return {
          status: 'failed',
          detail: `${err.name}: ${err.message}\n${err.stack ?? ''}`,
          ms: performance.now() - t0,
        };
      }
    }
    case 'growth': {
      const ctx = CONTEXTS.find((c) => c.name === job.context);
      const run = RUNS.find((r) => r.name === job.run);
      if (!ctx || !run) throw new Error(`unknown growth case ${job.context} / ${job.run}`);
      const small = ctx.doc(runLine(run, job.chars / 4));
      const large = ctx.doc(runLine(run, job.chars));
      const normal = ctx.doc(normalLine(job.chars / 4));
      const t0 = performance.now();
      let s = Infinity;
      let l = Infinity;
      let n = Infinity;
      let ratio = Infinity;
      for (let i = 0; i < 3 && ratio >= MAX_GROWTH; i++) {
        s = Math.min(
          s,
          cpuMs(() => parseIn(ctx, small, PATH)),
        );
        n = Math.min(
          n,
          cpuMs(() => parseIn(ctx, normal, PATH)),
        );
        l = Math.min(
          l,
          cpuMs(() => parseIn(ctx, large, PATH)),
        );
        ratio = l / Math.max(s, n);
      }
      const ms = performance.now() - t0;
      const detail = `${s.toFixed(1)} ms → ${l.toFixed(1)} ms CPU (normal input ${n.toFixed(1)} ms)`;
      return ratio >= MAX_GROWTH
        ? { status: 'failed', detail: `super-linear: ${detail}`, ms, ratio }
        : { status: 'accepted', detail, ms, ratio };
    }
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job: Job) => {
    void runJob(job).then(
      (o) => port.postMessage(o),
      (e: unknown) =>
        port.postMessage({ status: 'failed', detail: String(e), ms: 0 } satisfies Outcome),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Main side: generate inputs, run them in a worker under a time budget, count, save failures.

const FRAGMENTS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  '\\"',
  '\\u00',
  '\\ud800',
  ',',
  ':',
  '\n',
  '\r\n',
  '\r',
  '\t',
  ' ',
  '\u0000',
  '\ufeff',
  '\u2028',
  '😀',
  'é',
  '@',
  '@article{',
  '@string{x = "',
  '@comment{',
  ' # ',
  'title = {',
  'author = "',
  '%',
  '$',
  '\\$',
  '*',
  '**',
  '# ',
  '#### ',
  '<sup>',
  '</sup>',
  '<u>',
  '</del>',
  'abstract@open-review(Poster): ',
  'abstract@open-review(',
  'abstract@',
  '11/1/22, 6:40 PM\n',
  '- ',
  '• ',
  ' and ',
  ';',
  '|',
  'http://',
  'https://a.bc/x)',
  '"title"',
  '"content": {',
  '"notes": [',
  '"value": ',
  '"status": "Poster"',
  '"__proto__"',
  'null',
  'true',
  '-1e999',
  'UID,title,authors,abstract\n',
  '""',
  '{\\"o}',
  "\\'",
];

function loadSeeds(): { name: string; text: string }[] {
  const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
  const seeds: { name: string; text: string }[] = [];
  try {
    for (const f of readdirSync(fixtures))
      seeds.push({ name: f, text: readFileSync(join(fixtures, f), 'utf8') });
  } catch {
    // Installed without the tests: the generated documents below still cover every format.
  }
  seeds.push({
    name: 'listing head',
    text: readFileSync(DEFAULT_CORPUS.path, 'utf8').slice(0, 40_000),
  });
  for (const ctx of CONTEXTS) seeds.push({ name: ctx.name, text: ctx.doc(normalLine(400)) });
  return seeds;
}

function mutate(text: string, r: () => number, seeds: { text: string }[]): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const at = () => Math.floor(r() * (text.length + 1));
  let t = text;
  const steps = 1 + Math.floor(r() * 6);
  for (let s = 0; s < steps; s++) {
    const i = Math.min(at(), t.length);
    const len = Math.floor(r() * Math.min(2000, t.length - i + 1));
    switch (Math.floor(r() * 8)) {
      case 0:
        t = t.slice(0, i) + pick(FRAGMENTS) + t.slice(i);
        break;
      case 1:
        t = t.slice(0, i) + t.slice(i + len);
        break;
      case 2:
        t = t.slice(0, i) + t.slice(i, i + len).repeat(2 + Math.floor(r() * 3)) + t.slice(i + len);
        break;
      case 3:
        t = t.slice(0, i);
        break;
      case 4: {
        const run = pick(RUNS);
        t = t.slice(0, i) + runLine(run, 1000 + Math.floor(r() * 100_000)) + t.slice(i);
        break;
      }
      case 5: {
        const other = pick(seeds).text;
        const j = Math.floor(r() * other.length);
        t = t.slice(0, i) + other.slice(j, j + len) + t.slice(i);
        break;
      }
      case 6:
        t = t.slice(0, i) + String.fromCharCode(Math.floor(r() * 0x3000)) + t.slice(i + 1);
        break;
      default:
        t = t.slice(0, i) + pick(FRAGMENTS).repeat(1 + Math.floor(r() * 50)) + t.slice(i);
    }
  }
  return t;
}

const queryArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '"',
          '“',
          '”',
          '-',
          '!',
          '*',
          ':',
          'author:',
          'title:',
          'track:',
          'has:',
          'dataset:',
          'corpus:',
          'topic:',
          'zz:',
          'AND',
          'OR',
          'NOT',
          'NEAR(',
          '(',
          ')',
          '^',
          ' ',
          '\u0000',
          '\u001b',
          '\u0085',
          '🤖',
          '\ud800',
          '$\\ell_p$',
          'graph',
          'neural',
          'nueral',
          'Bengio',
          'spotlight',
          'cifar-10',
          "'; DROP TABLE papers; --",
        ),
        fc.string({ maxLength: 12 }),
      ),
      { maxLength: 400 },
    )
    .map((a) => a.join(' ')),
);

function parseArgs(argv: string[]): { seconds: number; seed: number; out: string; growth: number } {
  const o = { seconds: 60, seed: Date.now() % 1_000_000, out: 'fuzz-failures', growth: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--seconds' && v) o.seconds = Number(v);
    else if (a === '--seed' && v) o.seed = Number(v);
    else if (a === '--out' && v) o.out = v;
    else if (a === '--growth' && v) o.growth = Number(v);
    else if (a === '--help') {
      console.log(
        'npm run fuzz -- [--seconds 60] [--seed N] [--out fuzz-failures] [--growth N (1 MB adversarial growth checks; default: a quarter of the time)]',
      );
      process.exit(0);
    } else continue;
    i++;
  }
  if (!(o.seconds > 0 && o.seconds <= 24 * 3600)) throw new Error('--seconds must be in 1…86400');
  return o;
}

class Runner {
  private worker!: Worker;
  private pending: ((o: Outcome) => void) | undefined;
  restarts = 0;
  constructor() {
    this.start();
  }
  private start(): void {
    this.worker = new Worker(fileURLToPath(import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    });
    this.worker.on('message', (o: Outcome) => {
      const p = this.pending;
      this.pending = undefined;
      p?.(o);
    });
    this.worker.on('error', (e: Error & { code?: string }) => {
      const p = this.pending;
      this.pending = undefined;
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      p?.({
        status: 'failed',
        lost: true,
        detail: oom ? `out of memory (heap ${HEAP_MB} MB)` : e.message,
        ms: 0,
      });
    });
    this.worker.on('exit', () => {
      const p = this.pending;
      this.pending = undefined;
      p?.({ status: 'failed', lost: true, detail: 'worker exited', ms: 0 });
    });
  }
  async run(job: Job): Promise<Outcome> {
    const t0 = performance.now();
    const budget = job.kind === 'growth' ? GROWTH_HANG_MS : HANG_MS;
    const done = new Promise<Outcome>((resolve) => (this.pending = resolve));
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => {
        resolve({
          status: 'failed',
          lost: true,
          detail: `hang: no answer after ${budget} ms`,
          ms: budget,
        });
      }, budget);
    });
    this.worker.postMessage(job);
    const o = await Promise.race([done, hang]);
    clearTimeout(timer);
    if (o.lost) {
      this.pending = undefined;
      this.worker.removeAllListeners();
      await this.worker.terminate();
      this.restarts++;
      this.start();
      o.ms = performance.now() - t0;
    }
    return o;
  }
  async close(): Promise<void> {
    this.worker.removeAllListeners();
    await this.worker.terminate();
  }
}

interface Tally {
  inputs: number;
  accepted: number;
  rejected: number;
  located: number;
  failed: number;
  maxMs: number;
  maxRatio: number;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const r = rng(opts.seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const seeds = loadSeeds();
  const queries = fc.sample(queryArb, { seed: opts.seed, numRuns: 4000 });
  const tallies = new Map<string, Tally>();
  const failures: string[] = [];
  const runner = new Runner();
  const deadline = performance.now() + opts.seconds * 1000;
  const growthDeadline = performance.now() + opts.seconds * 1000 * 0.25;
  let growthLeft = opts.growth > 0 ? opts.growth : Infinity;
  const growthCases = CONTEXTS.flatMap((c) => RUNS.map((run) => [c, run] as const)).sort(
    () => r() - 0.5,
  );
  console.log(
    `# confscope fuzz — seed ${opts.seed}, ${opts.seconds} s, ${seeds.length} seeds, failures to ${opts.out}/\n`,
  );

  const record = (job: Job, o: Outcome) => {
    const t = tallies.get(job.target) ?? {
      inputs: 0,
      accepted: 0,
      rejected: 0,
      located: 0,
      failed: 0,
      maxMs: 0,
      maxRatio: 0,
    };
    tallies.set(job.target, t);
    t.inputs++;
    t[o.status]++;
    if (o.located) t.located++;
    t.maxMs = Math.max(t.maxMs, o.ms);
    if (o.ratio !== undefined) t.maxRatio = Math.max(t.maxRatio, o.ratio);
    if (o.status === 'failed') {
      const body =
        job.kind === 'bytes'
          ? Buffer.from(job.bytes)
          : job.kind === 'growth'
            ? `${job.context} / ${job.run} at ${job.chars} chars`
            : job.text;
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
      mkdirSync(opts.out, { recursive: true });
      const base = join(opts.out, `${job.target.replace(/[^a-z0-9-]+/gi, '_')}-${hash}`);
      writeFileSync(`${base}.input`, body);
      const meta = Object.fromEntries(
        Object.entries(job).filter(([k]) => k !== 'text' && k !== 'bytes'),
      );
      writeFileSync(
        `${base}.json`,
        JSON.stringify({ ...meta, seed: opts.seed, outcome: o }, null, 2),
      );
      failures.push(`${base}: ${(o.detail ?? '').split('\n')[0]?.slice(0, 160) ?? ''}`);
    }
  };

  let n = 0;
  while (performance.now() < deadline) {
    const now = performance.now();
    let job: Job;
    const k = n++ % 8;
    if (k === 0 && now < growthDeadline && growthLeft > 0 && growthCases.length) {
      const [ctx, run] = growthCases.pop() as readonly [Context, (typeof RUNS)[number]];
      growthLeft--;
      job = {
        kind: 'growth',
        target: '1 MB adversarial lines',
        context: ctx.name,
        run: run.name,
        chars: 1_000_000,
      };
    } else if (k <= 2) {
      const text = r() < 0.3 ? runLine(pick(QUERY_RUNS), 10_000) : pick(queries);
      job = { kind: 'query', target: 'query + search', text, mode: pick(SEARCH_MODES) };
    } else if (k === 3) {
      const bytes = Buffer.from(mutate(pick(seeds).text, r, seeds), 'utf8');
      for (let i = 0, m = Math.floor(r() * 4); i < m; i++)
        bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      job = { kind: 'bytes', target: 'bytes (detected)', bytes };
    } else {
      const seed = pick(seeds);
      const text = mutate(seed.text, r, seeds);
      if (r() < 0.4) {
        job = { kind: 'parse', target: 'detected', text };
      } else {
        const format = pick(INPUT_FORMATS);
        const ctx = CONTEXTS.find((c) => c.format === format && c.map !== undefined);
        const map =
          (format === 'csv' || format === 'json') && r() < 0.5
            ? (ctx?.map ?? 'title=title')
            : undefined;
        job = { kind: 'parse', target: `forced ${format}`, text, format, map };
      }
    }
    record(job, await runner.run(job));
  }
  await runner.close();

  const rows = [...tallies]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([name, t]) => [
      name,
      String(t.inputs),
      String(t.accepted),
      String(t.rejected),
      t.rejected ? `${((100 * t.located) / t.rejected).toFixed(0)}%` : '-',
      String(t.failed),
      t.maxMs,
      t.maxRatio ? t.maxRatio : '-',
    ]);
  const total = [...tallies.values()].reduce((a, t) => a + t.inputs, 0);
  const failed = [...tallies.values()].reduce((a, t) => a + t.failed, 0);
  console.log(
    table(
      [
        'target',
        'inputs',
        'accepted',
        'rejected',
        'rejected naming a line',
        'failures',
        'max ms',
        'max growth (4× input)',
      ],
      rows,
    ),
  );
  console.log(
    `\n${total} inputs in ${opts.seconds} s (seed ${opts.seed}); ${failed} failures; worker restarts ${runner.restarts}`,
  );
  for (const f of failures.slice(0, 30)) console.log(`  ${f}`);
  if (failed) process.exitCode = 1;
}

if (isMainThread) await main();
