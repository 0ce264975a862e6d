// `npm run build --silent && node dist/bench/topics-scale.js --vectors V.f32 --docs V.docs.jsonl`:
// topic modelling (src/analysis/topics.ts) at 10k, 100k and 1M papers. V.f32 holds n × 128
// float32 LSA vectors (row-major), V.docs.jsonl one `{id,title,authors,abstract}` a line in the
// same order (e.g. made by LsaModel over bench/gen-corpus.ts's synthetic arXiv-like corpus).
//
// Each case runs in its own child process, so peak RSS is its own: the first 10k rows on the
// small path (Ward + k-means) and on the large path (mini-batch k-means, names from a sample),
// all rows on the large path, and 1M rows simulated by repeating the rows with seeded noise
// (σ = 0.01 a component, then unit length) and the texts, on the large path. A case over its
// time limit is stopped and reported as skipped. At 10k, the two paths are compared: agreement
// of their fine topics (ARI, NMI) and the mean cosine of papers to their fine topic's centroid;
// the agreement of two mini-batch runs with different seeds gives the scale.
//
// Options: --vectors F --docs F --cases old10k,new10k,new10kSeed2,new100k,new1m --limit-min M (per case,
// default 15) --label-sample N (papers per topic for names; default as in DEFAULT_TOPICS)
// --out DIR (each case's topics, and the labels of the 10k cases; default
// $TMPDIR/confscope-topics-scale)

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildTopics,
  DEFAULT_TOPICS,
  TOPICS_SCALE_ABOVE,
  type TopicInput,
} from '../src/analysis/topics.js';
import { mulberry32 } from '../src/core/random.js';
import { SearchIndex } from '../src/index/search.js';
import { ari, nmi } from './topics-quality.js';
import { fmt, table } from './util.js';

const CASES = {
  old10k: { rows: 10_000, large: false, repeat: 1, seed: DEFAULT_TOPICS.seed },
  new10k: { rows: 10_000, large: true, repeat: 1, seed: DEFAULT_TOPICS.seed },
  /** Another seed: how much two mini-batch runs agree (the scale for the old/new agreement). */
  new10kSeed2: { rows: 10_000, large: true, repeat: 1, seed: DEFAULT_TOPICS.seed + 1 },
  new100k: { rows: 100_000, large: true, repeat: 1, seed: DEFAULT_TOPICS.seed },
  new1m: { rows: 100_000, large: true, repeat: 10, seed: DEFAULT_TOPICS.seed },
} as const;
type CaseName = keyof typeof CASES;

interface CaseResult {
  name: CaseName;
  papers: number;
  ms: number;
  cpuMs: number;
  inputRssMb: number;
  peakRssMb: number;
  fine: number;
  broad: number;
  meanCosine: number;
  method: string;
  labels: string[];
  labelsFile?: string;
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The first `rows` vectors and documents, as a TopicInput (repeated with noise if asked). */
function load(vectorsPath: string, docsPath: string, rows: number, repeat: number): TopicInput {
  const dim = 128;
  const buf = readFileSync(vectorsPath);
  const total = Math.floor(buf.byteLength / (4 * dim));
  const n = Math.min(rows, total);
  const base = new Float32Array(buf.buffer, buf.byteOffset, n * dim);
  const ids: string[] = [];
  const texts: string[] = [];
  const titles: string[] = [];
  const authors: string[][] = [];
  const text = readFileSync(docsPath, 'utf8');
  let at = 0;
  while (ids.length < n && at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end);
    at = end + 1;
    if (!line.trim()) continue;
    const d = JSON.parse(line) as {
      id: string;
      title: string;
      authors: string[];
      abstract: string;
    };
    ids.push(d.id);
    texts.push(SearchIndex.semanticText({ title: d.title, abstract: d.abstract }));
    titles.push(d.title);
    authors.push(d.authors);
  }
  if (ids.length !== n) throw new Error(`${docsPath}: ${ids.length} documents for ${n} vectors`);
  if (repeat <= 1) return { ids, texts, titles, authors, vectors: Float32Array.from(base), dim };
  const rand = mulberry32(12345);
  const gauss = () => {
    const u = Math.max(1e-12, rand());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const vectors = new Float32Array(n * repeat * dim);
  const row = new Float64Array(dim);
  for (let rep = 0; rep < repeat; rep++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const x = (base[i * dim + d] ?? 0) + (rep === 0 ? 0 : 0.01 * gauss());
        row[d] = x;
        s += x * x;
      }
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let d = 0; d < dim; d++) vectors[(rep * n + i) * dim + d] = (row[d] ?? 0) * inv;
    }
  const rep = <T>(xs: T[]) => Array.from({ length: repeat }, () => xs).flat();
  return {
    ids: Array.from({ length: repeat }, (_, r) => ids.map((id) => `${id}~${r}`)).flat(),
    texts: rep(texts),
    titles: rep(titles),
    authors: rep(authors),
    vectors,
    dim,
  };
}

function runCase(name: CaseName, vectorsPath: string, docsPath: string, out: string): void {
  const c = CASES[name];
  const input = load(vectorsPath, docsPath, c.rows, c.repeat);
  global.gc?.();
  const inputRssMb = process.memoryUsage().rss / 2 ** 20;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const labelSample = Number(arg('label-sample', String(DEFAULT_TOPICS.labelSample)));
  const model = buildTopics(input, { largeCorpus: c.large, seed: c.seed, labelSample });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  let sum = 0;
  const fine = input.ids.map((id) => {
    const a = model.assignments.get(id);
    sum += a?.score ?? 0;
    return a?.fine ?? '';
  });
  const result: CaseResult = {
    name,
    papers: input.ids.length,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    inputRssMb,
    peakRssMb,
    fine: model.fineCount,
    broad: model.broadCount,
    meanCosine: sum / Math.max(1, input.ids.length),
    method: model.method,
    labels: model.topics.filter((t) => t.level === 1).map((t) => `${t.label} (${t.size})`),
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, `${name}.topics.json`),
    JSON.stringify(model.topics.map((t) => [t.id, t.size, t.label, t.terms.join(', ')])),
  );
  if (c.rows <= 10_000) {
    result.labelsFile = join(out, `${name}.json`);
    writeFileSync(result.labelsFile, JSON.stringify(fine));
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
}

function child(name: CaseName, argv: string[], limitMs: number): Promise<CaseResult | string> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      ['--max-old-space-size=12288', fileURLToPath(import.meta.url), ...argv, '--case', name],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, limitMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (timedOut) resolve(`skipped: over the limit of ${fmt(limitMs / 60_000)} min`);
      else if (line) resolve(JSON.parse(line.slice(7)) as CaseResult);
      else resolve(`failed (exit ${String(code)})`);
    });
  });
}

async function main(): Promise<void> {
  const vectorsPath = arg('vectors');
  const docsPath = arg('docs');
  if (!vectorsPath || !docsPath) throw new Error('usage: --vectors F.f32 --docs F.docs.jsonl');
  const out = arg('out', join(tmpdir(), 'confscope-topics-scale')) ?? '';
  const only = arg('case');
  if (only) {
    if (!(only in CASES)) throw new Error(`unknown case ${only}`);
    runCase(only as CaseName, vectorsPath, docsPath, out);
    return;
  }
  const names = (arg('cases', Object.keys(CASES).join(',')) ?? '')
    .split(',')
    .filter((x): x is CaseName => x in CASES);
  const limitMs = Number(arg('limit-min', '15')) * 60_000;
  const argv = ['--vectors', vectorsPath, '--docs', docsPath, '--out', out];
  const labelSample = arg('label-sample');
  if (labelSample) argv.push('--label-sample', labelSample);
  console.log(
    `topics at scale (large path above ${String(TOPICS_SCALE_ABOVE)} papers); ` +
      `each case in its own process, limit ${fmt(limitMs / 60_000)} min`,
  );
  const results = new Map<CaseName, CaseResult>();
  const rows: (string | number)[][] = [];
  for (const name of names) {
    const r = await child(name, argv, limitMs);
    if (typeof r === 'string') {
      console.log(`${name}: ${r}`);
      rows.push([name, '', r, '', '', '', '', '', '']);
      continue;
    }
    results.set(name, r);
    console.log(`${name}: ${fmt(r.ms / 1000)} s; areas: ${r.labels.slice(0, 6).join(' | ')}`);
    rows.push([
      name,
      r.papers,
      r.method,
      fmt(r.ms / 1000),
      fmt(r.cpuMs / 1000),
      Math.round(r.inputRssMb),
      Math.round(r.peakRssMb),
      `${String(r.fine)} / ${String(r.broad)}`,
      r.meanCosine.toFixed(3),
    ]);
  }
  console.log(
    '\n' +
      table(
        [
          'case',
          'papers',
          'method',
          'wall s',
          'CPU s',
          'RSS before MB',
          'peak RSS MB',
          'fine / broad',
          'mean cos',
        ],
        rows,
      ),
  );
  const old = results.get('old10k');
  const neu = results.get('new10k');
  if (old?.labelsFile && neu?.labelsFile) {
    const a = JSON.parse(readFileSync(old.labelsFile, 'utf8')) as string[];
    const b = JSON.parse(readFileSync(neu.labelsFile, 'utf8')) as string[];
    console.log(
      `\n10k, ward-kmeans vs minibatch-kmeans: ARI ${ari(a, b).toFixed(3)}, NMI ` +
        `${nmi(a, b).toFixed(3)}; mean cosine to the fine centroid ${old.meanCosine.toFixed(3)} vs ` +
        `${neu.meanCosine.toFixed(3)}; time ratio old / new ${fmt(old.ms / neu.ms)}, peak RSS ` +
        `ratio ${fmt(old.peakRssMb / neu.peakRssMb)}`,
    );
  }
  const seed2 = results.get('new10kSeed2');
  if (neu?.labelsFile && seed2?.labelsFile) {
    const a = JSON.parse(readFileSync(neu.labelsFile, 'utf8')) as string[];
    const b = JSON.parse(readFileSync(seed2.labelsFile, 'utf8')) as string[];
    console.log(
      `10k, minibatch-kmeans with two seeds: ARI ${ari(a, b).toFixed(3)}, NMI ${nmi(a, b).toFixed(3)}`,
    );
  }
  const n100 = results.get('new100k');
  const n1m = results.get('new1m');
  if (neu && n100) console.log(`100k / 10k time (large path): ${fmt(n100.ms / neu.ms)}`);
  if (n100 && n1m) console.log(`1M / 100k time (large path): ${fmt(n1m.ms / n100.ms)}`);
}

await main();
