import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fold, stem } from '../index/analyze.js';
import { LsaModel } from '../index/lsa.js';
import { SearchIndex } from '../index/search.js';
import { parseListing } from '../ingest/listing.js';
import { mulberry32 } from '../core/random.js';
import {
  buildTopics,
  topicCounts,
  TOPICS_SCALE_ABOVE,
  type TopicInput,
  type TopicModel,
} from './topics.js';

const records = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'listing.md',
).records;

/** Every check that holds for any model, whatever the corpus. */
function checkModel(model: TopicModel, input: TopicInput) {
  const broad = model.topics.filter((t) => t.level === 1);
  const fine = model.topics.filter((t) => t.level === 2);
  expect(broad).toHaveLength(model.broadCount);
  expect(fine).toHaveLength(model.fineCount);
  const byId = new Map(model.topics.map((t) => [t.id, t]));
  expect(byId.size).toBe(model.topics.length);

  // Every paper has exactly one fine topic and one broad area, and they nest.
  expect(model.assignments.size).toBe(input.ids.length);
  const members = new Map<string, string[]>();
  for (const id of input.ids) {
    const a = model.assignments.get(id);
    expect(a, id).toBeDefined();
    if (!a) continue;
    const f = byId.get(a.fine);
    expect(f?.level).toBe(2);
    expect(byId.get(a.broad)?.level).toBe(1);
    expect(f?.parent).toBe(a.broad);
    expect(Number.isFinite(a.score)).toBe(true);
    for (const t of [a.fine, a.broad]) members.set(t, [...(members.get(t) ?? []), id]);
  }
  for (const t of model.topics) {
    const m = members.get(t.id) ?? [];
    expect(t.size, t.id).toBe(m.length);
    expect(t.size).toBeGreaterThan(0);
    expect(t.centralPapers).toHaveLength(Math.min(5, t.size));
    for (const p of t.centralPapers) expect(m).toContain(p);
    if (t.level === 2) expect(t.id.startsWith(`${t.parent ?? '?'}.`)).toBe(true);
    else expect(t.parent).toBeUndefined();
    for (const a of t.topAuthors) expect(a.count).toBeGreaterThanOrEqual(2);
  }
  for (const b of broad) {
    const children = fine.filter((f) => f.parent === b.id);
    expect(children.length).toBeGreaterThan(0);
    expect(children.reduce((s, f) => s + f.size, 0)).toBe(b.size);
  }

  // Labels: 2–4 words, title-cased, no Porter stem twice.
  for (const t of model.topics) {
    const words = t.label.split(/\s+/);
    expect(words.length, t.label).toBeGreaterThanOrEqual(2);
    expect(words.length, t.label).toBeLessThanOrEqual(4);
    for (const w of words) expect(w, t.label).toMatch(/^[\p{Lu}\d]/u);
    const stems = t.label
      .split(/[\s,-]+/)
      .filter(Boolean)
      .map((w) => stem(fold(w)));
    expect(new Set(stems).size, t.label).toBe(stems.length);
    expect(t.terms.length).toBeGreaterThan(0);
  }
}

function shuffled(input: TopicInput, seed: number): TopicInput {
  const n = input.ids.length;
  const perm = [...Array(n).keys()];
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [perm[i], perm[j]] = [perm[j] ?? 0, perm[i] ?? 0];
  }
  const dim = input.dim;
  const vectors = new Float32Array(input.vectors.length);
  perm.forEach((src, i) =>
    vectors.set(input.vectors.subarray(src * dim, (src + 1) * dim), i * dim),
  );
  return {
    ids: perm.map((i) => input.ids[i] ?? ''),
    texts: perm.map((i) => input.texts[i] ?? ''),
    authors: perm.map((i) => input.authors[i] ?? []),
    vectors,
    dim,
  };
}

describe('topics on the ICLR 2020 corpus', () => {
  const texts = records.map((r) => SearchIndex.semanticText(r));
  const { model: lsa, vectors } = LsaModel.fitWithVectors(texts);
  const input: TopicInput = {
    ids: records.map((r) => r.id),
    texts,
    vectors,
    dim: lsa.dim,
    authors: records.map((r) => r.authors),
  };
  const model = buildTopics(input);

  it('gives every paper one fine topic inside one broad area, with sane names', () => {
    expect(records).toHaveLength(687);
    checkModel(model, input);
    expect(model.broadCount).toBeGreaterThanOrEqual(10);
    expect(model.broadCount).toBeLessThanOrEqual(15);
    expect(model.fineCount).toBeGreaterThanOrEqual(40);
    expect(model.fineCount).toBeLessThanOrEqual(80);
    // Fine labels are unique; some well-known topics are found and named.
    const fineLabels = model.topics.filter((t) => t.level === 2).map((t) => t.label);
    expect(new Set(fineLabels).size).toBe(fineLabels.length);
    const all = model.topics.map((t) => `${t.label} ${t.terms.join(' ')}`).join(' | ');
    for (const name of ['Graph', 'Adversarial', 'Meta-Learning', 'Neural Architecture Search'])
      expect(all).toContain(name);
  });

  it('is deterministic and independent of the input order', () => {
    const again = buildTopics(input);
    expect(again.topics).toEqual(model.topics);
    expect([...again.assignments]).toEqual([...model.assignments]);
    const mixed = buildTopics(shuffled(input, 7));
    expect(mixed.topics).toEqual(model.topics);
    for (const id of input.ids)
      expect(mixed.assignments.get(id)).toEqual(model.assignments.get(id));
  });

  it('scales the numbers of topics with the corpus and honours explicit counts', () => {
    expect(topicCounts(687)).toEqual({ fine: model.fineCount, broad: model.broadCount });
    expect(topicCounts(2000).fine).toBeGreaterThan(topicCounts(687).fine);
    expect(topicCounts(12)).toEqual({ fine: 4, broad: 2 });
    expect(topicCounts(687, { fineTopics: 30, broadAreas: 50 })).toEqual({ fine: 30, broad: 30 });
    // Above TOPICS_SCALE_ABOVE (the large-corpus path) the defaults are capped.
    expect(topicCounts(100_000, { largeCorpus: false })).toEqual({ fine: 696, broad: 158 });
    expect(topicCounts(100_000)).toEqual({ fine: 400, broad: 91 });
    expect(topicCounts(1_000_000)).toEqual({ fine: 400, broad: 91 });
    expect(topicCounts(TOPICS_SCALE_ABOVE).fine).toBe(Math.round(2.2 * Math.sqrt(20_000)));
  });
});

describe('topics on a tiny synthetic corpus', () => {
  const themes = [
    ['graph', 'node', 'edge', 'message', 'passing', 'molecule'],
    ['policy', 'reward', 'agent', 'environment', 'exploration', 'episode'],
    ['quantization', 'pruning', 'compression', 'sparsity', 'bits', 'hardware'],
  ];
  const texts: string[] = [];
  const theme: number[] = [];
  themes.forEach((words, t) => {
    for (let d = 0; d < 6; d++) {
      const pick = [0, 1, 2, 3, 4, 5].map((j) => words[(d + j * (d % 2 === 0 ? 1 : 5)) % 6] ?? '');
      texts.push(
        `${pick.slice(0, 3).join(' ')} study. ${pick.join(' ')} ${pick.slice(1, 4).join(' ')}.`,
      );
      theme.push(t);
    }
  });
  const { model: lsa, vectors } = LsaModel.fitWithVectors(texts, { dims: 8 });
  const input: TopicInput = {
    ids: texts.map((_, i) => `p${String(i).padStart(2, '0')}`),
    texts,
    vectors,
    dim: lsa.dim,
    authors: texts.map((_, i) => [`Author ${i % 4}`, 'Shared Author']),
  };

  it('separates the themes and names them from their words', () => {
    const model = buildTopics(input, { fineTopics: 3, broadAreas: 3 });
    checkModel(model, input);
    expect(model.fineCount).toBe(3);
    for (const t of model.topics.filter((x) => x.level === 1)) {
      const members = input.ids.filter((id) => model.assignments.get(id)?.broad === t.id);
      const themesIn = new Set(members.map((id) => theme[input.ids.indexOf(id)]));
      expect(themesIn.size).toBe(1);
      const words = themes[[...themesIn][0] ?? 0] ?? [];
      expect(words.some((w) => t.label.toLowerCase().includes(w.slice(0, 5)))).toBe(true);
      expect(t.topAuthors[0]).toEqual({ name: 'Shared Author', count: 6 });
    }
  });

  it('works with the default counts, in any order, and on degenerate inputs', () => {
    const model = buildTopics(input);
    checkModel(model, input);
    expect(buildTopics(shuffled(input, 3)).topics).toEqual(model.topics);
    const empty = buildTopics({
      ids: [],
      texts: [],
      vectors: new Float32Array(0),
      dim: 4,
      authors: [],
    });
    expect(empty.topics).toEqual([]);
    const one = buildTopics({
      ids: ['x'],
      texts: ['Graph neural networks. Message passing on graphs.'],
      vectors: Float32Array.from([1, 0]),
      dim: 2,
      authors: [['A']],
    });
    expect(one.assignments.get('x')).toMatchObject({ fine: 't1.1', broad: 't1' });
    expect(() => buildTopics({ ...input, texts: texts.slice(1) })).toThrow(/same length/);
    expect(() => buildTopics({ ...input, ids: input.ids.map(() => 'same') })).toThrow(/unique/);
  });
});

describe('the large-corpus path (mini-batch k-means, names from a sample)', () => {
  // 3,000 papers in 12 well-separated clusters (16-d), each cluster with its own vocabulary.
  const themes = [
    ['graph', 'node', 'edge', 'message', 'molecule', 'pooling'],
    ['policy', 'reward', 'agent', 'exploration', 'episode', 'critic'],
    ['quantization', 'pruning', 'compression', 'sparsity', 'bits', 'hardware'],
    ['diffusion', 'denoising', 'score', 'sampler', 'likelihood', 'noise'],
    ['adversarial', 'perturbation', 'attack', 'certified', 'robustness', 'defense'],
    ['translation', 'language', 'sentence', 'token', 'parsing', 'vocabulary'],
    ['privacy', 'federated', 'client', 'server', 'differential', 'aggregation'],
    ['protein', 'folding', 'residue', 'structure', 'docking', 'ligand'],
    ['speech', 'audio', 'speaker', 'acoustic', 'waveform', 'phoneme'],
    ['causal', 'intervention', 'confounder', 'counterfactual', 'treatment', 'effect'],
    ['kernel', 'gaussian', 'process', 'covariance', 'bayesian', 'posterior'],
    ['video', 'frame', 'motion', 'tracking', 'optical', 'flow'],
  ];
  const k = themes.length;
  const dim = 16;
  const n = 3000;
  const rand = mulberry32(42);
  const gauss = () =>
    Math.sqrt(-2 * Math.log(Math.max(1e-12, rand()))) * Math.cos(2 * Math.PI * rand());
  const centers = themes.map(() => {
    const c = Array.from({ length: dim }, gauss);
    const s = Math.hypot(...c);
    return c.map((x) => x / s);
  });
  const truth: number[] = [];
  const vectors = new Float32Array(n * dim);
  const texts: string[] = [];
  const authors: string[][] = [];
  for (let i = 0; i < n; i++) {
    const t = i % k;
    truth.push(t);
    const c = centers[t] ?? [];
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = (c[d] ?? 0) + 0.06 * gauss();
    const words = themes[t] ?? [];
    const w = (j: number) => words[(i * 7 + j * 5) % words.length] ?? '';
    texts.push(`${w(0)} ${w(1)} ${w(2)}. We study ${w(3)} ${w(4)} and ${w(1)} ${w(2)} ${w(5)}.`);
    authors.push([`Author ${String(t)}-${String(Math.floor(i / k) % 3)}`, `Person ${String(i)}`]);
  }
  const input: TopicInput = {
    ids: texts.map((_, i) => `q${String(i).padStart(4, '0')}`),
    texts,
    vectors,
    dim,
    authors,
  };
  const opts = { largeCorpus: true, fineTopics: k, broadAreas: 4 };
  const model = buildTopics(input, opts);
  const fineOf = (m: TopicModel) => input.ids.map((id) => m.assignments.get(id)?.fine ?? '');

  it('recovers well-separated clusters and names them from their words', () => {
    expect(TOPICS_SCALE_ABOVE).toBeGreaterThan(1000);
    expect(model.method).toBe('minibatch-kmeans');
    checkModel(model, input);
    expect(model.fineCount).toBe(k);
    expect(model.broadCount).toBe(4);
    expect(adjustedRand(fineOf(model), truth)).toBeGreaterThan(0.95);
    for (const t of model.topics.filter((x) => x.level === 2)) {
      const members = input.ids.filter((id) => model.assignments.get(id)?.fine === t.id);
      const major = truth[input.ids.indexOf(members[0] ?? '')] ?? 0;
      const words = themes[major] ?? [];
      expect(t.label.length).toBeGreaterThan(0);
      expect(
        words.some((w) => t.label.toLowerCase().includes(w.slice(0, 5))),
        t.label,
      ).toBe(true);
      // Central papers are the members nearest the centroid: their scores are the highest.
      const scores = members.map((id) => model.assignments.get(id)?.score ?? 0);
      const best = Math.max(...scores);
      expect(model.assignments.get(t.centralPapers[0] ?? '')?.score).toBe(best);
      // Top authors count all members (not only the naming sample).
      const count = new Map<string, number>();
      for (const id of members)
        for (const a of authors[input.ids.indexOf(id)] ?? []) count.set(a, (count.get(a) ?? 0) + 1);
      expect(t.topAuthors[0]?.count).toBe(Math.max(...count.values()));
    }
  });

  it('is deterministic and independent of the input order', () => {
    const again = buildTopics(shuffled(input, 11), opts);
    expect(again.topics).toEqual(model.topics);
    for (const id of input.ids)
      expect(again.assignments.get(id)).toEqual(model.assignments.get(id));
    const other = buildTopics(input, { ...opts, seed: 7 });
    expect(adjustedRand(fineOf(other), truth)).toBeGreaterThan(0.95);
    // Structureless points: the partition depends on every random choice, so only a fully
    // seeded, order-independent run repeats it.
    const noise: TopicInput = {
      ...input,
      vectors: Float32Array.from({ length: input.vectors.length }, gauss),
    };
    const a = buildTopics(noise, { largeCorpus: true, fineTopics: 40, miniBatches: 5 });
    const b = buildTopics(shuffled(noise, 5), {
      largeCorpus: true,
      fineTopics: 40,
      miniBatches: 5,
    });
    expect(b.topics).toEqual(a.topics);
    expect(fineOf(b)).toEqual(fineOf(a));
    const c = buildTopics(noise, { largeCorpus: true, fineTopics: 40, miniBatches: 5, seed: 3 });
    expect(fineOf(c)).not.toEqual(fineOf(a));
  });

  it('caps the default number of topics, keeps zero rows, and differs from the small path', () => {
    const zeroed: TopicInput = { ...input, vectors: input.vectors.slice() };
    const zero = [5, 1234];
    for (const i of zero) zeroed.vectors.fill(0, i * dim, (i + 1) * dim);
    const capped = buildTopics(zeroed, { largeCorpus: true, maxFineTopics: 30 });
    checkModel(capped, zeroed);
    expect(capped.fineCount).toBeLessThanOrEqual(30);
    expect(capped.fineCount).toBeGreaterThanOrEqual(k);
    expect(capped.broadCount).toBeLessThan(capped.fineCount);
    // Every fine topic lies inside one true cluster (zero rows aside).
    const fine = fineOf(capped);
    const purity = new Map<string, Set<number>>();
    fine.forEach((f, i) => {
      if (zero.includes(i)) return;
      purity.set(f, (purity.get(f) ?? new Set<number>()).add(truth[i] ?? -1));
    });
    for (const [f, s] of purity) expect(s.size, f).toBe(1);
    // The small path (Ward + k-means) finds the same topics on the first 1,200 papers.
    const m = 1200;
    const sub: TopicInput = {
      ids: input.ids.slice(0, m),
      texts: texts.slice(0, m),
      authors: authors.slice(0, m),
      vectors: input.vectors.slice(0, m * dim),
      dim,
    };
    const subOf = (x: TopicModel) => sub.ids.map((id) => x.assignments.get(id)?.fine ?? '');
    const small = buildTopics(sub, { fineTopics: k, broadAreas: 4 });
    const large = buildTopics(sub, { fineTopics: k, broadAreas: 4, largeCorpus: true });
    expect(small.method).toBe('ward-kmeans');
    expect(large.method).toBe('minibatch-kmeans');
    expect(adjustedRand(subOf(small), subOf(large))).toBeGreaterThan(0.95);
    // Degenerate inputs.
    const one = buildTopics(
      {
        ids: ['x'],
        texts: ['Graph nets.'],
        vectors: Float32Array.from([1, 0]),
        dim: 2,
        authors: [[]],
      },
      { largeCorpus: true },
    );
    expect(one.assignments.get('x')).toMatchObject({ fine: 't1.1', broad: 't1' });
    const twins = buildTopics(
      {
        ids: ['a', 'b'],
        texts: ['A b.', 'A b.'],
        vectors: new Float32Array(4),
        dim: 2,
        authors: [[], []],
      },
      { largeCorpus: true },
    );
    expect(twins.fineCount).toBe(1);
    expect(twins.assignments.get('b')?.score).toBe(0);
  });
});

/** Adjusted Rand index of two labellings. */
function adjustedRand(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const joint = new Map<string, number>();
  const ca = new Map<string | number, number>();
  const cb = new Map<string | number, number>();
  a.forEach((x, i) => {
    const y = b[i] ?? '';
    const key = `${String(x)}|${String(y)}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(y, (cb.get(y) ?? 0) + 1);
  });
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const sum = (m: Map<unknown, number>) => [...m.values()].reduce((s, c) => s + c2(c), 0);
  const expected = (sum(ca) * sum(cb)) / c2(a.length);
  const max = (sum(ca) + sum(cb)) / 2;
  return max === expected ? 1 : (sum(joint) - expected) / (max - expected);
}
