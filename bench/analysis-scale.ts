// Analysis at 10k–100k papers: similar papers (exact all-pairs vs. HNSW candidates re-ranked with
// the exact score), "more like these", entities and authors. Each measurement runs in its own
// child process so that its peak RSS is its own.
//
// Input (made by /tmp/scale/mkvec.mjs): DIR/v100k.f32 = n × 128 float32 LSA unit rows, and
// DIR/v100k.docs.jsonl = {id,title,authors,abstract} per line in the same order.
//
// Usage: node dist/bench/analysis-scale.js [DIR]          all stages, prints the tables
//        (STAGES=similar,tfidf,ea selects; TFIDF_N=100000,300000 sizes; BENCH_CACHE=DIR reuses saved stage results)
//        node dist/bench/analysis-scale.js [DIR] STAGE N  one stage, prints one JSON line

import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { buildAuthors } from '../src/analysis/authors.js';
import { extractEntities } from '../src/analysis/entities.js';
import {
  ApproxSimilarity,
  moreLikeThese,
  nearestPapers,
  SimilarityIndex,
  type SimilarInput,
} from '../src/analysis/similar.js';
import { HnswIndex } from '../src/index/ann.js';
import { SearchIndex } from '../src/index/search.js';
import { mulberry32 } from '../src/core/random.js';
import { quantile, table } from './util.js';

interface Doc {
  id: string;
  title: string | null;
  authors: string[];
  abstract: string;
}

const DIM = 128;

function loadDocs(dir: string, n: number): Doc[] {
  const text = readFileSync(`${dir}/v100k.docs.jsonl`, 'utf8');
  const out: Doc[] = [];
  let at = 0;
  while (out.length < n && at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end);
    at = end + 1;
    if (line.trim()) out.push(JSON.parse(line) as Doc);
  }
  return out;
}

function loadVectors(dir: string, n: number): Float32Array {
  const buf = readFileSync(`${dir}/v100k.f32`);
  const all = new Float32Array(buf.buffer, buf.byteOffset, Math.floor(buf.byteLength / 4));
  return Float32Array.from(all.subarray(0, n * DIM));
}

function similarInput(dir: string, n: number): SimilarInput {
  const docs = loadDocs(dir, n);
  return {
    ids: docs.map((d) => d.id),
    texts: docs.map((d) => SearchIndex.semanticText(d)),
    vectors: loadVectors(dir, docs.length),
    dim: DIM,
  };
}

/** The lines of a (possibly > 512 MB) text file, read in 16 MB chunks. */
function* lines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 24);
  const dec = new StringDecoder('utf8');
  let rest = '';
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      const parts = (rest + dec.write(buf.subarray(0, got))).split('\n');
      rest = parts.pop() ?? '';
      yield* parts;
    }
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Papers to measure on: a fixed, seeded sample of `m` of `n`. */
function sample(n: number, m: number, seed = 7): number[] {
  const rand = mulberry32(seed);
  const picked = new Set<number>();
  while (picked.size < Math.min(m, n)) picked.add(Math.floor(rand() * n));
  return [...picked];
}

const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const ms = (t0: number) => performance.now() - t0;

type Result = Record<string, number>;

/** moreLikeThese over candidates: 10 queries of 3 positives (SVM) and of 1 (centroid). */
function mltStats(input: SimilarInput, approx: ApproxSimilarity, compareFull: boolean): Result {
  const rand = mulberry32(11);
  const times: number[] = [];
  const centroid: number[] = [];
  let overlap = 0;
  let compared = 0;
  for (let q = 0; q < 10; q++) {
    // Three positives about one topic: a paper and two of its nearest neighbours.
    const seedId = input.ids[Math.floor(rand() * input.ids.length)] ?? '';
    const pos = [seedId, ...approx.similarTo(seedId, 2).map((s) => s.id)];
    let t0 = performance.now();
    const r = approx.moreLikeThese(pos, [], 20);
    times.push(ms(t0));
    t0 = performance.now();
    approx.moreLikeThese([seedId], [], 20);
    centroid.push(ms(t0));
    if (compareFull && q < 3) {
      // Agreement with the SVM over every paper (only where that is affordable).
      const full = moreLikeThese(input, pos, [], 20);
      const want = new Set(full.results.map((x) => x.id));
      overlap += r.results.filter((x) => want.has(x.id)).length / 20;
      compared++;
    }
  }
  let fullMs = NaN;
  if (compareFull) {
    const t0 = performance.now();
    moreLikeThese(input, [input.ids[0] ?? '', input.ids[1] ?? '', input.ids[2] ?? ''], [], 20);
    fullMs = ms(t0);
  }
  times.sort((a, b) => a - b);
  centroid.sort((a, b) => a - b);
  return {
    svmP50: quantile(times, 0.5),
    svmMax: times[times.length - 1] ?? NaN,
    centroidP50: quantile(centroid, 0.5),
    fullSvmMs: fullMs,
    top20OverlapWithFull: compared ? overlap / compared : NaN,
  };
}

function stage(dir: string, name: string, n: number): Result {
  switch (name) {
    case 'entities': {
      const docs = loadDocs(dir, n);
      const t0 = performance.now();
      let count = 0;
      for (const d of docs) count += extractEntities({ ...d, links: [] }).datasets.length;
      return { ms: ms(t0), n: docs.length, peakMb: peakMb(), datasets: count };
    }
    case 'authors': {
      const docs = loadDocs(dir, n);
      const t0 = performance.now();
      const r = buildAuthors(docs);
      return {
        ms: ms(t0),
        n: docs.length,
        peakMb: peakMb(),
        authors: r.authors.length,
        communities: r.communities.length,
        modularity: r.modularity,
      };
    }
    case 'similar-exact-vs-approx': {
      // The approximate path first (its own tf-idf index), then the exact all-pairs path on a
      // fresh input object (so it builds its own index too); recall@10 on 500 papers.
      const input = similarInput(dir, n);
      let t0 = performance.now();
      const ann = HnswIndex.build(input.vectors, input.dim);
      const annMs = ms(t0);
      t0 = performance.now();
      const approx = new ApproxSimilarity(input, { ann });
      const indexMs = ms(t0);
      t0 = performance.now();
      const all = approx.nearestAll(10);
      const bulkMs = ms(t0);
      const mlt = mltStats(input, approx, true);
      t0 = performance.now();
      const exact = nearestPapers({ ...input, ids: [...input.ids] }, 10);
      const exactMs = ms(t0);
      let recall = 0;
      let same = 0;
      const picks = sample(input.ids.length, 500);
      for (const i of picks) {
        const id = input.ids[i] ?? '';
        const want = new Set((exact.get(id) ?? []).map((s) => s.id));
        const got = all.get(id) ?? [];
        recall += got.filter((s) => want.has(s.id)).length / Math.max(1, want.size);
        if (JSON.stringify(got) === JSON.stringify(exact.get(id))) same++;
      }
      return {
        n: input.ids.length,
        exactMs,
        annBuildMs: annMs,
        approxIndexMs: indexMs,
        approxBulkMs: bulkMs,
        recall10: recall / picks.length,
        identicalLists: same / picks.length,
        ...mlt,
        peakMb: peakMb(),
      };
    }
    case 'similar-approx': {
      const input = similarInput(dir, n);
      const rssBefore = process.memoryUsage().rss;
      let t0 = performance.now();
      const ann = HnswIndex.build(input.vectors, input.dim);
      const annMs = ms(t0);
      t0 = performance.now();
      const approx = new ApproxSimilarity(input, { ann });
      const indexMs = ms(t0);
      const rssAfter = process.memoryUsage().rss;
      const times: number[] = [];
      let listed = 0;
      const picks = sample(input.ids.length, 1000);
      for (const i of picks.slice(0, 50)) approx.similarTo(input.ids[i] ?? '', 10); // warm-up
      for (const i of picks) {
        t0 = performance.now();
        listed += approx.similarTo(input.ids[i] ?? '', 10).length;
        times.push(ms(t0));
      }
      times.sort((a, b) => a - b);
      // Exact rows for a few papers: what one request costs without the index, and recall.
      let recall = 0;
      const exactTimes: number[] = [];
      const check = picks.slice(0, 50);
      for (const i of check) {
        t0 = performance.now();
        const want = approx.exactSimilarTo(i, 10);
        exactTimes.push(ms(t0));
        const got = new Set(approx.similarTo(input.ids[i] ?? '', 10).map((s) => s.id));
        recall += want.filter((s) => got.has(s.id)).length / Math.max(1, want.length);
      }
      exactTimes.sort((a, b) => a - b);
      return {
        n: input.ids.length,
        annBuildMs: annMs,
        approxIndexMs: indexMs,
        indexRssMb: Math.round((rssAfter - rssBefore) / 2 ** 20),
        ...approx.memoryStats(),
        p50: quantile(times, 0.5),
        p95: quantile(times, 0.95),
        exactP50: quantile(exactTimes, 0.5),
        recall10: recall / check.length,
        listed: listed / picks.length,
        ...mltStats(input, approx, false),
        peakMb: peakMb(),
      };
    }
    case 'tfidf': {
      // The tf-idf side alone on the first n papers of DIR/p1m.jsonl (arXiv-like records; LSA
      // vectors zero: they only feed topicality, whose cost does not depend on their values).
      const texts: string[] = [];
      for (const line of lines(`${dir}/p1m.jsonl`)) {
        if (texts.length >= n) break;
        if (!line.trim()) continue;
        const r = JSON.parse(line) as { title?: string | null; abstract?: string };
        texts.push(
          SearchIndex.semanticText({ title: r.title ?? null, abstract: r.abstract ?? '' }),
        );
      }
      const ids = texts.map((_, i) => `p${i}`);
      const vectors = new Float32Array(texts.length * DIM);
      const rssBefore = process.memoryUsage().rss;
      const t0 = performance.now();
      const idx = new SimilarityIndex({ ids, texts, vectors, dim: DIM });
      const buildMs = ms(t0);
      const cap = Math.max(100, Math.ceil(texts.length / 100));
      let rare = 0;
      for (const d of idx.df) if (d <= cap) rare += d;
      return {
        n: texts.length,
        buildMs,
        vocab: idx.terms.length,
        nnzPerPaper: idx.docIdx.length / texts.length,
        sparseMb: Math.round(idx.memoryBytes / 2 ** 20),
        rarePostingsMb: Math.round((rare * 8) / 2 ** 20),
        rssDeltaMb: Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20),
        peakMb: peakMb(),
      };
    }
    default:
      throw new Error(`unknown stage ${name}`);
  }
}

function run(dir: string, name: string, n: number): Result {
  // BENCH_CACHE=DIR: reuse a stage's saved result (a stage run on its own saves it there).
  const cache = process.env.BENCH_CACHE;
  const file = cache ? `${cache}/${name}-${n}.json` : '';
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Result;
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=12000', fileURLToPath(import.meta.url), dir, name, String(n)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  const last = out.trim().split('\n').pop() ?? '{}';
  const r = JSON.parse(last) as Result;
  process.stderr.write(`${name} ${n}: ${last}\n`);
  if (file) writeFileSync(file, last);
  return r;
}

// NaN (not measured) comes back from a stage's JSON as null.
const f = (x: number | null | undefined, d = 0) =>
  x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(d);

function main(): void {
  const args = process.argv.slice(2);
  const dir = args[0] ?? '/tmp/scale';
  if (args.length >= 3) {
    const r = JSON.stringify(stage(dir, args[1] ?? '', Number(args[2])));
    const cache = process.env.BENCH_CACHE;
    if (cache) writeFileSync(`${cache}/${args[1] ?? ''}-${args[2] ?? ''}.json`, r);
    console.log(r);
    return;
  }
  const only = process.env.STAGES?.split(',');
  const want = (s: string) => !only || only.includes(s);
  if (want('similar')) {
    const small = run(dir, 'similar-exact-vs-approx', 10_000);
    console.log('\nnearestPapers(k = 10), 10k papers: exact all-pairs vs. approximate (HNSW)\n');
    console.log(
      table(
        ['path', 'time (s)', 'recall@10 vs exact (500 papers)', 'identical lists'],
        [
          ['exact (tf-idf index + all pairs)', f((small.exactMs ?? 0) / 1000, 1), '1', '1'],
          [
            `approx: ANN build ${f((small.annBuildMs ?? 0) / 1000, 1)} s + tf-idf index ${f((small.approxIndexMs ?? 0) / 1000, 1)} s + all papers ${f((small.approxBulkMs ?? 0) / 1000, 1)} s`,
            f(
              ((small.annBuildMs ?? 0) + (small.approxIndexMs ?? 0) + (small.approxBulkMs ?? 0)) /
                1000,
              1,
            ),
            f(small.recall10, 4),
            f(small.identicalLists, 3),
          ],
        ],
      ),
    );
    const big = run(dir, 'similar-approx', 100_000);
    console.log('\nApproximate similar papers, 100k papers\n');
    console.log(
      table(
        [
          'ANN build (s)',
          'tf-idf index (s)',
          'index RSS (MB)',
          'sparse (MB)',
          'peak RSS (MB)',
          'per paper p50 (ms)',
          'p95 (ms)',
          'exact row p50 (ms)',
          'recall@10 (50)',
        ],
        [
          [
            f((big.annBuildMs ?? 0) / 1000, 1),
            f((big.approxIndexMs ?? 0) / 1000, 1),
            f(big.indexRssMb),
            f(big.sparseMb),
            f(big.peakMb),
            f(big.p50, 2),
            f(big.p95, 2),
            f(big.exactP50, 1),
            f(big.recall10, 3),
          ],
        ],
      ),
    );
    console.log(
      '\nmoreLikeThese over candidates (3 positives: SVM; 1 positive: centroid), 10 queries\n',
    );
    console.log(
      table(
        [
          'papers',
          'SVM p50 (ms)',
          'SVM max (ms)',
          'centroid p50 (ms)',
          'full SVM, every paper (ms)',
          'top-20 overlap with full',
        ],
        [small, big].map((r) => [
          f(r.n),
          f(r.svmP50),
          f(r.svmMax),
          f(r.centroidP50, 1),
          f(r.fullSvmMs),
          f(r.top20OverlapWithFull, 2),
        ]),
      ),
    );
  }
  if (want('tfidf')) {
    // The tf-idf side alone (what dominates memory at 1M): TFIDF_N papers of DIR/p1m.jsonl.
    const rows = (process.env.TFIDF_N ?? '100000').split(',').map((x) => {
      const r = run(dir, 'tfidf', Number(x));
      return [
        f(r.n),
        f((r.buildMs ?? 0) / 1000, 1),
        f(r.vocab),
        f(r.nnzPerPaper, 1),
        f(r.sparseMb),
        f(r.rarePostingsMb),
        f(r.rssDeltaMb),
        f(r.peakMb),
      ];
    });
    console.log('\ntf-idf vectors (SimilarityIndex) alone\n');
    console.log(
      table(
        [
          'papers',
          'build (s)',
          'features',
          'non-zeros a paper',
          'vectors (MB)',
          'rare postings (MB)',
          'RSS growth (MB)',
          'peak RSS (MB)',
        ],
        rows,
      ),
    );
  }
  if (want('ea')) {
    const rows: string[][] = [];
    for (const n of [10_000, 100_000]) {
      const e = run(dir, 'entities', n);
      const a = run(dir, 'authors', n);
      rows.push(['extractEntities (each paper)', f(n), f((e.ms ?? 0) / 1000, 1), f(e.peakMb)]);
      rows.push(['buildAuthors', f(n), f((a.ms ?? 0) / 1000, 1), f(a.peakMb)]);
    }
    console.log('\nEntities and authors\n');
    console.log(table(['step', 'papers', 'time (s)', 'peak RSS (MB)'], rows));
  }
}

main();
