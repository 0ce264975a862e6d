// One contract suite for every Store implementation: SQLite today, PostgreSQL later. Each
// backend's test file calls runStoreContract with a factory that yields a fresh, empty store.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaperRecord } from '../src/core/types.js';
import { parseListing } from '../src/ingest/listing.js';
import type { Store } from '../src/store/types.js';

const listing = readFileSync(new URL('../data/iclr2020/listing.md', import.meta.url), 'utf8');
const real = parseListing(listing, 'data/iclr2020/listing.md').records;
const meta = (hash = 'h1') => ({
  sourcePath: 'data/iclr2020/listing.md',
  sourceHash: hash,
  warnings: ['w'],
});

export interface StoreHarness {
  store: Store;
  /** Make the next write of a paper with this title fail inside the database. */
  failOnTitle?: (title: string) => Promise<void>;
  cleanup(): Promise<void>;
}

export function runStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    const withStore = async (fn: (h: StoreHarness) => Promise<void>) => {
      const h = await open();
      try {
        await fn(h);
      } finally {
        await h.store.close();
        await h.cleanup();
      }
    };

    it('stores the real listing and gives it back unchanged, in order', () =>
      withStore(async ({ store }) => {
        const s = await store.replaceCorpus('iclr2020', real, meta());
        expect(s).toMatchObject({ total: 687, added: 687, updated: 0, removed: 0 });
        const back = await store.listPapers('iclr2020');
        expect(back).toEqual(real);
        expect(await store.getPaper(real[5]?.id ?? '', 'iclr2020')).toEqual(real[5]);
        expect(await store.getPaper('nope')).toBeNull();
        const corpora = await store.listCorpora();
        expect(corpora).toHaveLength(1);
        expect(corpora[0]).toMatchObject({
          name: 'iclr2020',
          papers: 687,
          warnings: ['w'],
          sourceHash: 'h1',
        });
      }));

    it('lists every corpus by name, each in file order (not id order)', () =>
      withStore(async ({ store }) => {
        const zeta = real.slice(0, 40).reverse();
        const alpha = real.slice(40, 90);
        await store.replaceCorpus('zeta', zeta, meta());
        await store.replaceCorpus('alpha', alpha, meta());
        expect(zeta.map((r) => r.id)).not.toEqual(zeta.map((r) => r.id).sort());
        expect(await store.listPapers()).toEqual([...alpha, ...zeta]);
        expect(await store.listPapers('zeta')).toEqual(zeta);
        expect(await store.listPapers('nope')).toEqual([]);
      }));

    it('re-ingesting the same records changes nothing; an edit updates only that record', () =>
      withStore(async ({ store }) => {
        await store.replaceCorpus('iclr2020', real, meta());
        const again = await store.replaceCorpus('iclr2020', real, meta());
        expect(again).toMatchObject({ added: 0, updated: 0, moved: 0, removed: 0, unchanged: 687 });
        const edited: PaperRecord[] = real.map((r, i) =>
          i === 10 ? { ...r, abstract: r.abstract + ' Edited.' } : r,
        );
        const dropped = edited.slice(0, -1);
        const s = await store.replaceCorpus('iclr2020', dropped, meta('h2'));
        expect(s).toMatchObject({ added: 0, updated: 1, moved: 0, removed: 1, unchanged: 685 });
        expect((await store.getPaper(real[10]?.id ?? '', 'iclr2020'))?.abstract).toMatch(
          /Edited\.$/,
        );
      }));

    it('keeps the optional fields of richer sources and counts a change to them', () =>
      withStore(async ({ store }) => {
        const base = real.slice(0, 3);
        const rich: PaperRecord[] = base.map((r, i) =>
          i === 1
            ? {
                ...r,
                keywords: ['graph neural networks', 'robustness'],
                tldr: 'A one-line summary with ünïcode and $x^2$.',
                externalIds: { openreview: 'rJxyz12AbC', arxiv: '1905.00001' },
                decision: 'Accept (Talk)',
                pdf: 'https://openreview.net/pdf?id=rJxyz12AbC',
                provenance: { tldr: 'virtual-site', keywords: 'virtual-site' },
              }
            : r,
        );
        const first = await store.replaceCorpus('c', rich, meta());
        expect(first.added).toBe(3);
        expect(await store.listPapers('c')).toEqual(rich);
        expect(await store.getPaper(rich[1]?.id ?? '', 'c')).toEqual(rich[1]);
        expect(await store.getPaper(rich[0]?.id ?? '', 'c')).not.toHaveProperty('tldr');
        // Only an extra changes: the record counts as updated, and reads back with the change.
        const retold = rich.map((r, i) => (i === 1 ? { ...r, decision: 'Accept (Poster)' } : r));
        const second = await store.replaceCorpus('c', retold, meta());
        expect(second).toMatchObject({ updated: 1, unchanged: 2 });
        expect((await store.getPaper(rich[1]?.id ?? '', 'c'))?.decision).toBe('Accept (Poster)');
      }));

    it('keeps corpora apart', () =>
      withStore(async ({ store }) => {
        await store.replaceCorpus('a', real.slice(0, 10), meta());
        await store.replaceCorpus('b', real.slice(5, 20), meta());
        expect(await store.listPapers('a')).toHaveLength(10);
        expect(await store.listPapers('b')).toHaveLength(15);
        expect(await store.listPapers()).toHaveLength(25);
        await store.replaceCorpus('a', [], meta());
        expect(await store.listPapers('b')).toHaveLength(15);
      }));

    it('caches vectors by (model, content hash) and saved models by id', () =>
      withStore(async ({ store }) => {
        const a = Float32Array.from([0.5, -0.25, 1e-7]);
        const b = Float32Array.from([1, 2, 3]);
        await store.putVectors('m1', [
          ['h1', a],
          ['h2', b],
        ]);
        await store.putVectors('m2', [['h1', b]]);
        // The same hash twice in one call (two papers with the same text): the last one wins.
        await store.putVectors('m3', [
          ['h1', a],
          ['h1', b],
        ]);
        expect((await store.getVectors('m3', ['h1'])).get('h1')).toEqual(b);
        const got = await store.getVectors('m1', ['h1', 'h2', 'h3']);
        expect([...got.keys()].sort()).toEqual(['h1', 'h2']);
        expect(got.get('h1')).toEqual(a);
        expect((await store.getVectors('m2', ['h1'])).get('h1')).toEqual(b);
        expect(await store.getModel('lsa')).toBeNull();
        const bytes = Uint8Array.from([1, 2, 3, 250]);
        await store.putModel('lsa', bytes);
        expect(await store.getModel('lsa')).toEqual(bytes);
      }));

    it('a failing ingest leaves the database exactly as it was', () =>
      withStore(async ({ store, failOnTitle }) => {
        if (!failOnTitle) return;
        await store.replaceCorpus('iclr2020', real, meta());
        const before = await store.listPapers();
        const corporaBefore = await store.listCorpora();
        await failOnTitle('BOOM');
        const bad = real.map((r, i) =>
          i === 600 ? { ...r, title: 'BOOM' } : i === 3 ? { ...r, abstract: 'changed' } : r,
        );
        await expect(store.replaceCorpus('iclr2020', bad.slice(1), meta('h3'))).rejects.toThrow(
          /rolled back/,
        );
        expect(await store.listPapers()).toEqual(before);
        expect(await store.listCorpora()).toEqual(corporaBefore);
      }));
  });
}
