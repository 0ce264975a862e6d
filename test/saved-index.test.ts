// The BM25F index saved in the store and loaded back (src/app/saved-index.ts): the loaded index
// answers exactly as a fresh one, a changed corpus or a damaged save is never used, and a new
// save frees the old one. On both backends.

import { constants } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHUNK_BYTES,
  getChunked,
  putChunked,
  corporaSignature,
  docsFingerprint,
  loadAuthorIndex,
  loadLexical,
  loadOrBuildAuthorIndex,
  loadOrBuildLexical,
  getLarge,
  putLarge,
  readAhead,
  saveLexical,
  savedMatrix,
} from '../src/app/saved-index.js';
import { loadDocs, loadSearchDocs } from '../src/app/docs.js';
import { openAnalysis, type Analysis } from '../src/app/analysis.js';
import { loadOrFitLsa } from '../src/app/embeddings.js';
import { openStore } from '../src/app/index.js';
import { readModelsInParallel } from '../src/store/sqlite/parallel-read.js';
import { AuthorIndex } from '../src/index/author-index.js';
import { LexicalIndex } from '../src/index/lexical.js';
import { SearchIndex, type SearchDoc } from '../src/index/search.js';
import { listingById } from './helpers.js';
import { openTestStore, useBackend, type TestBackend } from './test-store.js';

const dir = mkdtempSync(join(tmpdir(), 'confscope-saved-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const docs: SearchDoc[] = [...listingById.values()].map((r) => ({ ...r, corpus: 'iclr2020' }));
const QUERY_TERMS = ['graph', 'neural', '~optim', 'adversari', 'transformer', 'bengio', 'zzz'];

/** Every document's score for each term, and the term statistics the query path uses. */
function answers(ix: LexicalIndex) {
  return QUERY_TERMS.map((t) => {
    const scores = new Float64Array(ix.size);
    ix.accumulate(t, 1, scores);
    return {
      df: ix.df(t),
      idf: ix.idf(t),
      titleOnly: [...ix.docsWith(t, 'title')],
      scores: [...scores],
    };
  });
}

let n = 0;
for (const backend of ['sqlite', 'postgres'] as TestBackend[]) {
  describe(`saved BM25F index (${backend})`, () => {
    const open = () => {
      useBackend(backend);
      return openTestStore(join(dir, `s${n++}.db`));
    };

    it('loads back an index that answers exactly as the one saved', async () => {
      const store = await open();
      try {
        const built = SearchIndex.buildLexical(docs);
        const fp = docsFingerprint(docs, 'sig');
        await saveLexical(store, fp, built);
        const loaded = await loadLexical(store, fp);
        expect(loaded).not.toBeNull();
        if (!loaded) return;
        expect(loaded.size).toBe(docs.length);
        expect(loaded.vocabulary).toEqual(built.vocabulary);
        expect(answers(loaded)).toEqual(answers(built));
        expect(loaded.expandPrefix('gra', 10)).toEqual(built.expandPrefix('gra', 10));
        // A search index on the loaded one ranks as a freshly built one.
        const a = SearchIndex.build(docs);
        const b = SearchIndex.build(docs, { lexical: loaded });
        for (const q of [
          'graph neural networks',
          'title:adversarial robust*',
          '"lottery ticket"',
        ]) {
          const ra = await a.search(q, { mode: 'lexical', limit: 20 });
          const rb = await b.search(q, { mode: 'lexical', limit: 20 });
          expect(rb.hits.map((h) => [h.id, h.score])).toEqual(ra.hits.map((h) => [h.id, h.score]));
          expect(rb.total).toBe(ra.total);
        }
      } finally {
        await store.close();
      }
    });

    it('is not used for other papers, nor when damaged, and a new save blanks the old', async () => {
      const store = await open();
      try {
        const fp1 = docsFingerprint(docs, 'sig');
        await saveLexical(store, fp1, SearchIndex.buildLexical(docs));
        expect(await loadLexical(store, 'another')).toBeNull();
        // One chunk overwritten (e.g. by a concurrent save): rejected, not half-read.
        const ptr = JSON.parse(
          Buffer.from((await store.getModel('lexical-index')) ?? new Uint8Array()).toString(),
        ) as { chunks: Record<string, string[]> };
        const docsChunk = ptr.chunks.docs?.[0] ?? '';
        const saved = await store.getModel(docsChunk);
        await store.putModel(docsChunk, new Uint8Array(8));
        expect(await loadLexical(store, fp1)).toBeNull();
        await store.putModel(docsChunk, saved ?? new Uint8Array());
        expect(await loadLexical(store, fp1)).not.toBeNull();

        const fewer = docs.slice(0, 100);
        const fp2 = docsFingerprint(fewer, 'sig');
        await saveLexical(store, fp2, SearchIndex.buildLexical(fewer));
        expect((await loadLexical(store, fp2))?.size).toBe(100);
        expect(await loadLexical(store, fp1)).toBeNull();
        for (const keys of Object.values(ptr.chunks))
          for (const k of keys) expect((await store.getModel(k))?.length ?? 0).toBe(0);
      } finally {
        await store.close();
      }
    });

    it('loadOrBuildLexical saves a large corpus once and loads it the next time', async () => {
      const store = await open();
      try {
        // Eight copies of the listing under distinct corpora: above the save threshold.
        const many = Array.from({ length: 8 }, (_, c) =>
          docs.map((d) => ({ ...d, corpus: `c${c}` })),
        ).flat();
        const first = await loadOrBuildLexical(store, many, 'sig');
        expect(first.loaded).toBe(false);
        const again = await loadOrBuildLexical(store, many, 'sig');
        expect(again.loaded).toBe(true);
        expect(answers(again.index)).toEqual(answers(first.index));
        // Other papers (another fingerprint) rebuild.
        expect((await loadOrBuildLexical(store, many, 'sig2')).loaded).toBe(false);
      } finally {
        await store.close();
      }
    });
  });

  describe(`saved author index (${backend})`, () => {
    it('is saved for a large corpus once, read back answering the same, never for other papers or damaged', async () => {
      useBackend(backend);
      const store = await openTestStore(join(dir, `a${n++}.db`));
      try {
        // Eight copies of the listing: above the save threshold.
        const many = Array.from({ length: 8 }, (_, c) =>
          docs.map((d) => ({ ...d, corpus: `c${c}` })),
        ).flat();
        const first = await loadOrBuildAuthorIndex(store, many, 'fpA');
        expect(first.loaded).toBe(false);
        const again = await loadOrBuildAuthorIndex(store, many, 'fpA');
        expect(again.loaded).toBe(true);
        expect(again.index.toParts()).toEqual(first.index.toParts());
        // Search with one read back ranks as with a fresh one (author filters, names in queries).
        const a = SearchIndex.build(docs);
        const b = SearchIndex.build(docs, {
          authors: AuthorIndex.fromParts(new AuthorIndex(docs).toParts()),
        });
        for (const q of ['author:bengio', 'yoshua bengio generative', 'author:"cho jui hsieh"']) {
          const ra = await a.search(q, { mode: 'lexical', limit: 20 });
          const rb = await b.search(q, { mode: 'lexical', limit: 20 });
          expect(
            rb.hits.map((h) => [h.id, h.score]),
            q,
          ).toEqual(ra.hits.map((h) => [h.id, h.score]));
          expect(rb.total, q).toBe(ra.total);
        }
        expect(() => SearchIndex.build(docs, { authors: again.index })).toThrow(/other documents/);
        expect(await loadAuthorIndex(store, 'fpB')).toBeNull();
        expect((await loadOrBuildAuthorIndex(store, many, 'fpB')).loaded).toBe(false);
        // A damaged chunk: not used.
        const ptr = JSON.parse(
          Buffer.from((await store.getModel('author-index')) ?? new Uint8Array()).toString(),
        ) as { chunks: Record<string, string[]> };
        await store.putModel(ptr.chunks.papers?.[0] ?? '', new Uint8Array(8));
        expect(await loadAuthorIndex(store, 'fpB')).toBeNull();
        // A small corpus is not saved.
        expect((await loadOrBuildAuthorIndex(store, docs, 'fpC')).loaded).toBe(false);
        expect((await loadOrBuildAuthorIndex(store, docs, 'fpC')).loaded).toBe(false);
      } finally {
        await store.close();
      }
    });
  });

  describe(`saved vector matrix (${backend})`, () => {
    it("keeps a large corpus's LSA vectors in one piece, for its papers and model only", async () => {
      useBackend(backend);
      const store = await openTestStore(join(dir, `m${n++}.db`));
      try {
        const texts = docs.map((d) => SearchIndex.semanticText(d));
        const m = savedMatrix(store, 'fpA', texts.length);
        const opts = { sampleAbove: 100, sampleSize: 200, matrix: m };
        const first = await loadOrFitLsa(store, texts, opts);
        expect(first.fitted).toBe(true);
        const { id, dim } = first.model;
        expect(await m.load(id, dim)).toEqual(first.vectors);
        expect(await savedMatrix(store, 'fpB', texts.length).load(id, dim)).toBeNull();
        expect(await savedMatrix(store, 'fpA', texts.length - 1).load(id, dim)).toBeNull();
        expect(await m.load('another-model', dim)).toBeNull();
        const again = await loadOrFitLsa(store, texts, opts);
        expect(again.fitted).toBe(false);
        expect(again.vectors).toEqual(first.vectors);
      } finally {
        await store.close();
      }
    });
  });

  describe(`packed papers (${backend})`, () => {
    it('loadDocs packs the papers once, reads the pack back while the data is the same', async () => {
      useBackend(backend);
      const store = await openTestStore(join(dir, `d${n++}.db`));
      try {
        const records = [...listingById.values()];
        const meta = { sourcePath: 'listing.md', sourceHash: 'h1', warnings: [] };
        await store.replaceCorpus('iclr2020', records, meta);
        await store.replaceCorpus('small', records.slice(0, 40), { ...meta, sourceHash: 'h2' });
        const sig = await corporaSignature(store);
        const table = await loadSearchDocs(store);
        const first = await loadDocs(store, sig, { packAbove: 0 });
        expect(first.packed).toBe(false);
        expect(first.docs).toEqual(table);
        expect(first.fingerprint).toBe(docsFingerprint(table, sig));
        const again = await loadDocs(store, sig, { packAbove: 0 });
        expect(again.packed).toBe(true);
        expect(again.fingerprint).toBe(first.fingerprint);
        expect(again.docs.map((d) => JSON.stringify(d))).toEqual(
          table.map((d) => JSON.stringify(d)),
        );
        // Below the threshold nothing is packed.
        const other = await openTestStore(join(dir, `d${n++}.db`));
        try {
          await other.replaceCorpus('iclr2020', records, meta);
          const osig = await corporaSignature(other);
          expect((await loadDocs(other, osig)).packed).toBe(false);
          expect((await loadDocs(other, osig)).packed).toBe(false);
        } finally {
          await other.close();
        }

        // A damaged pack (a block overwritten) is not read: the table is.
        const ptr = JSON.parse(
          Buffer.from((await store.getModel('doc-pack')) ?? new Uint8Array()).toString(),
        ) as { chunks: Record<string, string[]> };
        const block = ptr.chunks.block0?.[0] ?? '';
        const saved = await store.getModel(block);
        await store.putModel(block, new Uint8Array(8));
        const damaged = await loadDocs(store, sig, { packAbove: 1e9 });
        expect(damaged.packed).toBe(false);
        expect(damaged.docs).toEqual(table);
        await store.putModel(block, saved ?? new Uint8Array());
        expect((await loadDocs(store, sig, { packAbove: 1e9 })).packed).toBe(true);

        // Changed data (a corpus ingested again) has another signature: the table is read,
        // packed again, and the old pack blanked.
        await store.replaceCorpus('small', records.slice(0, 30), { ...meta, sourceHash: 'h3' });
        const sig2 = await corporaSignature(store);
        expect(sig2).not.toBe(sig);
        const changed = await loadDocs(store, sig2, { packAbove: 0 });
        expect(changed.packed).toBe(false);
        expect(changed.docs).toEqual(await loadSearchDocs(store));
        expect(changed.docs).toHaveLength(records.length + 30);
        for (const keys of Object.values(ptr.chunks))
          for (const k of keys) expect((await store.getModel(k))?.length ?? 0).toBe(0);
        expect((await loadDocs(store, sig2, { packAbove: 0 })).packed).toBe(true);
        expect((await loadDocs(store, sig, { packAbove: 1e9 })).packed).toBe(false);
      } finally {
        await store.close();
      }
    });
  });

  describe(`large values (${backend})`, () => {
    it('putLarge/getLarge keep bytes of any size in chunks, and read a value saved whole', async () => {
      useBackend(backend);
      const store = await openTestStore(join(dir, `l${n++}.db`));
      try {
        const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) % 251);
        await putLarge(store, 'big', bytes, 3000);
        expect(await store.getModel('big/part#3')).not.toBeNull();
        expect(await getLarge(store, 'big')).toEqual(bytes);
        await store.putModel('legacy', bytes);
        expect(await getLarge(store, 'legacy')).toEqual(bytes);
        expect(await getLarge(store, 'absent')).toBeNull();
        await store.putModel('big/part#1', new Uint8Array(0)); // a chunk lost: not half-read
        expect((await getLarge(store, 'big'))?.length).not.toBe(10_000);
      } finally {
        await store.close();
      }
    });

    it('reads back a value of the largest chunk size and more (PostgreSQL: hex text)', async () => {
      useBackend(backend);
      const store = await openTestStore(join(dir, `x${n++}.db`));
      try {
        // The driver's hex text of one chunk fits the longest string V8 makes.
        expect(2 * CHUNK_BYTES + 2).toBeLessThanOrEqual(constants.MAX_STRING_LENGTH);
        const bytes = new Uint8Array(CHUNK_BYTES + 4096);
        for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i % 251;
        const keys = await putChunked(store, 'huge', bytes);
        expect(keys).toHaveLength(2);
        const back = await getChunked(store, keys);
        expect(back?.byteLength).toBe(bytes.length);
        expect(Buffer.compare(new Uint8Array(back ?? new ArrayBuffer(0)), bytes)).toBe(0);
      } finally {
        await store.close();
      }
    }, 120_000);

    it('putChunked/getChunked give back any size exactly, and nothing from a damaged set', async () => {
      useBackend(backend);
      const store = await openTestStore(join(dir, `c${n++}.db`));
      try {
        const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 13) % 251);
        for (const size of [1, 7, 250, 999, 1000, 4096]) {
          const keys = await putChunked(store, `p${size}`, bytes, size);
          expect(keys).toHaveLength(Math.ceil(1000 / size));
          expect(new Uint8Array((await getChunked(store, keys)) ?? new ArrayBuffer(0))).toEqual(
            bytes,
          );
        }
        const keys = await putChunked(store, 'd', bytes, 300); // 300, 300, 300, 100
        await store.putModel(keys[1] ?? '', new Uint8Array(0)); // a middle chunk blanked
        expect(await getChunked(store, keys)).toBeNull();
        await store.putModel(keys[1] ?? '', bytes.subarray(0, 299)); // a middle chunk short
        expect(await getChunked(store, keys)).toBeNull();
        await store.putModel(keys[1] ?? '', bytes.subarray(0, 300));
        await store.putModel(keys[3] ?? '', bytes.subarray(0, 301)); // a last chunk too long
        expect(await getChunked(store, keys)).toBeNull();
        expect(await getChunked(store, [...keys.slice(0, 3), 'missing'])).toBeNull();
        expect(await getChunked(store, [])).toBeNull();
      } finally {
        await store.close();
      }
    });
  });
}

describe('docsFingerprint', () => {
  it('changes with any paper, its order or the corpora signature, and only then', () => {
    const base = docsFingerprint(docs, 's');
    expect(
      docsFingerprint(
        docs.map((d) => ({ ...d })),
        's',
      ),
    ).toBe(base);
    expect(docsFingerprint(docs, 't')).not.toBe(base);
    expect(docsFingerprint([...docs].reverse(), 's')).not.toBe(base);
    const edit = (f: (d: SearchDoc) => SearchDoc) =>
      docsFingerprint(
        docs.map((d, i) => (i === 300 ? f(d) : d)),
        's',
      );
    expect(edit((d) => ({ ...d, title: `${d.title ?? ''}!` }))).not.toBe(base);
    expect(edit((d) => ({ ...d, authors: [...d.authors, 'X'] }))).not.toBe(base);
    expect(edit((d) => ({ ...d, abstract: `${d.abstract} more` }))).not.toBe(base);
    expect(edit((d) => ({ ...d, keywords: ['k'] }))).not.toBe(base);
  });

  it('is the digest of one update a paper, as it was before updates were batched', () => {
    // Saved indexes are keyed by this value: batching must not change it. Texts with marks,
    // astral characters and a lone surrogate, over more than one batch.
    const odd = docs.map((d, i) =>
      i % 7
        ? d
        : { ...d, title: `\u{1F600}${d.title ?? ''}\ud800`, authors: [...d.authors, 'Zoë'] },
    );
    const oneEach = (ds: SearchDoc[], sig: string) => {
      const h = createHash('sha256').update(sig);
      for (const d of ds) {
        const a = d.abstract;
        h.update(
          `${d.corpus}\u0000${d.id}\u0000${d.title ?? ''}\u0000${d.authors.join(';')}\u0000${(d.keywords ?? []).join(';')}\u0000${a.length}\u0000${a.slice(0, 32)}\u0000${a.slice(-32)}\u0001`,
        );
      }
      return h.digest('hex').slice(0, 24);
    };
    expect(odd.length).toBeGreaterThan(512);
    expect(docsFingerprint(odd, 's')).toBe(oneEach(odd, 's'));
    expect(docsFingerprint(docs, 's')).toBe(oneEach(docs, 's'));
  });

  it('rejects parts that do not fit together', () => {
    const p = SearchIndex.buildLexical(docs.slice(0, 50)).toParts();
    expect(() => LexicalIndex.fromParts({ ...p, docs: p.docs.subarray(1) })).toThrow();
    expect(() =>
      LexicalIndex.fromParts({ ...p, header: { ...p.header, format: p.header.format + 1 } }),
    ).toThrow();
    expect(LexicalIndex.fromParts(p).size).toBe(50);
  });
});

describe('a large database opened again (SQLite)', () => {
  it('starts from the packed papers and saved indexes, and answers as it did', async () => {
    const inner = await openStore(join(dir, `big${n++}.db`));
    // Thirty copies of the listing under distinct corpora (20,610 papers): above the thresholds
    // for saving the indexes and for fitting LSA on a sample (whose vector matrix is saved).
    const records = [...listingById.values()];
    const copies = 30;
    for (let c = 0; c < copies; c++)
      await inner.replaceCorpus(`c${c}`, records, {
        sourcePath: 'listing.md',
        sourceHash: `h${c}`,
        warnings: [],
      });
    // The store, counting reads of the papers table.
    let tableReads = 0;
    // The saved values read before the pack's texts (its first block) are.
    let early: string[] = [];
    let packRead = false;
    const store = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'listPapers') tableReads++;
        if (prop === 'getModel')
          return (key: string) => {
            if (/^doc-pack\/.*\/block0/.test(key)) packRead = true;
            else if (!packRead) early.push(key);
            return target.getModel(key);
          };
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    try {
      const steps: string[] = [];
      const answer = async (a: Analysis) => ({
        lexical: (await a.index.search('graph neural networks', { mode: 'lexical', limit: 15 }))
          .hits,
        hybrid: (await a.index.search('title:adversarial', { mode: 'hybrid', limit: 15 })).hits,
        author: (await a.index.search('author:bengio', { limit: 15 })).hits,
        topics: a.data.topics,
        papers: a.docs.map((d) => JSON.stringify(d)),
      });
      const first = await openAnalysis(store);
      expect(first.computed).toBe(true);
      const reads = tableReads;
      expect(reads).toBeGreaterThan(0);
      early = [];
      packRead = false;
      const again = await openAnalysis(store, { onOpen: (p) => steps.push(p.step) });
      expect(again.computed).toBe(false);
      expect(tableReads).toBe(reads); // the pack, not the table
      expect(again.index.docs).toHaveLength(records.length * copies);
      // Everything saved was read before the papers: the matrix, both indexes, the analysis.
      for (const k of ['vector-matrix', 'lexical-index', 'author-index', 'analysis-input'])
        expect(early).toContain(k);
      expect(early.some((k) => k.startsWith('ann-hnsw'))).toBe(true);
      expect(early.some((k) => k.startsWith('analysis@'))).toBe(true);
      expect(await answer(again)).toEqual(await answer(first));
      expect(steps[0]).toBe('papers');
    } finally {
      await inner.close();
    }
  }, 240_000);
});

describe('reading saved values ahead (SQLite, worker threads)', () => {
  it('gives every value (or null) as getModel does, each once, then reads as usual', async () => {
    const store = await openStore(join(dir, `ra${n++}.db`));
    try {
      const values = new Map<string, Uint8Array>();
      for (const [k, size] of [
        ['tiny', 3],
        ['small', 5000],
        ['big', 3_000_000],
        ['empty', 0],
      ] as const) {
        const v = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) % 256);
        values.set(k, v);
        await store.putModel(k, v);
      }
      const keys = [...values.keys(), 'missing', 'big'];
      const read = await store.readModels?.(keys);
      expect(read?.size).toBe(5);
      // (Compared as bytes: toEqual walks 3 MB element by element for half a minute.)
      const same = (a: Uint8Array | null | undefined, b: Uint8Array | undefined) =>
        !!a && !!b && Buffer.compare(a, b) === 0;
      for (const [k, v] of values) expect(same(read?.get(k), v), k).toBe(true);
      expect(read?.get('missing')).toBeNull();

      const { store: ahead, release } = await readAhead(store, keys);
      expect(ahead).not.toBe(store);
      await store.putModel('big', new Uint8Array([1, 2, 3]));
      // Read ahead: the value as it was; asked again: the store's current one.
      expect(same(await ahead.getModel('big'), values.get('big'))).toBe(true);
      expect(await ahead.getModel('big')).toEqual(new Uint8Array([1, 2, 3]));
      expect(await ahead.getModel('missing')).toBeNull();
      expect(await ahead.listCorpora()).toEqual([]);
      // Released: what was not handed out is read from the store.
      await store.putModel('tiny', new Uint8Array([9]));
      release();
      expect(await ahead.getModel('tiny')).toEqual(new Uint8Array([9]));

      // A reader that fails: the store as it is, read one value at a time.
      const failing = Object.assign(Object.create(store) as typeof store, {
        readModels: () => Promise.reject(new Error('no workers here')),
      });
      expect((await readAhead(failing, keys)).store).toBe(failing);
      await expect(readModelsInParallel(join(dir, 'no-such.db'), ['x'])).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
