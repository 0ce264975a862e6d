import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fold, stem } from '../index/analyze.js';
import { LsaModel } from '../index/lsa.js';
import { SearchIndex } from '../index/search.js';
import { parseListing } from '../ingest/listing.js';
import { mulberry32 } from '../core/random.js';
import {
  buildTopics,
  describeClusters,
  simdKernels,
  TermCorpus,
  textPhrases,
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

  it('sums dot products and squared distances in WebAssembly SIMD exactly as in JavaScript', () => {
    for (const [dims, kc] of [
      [128, 400],
      [128, 13],
      [16, 61],
      [5, 12],
      [3, 7],
    ] as const) {
      const m = 50;
      const X = Float64Array.from({ length: m * dims }, gauss);
      const C = Float64Array.from({ length: kc * dims }, () => gauss() * 1e-3);
      const simd = simdKernels(X, m, C, kc, dims);
      expect(simd).toBeDefined();
      const plain = (count: number, term: (x: number, c: number) => number) => {
        const out: number[] = [];
        for (let i = 0; i < m; i++)
          for (let c = 0; c < count; c++) {
            let s = 0;
            for (let d = 0; d < dims; d++) s += term(X[i * dims + d] ?? 0, C[c * dims + d] ?? 0);
            out.push(s);
          }
        return out;
      };
      const dots = plain(8 * Math.floor((kc - (kc % 4)) / 8), (x, c) => x * c);
      const squares = plain(8 * Math.floor(kc / 8), (x, c) => (c - x) * (c - x));
      expect(Array.from(simd?.dots ?? [])).toEqual(dots);
      expect(Array.from(simd?.squares ?? [])).toEqual(squares);
    }
  });

  it('finds the same nearest centers with WebAssembly SIMD as in plain JavaScript', () => {
    // Structureless points (every assignment hangs on the last bits of the sums), some rows
    // repeated (ties between centers) or zero, at several numbers of centers: under 8, and
    // with 4 and with 1 to 3 left over the groups of 8 that the SIMD code takes.
    for (const [dims, m, ks] of [
      [16, 3000, [3, 12, 61]],
      [128, 1000, [13, 203]],
    ] as const) {
      const vectors = Float32Array.from({ length: m * dims }, gauss);
      for (let i = 0; i < 300; i++)
        vectors.copyWithin((i + 1) * 7 * dims, i * dims, (i + 1) * dims);
      vectors.fill(0, 11 * dims, 12 * dims);
      const noise: TopicInput = {
        ids: input.ids.slice(0, m),
        texts: texts.slice(0, m),
        authors: authors.slice(0, m),
        vectors,
        dim: dims,
      };
      for (const fineTopics of ks) {
        const opts = { largeCorpus: true, fineTopics, miniBatches: 10, batchSize: 256 };
        const fast = buildTopics(noise, opts);
        const plain = buildTopics(noise, { ...opts, simd: false });
        expect(fast.topics, `${dims}: ${fineTopics}`).toEqual(plain.topics);
        expect([...fast.assignments]).toEqual([...plain.assignments]);
      }
    }
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

// TermCorpus numbers phrases and describeClusters counts them in flat arrays; these are the
// straightforward string-keyed versions (maps of phrase keys, as the code was before) that they
// must agree with exactly.
function referenceCorpus(texts: readonly string[]) {
  const grams = new Map<string, { roots: string[]; units: number; head: string }>();
  const longerOf = new Map<string, string[]>();
  const df = new Map<string, number>();
  const link = (sub: string, key: string) => {
    const l = longerOf.get(sub);
    if (l) l.push(key);
    else longerOf.set(sub, [key]);
  };
  const occurrences = texts.map((t) => textPhrases(t));
  const docs = occurrences.map((occ) => {
    const set = new Set<string>();
    for (const o of occ) {
      set.add(o.key);
      const g = grams.get(o.key);
      if (g) {
        g.units = Math.min(g.units, o.length);
        continue;
      }
      grams.set(o.key, { roots: o.roots, units: o.length, head: o.head });
      if (o.length > 1) {
        link(o.prefix, o.key);
        link(o.key.slice(o.head.length + 1), o.key);
      }
    }
    for (const k of set) df.set(k, (df.get(k) ?? 0) + 1);
    return set;
  });
  const single = [...grams].filter(([, h]) => h.units === 1 && h.roots.length === 1);
  const byRoot = new Map<string, [string, unknown][]>();
  for (const e of single) {
    const r = e[1].roots[0] ?? '';
    byRoot.set(r, [...(byRoot.get(r) ?? []), e]);
  }
  const variants = (key: string): string[] => {
    const g = grams.get(key);
    if (!g || g.units !== 1 || g.roots.length !== 1) return [key];
    return (byRoot.get(g.roots[0] ?? '') ?? []).map(([k]) => k);
  };
  // Surface forms: counted over occurrences that start with a wanted phrase's head.
  const surfaceCounts = (keys: Iterable<string>) => {
    const want = new Set(keys);
    const heads = new Set([...want].map((k) => grams.get(k)?.head ?? k));
    const seqs = new Map<string, Map<string, number>>();
    const cases = new Map<string, Map<string, number>>();
    const bump = (m: Map<string, Map<string, number>>, a: string, b: string) => {
      let x = m.get(a);
      if (!x) m.set(a, (x = new Map<string, number>()));
      x.set(b, (x.get(b) ?? 0) + 1);
    };
    for (const occ of occurrences)
      for (const o of occ) {
        if (!heads.has(o.head) || !want.has(o.key)) continue;
        bump(seqs, o.key, o.surface);
        for (const [word, raw] of o.words) bump(cases, word, raw);
      }
    return { seqs, cases };
  };
  return { grams, longerOf, df, docs, variants, surfaceCounts };
}

/** describeClusters' choice of keys, computed with a map of phrase keys per cluster. */
function referenceKeys(
  corpus: TermCorpus,
  ref: ReturnType<typeof referenceCorpus>,
  labels: number[],
  k: number,
  nTerms = 10,
  minShare = 0.15,
): string[][] {
  const n = labels.length;
  const A = n / Math.max(1, k);
  const dfc = [...Array(k).keys()].map(() => new Map<string, number>());
  const size = new Array<number>(k).fill(0);
  labels.forEach((l, i) => {
    size[l] = (size[l] ?? 0) + 1;
    const m = dfc[l];
    for (const key of ref.docs[i] ?? []) m?.set(key, (m.get(key) ?? 0) + 1);
  });
  const units = (key: string) => ref.grams.get(key)?.units ?? 0;
  const roots = (key: string) => ref.grams.get(key)?.roots ?? [];
  const pick = (c: number, inTitles: boolean): string[] => {
    const m = dfc[c] ?? new Map<string, number>();
    const nc = size[c] ?? 0;
    const support = Math.min(nc, Math.max(2, Math.ceil(minShare * nc)));
    const scored: [string, number][] = [];
    for (const [key, d] of m) {
      if (d < support || units(key) > 2 || !corpus.nameable(key, inTitles)) continue;
      scored.push([key, (d / Math.max(1, nc)) * Math.log(1 + A / (ref.df.get(key) ?? 1))]);
    }
    scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const extend = (key: string): string => {
      let cur = key;
      for (;;) {
        const base = m.get(cur) ?? 0;
        let best: string | undefined;
        let bd = 0;
        for (const q of ref.longerOf.get(cur) ?? []) {
          const d = m.get(q) ?? 0;
          if (d < Math.max(support, 0.5 * base) || units(q) > 4) continue;
          if (!corpus.nameable(q, inTitles)) continue;
          if (d > bd || (d === bd && best !== undefined && q < best)) [best, bd] = [q, d];
        }
        if (!best) return cur;
        cur = best;
      }
    };
    const usual = (key: string): string => {
      let best = key;
      for (const v of ref.variants(key))
        if ((m.get(v) ?? 0) > (m.get(best) ?? 0) && corpus.nameable(v, inTitles)) best = v;
      return best;
    };
    const keys: string[] = [];
    const covered = new Set<string>();
    for (const [key] of scored) {
      if (keys.length >= nTerms) break;
      const full = extend(usual(key));
      if (keys.includes(full) || roots(full).every((r) => covered.has(r))) continue;
      keys.push(full);
      for (const r of roots(full)) covered.add(r);
    }
    return keys;
  };
  return [...Array(k).keys()].map((c) => {
    const keys = pick(c, true);
    return keys.length >= Math.min(3, nTerms) ? keys : pick(c, false);
  });
}

describe('naming by numbered phrases', () => {
  const texts = records.map((r) => SearchIndex.semanticText(r));
  const titles = records.map((r) => r.title ?? '');
  const corpus = new TermCorpus(texts, titles);
  const ref = referenceCorpus(texts);

  it('holds the same phrases, frequencies, stems, variants and longer phrases as string keys', () => {
    expect(corpus.docs.map((d) => [...d])).toEqual(ref.docs.map((d) => [...d]));
    expect(corpus.df).toEqual(ref.df);
    expect(corpus.phraseCount).toBe(ref.grams.size);
    expect(ref.grams.size).toBeGreaterThan(40_000);
    const keys = [...ref.grams.keys()];
    expect(keys.map((k) => corpus.roots(k))).toEqual(keys.map((k) => ref.grams.get(k)?.roots));
    expect(keys.map((k) => corpus.unitCount(k))).toEqual(keys.map((k) => ref.grams.get(k)?.units));
    const longer = keys.map((k) => corpus.longer(k));
    expect(longer).toEqual(keys.map((k) => ref.longerOf.get(k) ?? []));
    expect(longer.flat().length).toBeGreaterThan(10_000);
    expect(keys.map((k) => corpus.variants(k))).toEqual(keys.map((k) => ref.variants(k)));
    // Keys seen only grouped otherwise (meta-learning, meta learning) are one phrase.
    expect(corpus.unitCount('meta learning')).toBe(1);
    expect(corpus.roots('meta learning')).toEqual(ref.grams.get('meta learning')?.roots);
    // A phrase not in the corpus: as before, from its words.
    expect(corpus.unitCount('no such phrase here')).toBe(4);
    expect(corpus.longer('no such phrase')).toEqual([]);
  });

  it('describes clusters as counting phrase keys per cluster does', () => {
    const { model: lsa, vectors } = LsaModel.fitWithVectors(texts);
    const model = buildTopics({
      ids: records.map((r) => r.id),
      texts,
      titles,
      vectors,
      dim: lsa.dim,
      authors: records.map((r) => r.authors),
    });
    const number = (xs: string[]) => {
      const m = new Map<string, number>();
      return xs.map((x) => {
        let v = m.get(x);
        if (v === undefined) m.set(x, (v = m.size));
        return v;
      });
    };
    const fine = number(records.map((r) => model.assignments.get(r.id)?.fine ?? ''));
    const broad = number(records.map((r) => model.assignments.get(r.id)?.broad ?? ''));
    const rand = mulberry32(5);
    const random = records.map(() => Math.floor(rand() * 7));
    for (const labels of [fine, broad, random]) {
      const k = 1 + Math.max(...labels);
      const desc = describeClusters(corpus, labels, k);
      const keys = referenceKeys(corpus, ref, labels, k);
      expect(desc.map((d) => d.keys)).toEqual(keys);
      expect(keys.flat().length).toBeGreaterThan(5 * k);
      // Display forms from the same counts of spellings and letter cases.
      const shown = corpus.surfaces(keys.flat());
      const { seqs, cases } = ref.surfaceCounts(keys.flat());
      for (const key of keys.flat()) {
        const seq = [...(seqs.get(key) ?? [])].sort(
          (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
        );
        const words = shown.get(key)?.toLowerCase();
        expect(words, key).toBe(seq[0]?.[0]);
        for (const w of (seq[0]?.[0] ?? '').split(/[\s-]+/))
          expect(cases.get(w)?.size, `${key}: ${w}`).toBeGreaterThan(0);
      }
    }
  });
});
