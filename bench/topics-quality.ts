// Topic quality on the ICLR 2020 corpus: our two-level topics (src/analysis/topics.ts) against a
// plain k-means on tf-idf with the same numbers of clusters, in the same run. Agreement with
// external labels (NMI, ARI against each paper's most frequent keyword, from the ICLR virtual
// site's curated keywords and from the authors' own keywords; bench/data/iclr2020-keywords.tsv),
// topic coherence (NPMI of each topic's top-10 terms by document co-occurrence), sizes and
// build time. Reads only files of this repository.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildTopics,
  describeClusters,
  TermCorpus,
  topicCounts,
  DEFAULT_TOPICS,
  type TopicMethod,
  type TopicModel,
} from '../src/analysis/topics.js';
import { roots } from '../src/index/analyze.js';
import { LsaModel } from '../src/index/lsa.js';
import { SearchIndex } from '../src/index/search.js';
import { normalizeKey } from '../src/ingest/text.js';
import { loadCorpus } from './quality/evalset.js';
import { fmt, quantile, table } from './util.js';
import { mulberry32 as prng } from '../src/core/random.js';

const here = dirname(fileURLToPath(import.meta.url));

/** bench/data, from the source tree or from dist/bench. */
export const TOPIC_DATA_DIR =
  [join(here, 'data'), join(here, '../../bench/data')].find((d) =>
    existsSync(join(d, 'iclr2020-keywords.tsv')),
  ) ?? join(here, 'data');

export interface KeywordRow {
  virtualSite: string[];
  authors: string[];
}

/** Normalised title → keywords of both sources (bench/data/iclr2020-keywords.tsv). */
export async function loadKeywords(): Promise<Map<string, KeywordRow>> {
  const path = join(TOPIC_DATA_DIR, 'iclr2020-keywords.tsv');
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/);
  const out = new Map<string, KeywordRow>();
  let header = false;
  lines.forEach((line, i) => {
    if (!line || line.startsWith('#')) return;
    const cols = line.split('\t');
    if (!header) {
      if (cols.join(' ') !== 'key virtual_site authors')
        throw new Error(`${path}:${i + 1}: expected the header key, virtual_site, authors`);
      header = true;
      return;
    }
    const split = (s: string | undefined) =>
      (s ?? '')
        .split(';')
        .map((k) => k.trim())
        .filter(Boolean);
    out.set(cols[0] ?? '', { virtualSite: split(cols[1]), authors: split(cols[2]) });
  });
  return out;
}

/** Keyword identity: case, hyphens and spacing folded (meta-learning = Meta Learning). */
const keywordKey = (k: string) =>
  k
    .toLowerCase()
    .replace(/[-_/]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Each paper's most frequent keyword across the corpus (ties: alphabetical); undefined if none. */
export function dominantKeywords(lists: (string[] | undefined)[]): (string | undefined)[] {
  const freq = new Map<string, number>();
  const keyed = lists.map((l) => (l ? [...new Set(l.map(keywordKey))].filter(Boolean) : []));
  for (const l of keyed) for (const k of l) freq.set(k, (freq.get(k) ?? 0) + 1);
  return keyed.map((l) => {
    let best: string | undefined;
    let bc = 0;
    for (const k of l) {
      const c = freq.get(k) ?? 0;
      if (c > bc || (c === bc && best !== undefined && k < best)) [best, bc] = [k, c];
    }
    return best;
  });
}

// ————————————————————————————————————————————— metrics

function contingency(a: readonly (string | number)[], b: readonly (string | number)[]) {
  const joint = new Map<string, number>();
  const ca = new Map<string | number, number>();
  const cb = new Map<string | number, number>();
  a.forEach((x, i) => {
    const y = b[i] ?? '';
    const key = `${String(x)}\u0000${String(y)}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(y, (cb.get(y) ?? 0) + 1);
  });
  return { joint, ca, cb, n: a.length };
}

/** Normalised mutual information, arithmetic-mean normalisation (scikit-learn's default). */
export function nmi(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const { joint, ca, cb, n } = contingency(a, b);
  const h = (m: Map<string | number, number>) =>
    -[...m.values()].reduce((s, c) => s + (c / n) * Math.log(c / n), 0);
  const la = [...ca.keys()];
  const pa = new Map(la.map((k) => [String(k), (ca.get(k) ?? 0) / n]));
  const pb = new Map([...cb].map(([k, c]) => [String(k), c / n]));
  let mi = 0;
  for (const [key, c] of joint) {
    const [x = '', y = ''] = key.split('\u0000');
    const p = c / n;
    mi += p * Math.log(p / ((pa.get(x) ?? 1) * (pb.get(y) ?? 1)));
  }
  const denom = (h(ca) + h(cb)) / 2;
  return denom > 0 ? mi / denom : 1;
}

/** Adjusted Rand index. */
export function ari(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const { joint, ca, cb, n } = contingency(a, b);
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const sumJ = [...joint.values()].reduce((s, c) => s + c2(c), 0);
  const sumA = [...ca.values()].reduce((s, c) => s + c2(c), 0);
  const sumB = [...cb.values()].reduce((s, c) => s + c2(c), 0);
  const expected = (sumA * sumB) / c2(n);
  const max = (sumA + sumB) / 2;
  return max === expected ? 0 : (sumJ - expected) / (max - expected);
}

/** Mean NPMI over the pairs of each topic's terms (document co-occurrence), averaged over topics. */
export function npmi(docs: readonly Set<string>[], topics: readonly string[][]): number {
  const n = docs.length;
  const scores = topics.map((terms) => {
    let s = 0;
    let pairs = 0;
    for (let i = 0; i < terms.length; i++)
      for (let j = i + 1; j < terms.length; j++) {
        const a = terms[i] ?? '';
        const b = terms[j] ?? '';
        let na = 0;
        let nb = 0;
        let nab = 0;
        for (const d of docs) {
          const ha = d.has(a);
          const hb = d.has(b);
          if (ha) na++;
          if (hb) nb++;
          if (ha && hb) nab++;
        }
        pairs++;
        if (nab === 0) s += -1;
        else if (nab === n) s += 1;
        else {
          const pab = nab / n;
          s += Math.log(pab / ((na / n) * (nb / n))) / -Math.log(pab);
        }
      }
    return pairs > 0 ? s / pairs : 0;
  });
  return scores.reduce((x, y) => x + y, 0) / Math.max(1, scores.length);
}

// ————————————————————————————————————————————— the baseline

interface SparseRow {
  idx: number[];
  val: number[];
}

/** Sublinear tf-idf on LSA's roots (min df 2, max df 50 %), unit rows, sparse. */
export function tfidfRows(texts: readonly string[]): { rows: SparseRow[]; dim: number } {
  const docs = texts.map((t) => roots(t));
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  const vocab = [...df]
    .filter(([, c]) => c >= 2 && c <= 0.5 * n)
    .map(([t]) => t)
    .sort();
  const index = new Map(vocab.map((t, i) => [t, i]));
  const rows = docs.map((d) => {
    const tf = new Map<number, number>();
    for (const t of d) {
      const j = index.get(t);
      if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
    }
    const idx = [...tf.keys()].sort((x, y) => x - y);
    const val = idx.map(
      (j) =>
        (1 + Math.log(tf.get(j) ?? 1)) *
        (Math.log((1 + n) / (1 + (df.get(vocab[j] ?? '') ?? 0))) + 1),
    );
    const norm = Math.sqrt(val.reduce((s, v) => s + v * v, 0)) || 1;
    return { idx, val: val.map((v) => v / norm) };
  });
  return { rows, dim: vocab.length };
}

/**
 * Plain k-means on sparse unit rows (Euclidean): greedy k-means++ seeding from a seeded PRNG,
 * Lloyd's iterations, best of `restarts` by within-cluster sum of squares.
 */
export function sparseKmeans(
  rows: readonly SparseRow[],
  dim: number,
  k: number,
  opts: { seed: number; restarts: number; maxIterations: number },
): number[] {
  const n = rows.length;
  const dotC = (r: SparseRow, c: Float64Array) => {
    let s = 0;
    for (let j = 0; j < r.idx.length; j++) s += (r.val[j] ?? 0) * (c[r.idx[j] ?? 0] ?? 0);
    return s;
  };
  const dense = (r: SparseRow): Float64Array => {
    const c = new Float64Array(dim);
    r.idx.forEach((j, t) => (c[j] = r.val[t] ?? 0));
    return c;
  };
  const norm2 = (c: Float64Array) => c.reduce((s, x) => s + x * x, 0);
  // ‖x − c‖² = 1 + ‖c‖² − 2 x·c for unit rows x.
  const dist = (r: SparseRow, c: Float64Array, cn: number) => Math.max(0, 1 + cn - 2 * dotC(r, c));
  let best: { labels: number[]; sse: number } | undefined;
  for (let restart = 0; restart < Math.max(1, opts.restarts); restart++) {
    const rand = prng(opts.seed + 7919 * restart);
    const trials = 2 + Math.floor(Math.log(k));
    const first = Math.min(n - 1, Math.floor(rand() * n));
    const C: Float64Array[] = [dense(rows[first] ?? { idx: [], val: [] })];
    const closest = rows.map((r) => dist(r, C[0] ?? new Float64Array(dim), 1));
    let potential = closest.reduce((a, b) => a + b, 0);
    while (C.length < k) {
      let pick: { c: Float64Array; d: number[]; pot: number } | undefined;
      for (let t = 0; t < trials; t++) {
        let target = rand() * potential;
        let cand = n - 1;
        for (let i = 0; i < n; i++) {
          target -= closest[i] ?? 0;
          if (target <= 0) {
            cand = i;
            break;
          }
        }
        const c = dense(rows[cand] ?? { idx: [], val: [] });
        const d = rows.map((r, i) => Math.min(closest[i] ?? 0, dist(r, c, 1)));
        const pot = d.reduce((a, b) => a + b, 0);
        if (!pick || pot < pick.pot) pick = { c, d, pot };
      }
      if (!pick) break;
      C.push(pick.c);
      pick.d.forEach((v, i) => (closest[i] = v));
      potential = pick.pot;
    }
    let labels = new Array<number>(n).fill(-1);
    let sse = 0;
    for (let it = 0; it < opts.maxIterations; it++) {
      const norms = C.map(norm2);
      let changed = false;
      sse = 0;
      const next: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = rows[i] ?? { idx: [], val: [] };
        let bl = 0;
        let bd = Infinity;
        for (let j = 0; j < C.length; j++) {
          const d = dist(r, C[j] ?? new Float64Array(dim), norms[j] ?? 0);
          if (d < bd) [bl, bd] = [j, d];
        }
        sse += bd;
        if (bl !== labels[i]) changed = true;
        next.push(bl);
      }
      labels = next;
      if (!changed) break;
      const size = new Array<number>(k).fill(0);
      C.forEach((c) => c.fill(0));
      rows.forEach((r, i) => {
        const l = labels[i] ?? 0;
        const c = C[l];
        if (!c) return;
        size[l] = (size[l] ?? 0) + 1;
        r.idx.forEach((j, t) => (c[j] = (c[j] ?? 0) + (r.val[t] ?? 0)));
      });
      C.forEach((c, l) => {
        const s = size[l] ?? 0;
        if (s > 0) for (let j = 0; j < dim; j++) c[j] = (c[j] ?? 0) / s;
      });
    }
    if (!best || sse < best.sse - 1e-12) best = { labels, sse };
  }
  const map = new Map<number, number>();
  return (best?.labels ?? []).map((l) => {
    let m = map.get(l);
    if (m === undefined) map.set(l, (m = map.size));
    return m;
  });
}

// ————————————————————————————————————————————— the run

interface Clustering {
  name: string;
  results: { fine: number[]; broad: number[]; ms: number }[];
}

const SEEDS = [DEFAULT_TOPICS.seed, DEFAULT_TOPICS.seed + 1, DEFAULT_TOPICS.seed + 2];

function median(xs: number[]): number {
  return quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
}

function relabel(values: readonly string[]): number[] {
  const m = new Map<string, number>();
  return values.map((v) => {
    let x = m.get(v);
    if (x === undefined) m.set(v, (x = m.size));
    return x;
  });
}

export async function benchTopics(): Promise<string> {
  const records = loadCorpus();
  const n = records.length;
  const ids = records.map((r) => r.id);
  const texts = records.map((r) => SearchIndex.semanticText(r));
  const authors = records.map((r) => r.authors);

  const t0 = performance.now();
  const { model, vectors } = LsaModel.fitWithVectors(texts);
  const lsaMs = performance.now() - t0;
  const input = { ids, texts, vectors, dim: model.dim, authors };
  const counts = topicCounts(n);

  // External labels, matched by normalised title.
  const keywords = await loadKeywords();
  const matched = records.map((r) => (r.title ? keywords.get(normalizeKey(r.title)) : undefined));
  const untitled = records.filter((r) => !r.title).length;
  const unmatchedTitled = records.filter((r, i) => r.title && !matched[i]).length;
  const truthSite = dominantKeywords(matched.map((m) => m?.virtualSite));
  const truthAuthors = dominantKeywords(matched.map((m) => m?.authors));
  const evalOn = (truth: (string | undefined)[]) => truth.flatMap((t, i) => (t ? [i] : []));
  const siteIdx = evalOn(truthSite);
  const authorIdx = evalOn(truthAuthors);

  // Each configuration is run with SEEDS seeds when it uses randomness; metrics are mean ± sd.
  const runs: Clustering[] = [];
  let chosen: TopicModel | undefined;
  const methods: TopicMethod[] = ['ward-kmeans', 'ward', 'kmeans'];
  for (const method of methods) {
    const seeded = method === 'kmeans';
    const results: Clustering['results'] = [];
    for (const seed of seeded ? SEEDS : [DEFAULT_TOPICS.seed]) {
      const s = performance.now();
      const m = buildTopics(input, { method, seed });
      const ms = performance.now() - s;
      if (method === DEFAULT_TOPICS.method) chosen = m;
      const a = ids.map((id) => m.assignments.get(id));
      results.push({
        fine: relabel(a.map((x) => x?.fine ?? '')),
        broad: relabel(a.map((x) => x?.broad ?? '')),
        ms,
      });
    }
    const isDefault = method === DEFAULT_TOPICS.method;
    runs.push({ name: `ours: ${method} on LSA${isDefault ? ' (default)' : ''}`, results });
  }

  // Plain k-means on tf-idf, the same k for each level, the levels clustered independently.
  {
    const { rows: tfidf, dim } = tfidfRows(texts);
    const results: Clustering['results'] = [];
    for (const seed of SEEDS) {
      const s = performance.now();
      const o = { seed, restarts: DEFAULT_TOPICS.restarts, maxIterations: 100 };
      const fine = sparseKmeans(tfidf, dim, chosen?.fineCount ?? counts.fine, o);
      const broad = sparseKmeans(tfidf, dim, chosen?.broadCount ?? counts.broad, o);
      results.push({ fine, broad, ms: performance.now() - s });
    }
    runs.push({ name: 'plain k-means on tf-idf', results });
  }
  // Floor: the default's topics shuffled over the papers (same sizes, no information).
  {
    const base = runs[0]?.results[0];
    if (base) {
      const results: Clustering['results'] = SEEDS.map((seed) => {
        const rand = prng(seed);
        const perm = ids.map((_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [perm[i], perm[j]] = [perm[j] ?? 0, perm[i] ?? 0];
        }
        return {
          fine: perm.map((p) => base.fine[p] ?? 0),
          broad: perm.map((p) => base.broad[p] ?? 0),
          ms: 0,
        };
      });
      runs.push({ name: 'random (same sizes)', results });
    }
  }

  const corpus = new TermCorpus(texts);
  const rows: string[][] = [];
  for (const run of runs) {
    for (const level of ['fine', 'broad'] as const) {
      const metrics = run.results.map((r) => {
        const labels = r[level];
        const k = 1 + Math.max(...labels);
        const pick = (idx: number[], truth: (string | undefined)[]) => ({
          pred: idx.map((i) => labels[i] ?? 0),
          gold: idx.map((i) => truth[i] ?? ''),
        });
        const s = pick(siteIdx, truthSite);
        const a = pick(authorIdx, truthAuthors);
        const sizes = [...Array(k).keys()]
          .map((c) => labels.filter((l) => l === c).length)
          .sort((x, y) => x - y);
        return {
          k,
          values: [
            nmi(s.pred, s.gold),
            ari(s.pred, s.gold),
            nmi(a.pred, a.gold),
            ari(a.pred, a.gold),
            npmi(
              corpus.docs,
              describeClusters(corpus, labels, k).map((d) => d.keys),
            ),
          ],
          sizes: `${sizes[0] ?? 0} / ${quantile(sizes, 0.5)} / ${sizes[sizes.length - 1] ?? 0}`,
          ms: r.ms,
        };
      });
      const first = metrics[0];
      if (!first) continue;
      const cell = (j: number) => {
        const xs = metrics.map((m) => m.values[j] ?? NaN);
        const mean = xs.reduce((x, y) => x + y, 0) / xs.length;
        if (xs.length < 2) return mean.toFixed(3);
        const sd = Math.sqrt(xs.reduce((x, y) => x + (y - mean) ** 2, 0) / (xs.length - 1));
        return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
      };
      rows.push([
        run.name + (run.results.length > 1 ? ` (${run.results.length} seeds)` : ''),
        level,
        String(first.k),
        cell(0),
        cell(1),
        cell(2),
        cell(3),
        cell(4),
        first.sizes,
        level === 'fine' && first.ms > 0 ? median(metrics.map((m) => m.ms)).toFixed(0) : '',
      ]);
    }
  }

  // Build time of the default, warm (median of 3), besides the first-run times in the table.
  const warm: number[] = [];
  for (let r = 0; r < 3; r++) {
    const s = performance.now();
    buildTopics(input);
    warm.push(performance.now() - s);
  }

  const out: string[] = [];
  out.push(`## Topics (ICLR 2020, ${n} papers)\n`);
  out.push(
    `External labels matched by normalised title: virtual site ${siteIdx.length} papers with keywords, ` +
      `authors' keywords ${authorIdx.length}; ${untitled} untitled records and ${unmatchedTitled} ` +
      `titled ones match no record of the external files. ` +
      `Distinct dominant keywords: ${new Set(truthSite.filter(Boolean)).size} (site), ` +
      `${new Set(truthAuthors.filter(Boolean)).size} (authors). LSA fit ${fmt(lsaMs)} ms; ` +
      `buildTopics (default, warm, median of 3) ${fmt(median(warm))} ms. NPMI: mean over each ` +
      `topic's top-10 terms' pairs (document co-occurrence over the corpus), averaged over topics; ` +
      `every clustering named by the same c-TF-IDF term extraction.\n`,
  );
  out.push(
    table(
      [
        'method',
        'level',
        'k',
        'NMI site',
        'ARI site',
        'NMI authors',
        'ARI authors',
        'NPMI top-10',
        'size min / median / max',
        'build ms',
      ],
      rows,
    ),
  );
  if (chosen) {
    const topics = chosen.topics;
    out.push('\n### Broad areas (default method)\n');
    out.push(
      table(
        ['id', 'label', 'size', 'fine topics', 'top terms'],
        topics
          .filter((t) => t.level === 1)
          .map((t) => [
            t.id,
            t.label,
            String(t.size),
            String(topics.filter((f) => f.parent === t.id).length),
            t.terms.slice(0, 6).join(', '),
          ]),
      ),
    );
    out.push('\n### Fine topics (default method)\n');
    out.push(
      table(
        ['id', 'label', 'size', 'top terms', 'top authors'],
        topics
          .filter((t) => t.level === 2)
          .map((t) => [
            t.id,
            t.label,
            String(t.size),
            t.terms.slice(0, 5).join(', '),
            t.topAuthors
              .slice(0, 2)
              .map((a) => `${a.name} (${a.count})`)
              .join(', '),
          ]),
      ),
    );
  }
  return out.join('\n');
}
