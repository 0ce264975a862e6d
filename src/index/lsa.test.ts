import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import { dot } from './embedder.js';
import { LsaModel } from './lsa.js';

const records = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'listing.md',
).records;
const texts = records.map((r) => `${r.title ?? ''}. ${r.abstract}`);

describe('LSA embedder', () => {
  const { model, vectors } = LsaModel.fitWithVectors(texts);

  it('is deterministic: the same input gives the same id and vectors', () => {
    const again = LsaModel.fitWithVectors(texts);
    expect(again.model.id).toBe(model.id);
    expect(again.vectors).toEqual(vectors);
    expect(LsaModel.idFor(texts)).toBe(model.id);
  });

  it('gives unit vectors, and a paper is nearest to its own text', () => {
    const k = model.dim;
    expect(k).toBe(128);
    for (let i = 0; i < 20; i++) {
      const v = vectors.subarray(i * k, (i + 1) * k);
      expect(dot(v, v)).toBeCloseTo(1, 4);
    }
    // A paraphrase with no title words finds Nucleus Sampling's paper among the top 5.
    const q = model.embedOne(
      'choosing the most likely next token makes generated language bland and repetitive',
    );
    const scores = records.map((_, i) => dot(q, vectors.subarray(i * k, (i + 1) * k)));
    const top = scores
      .map((s, i) => [s, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 5);
    const titles = top.map(([, i]) => records[i]?.title);
    expect(titles).toContain('The Curious Case of Neural Text Degeneration');
  });

  it('round-trips through bytes', async () => {
    const back = LsaModel.fromBytes(model.toBytes());
    expect(back.id).toBe(model.id);
    const [a] = await model.embed(['graph neural networks']);
    const [b] = await back.embed(['graph neural networks']);
    expect(b).toEqual(a);
  });
});
