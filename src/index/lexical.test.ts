// LexicalIndex.topK against scoring every posting with accumulate, on the real listing.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import { mulberry32 } from '../core/random.js';
import { rootKey } from './analyze.js';
import { LexicalIndex, type Field, type WeightedTerm } from './lexical.js';

const records = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'listing.md',
).records;
const index = LexicalIndex.build(
  records.map((r) => ({
    title: r.title ?? '',
    authors: r.authors.join(', '),
    abstract: r.abstract,
  })),
);

/** Every document's score by `accumulate`, then the k best (score desc, doc asc). */
function exhaustive(terms: readonly WeightedTerm[], k: number, allowed?: Uint8Array) {
  const scores = new Float64Array(index.size);
  for (const t of terms) index.accumulate(t.term, t.weight, scores, undefined, t.fields);
  const docs: number[] = [];
  scores.forEach((s, d) => {
    if (s > 0 && (!allowed || allowed[d])) docs.push(d);
  });
  docs.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  return {
    count: docs.length,
    docs: docs.slice(0, k),
    scores: docs.slice(0, k).map((d) => scores[d] ?? 0),
  };
}

describe('LexicalIndex.topK', () => {
  // Frequent and rare terms mixed, so the k best are a real selection among many matches.
  const vocab = index.vocabulary.filter((t) => index.df(t) >= 2);
  const common = vocab.filter((t) => index.df(t) > 100);
  const rare = vocab.filter((t) => index.df(t) <= 20);

  it('equals scoring every posting: same documents, order, scores and match count', () => {
    const rand = mulberry32(7);
    const pick = (a: string[]) => a[Math.floor(rand() * a.length)] ?? '';
    let pruned = 0;
    for (let trial = 0; trial < 300; trial++) {
      const terms: WeightedTerm[] = [];
      const m = 1 + Math.floor(rand() * 8);
      for (let j = 0; j < m; j++) {
        const term = rand() < 0.5 ? pick(common) : pick(rare);
        const fields: Field[] | undefined =
          rand() < 0.15 ? [rand() < 0.5 ? 'title' : 'abstract'] : undefined;
        terms.push({ term, weight: rand() < 0.3 ? 0.5 : 1, ...(fields ? { fields } : {}) });
        if (rand() < 0.3) terms.push({ term: rootKey(term), weight: 0.5 });
      }
      if (rand() < 0.1) terms.push({ term: 'zzzznotaword', weight: 1 });
      let allowed: Uint8Array | undefined;
      if (rand() < 0.3) {
        allowed = new Uint8Array(index.size);
        for (let d = 0; d < index.size; d++) allowed[d] = rand() < 0.6 ? 1 : 0;
      }
      const k = [1, 5, 10, 50][Math.floor(rand() * 4)] ?? 10;
      const got = index.topK(terms, k, allowed);
      const want = exhaustive(terms, k, allowed);
      expect(got.docs).toEqual(want.docs);
      expect(got.scores).toEqual(want.scores);
      expect(got.count).toBe(want.count);
      if (want.count > k) pruned++;
    }
    // Most trials had more matches than k: the selection, not just the sort, was exercised.
    expect(pruned).toBeGreaterThan(100);
  });

  it('handles no terms, unknown terms and k = 0', () => {
    expect(index.topK([], 10).docs).toEqual([]);
    expect(index.topK([{ term: 'zzzznotaword', weight: 1 }], 10).count).toBe(0);
    const r = index.topK([{ term: common[0] ?? 'learn', weight: 1 }], 0);
    expect(r.docs).toEqual([]);
    expect(r.count).toBe(index.df(common[0] ?? 'learn'));
  });
});
