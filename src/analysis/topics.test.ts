import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fold, stem } from '../index/analyze.js';
import { LsaModel } from '../index/lsa.js';
import { SearchIndex } from '../index/search.js';
import { parseListing } from '../ingest/listing.js';
import { buildTopics, topicCounts, type TopicInput, type TopicModel } from './topics.js';

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
