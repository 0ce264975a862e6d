// Similar papers on the real ICLR 2020 corpus: nearest lists (self excluded, deterministic,
// sensible on clear cases) and "more like these" (SVM over positives, negatives, fallback).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import { LsaModel } from '../index/lsa.js';
import { SearchIndex } from '../index/search.js';
import { HnswIndex } from '../index/ann.js';
import { mulberry32 } from '../core/random.js';
import {
  ApproxSimilarity,
  buildSimilarityIndex,
  moreLikeThese,
  nearestPapers,
  nearestPapersApprox,
  DEFAULT_SEMANTIC_WEIGHT,
  SimilarityIndex,
  similarTo,
  type SimilarInput,
} from './similar.js';

const records = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'listing.md',
).records;
const texts = records.map((r) => SearchIndex.semanticText(r));
const { model, vectors } = LsaModel.fitWithVectors(texts);
const input: SimilarInput = { ids: records.map((r) => r.id), texts, vectors, dim: model.dim };
const titleOf = new Map(records.map((r) => [r.id, r.title ?? '']));

function idOf(titleStart: string): string {
  const r = records.find((x) => x.title?.startsWith(titleStart));
  if (!r) throw new Error(`no paper titled "${titleStart}…"`);
  return r.id;
}

const GNN = [
  idOf('The Logical Expressiveness of Graph Neural Networks'),
  idOf('Geom-GCN'),
  idOf('DropEdge'),
];
const isGraphPaper = (id: string) => /graph|gnn|gcn|message passing/i.test(titleOf.get(id) ?? '');

/** What a similarity index is made of (compared part by part between two builds). */
const INDEX_PARTS = [
  'terms',
  'surface',
  'df',
  'topicality',
  'docOff',
  'docIdx',
  'docTf',
  'docInv',
  'idf',
  'tfWeight',
  'docVal',
] as const;

describe('nearestPapers', () => {
  const near = nearestPapers(input, 10);

  it('gives every paper k others, best first, never itself, with readable reasons', () => {
    expect(near.size).toBe(records.length);
    for (const [id, list] of near) {
      expect(list).toHaveLength(10);
      expect(list.map((s) => s.id)).not.toContain(id);
      expect(new Set(list.map((s) => s.id)).size).toBe(10);
      for (let i = 1; i < list.length; i++)
        expect(list[i]?.score).toBeLessThanOrEqual(list[i - 1]?.score ?? Infinity);
      for (const s of list) {
        expect(s.reason.sharedTerms.length).toBeLessThanOrEqual(5);
        expect(s.reason.semantic).toBeGreaterThanOrEqual(-1);
        expect(s.reason.semantic).toBeLessThanOrEqual(1.0001);
        for (const t of s.reason.sharedTerms) expect(t).toMatch(/^[a-z0-9][a-z0-9 -]*$/);
      }
    }
  });

  it('is deterministic: a fresh input (new arrays, same data) gives the same lists', () => {
    const again = nearestPapers(
      {
        ids: [...input.ids],
        texts: [...texts],
        vectors: Float32Array.from(vectors),
        dim: model.dim,
      },
      10,
    );
    expect(again).toEqual(near);
  });

  it('finds the other lottery-ticket papers for a lottery-ticket paper, and says why', () => {
    const list = near.get(idOf('Playing the lottery with rewards')) ?? [];
    const tickets = list.slice(0, 3).filter((s) => /ticket/i.test(titleOf.get(s.id) ?? ''));
    expect(tickets.length).toBeGreaterThanOrEqual(2);
    expect(tickets[0]?.reason.sharedTerms).toContain('winning tickets');
  });

  it('pairs the two neural text degeneration papers', () => {
    // "The Curious Case of Neural Text Degeneration" and the unlikelihood-training paper (whose
    // title the listing lost) study the same problem.
    const list = similarTo(input, idOf('The Curious Case of Neural Text Degeneration'), 3);
    const unlikelihood = records.find((r) =>
      r.abstract.startsWith('Neural text generation is a key'),
    );
    expect(list[0]?.id).toBe(unlikelihood?.id);
    expect(similarTo(input, 'no-such-id')).toEqual([]);
  });

  it('mixes the two cosines with the chosen weight (0.2 LSA)', () => {
    expect(DEFAULT_SEMANTIC_WEIGHT).toBe(0.2);
    const [first] = similarTo(input, GNN[0] ?? '', 1);
    expect(first).toBeDefined();
    if (!first) return;
    expect(first.score).toBeCloseTo(0.2 * first.reason.semantic + 0.8 * first.reason.lexical, 3);
  });
});

describe('moreLikeThese', () => {
  it('ranks graph neural network papers first for three GNN papers, and says so', () => {
    const res = moreLikeThese(input, GNN);
    expect(res.method).toBe('svm');
    expect(res.results).toHaveLength(20);
    const ids = res.results.map((r) => r.id);
    for (const p of GNN) expect(ids).not.toContain(p);
    expect(ids.slice(0, 10).filter(isGraphPaper).length).toBeGreaterThanOrEqual(9);
    const graphTerms = res.explanation.slice(0, 5).filter((t) => /graph|gcn|gnn|node/.test(t));
    expect(graphTerms.length).toBeGreaterThanOrEqual(3);
    for (const r of res.results.slice(0, 5)) expect(r.terms.length).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    expect(moreLikeThese(input, GNN, [], 50)).toEqual(moreLikeThese(input, GNN, [], 50));
  });

  it('pushes papers like the negatives down', () => {
    // The realistic feedback: "not these" on the two best results. Papers most like those two
    // (their nearest neighbours, labelled papers aside) should sink.
    const n = records.length;
    const base = moreLikeThese(input, GNN, [], n);
    const negatives = base.results.slice(0, 2).map((r) => r.id);
    const withNeg = moreLikeThese(input, GNN, negatives, n);
    const ids = withNeg.results.map((r) => r.id);
    for (const id of negatives) expect(ids).not.toContain(id);
    expect(ids).toHaveLength(n - GNN.length - negatives.length);
    const like = [
      ...new Set(negatives.flatMap((id) => similarTo(input, id, 8).map((s) => s.id))),
    ].filter((id) => !GNN.includes(id) && !negatives.includes(id));
    expect(like.length).toBeGreaterThanOrEqual(5);
    const meanRank = (res: typeof base) =>
      like.reduce((s, id) => s + res.results.findIndex((r) => r.id === id), 0) / like.length;
    expect(meanRank(withNeg)).toBeGreaterThan(meanRank(base) + 20);
  });

  it('falls back to centroid similarity for a single positive', () => {
    const lottery = idOf('Playing the lottery with rewards');
    const res = moreLikeThese(input, [lottery], [], 5);
    expect(res.method).toBe('centroid');
    expect(res.results.map((r) => r.id)).toEqual(similarTo(input, lottery, 5).map((s) => s.id));
    expect(res.explanation.some((t) => /ticket|lottery/.test(t))).toBe(true);
  });

  it('reports unknown ids and returns nothing without a known positive', () => {
    const res = moreLikeThese(input, ['nope'], ['nada']);
    expect(res.results).toEqual([]);
    expect(res.unknown).toEqual(['nope', 'nada']);
  });
});

// The large-corpus path on a small synthetic corpus: papers drawn from 12 topics (each its own
// made-up vocabulary and two-word phrases) over shared filler words, LSA fitted on them.
function syntheticCorpus(n: number, seed: number): SimilarInput & { texts: string[] } {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const syll = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'zi', 'pe', 'su', 'da', 'gu'];
  const word = () => Array.from({ length: 3 }, () => pick(syll)).join('') + pick(['x', 'q', 'z']);
  const filler = Array.from({ length: 150 }, word);
  const topics = Array.from({ length: 12 }, () => Array.from({ length: 25 }, word));
  const ids: string[] = [];
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const main = topics[i % topics.length] ?? [];
    const second = topics[Math.floor(rand() * topics.length)] ?? [];
    const words: string[] = [];
    for (let w = 0; w < 70; w++) {
      const r = rand();
      if (r < 0.3) words.push(pick(main));
      else if (r < 0.38) words.push(`${pick(main.slice(0, 8))} ${pick(main.slice(8, 12))}`);
      else if (r < 0.46) words.push(pick(second));
      else words.push(pick(filler));
    }
    ids.push(`p${i}`);
    texts.push(`${words.slice(0, 6).join(' ')}. ${words.join(' ')}.`);
  }
  const { model, vectors } = LsaModel.fitWithVectors(texts);
  return { ids, texts, vectors, dim: model.dim };
}

describe('ApproxSimilarity (HNSW candidates, exact re-ranking)', () => {
  const synth = syntheticCorpus(500, 5);
  const ann = HnswIndex.build(synth.vectors, synth.dim);
  const approx = new ApproxSimilarity(synth, { ann });
  const exact = nearestPapers(synth, 10);

  it('agrees with the exact path: same lists, same scores and reasons', () => {
    let identical = 0;
    let found = 0;
    for (const id of synth.ids) {
      const want = exact.get(id) ?? [];
      const got = approx.similarTo(id, 10);
      expect(got).toHaveLength(10);
      if (JSON.stringify(got) === JSON.stringify(want)) identical++;
      const wantIds = new Set(want.map((s) => s.id));
      found += got.filter((s) => wantIds.has(s.id)).length;
      // Whatever it returns is scored exactly as the exact path scores that pair.
      for (const s of got) {
        const same = want.find((w) => w.id === s.id);
        if (same) expect(s).toEqual(same);
      }
    }
    expect(found / (10 * synth.ids.length)).toBeGreaterThanOrEqual(0.99);
    expect(identical / synth.ids.length).toBeGreaterThanOrEqual(0.95);
  });

  it('scores a candidate with the exact mix even when the candidates are few', () => {
    const few = new ApproxSimilarity(synth, { ann, semanticCandidates: 12, lexicalCandidates: 0 });
    const idx = new SimilarityIndex(synth);
    for (const id of synth.ids.slice(0, 50)) {
      const i = idx.indexOf(id) ?? -1;
      const row = idx.row(i);
      const got = few.similarTo(id, 10);
      expect(got.map((s) => s.id)).not.toContain(id);
      for (const s of got) {
        const j = idx.indexOf(s.id) ?? -1;
        expect(s.score).toBe(Math.round((row.mix[j] ?? NaN) * 10000) / 10000);
        expect(s.reason.lexical).toBe(Math.round((row.lex[j] ?? NaN) * 10000) / 10000);
      }
      for (let r = 1; r < got.length; r++)
        expect(got[r]?.score).toBeLessThanOrEqual(got[r - 1]?.score ?? Infinity);
    }
  });

  it('gives an empty list for an unknown id and refuses an ANN index of other vectors', () => {
    expect(approx.similarTo('no-such-id')).toEqual([]);
    expect(approx.nearestOf(-1)).toEqual([]);
    expect(approx.nearestOf(synth.ids.length)).toEqual([]);
    const other = HnswIndex.build(synth.vectors.subarray(0, 100 * synth.dim), synth.dim);
    expect(() => new ApproxSimilarity(synth, { ann: other })).toThrow(/ANN index/);
  });

  it('is deterministic: fresh arrays and a fresh index give the same lists', () => {
    const again = nearestPapersApprox(
      { ...synth, ids: [...synth.ids], texts: [...synth.texts], vectors: synth.vectors.slice() },
      10,
      { ann: HnswIndex.build(synth.vectors.slice(), synth.dim) },
    );
    expect(again).toEqual(approx.nearestAll(10));
  });

  it('ranks like moreLikeThese: the same centroid list, and an SVM list that overlaps', () => {
    const one = approx.moreLikeThese(['p3'], [], 10);
    expect(one.method).toBe('centroid');
    expect(one).toEqual(moreLikeThese(synth, ['p3'], [], 10));
    const withNeg = approx.moreLikeThese(['p3'], ['p15'], 10);
    expect(withNeg).toEqual(moreLikeThese(synth, ['p3'], ['p15'], 10));

    // Three papers of topic 7 (ids ≡ 7 mod 12): the results are topic-7 papers.
    const pos = ['p7', 'p19', 'p31'];
    const svm = approx.moreLikeThese(pos, ['p43'], 20, { negativeSample: 200 });
    const full = moreLikeThese(synth, pos, ['p43'], 20);
    expect(svm.method).toBe('svm');
    expect(svm.results).toHaveLength(20);
    const ids = svm.results.map((r) => r.id);
    for (const p of [...pos, 'p43']) expect(ids).not.toContain(p);
    const topic7 = ids.filter((id) => Number(id.slice(1)) % 12 === 7).length;
    expect(topic7).toBeGreaterThanOrEqual(18);
    const fullIds = new Set(full.results.map((r) => r.id));
    expect(ids.filter((id) => fullIds.has(id)).length).toBeGreaterThanOrEqual(12);
    expect(approx.moreLikeThese(pos, ['p43'], 20, { negativeSample: 200 })).toEqual(svm);
    expect(approx.moreLikeThese(['nope'], ['p1']).results).toEqual([]);
    expect(approx.moreLikeThese(['nope'], ['p1']).unknown).toEqual(['nope']);
  });
});

describe('building in slices (ApproxSimilarity.build, buildSimilarityIndex)', () => {
  // Fresh input objects: the index cache is keyed by the input, and each build must do the work.
  const copy = (x: SimilarInput): SimilarInput => ({ ...x, ids: [...x.ids] });
  const ann = HnswIndex.build(input.vectors, input.dim);

  it('yields between slices and builds exactly what the synchronous constructor builds', async () => {
    let pauses = 0;
    const sliced = await ApproxSimilarity.build(
      copy(input),
      { ann },
      {
        sliceMs: 0,
        pause: () => {
          pauses++;
          return Promise.resolve();
        },
      },
    );
    const sync = new ApproxSimilarity(copy(input), { ann });
    // 687 papers tokenised 64 at a time, and the other passes: several slices.
    expect(pauses).toBeGreaterThanOrEqual(5);
    for (const key of INDEX_PARTS) expect(sliced.index[key], key).toEqual(sync.index[key]);
    expect(sliced.memoryStats()).toEqual(sync.memoryStats());
    for (const id of input.ids.slice(0, 40))
      expect(sliced.similarTo(id, 10)).toEqual(sync.similarTo(id, 10));
    const pos = input.ids.slice(3, 6);
    expect(sliced.moreLikeThese(pos, [], 20)).toEqual(sync.moreLikeThese(pos, [], 20));
  });

  it('gives the event loop back: timers and I/O callbacks run while it builds', async () => {
    let turns = 0;
    let building = true;
    const tick = () => {
      turns++;
      if (building) setImmediate(tick);
    };
    setImmediate(tick);
    const built = buildSimilarityIndex(copy(input), {}, { sliceMs: 0 });
    await built;
    building = false;
    // setImmediate callbacks run once per loop turn; a build that never yielded would let one.
    expect(turns).toBeGreaterThanOrEqual(5);
  });

  it('refuses an ANN index of other vectors before doing any work', async () => {
    const other = HnswIndex.build(input.vectors.subarray(0, 10 * input.dim), input.dim);
    await expect(ApproxSimilarity.build(copy(input), { ann: other })).rejects.toThrow(/ANN index/);
  });
});

describe('texts given on demand, and the compact document vectors', () => {
  const synth = syntheticCorpus(300, 11);
  const keys = INDEX_PARTS;

  it('builds the same index, lists and "more like these" from a function as from an array', async () => {
    const asked: number[] = [];
    const lazy: SimilarInput = {
      ...synth,
      ids: [...synth.ids],
      texts: (i) => {
        asked.push(i);
        // A new string each time, as SearchIndex.semanticText makes.
        return `${synth.texts[i] ?? ''} `.slice(0, -1);
      },
    };
    const fromArray = new SimilarityIndex({ ...synth, ids: [...synth.ids] });
    const fromFn = new SimilarityIndex(lazy);
    for (const key of keys) expect(fromFn[key], key).toEqual(fromArray[key]);
    // Each text read once, in order.
    expect(asked).toEqual(synth.ids.map((_, i) => i));
    const ann = HnswIndex.build(synth.vectors, synth.dim);
    const sliced = await ApproxSimilarity.build({ ...lazy, ids: [...synth.ids] }, { ann });
    const sync = new ApproxSimilarity({ ...synth, ids: [...synth.ids] }, { ann });
    for (const id of synth.ids.slice(0, 60))
      expect(sliced.similarTo(id, 10)).toEqual(sync.similarTo(id, 10));
    expect(sliced.moreLikeThese(['p7', 'p19'], ['p43'], 20)).toEqual(
      sync.moreLikeThese(['p7', 'p19'], ['p43'], 20),
    );
    expect(nearestPapers({ ...lazy, ids: [...synth.ids] }, 5)).toEqual(
      nearestPapers({ ...synth, ids: [...synth.ids] }, 5),
    );
    expect(() => new SimilarityIndex({ ...lazy, ids: synth.ids.slice(1) })).toThrow(/same papers/);
  });

  it('reads a text made by concatenation without changing what is built from it', () => {
    // Cons-strings (left unflattened by the build) and flat copies of the same texts.
    const cons = synth.texts.map((t) => `${t.slice(0, 10)}${t.slice(10)}`);
    const flat = synth.texts.map((t) => Buffer.from(t, 'utf8').toString('utf8'));
    const a = new SimilarityIndex({ ...synth, ids: [...synth.ids], texts: cons });
    const b = new SimilarityIndex({ ...synth, ids: [...synth.ids], texts: flat });
    for (const key of keys) expect(a[key], key).toEqual(b[key]);
  });

  it('keeps counts in the narrowest array, and values are sublinear tf · idf at unit length', () => {
    const idx = new SimilarityIndex(input);
    expect(idx.docTf).toBeInstanceOf(Uint8Array);
    // One paper repeating a word 300 times (another has it once): its count needs 16 bits.
    const many = {
      ...synth,
      ids: [...synth.ids],
      texts: synth.texts.map((t, i) =>
        i === 0 ? `${t} ${'kalomix '.repeat(300)}` : i === 1 ? `${t} kalomix` : t,
      ),
    };
    const wide = new SimilarityIndex(many);
    expect(wide.docTf).toBeInstanceOf(Uint16Array);
    expect(Math.max(...wide.docTf)).toBeGreaterThanOrEqual(300);
    for (const x of [idx, wide]) {
      const all = x.docVal;
      for (let i = 0; i < Math.min(x.n, 200); i++) {
        const v = x.rowValues(i);
        const a = x.docOff[i] ?? 0;
        expect(v).toEqual(all.subarray(a, a + v.length));
        expect(x.doc(i)?.val).toEqual(v);
        let norm = 0;
        v.forEach((y, j) => {
          const t = x.docIdx[a + j] ?? 0;
          const c = x.docTf[a + j] ?? 0;
          const n = x.n;
          expect(x.idf[t]).toBe(Math.log((1 + n) / (1 + (x.df[t] ?? 0))) + 1);
          expect(y).toBe((1 + Math.log(c)) * (x.idf[t] ?? 0) * (x.docInv[i] ?? 0));
          norm += y * y;
        });
        if (v.length) expect(norm).toBeCloseTo(1, 12);
      }
    }
  });
});
