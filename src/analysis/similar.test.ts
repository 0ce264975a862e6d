// Similar papers on the real ICLR 2020 corpus: nearest lists (self excluded, deterministic,
// sensible on clear cases) and "more like these" (SVM over positives, negatives, fallback).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import { LsaModel } from '../index/lsa.js';
import { SearchIndex } from '../index/search.js';
import {
  moreLikeThese,
  nearestPapers,
  DEFAULT_SEMANTIC_WEIGHT,
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
