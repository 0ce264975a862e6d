// Contract of the staged streaming ingest (StagedIngest) for every Store backend. Each backend's
// test file calls runStagedIngestContract with the same factory it gives runStoreContract.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaperRecord } from '../src/core/types.js';
import { parseListing } from '../src/ingest/listing.js';
import { hasStagedIngest, type StagedIngest, type Store } from '../src/store/types.js';
import type { StoreHarness } from './store.contract.js';

const listing = readFileSync(new URL('../data/iclr2020/listing.md', import.meta.url), 'utf8');
const real = parseListing(listing, 'data/iclr2020/listing.md').records;
const meta = (hash = 'h1') => ({
  sourcePath: 'data/iclr2020/listing.md',
  sourceHash: hash,
  warnings: ['w'],
});

/** Stage `records` in batches of `size` (a fresh staging unless resumed). */
async function stageAll(
  store: StagedIngest,
  corpus: string,
  records: readonly PaperRecord[],
  size: number,
  hash = 'h1',
): Promise<void> {
  const from = await store.beginStaged(corpus, hash);
  for (let i = from; i < records.length; i += size)
    await store.appendStaged(corpus, records.slice(i, i + size));
}

export function runStagedIngestContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Store contract, staged ingest: ${name}`, () => {
    const withStore = async (fn: (s: Store & StagedIngest) => Promise<void>) => {
      const h = await open();
      try {
        if (!hasStagedIngest(h.store))
          throw new Error(`${name}: the store does not implement StagedIngest`);
        await fn(h.store);
      } finally {
        await h.store.close();
        await h.cleanup();
      }
    };

    it('stages in batches, invisible to readers, then commits the corpus in order', () =>
      withStore(async (store) => {
        expect(await store.beginStaged('iclr2020', 'h1')).toBe(0);
        for (let i = 0; i < 400; i += 100)
          await store.appendStaged('iclr2020', real.slice(i, i + 100));
        // Nothing is visible before the commit.
        expect(await store.listCorpora()).toEqual([]);
        expect(await store.listPapers()).toEqual([]);
        expect(await store.getPaper(real[0]?.id ?? '')).toBeNull();
        for (let i = 400; i < real.length; i += 100)
          await store.appendStaged('iclr2020', real.slice(i, i + 100));
        const s = await store.commitStaged('iclr2020', meta());
        expect(s).toEqual({
          corpus: 'iclr2020',
          total: 687,
          added: 687,
          updated: 0,
          moved: 0,
          unchanged: 0,
          removed: 0,
        });
        expect(await store.listPapers('iclr2020')).toEqual(real);
        const corpora = await store.listCorpora();
        expect(corpora).toHaveLength(1);
        expect(corpora[0]).toMatchObject({
          name: 'iclr2020',
          papers: 687,
          sourceHash: 'h1',
          warnings: ['w'],
        });
      }));

    it('replaces an existing corpus atomically and counts like replaceCorpus', () =>
      withStore(async (store) => {
        await store.replaceCorpus('iclr2020', real, meta());
        const edited = real.map((r, i) =>
          i === 10 ? { ...r, abstract: `${r.abstract} Edited.` } : r,
        );
        const next = [...edited.slice(0, 20), ...edited.slice(21)].map((r, i) =>
          i === 30 ? { ...r, source: { ...r.source, startLine: r.source.startLine + 1 } } : r,
        );
        await stageAll(store, 'iclr2020', next, 250, 'h2');
        // Mid-way, readers still see the old corpus in full.
        expect(await store.listPapers('iclr2020')).toEqual(real);
        const s = await store.commitStaged('iclr2020', meta('h2'));
        // Dropping record 20 shifts the order of the 666 after it ("moved"); record 10 changed.
        expect(s).toEqual({
          corpus: 'iclr2020',
          total: 686,
          added: 0,
          updated: 1,
          moved: 666,
          unchanged: 19,
          removed: 1,
        });
        expect(await store.listPapers('iclr2020')).toEqual(next);
        // The same records again: nothing changes.
        await stageAll(store, 'iclr2020', next, 1000, 'h2');
        expect(await store.commitStaged('iclr2020', meta('h2'))).toMatchObject({
          added: 0,
          updated: 0,
          moved: 0,
          removed: 0,
          unchanged: 686,
        });
      }));

    it('gives the same corpus as replaceCorpus', () =>
      withStore(async (store) => {
        const part = real.slice(100, 300);
        await store.replaceCorpus('a', part, meta());
        await stageAll(store, 'b', part, 64);
        await store.commitStaged('b', meta());
        expect(await store.listPapers('b')).toEqual(await store.listPapers('a'));
      }));

    it('resumes a staging of the same source after what it staged; another source starts over', () =>
      withStore(async (store) => {
        expect(await store.beginStaged('c', 'src1')).toBe(0);
        await store.appendStaged('c', real.slice(0, 150));
        await store.appendStaged('c', real.slice(150, 300));
        // A new run of the same source (after a kill) learns where to resume.
        expect(await store.beginStaged('c', 'src1')).toBe(300);
        await store.appendStaged('c', real.slice(300));
        expect((await store.commitStaged('c', meta('src1'))).total).toBe(687);
        expect(await store.listPapers('c')).toEqual(real);
        // After a commit, nothing is staged any more.
        expect(await store.beginStaged('c', 'src1')).toBe(0);
        await store.appendStaged('c', real.slice(0, 50));
        // Another source discards the unfinished staging.
        expect(await store.beginStaged('c', 'src2')).toBe(0);
        await store.appendStaged('c', real.slice(600));
        const s = await store.commitStaged('c', meta('src2'));
        expect(s).toMatchObject({ total: 87, removed: 600, added: 0 });
        expect(await store.listPapers('c')).toEqual(real.slice(600));
      }));

    it('keeps corpora and their stagings apart', () =>
      withStore(async (store) => {
        await store.replaceCorpus('keep', real.slice(0, 10), meta());
        await store.beginStaged('x', 'h');
        await store.beginStaged('y', 'h');
        await store.appendStaged('x', real.slice(0, 5));
        await store.appendStaged('y', real.slice(5, 25));
        await store.appendStaged('x', real.slice(25, 30));
        expect(await store.beginStaged('y', 'h')).toBe(20);
        await store.commitStaged('x', meta());
        expect(await store.listPapers('x')).toEqual([...real.slice(0, 5), ...real.slice(25, 30)]);
        expect(await store.listPapers('y')).toEqual([]);
        expect(await store.listPapers('keep')).toEqual(real.slice(0, 10));
        await store.commitStaged('y', meta());
        expect(await store.listPapers('y')).toEqual(real.slice(5, 25));
      }));

    it('a failing batch stages nothing of it; an empty staging empties the corpus', () =>
      withStore(async (store) => {
        await expect(store.appendStaged('z', real.slice(0, 3))).rejects.toThrow();
        await store.beginStaged('z', 'h');
        await store.appendStaged('z', real.slice(0, 10));
        // A batch repeating a staged id fails as a whole.
        await expect(store.appendStaged('z', real.slice(9, 20))).rejects.toThrow(/rolled back/);
        expect(await store.beginStaged('z', 'h')).toBe(10);
        await store.commitStaged('z', meta());
        expect(await store.listPapers('z')).toEqual(real.slice(0, 10));
        await store.beginStaged('z', 'h2');
        const s = await store.commitStaged('z', meta('h2'));
        expect(s).toMatchObject({ total: 0, removed: 10 });
        expect(await store.listPapers('z')).toEqual([]);
        await expect(store.commitStaged('never', meta())).rejects.toThrow();
      }));
  });
}
