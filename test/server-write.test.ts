// The write endpoints over real HTTP on loopback: off without a token, then token-checked,
// validated, bounded, and followed by a reload so the new data is served at once.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, openStore } from '../src/app/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import { toListing } from '../src/app/serialize.js';
import { parseListing } from '../src/ingest/listing.js';
import { parseMiniconfJson } from '../src/ingest/miniconf.js';
import type { Store } from '../src/store/types.js';

const ROOT = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'confscope-write-'));
const TOKEN = 'a-long-enough-test-token-0123456789';
const site30 = readFileSync(join(ROOT, 'test/fixtures/iclr2020-virtual-site-papers-30.json'));
let store: Store;
let readOnly: RunningServer;
let writable: RunningServer;

beforeAll(async () => {
  store = await openStore(join(dir, 'w.db'));
  // A small base corpus keeps each reload quick: the listing's records of the 30 fixture papers
  // (so enrichment has matches) and 30 others.
  const listing = parseListing(readFileSync(join(ROOT, 'data/iclr2020/listing.md'), 'utf8'), 'l');
  const wanted = new Set(parseMiniconfJson(site30.toString('utf8'), 's').records.map((r) => r.id));
  const base = [
    ...listing.records.filter((r) => wanted.has(r.id)),
    ...listing.records.filter((r) => !wanted.has(r.id)).slice(0, 30),
  ];
  writeFileSync(join(dir, 'base.md'), toListing(base));
  await ingestFile(store, join(dir, 'base.md'), { corpus: 'iclr2020' });
  readOnly = await startServer(store, { port: 0, host: '127.0.0.1' });
  writable = await startServer(store, { port: 0, host: '127.0.0.1', writeToken: TOKEN });
});

afterAll(async () => {
  await readOnly.close();
  await writable.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function send(
  server: RunningServer,
  method: string,
  path: string,
  body?: string | Uint8Array,
  token: string | null = TOKEN,
) {
  const res = await fetch(server.url + path, {
    method,
    body: body ?? null,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  return { res, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('write endpoints', () => {
  it('are off without a token: 403, and nothing is written', async () => {
    const r = await send(readOnly, 'PUT', '/api/corpora/extra', site30);
    expect(r.res.status).toBe(403);
    expect(r.res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(r.json()['detail']).toMatch(/read-only/);
    const e = await send(readOnly, 'POST', '/api/corpora/iclr2020/enrich', site30);
    expect(e.res.status).toBe(403);
    expect((await store.listCorpora()).map((c) => c.name)).toEqual(['iclr2020']);
  });

  it('refuse a missing or wrong token with 401', async () => {
    const none = await send(writable, 'PUT', '/api/corpora/extra', site30, null);
    expect(none.res.status).toBe(401);
    expect(none.res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await send(writable, 'PUT', '/api/corpora/extra', site30, TOKEN + 'x');
    expect(wrong.res.status).toBe(401);
    expect((await store.listCorpora()).map((c) => c.name)).toEqual(['iclr2020']);
  });

  it('refuse bad names, formats, bodies and oversized uploads with a clear problem', async () => {
    const name = await send(writable, 'PUT', '/api/corpora/..%2Fetc', site30);
    expect(name.res.status).toBe(400);
    expect(name.json()['detail']).toMatch(/corpus name/);
    const fmt = await send(writable, 'PUT', '/api/corpora/extra?format=exe', site30);
    expect(fmt.res.status).toBe(400);
    expect(fmt.json()['detail']).toMatch(/^format: expected one of/);
    const junk = await send(writable, 'PUT', '/api/corpora/extra', 'just some words\n');
    expect(junk.res.status).toBe(400);
    expect(junk.json()['detail']).toMatch(/upload:extra/);
    const empty = await send(writable, 'PUT', '/api/corpora/extra', '');
    expect(empty.res.status).toBe(400);
    const binary = await send(
      writable,
      'PUT',
      '/api/corpora/extra',
      new Uint8Array([0xff, 0xfe, 0, 1, 2]),
    );
    expect(binary.res.status).toBe(400);
    const huge = await send(
      writable,
      'PUT',
      '/api/corpora/extra',
      new Uint8Array(33 * 1024 * 1024).fill(97),
    );
    expect(huge.res.status).toBe(413);
    expect((await store.listCorpora()).map((c) => c.name)).toEqual(['iclr2020']);
  });

  it('ingest a corpus and serve it at once', async () => {
    const r = await send(writable, 'PUT', '/api/corpora/extra', site30);
    expect(r.res.status, r.text).toBe(200);
    expect(r.json()['summary']).toMatchObject({ corpus: 'extra', total: 30, added: 30 });
    const health = (await (await fetch(`${writable.url}/api/health`)).json()) as {
      corpora: { name: string; papers: number }[];
    };
    expect(health.corpora).toContainEqual({ name: 'extra', papers: 30 });
    const hits = (await (
      await fetch(`${writable.url}/api/search?q=${encodeURIComponent('corpus:extra')}&limit=50`)
    ).json()) as { total: number };
    expect(hits.total).toBe(30);
  });

  it('enrich a corpus from an upload; the paper then has its TL;DR and OpenReview id', async () => {
    const r = await send(writable, 'POST', '/api/corpora/iclr2020/enrich?source=site30', site30);
    expect(r.res.status, r.text).toBe(200);
    const report = r.json()['report'] as { matched: { title: number }; sourceRecords: number };
    expect(report.sourceRecords).toBe(30);
    expect(report.matched.title).toBeGreaterThan(25);
    const enriched = (await store.listPapers('iclr2020')).filter((p) => p.tldr);
    expect(enriched.length).toBeGreaterThan(0);
    const first = enriched[0];
    const paper = (await (
      await fetch(`${writable.url}/api/papers/${first?.id ?? ''}?corpus=iclr2020`)
    ).json()) as {
      tldr?: string;
      externalIds?: { openreview?: string };
      provenance?: Record<string, string>;
    };
    expect(paper.tldr).toBe(first?.tldr);
    expect(paper.externalIds?.openreview).toBe(first?.externalIds?.openreview);
    expect(paper.provenance?.['tldr']).toBe('site30');
    // The same paper was uploaded as corpus "extra" too: the page says so.
    expect((paper as { alsoIn?: { corpus: string }[] }).alsoIn).toContainEqual({
      corpus: 'extra',
      id: first?.id,
    });
    const unknown = await send(writable, 'POST', '/api/corpora/nope/enrich', site30);
    expect(unknown.res.status).toBe(400);
    expect(unknown.json()['detail']).toMatch(/no corpus named "nope"/);
  });

  it("a server watching the database picks up another process's ingest without a restart", async () => {
    const watching = await startServer(store, { port: 0, host: '127.0.0.1', watchMs: 100 });
    try {
      const names = async () =>
        (
          (await (await fetch(`${watching.url}/api/health`)).json()) as {
            corpora: { name: string }[];
          }
        ).corpora.map((c) => c.name);
      expect(await names()).not.toContain('later');
      // Another writer (here: the store directly, as a second process would).
      await ingestFile(store, join(ROOT, 'test/fixtures/miniconf-papers-30.csv'), {
        corpus: 'later',
      });
      const deadline = Date.now() + 60_000;
      while (!(await names()).includes('later') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(await names()).toContain('later');
    } finally {
      await watching.close();
    }
  });

  it('a short token is refused at start', async () => {
    await expect(
      startServer(store, { port: 0, host: '127.0.0.1', writeToken: 'short' }),
    ).rejects.toThrow(/at least 16 characters/);
  });
});
