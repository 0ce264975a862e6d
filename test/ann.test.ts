import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, learnModel } from '../bench/gen-corpus.js';
import { loadOrBuildAnn } from '../src/app/embeddings.js';
import { openStore } from '../src/app/index.js';
import {
  exactTopK,
  HnswIndex,
  recallAtK,
  recallBySimilarity,
  selectTop,
} from '../src/index/ann.js';
import { LsaModel } from '../src/index/lsa.js';
import { ANN_MIN_DOCS, SearchIndex } from '../src/index/search.js';
import { parseArxivJsonl } from '../src/ingest/arxiv.js';
import { parseListing } from '../src/ingest/listing.js';

// Real-corpus-like vectors: an LSA model fitted on the ICLR 2020 listing, applied to a synthetic
// arXiv-style corpus learnt from it (as at scale: fitted on a sample, applied to the rest).
const listing = readFileSync(new URL('../data/iclr2020/listing.md', import.meta.url), 'utf8');
const real = parseListing(listing, 'l.md').records;
const lsa = LsaModel.fit(real.map((r) => SearchIndex.semanticText(r)));
const lines: string[] = [];
generate(learnModel(listing), { papers: 2100, seed: 3 }, (l) => lines.push(l));
const docs = parseArxivJsonl(lines.join(''), 's.jsonl').records;
const dim = lsa.dim;
const all = new Float32Array(docs.length * dim);
docs.forEach((d, i) => all.set(lsa.embedOne(SearchIndex.semanticText(d)), i * dim));
const N = 2000;
const base = all.subarray(0, N * dim);
const queries = Array.from({ length: docs.length - N }, (_, i) =>
  all.subarray((N + i) * dim, (N + i + 1) * dim),
);
const meanRecall = (idx: HnswIndex, ef?: number) =>
  queries.reduce(
    (a, q) => a + recallAtK(idx.search(q, 10, { ef }).ids, exactTopK(base, dim, q, 10).ids),
    0,
  ) / queries.length;

describe('HNSW approximate nearest neighbours (src/index/ann)', () => {
  const idx = HnswIndex.build(base, dim, { seed: 1 });

  it('finds ≥ 95% of the exact top 10 on LSA vectors, best first', () => {
    expect(idx.size).toBe(N);
    expect(meanRecall(idx)).toBeGreaterThanOrEqual(0.95);
    const q = queries[0] ?? new Float32Array(dim);
    const hits = idx.search(q, 10);
    expect(hits.ids).toHaveLength(10);
    for (let i = 1; i < hits.scores.length; i++)
      expect(hits.scores[i]).toBeLessThanOrEqual(hits.scores[i - 1] ?? 1);
    // A stored vector finds itself first.
    expect(idx.search(base.subarray(7 * dim, 8 * dim), 1).ids).toEqual([7]);
  });

  it('is deterministic for a seed', () => {
    const again = HnswIndex.build(base, dim, { seed: 1 });
    expect(Buffer.from(again.toBytes()).equals(Buffer.from(idx.toBytes()))).toBe(true);
    const other = HnswIndex.build(base, dim, { seed: 2 });
    expect(Buffer.from(other.toBytes()).equals(Buffer.from(idx.toBytes()))).toBe(false);
  });

  it('round-trips through bytes (float and int8), answering the same', () => {
    const back = HnswIndex.fromBytes(idx.toBytes());
    for (const q of queries.slice(0, 20)) expect(back.search(q, 10)).toEqual(idx.search(q, 10));
    expect(Buffer.from(back.toBytes()).equals(Buffer.from(idx.toBytes()))).toBe(true);
    const q8 = HnswIndex.build(base, dim, { seed: 1, quantize: 'int8' });
    const back8 = HnswIndex.fromBytes(q8.toBytes());
    for (const q of queries.slice(0, 20)) expect(back8.search(q, 10)).toEqual(q8.search(q, 10));
    expect(q8.memoryBytes).toBeLessThan(idx.memoryBytes / 2);
    // int8 codes cost a little recall, not much.
    expect(meanRecall(q8)).toBeGreaterThanOrEqual(0.9);
  });

  it('loads sharing the given vectors instead of copying them, answering and saving the same', () => {
    const bytes = idx.toBytes();
    const copied = HnswIndex.fromBytes(bytes);
    const mine = base.slice();
    const shared = HnswIndex.fromBytes(bytes, { vectors: mine });
    for (const q of queries.slice(0, 20)) {
      expect(shared.search(q, 10)).toEqual(copied.search(q, 10));
      expect(shared.search(q, 10, { ef: 40 })).toEqual(idx.search(q, 10, { ef: 40 }));
    }
    expect(Buffer.from(shared.toBytes()).equals(Buffer.from(bytes))).toBe(true);
    expect(copied.memoryBytes - shared.memoryBytes).toBe(N * dim * 4);
    // The index reads the given array itself: a changed row changes its scores, not the copy's.
    const q = base.subarray(7 * dim, 8 * dim);
    const before = shared.search(q, 1);
    expect(before.ids).toEqual([7]);
    for (let j = 7 * dim; j < 8 * dim; j++) mine[j] = 2 * (mine[j] ?? 0);
    const after = shared.search(q, 1);
    expect(after.ids).toEqual([7]);
    expect(after.scores[0]).toBeCloseTo(2 * (before.scores[0] ?? 0), 5);
    expect(copied.search(q, 1)).toEqual(before);
    // Bytes from an index that shares its vectors load anywhere (here: copying them).
    expect(HnswIndex.fromBytes(shared.toBytes()).search(q, 1).scores[0]).toBeCloseTo(
      after.scores[0] ?? 0,
      5,
    );
  });

  it('refuses vectors of the wrong size or content, quantised indexes and short bytes', () => {
    const bytes = idx.toBytes();
    expect(() => HnswIndex.fromBytes(bytes, { vectors: base.slice(0, N * dim - 1) })).toThrow();
    expect(() =>
      HnswIndex.fromBytes(bytes, { vectors: new Float32Array((N + 1) * dim) }),
    ).toThrow();
    const other = base.slice();
    other[0] = (other[0] ?? 0) + 0.5; // row 0 is among the rows compared
    expect(() => HnswIndex.fromBytes(bytes, { vectors: other })).toThrow(/differ/);
    const q8 = HnswIndex.build(base.subarray(0, 300 * dim), dim, { seed: 1, quantize: 'int8' });
    expect(() =>
      HnswIndex.fromBytes(q8.toBytes(), { vectors: base.slice(0, 300 * dim) }),
    ).toThrow();
    expect(() => HnswIndex.fromBytes(bytes.subarray(0, bytes.length - 4))).toThrow();
    expect(() =>
      HnswIndex.fromBytes(bytes.subarray(0, bytes.length - N * dim * 4), { vectors: base }),
    ).toThrow();
    // A Buffer (whose slice is a view) reads the same as a Uint8Array.
    const q = queries[3] ?? new Float32Array(dim);
    expect(HnswIndex.fromBytes(Buffer.from(bytes)).search(q, 10)).toEqual(idx.search(q, 10));
  });

  it('answers the same query the same, with buffers reused and an accept that searches again', () => {
    const q = queries[2] ?? new Float32Array(dim);
    const first = idx.search(q, 10, { ef: 300 });
    idx.search(queries[5] ?? q, 50, { ef: 20 });
    expect(idx.search(q, 10, { ef: 300 })).toEqual(first);
    const reentrant = idx.search(q, 10, {
      ef: 300,
      accept: () => idx.search(queries[6] ?? q, 10, { ef: 400 }).ids.length > 0,
    });
    expect(reentrant).toEqual(first);
  });

  it('applies a filter while searching', () => {
    const q = queries[1] ?? new Float32Array(dim);
    const even = idx.search(q, 10, { ef: 200, accept: (id) => id % 2 === 0 });
    expect(even.ids.length).toBe(10);
    expect(even.ids.every((id) => id % 2 === 0)).toBe(true);
    const exact = exactTopK(base, dim, q, 10, (id) => id % 2 === 0);
    expect(recallAtK(even.ids, exact.ids)).toBeGreaterThanOrEqual(0.8);
  });

  it('handles the empty and tiny cases', () => {
    const empty = HnswIndex.build(new Float32Array(0), dim);
    expect(empty.search(new Float32Array(dim), 5)).toEqual({ ids: [], scores: [] });
    const one = HnswIndex.build(base.subarray(0, dim), dim);
    expect(one.search(base.subarray(0, dim), 5).ids).toEqual([0]);
    expect(HnswIndex.fromBytes(empty.toBytes()).size).toBe(0);
  });
});

describe('recall measures', () => {
  it('counts ids found, or results as similar as the exact k-th (ties are not misses)', () => {
    expect(recallAtK([1, 2, 3], [3, 2, 9])).toBeCloseTo(2 / 3);
    expect(recallBySimilarity([0.9, 0.5, 0.5], [0.9, 0.5, 0.5])).toBe(1);
    expect(recallBySimilarity([0.9, 0.5, 0.4], [0.9, 0.6, 0.5])).toBeCloseTo(2 / 3);
    expect(recallBySimilarity([], [])).toBe(1);
  });
});

describe('selectTop', () => {
  it('equals sorting by score (ties by smaller id) and taking the first k', () => {
    const score = Float64Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 101) / 7);
    const ids = Array.from({ length: 5000 }, (_, i) => (i * 31) % 5000);
    const sorted = [...ids].sort((a, b) => (score[b] ?? 0) - (score[a] ?? 0) || a - b);
    for (const k of [0, 1, 10, 333, 5000, 6000])
      expect(selectTop(ids, score, k)).toEqual(sorted.slice(0, k));
  });
});

describe('SearchIndex with an ANN index (the large-corpus path)', () => {
  const sdocs = docs.slice(0, N).map((d) => ({ ...d, corpus: 'synthetic' }));
  const fitted = { model: lsa, vectors: base };
  const exact = SearchIndex.build(sdocs, { fitted, ann: null });
  const approx = SearchIndex.build(sdocs, { fitted, ann: idx0() });
  const queries = [
    'graph neural networks',
    'reinforcement learning exploration reward',
    'adversarial examples robustness',
    'variational autoencoder latent',
    'language model pretraining transformer',
  ];

  it('is used when given, and exact search when not', () => {
    expect(approx.ann).not.toBeNull();
    expect(exact.ann).toBeNull();
  });

  it('ranks lexical search the same, and hybrid and semantic nearly the same as exact', async () => {
    let overlap = 0;
    let count = 0;
    for (const q of queries) {
      const a = await approx.search(q, { mode: 'lexical', details: false });
      const e = await exact.search(q, { mode: 'lexical', details: false });
      expect(a.hits.map((h) => h.id)).toEqual(e.hits.map((h) => h.id));
      expect(a.total).toBe(e.total);
      for (const mode of ['hybrid', 'semantic'] as const) {
        const ah = (await approx.search(q, { mode, details: false })).hits.map((h) => h.id);
        const eh = (await exact.search(q, { mode, details: false })).hits.map((h) => h.id);
        overlap += ah.filter((id) => eh.includes(id)).length;
        count += eh.length;
      }
    }
    expect(overlap / count).toBeGreaterThanOrEqual(0.9);
  });
});

function idx0(): HnswIndex {
  return HnswIndex.build(base, dim, { seed: 1 });
}

describe('loadOrBuildAnn (src/app/embeddings)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confscope-ann-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds and saves the index, then loads it sharing the LSA vectors, answering the same', async () => {
    // Just above the threshold: the LSA vectors of the synthetic papers, repeated.
    const n = ANN_MIN_DOCS + 1;
    const vectors = new Float32Array(n * dim);
    for (let i = 0; i < n; i++)
      vectors.set(all.subarray((i % N) * dim, ((i % N) + 1) * dim), i * dim);
    for (let i = 0; i < n; i++)
      vectors[i * dim + (i % dim)] = (vectors[i * dim + (i % dim)] ?? 0) + 1e-3 * ((i % 7) + 1); // no ties
    const fitted = { model: lsa, vectors };
    const store = await openStore(join(dir, 'ann.sqlite'));
    try {
      const built = await loadOrBuildAnn(store, fitted);
      const loaded = await loadOrBuildAnn(store, fitted);
      expect(built).not.toBeNull();
      expect(loaded).not.toBe(built);
      if (!built || !loaded) return;
      expect(loaded.memoryBytes).toBeLessThan(built.memoryBytes - n * dim * 4 + 1);
      for (const q of queries.slice(0, 10))
        expect(loaded.search(q, 10)).toEqual(built.search(q, 10));
      expect(Buffer.from(loaded.toBytes()).equals(Buffer.from(built.toBytes()))).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);
});
