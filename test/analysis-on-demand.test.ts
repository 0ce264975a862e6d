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
  type OpenProgress,
} from '../src/app/analysis.js';
import { ingestFile, openStore } from '../src/app/index.js';
import { ApproxSimilarity } from '../src/analysis/similar.js';
import { createApp, mapSample } from '../src/server/app.js';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
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

  it('answers as the saved lists do', async () => {
    let same = 0;
    let total = 0;
    for (const d of exact.docs.slice(0, 120)) {
      const want = (await similarPapers(exact, d.id, 10)) ?? [];
      const got = (await similarPapers(onDemand, d.id, 10)) ?? [];
      expect(got).toHaveLength(want.length);
      expect(got.map((s) => s.id)).not.toContain(d.id);
      const wantIds = new Set(want.map((s) => s.id));
      same += got.filter((s) => wantIds.has(s.id)).length;
      total += want.length;
    }
    expect(same / total).toBeGreaterThan(0.95);
    expect(await similarPapers(onDemand, 'no-such-paper')).toBeNull();
    expect(await similarPapers(exact, 'no-such-paper')).toBeNull();
  });

  it('ranks more-like-these close to the exact SVM', async () => {
    const pos = exact.docs.slice(10, 13).map((d) => d.id);
    const a = (await recommend(exact, pos, [], 20)).results.map((r) => r.id);
    const b = (await recommend(onDemand, pos, [], 20)).results.map((r) => r.id);
    const overlap = b.filter((id) => a.includes(id)).length;
    expect(overlap).toBeGreaterThanOrEqual(14);
  });

  it('loads the saved on-demand analysis without recomputing it', async () => {
    const steps: OpenProgress[] = [];
    const again = await openAnalysis(store, {
      similarPrecomputeMax: 100,
      onOpen: (p) => steps.push(p),
    });
    // Each step of opening once, in order, timed, and the saved analysis read (not recomputed).
    expect(steps.map((p) => p.step)).toEqual([
      'papers',
      'vectors',
      'lexical index',
      'nearest-neighbour index',
      'author index',
      'search index',
      'saved analysis',
    ]);
    for (const p of steps) {
      expect(p.ms).toBeGreaterThanOrEqual(0);
      expect(p.papers).toBe(again.docs.length);
    }
    expect(again.computed).toBe(false);
    expect(again.data.similarOnDemand).toBe(true);
    expect(again.approximateState()).toEqual({ state: 'idle', builds: 0 });
    expect(await similarPapers(again, exact.docs[0]?.id ?? '', 5)).toHaveLength(5);
    expect(again.approximateState()).toEqual({ state: 'ready', builds: 1 });
  });
});

describe('the on-demand index does not hold up the server', () => {
  it('answers a search over HTTP while it builds, builds once for every request, answers as the synchronous path', async () => {
    // The build yields after every slice (sliceMs 0); at its third yield it is held until the
    // test lets it go, so "during the build" needs no timing.
    let pauses = 0;
    let reached: () => void = () => undefined;
    const midBuild = new Promise<void>((resolve) => (reached = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const a = await openAnalysis(store, {
      similarPrecomputeMax: 100,
      similarSlices: {
        sliceMs: 0,
        pause: async () => {
          if (++pauses === 3) {
            reached();
            await released;
          } else await new Promise<void>((resolve) => setImmediate(resolve));
        },
      },
    });
    expect(a.approximateState()).toEqual({ state: 'idle', builds: 0 });
    // createApp starts the build in the background.
    const app = createApp({ analysis: a, corpora: await store.listCorpora(), version: 'test' });
    expect(a.approximateState()).toEqual({ state: 'building', builds: 1 });
    const server = await new Promise<{ url: string; http: Server }>((resolve) => {
      const http = serve(
        { fetch: app.fetch, port: 0, hostname: '127.0.0.1' },
        (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, http }),
      ) as Server;
    });
    try {
      const ids = [a.docs[5]?.id ?? '', a.docs[6]?.id ?? ''];
      let answered = 0;
      const similar = ids.map((id) =>
        fetch(`${server.url}/api/papers/${id}/similar?limit=10`).then(async (r) => {
          answered++;
          return {
            status: r.status,
            body: (await r.json()) as { similar: Record<string, unknown>[] },
          };
        }),
      );
      const more = fetch(`${server.url}/api/more-like-these`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids: ids, limit: 10 }),
      }).then(async (r) => {
        answered++;
        return (await r.json()) as { results: { id: string }[] };
      });
      await midBuild;
      const search = await fetch(`${server.url}/api/search?q=graph%20neural%20networks&limit=3`);
      expect(search.status).toBe(200);
      expect(((await search.json()) as { hits: unknown[] }).hits).toHaveLength(3);
      // Answered while the index was half built; the similar requests are waiting for it.
      expect(a.approximateState()).toEqual({ state: 'building', builds: 1 });
      expect(answered).toBe(0);
      release();
      const got = await Promise.all(similar);
      const mlt = await more;
      expect(a.approximateState()).toEqual({ state: 'ready', builds: 1 });
      // The synchronous path, on a fresh input object (the index cache is keyed by it).
      const input = { ...a.similarInput, ids: [...a.similarInput.ids] };
      // The same ANN index (on a small corpus the search has none: the analysis built one).
      const built = await a.approximate();
      const sync = new ApproxSimilarity(input, { ann: built.ann });
      got.forEach((r, i) => {
        expect(r.status).toBe(200);
        expect(r.body.similar.map(({ title: _title, ...s }) => s)).toEqual(
          sync.similarTo(ids[i] ?? '', 10),
        );
      });
      expect(mlt.results.map((r) => r.id)).toEqual(
        sync.moreLikeThese(ids, [], 10).results.map((r) => r.id),
      );
      expect(built.index).not.toBe(sync.index);
      expect(built.index.docVal).toEqual(sync.index.docVal);
      expect(built.index.topicality).toEqual(sync.index.topicality);
      expect(built.index.surface).toEqual(sync.index.surface);
    } finally {
      release();
      server.http.closeAllConnections();
      await new Promise<void>((resolve) => server.http.close(() => resolve()));
    }
  });

  it('tells a client to come back (503, Retry-After) when the build outlasts its wait, then answers', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const a = await openAnalysis(store, {
      similarPrecomputeMax: 100,
      similarSlices: {
        sliceMs: 0,
        pause: async () => {
          held = true;
          await released;
        },
      },
    });
    const app = createApp({
      analysis: a,
      corpora: await store.listCorpora(),
      version: 'test',
      similarWaitMs: 50,
    });
    const id = a.docs[7]?.id ?? '';
    try {
      const r = await app.request(`/api/papers/${id}/similar?limit=5`);
      expect(held).toBe(true);
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(((await r.json()) as { detail: string }).detail).toMatch(/still being indexed/);
      const m = await app.request('/api/more-like-these', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids: [id] }),
      });
      expect(m.status).toBe(503);
      expect(a.approximateState()).toEqual({ state: 'building', builds: 1 });
      release();
      await a.approximate();
      const ok = await app.request(`/api/papers/${id}/similar?limit=5`);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { similar: unknown[] }).similar).toHaveLength(5);
    } finally {
      release();
    }
  });
});

describe('the map of a large corpus', () => {
  it('sends a fixed random sample of at most mapPointsMax points, and the total', async () => {
    const app = (max: number) =>
      createApp({ analysis: exact, corpora: [], version: 'test', mapPointsMax: max });
    type Body = { points: { id: string; x: number }[]; total: number };
    const all = (await (await app(100_000).request('/api/map')).json()) as Body;
    expect(all.total).toBe(exact.docs.length);
    expect(all.points).toHaveLength(exact.docs.length);
    const r = await app(50).request('/api/map');
    expect(r.status).toBe(200);
    const some = (await r.json()) as Body;
    expect(some.total).toBe(exact.docs.length);
    expect(some.points).toHaveLength(50);
    // Points as in the whole map, in its order, each once; the same sample on another start.
    const order = new Map(all.points.map((p, i) => [p.id, i]));
    const at = some.points.map((p) => order.get(p.id) ?? -1);
    expect(at.every((i, k) => i >= 0 && (k === 0 || i > (at[k - 1] ?? 0)))).toBe(true);
    for (const p of some.points) expect(p).toEqual(all.points[order.get(p.id) ?? -1]);
    expect(await (await app(50).request('/api/map')).json()).toEqual(some);
    // Spread over the corpus, not its first papers.
    expect(Math.max(...at)).toBeGreaterThan(exact.docs.length / 2);
  });

  it('mapSample: everything up to max, else max distinct positions spread evenly', () => {
    expect(mapSample(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const s = mapSample(100_000, 10_000);
    expect(s).toHaveLength(10_000);
    expect(new Set(s).size).toBe(10_000);
    expect(s.every((v, i) => v >= 0 && v < 100_000 && (i === 0 || v > (s[i - 1] ?? 0)))).toBe(true);
    // About a tenth of the sample in each tenth of the range.
    for (let d = 0; d < 10; d++) {
      const inDecile = s.filter((v) => Math.floor(v / 10_000) === d).length;
      expect(inDecile).toBeGreaterThan(900);
      expect(inDecile).toBeLessThan(1100);
    }
    expect(mapSample(100_000, 10_000)).toEqual(s);
  });
});

describe('saved analysis encoding', () => {
  it('reads back exactly what it wrote, in one chunk or many', async () => {
    // Authors are compared as what they read (the decoded table holds lines, not objects).
    // Per-paper results too (the table holds columns).
    const plain = async (d: Analysis['data']) => ({
      ...d,
      authors: await d.authors.all(),
      papers: {
        entities: [...d.papers.entityEntries()],
        assignments: [...d.papers.assignmentEntries()],
        coords: [...d.papers.coordEntries()],
      },
    });
    const headOf = (chunks: Uint8Array[]) =>
      JSON.parse(Buffer.from(chunks[0] ?? []).toString()) as {
        areaChunks: number;
        authorChunks: number;
      };
    const one = encodeAnalysis(exact.data);
    // A head, the columns, the authors' lines.
    expect(one).toHaveLength(3);
    expect(await plain(decodeAnalysis(one))).toEqual(await plain(exact.data));
    expect(exact.data.authors.length).toBeGreaterThan(1000);
    const many = encodeAnalysis(onDemand.data, 10_000);
    const head = headOf(many);
    expect(head.areaChunks).toBeGreaterThan(5);
    expect(head.authorChunks).toBeGreaterThan(20);
    expect(many).toHaveLength(1 + head.areaChunks + head.authorChunks);
    // Every authors' chunk ends a line: no line is split between two.
    for (const c of many.slice(1 + head.areaChunks)) expect(c[c.length - 1]).toBe(10);
    expect(await plain(decodeAnalysis(many))).toEqual(await plain(onDemand.data));
    // Authors read again from the chunks when asked for (as a server does): none at decoding.
    const reads: number[] = [];
    const reread = decodeAnalysis(many, (i) => {
      reads.push(i);
      return Promise.resolve(many[i] ?? Buffer.alloc(0));
    });
    expect(reads).toEqual([]);
    const firstAuthor = await reread.authors.at(0);
    expect(firstAuthor).toEqual(await onDemand.data.authors.at(0));
    expect(reads).toEqual([1 + head.areaChunks]);
    expect(await plain(reread)).toEqual(await plain(onDemand.data));
    expect(() => decodeAnalysis([Buffer.from('{"version":2}\n["bogus",1]\n')])).toThrow();
    expect(() => decodeAnalysis([])).toThrow();
    // Damaged: a chunk lost, an unknown layout, a part cut short.
    expect(() => decodeAnalysis(many.slice(0, -1))).toThrow(/lost chunks/);
    expect(() => decodeAnalysis([Buffer.from('{"layout":3}'), ...many.slice(1)])).toThrow(/layout/);
    const cut = [...one];
    cut[1] = (cut[1] as Uint8Array).subarray(0, (cut[1] as Uint8Array).length - 64);
    expect(() => decodeAnalysis(cut)).toThrow();
  });

  it('still reads an analysis saved as JSON lines (layout 1)', async () => {
    const plain = async (d: Analysis['data']) => ({
      ...d,
      authors: await d.authors.all(),
      papers: [
        ...d.papers.entityEntries(),
        ...d.papers.assignmentEntries(),
        ...d.papers.coordEntries(),
      ],
    });
    for (const size of [32 * 1024 * 1024, 10_000]) {
      const lines = linesLayout(onDemand.data, size);
      const back = decodeAnalysis(lines, (i) => Promise.resolve(lines[i] ?? Buffer.alloc(0)));
      expect(await plain(back)).toEqual(await plain(onDemand.data));
    }
  });
});

/** An analysis as confscope saved it before layout 2: JSON lines, in chunks of whole lines. */
function linesLayout(data: Analysis['data'], chunkChars: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let lines: string[] = [];
  let chars = 0;
  const flush = () => {
    if (lines.length) chunks.push(Buffer.from(lines.join('\n') + '\n', 'utf8'));
    lines = [];
    chars = 0;
  };
  const line = (v: unknown) => {
    const text = JSON.stringify(v);
    lines.push(text);
    chars += text.length + 1;
    if (chars >= chunkChars) flush();
  };
  const { similar, papers, map, authors, communities, ...head } = data;
  line({ ...head, mapLabels: map.labels });
  for (const [id, v] of Object.entries(similar)) line(['similar', id, v]);
  for (const [id, v] of papers.entityEntries()) line(['entities', id, v]);
  for (const [id, v] of papers.assignmentEntries()) line(['assignments', id, v]);
  for (const [id, v] of papers.coordEntries()) line(['coords', id, v]);
  for (const v of authors) line(['authors', v]);
  for (const v of communities) line(['communities', v]);
  flush();
  return chunks;
}
