// Large corpora find similar papers on demand (src/app/analysis.ts similarPapers/recommend):
// forced on the real listing with a low threshold, the answers must match the saved, exact
// ones of a normal analysis, and the costly parts must not be computed at open.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeAnalysis,
  encodeAnalysis,
  openAnalysis,
  recommend,
  similarPapers,
  type Analysis,
} from '../src/app/analysis.js';
import { ingestFile, openStore } from '../src/app/index.js';
import type { Store } from '../src/store/types.js';

const dir = mkdtempSync(join(tmpdir(), 'confscope-ondemand-'));
let store: Store;
let exact: Analysis;
let onDemand: Analysis & { computed: boolean };

beforeAll(async () => {
  store = await openStore(join(dir, 'a.db'));
  await ingestFile(store, 'data/iclr2020/listing.md', { corpus: 'iclr2020' });
  exact = await openAnalysis(store);
  onDemand = await openAnalysis(store, { similarPrecomputeMax: 100 });
}, 300_000);

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('similar papers on demand', () => {
  it('saves no similar lists, and says so', () => {
    expect(onDemand.computed).toBe(true);
    expect(onDemand.data.similarOnDemand).toBe(true);
    expect(Object.keys(onDemand.data.similar)).toHaveLength(0);
    expect(exact.data.similarOnDemand).toBeUndefined();
    expect(Object.keys(exact.data.similar)).toHaveLength(exact.docs.length);
  });

  it('answers as the saved lists do', () => {
    let same = 0;
    let total = 0;
    for (const d of exact.docs.slice(0, 120)) {
      const want = similarPapers(exact, d.id, 10) ?? [];
      const got = similarPapers(onDemand, d.id, 10) ?? [];
      expect(got).toHaveLength(want.length);
      expect(got.map((s) => s.id)).not.toContain(d.id);
      const wantIds = new Set(want.map((s) => s.id));
      same += got.filter((s) => wantIds.has(s.id)).length;
      total += want.length;
    }
    expect(same / total).toBeGreaterThan(0.95);
    expect(similarPapers(onDemand, 'no-such-paper')).toBeNull();
    expect(similarPapers(exact, 'no-such-paper')).toBeNull();
  });

  it('ranks more-like-these close to the exact SVM', () => {
    const pos = exact.docs.slice(10, 13).map((d) => d.id);
    const a = recommend(exact, pos, [], 20).results.map((r) => r.id);
    const b = recommend(onDemand, pos, [], 20).results.map((r) => r.id);
    const overlap = b.filter((id) => a.includes(id)).length;
    expect(overlap).toBeGreaterThanOrEqual(14);
  });

  it('loads the saved on-demand analysis without recomputing it', async () => {
    const again = await openAnalysis(store, { similarPrecomputeMax: 100 });
    expect(again.computed).toBe(false);
    expect(again.data.similarOnDemand).toBe(true);
    expect(similarPapers(again, exact.docs[0]?.id ?? '', 5)).toHaveLength(5);
  });
});

describe('saved analysis encoding', () => {
  it('reads back exactly what it wrote, in one chunk or many', () => {
    const one = encodeAnalysis(exact.data);
    expect(one).toHaveLength(1);
    expect(decodeAnalysis(one)).toEqual(exact.data);
    const many = encodeAnalysis(onDemand.data, 10_000);
    expect(many.length).toBeGreaterThan(20);
    // Every chunk ends a line: no line is split between two.
    for (const c of many) expect(c[c.length - 1]).toBe(10);
    expect(decodeAnalysis(many)).toEqual(onDemand.data);
    expect(() => decodeAnalysis([Buffer.from('{"version":2}\n["bogus",1]\n')])).toThrow();
    expect(() => decodeAnalysis([])).toThrow();
  });
});
