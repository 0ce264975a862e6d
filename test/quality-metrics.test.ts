// The search-quality metrics against values computed by hand, the TREC run format, and the
// evaluation set's mapping of judged titles onto the corpus.

import { describe, expect, it } from 'vitest';
import { loadCorpus, loadEvalSet } from '../bench/quality/evalset.js';
import {
  gain,
  mean,
  ndcg,
  recall,
  reciprocalRank,
  scoreQuery,
  topK,
} from '../bench/quality/metrics.js';
import { toTrecRun } from '../bench/quality/run.js';
import { fts5Query } from '../bench/quality/systems.js';

// a and c are on topic (grade 2), b is partly relevant (grade 1), x y z are not judged.
const judged = new Map([
  ['a', 2],
  ['b', 1],
  ['c', 2],
]);

describe('quality metrics', () => {
  it('gain is 2^grade - 1', () => {
    expect([gain(0), gain(1), gain(2)]).toEqual([0, 1, 3]);
  });

  it('reciprocal rank: first relevant paper, optionally of a minimum grade', () => {
    expect(reciprocalRank(['x', 'a', 'y', 'b'], judged)).toBe(1 / 2);
    expect(reciprocalRank(['b', 'x', 'a'], judged)).toBe(1);
    expect(reciprocalRank(['b', 'x', 'a'], judged, 10, 2)).toBe(1 / 3);
    expect(reciprocalRank(['x', 'y', 'z'], judged)).toBe(0);
  });

  it('only the top k count', () => {
    const late = [...'0123456789'.split(''), 'a'];
    expect(reciprocalRank(late, judged)).toBe(0);
    expect(recall(late, judged)).toBe(0);
    expect(ndcg(late, judged)).toBe(0);
    expect(reciprocalRank(late, judged, 11)).toBeCloseTo(1 / 11, 12);
  });

  it('recall: share of all relevant papers in the top k', () => {
    expect(recall(['x', 'a', 'y', 'b'], judged)).toBeCloseTo(2 / 3, 12);
    expect(recall(['x', 'a', 'y', 'b'], judged, 10, 2)).toBe(1 / 2);
    expect(recall(['c', 'b', 'a'], judged)).toBe(1);
  });

  it('nDCG with graded gains, ideal from every judged paper', () => {
    // DCG = 3/log2(3) + 1/log2(5) = 2.32347; IDCG = 3 + 3/log2(3) + 1/log2(4) = 5.39279
    expect(ndcg(['x', 'a', 'y', 'b'], judged)).toBeCloseTo(0.430847, 6);
    expect(ndcg(['a', 'c', 'b'], judged)).toBe(1);
    expect(ndcg(['c', 'a', 'b', 'x'], judged)).toBe(1);
    expect(ndcg([], judged)).toBe(0);
    // known item at rank 3 behind its grade-1 neighbour: (1 + 3/2) / (3 + 1/log2(3))
    const known = new Map([
      ['t', 2],
      ['s', 1],
    ]);
    expect(ndcg(['s', 'x', 't'], known)).toBeCloseTo(0.688529, 6);
  });

  it('a repeated id counts once', () => {
    expect(topK(['a', 'a', 'c', 'a'], 10)).toEqual(['a', 'c']);
    // (3 + 3/log2(3)) / 5.39279
    expect(ndcg(['a', 'a', 'c'], judged)).toBeCloseTo(0.907284, 6);
    expect(recall(['a', 'a', 'a'], judged)).toBeCloseTo(1 / 3, 12);
  });

  it('a query without relevant papers scores 0, not NaN', () => {
    expect(scoreQuery(['a'], new Map())).toEqual({ mrr: 0, ndcg: 0, recall: 0 });
    expect(mean([0.5, 1, 0])).toBe(0.5);
  });
});

describe('TREC run files and engine query escaping', () => {
  it('writes qid Q0 id rank score tag, scores falling with rank', () => {
    const results = new Map([
      ['Q1', ['a', 'b']],
      ['Q2', ['c']],
      ['Q3', []],
    ]);
    expect(toTrecRun(results, 'sys')).toBe('Q1 Q0 a 1 2 sys\nQ1 Q0 b 2 1 sys\nQ2 Q0 c 1 1 sys\n');
    expect(() => toTrecRun(results, 'two words')).toThrow(/one word/);
  });

  it('turns any user text into a valid FTS5 OR query', () => {
    expect(fts5Query('author:"Sergey Levine"')).toBe('"author" OR "sergey" OR "levine"*');
    expect(fts5Query('NEAR(a b) AND -x*', false)).toBe('"near" OR "a" OR "b" OR "and" OR "x"');
    expect(fts5Query('  ?!  ')).toBe('');
  });
});

describe('evaluation set', () => {
  it('maps every judged title to a paper of the corpus', () => {
    const records = loadCorpus();
    const { queries, qrels } = loadEvalSet(records);
    const count = (kind: string) => queries.filter((q) => q.kind === kind).length;
    expect(queries).toHaveLength(119);
    expect([count('known'), count('paraphrase'), count('topical'), count('filter')]).toEqual([
      34, 35, 28, 22,
    ]);
    const grades = [...qrels.values()].flatMap((m) => [...m.values()]);
    expect(grades).toHaveLength(577);
    expect(grades.filter((g) => g === 2)).toHaveLength(393);
    const ids = new Set(records.map((r) => r.id));
    for (const m of qrels.values()) for (const id of m.keys()) expect(ids.has(id)).toBe(true);
  });
});
