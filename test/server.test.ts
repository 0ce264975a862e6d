// The HTTP API over real HTTP on loopback, on the embedded corpus in a temporary database
// (SQLite; server.postgres.test.ts runs this same flow on PostgreSQL).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_RUNS, runLine } from '../bench/adversarial.js';
import { ensureDefaultCorpus } from '../src/app/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import type { Store } from '../src/store/types.js';
import { openTestStore } from './test-store.js';

const dir = mkdtempSync(join(tmpdir(), 'confscope-server-'));
let store: Store;
let server: RunningServer;

beforeAll(async () => {
  store = await openTestStore(join(dir, 'api.db'));
  await ensureDefaultCorpus(store);
  server = await startServer(store, { port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, init?: RequestInit) {
  const res = await fetch(server.url + path, init);
  const text = await res.text();
  return { res, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function expectProblem(path: string, status: number, detail: RegExp, init?: RequestInit) {
  const { res, json, text } = await get(path, init);
  expect(res.status, path).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = json();
  expect(body).toMatchObject({ type: 'about:blank', status });
  expect(String(body['detail'])).toMatch(detail);
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describe('HTTP API', () => {
  it('reports health', async () => {
    const { res, json } = await get('/api/health');
    expect(res.status).toBe(200);
    expect(json()).toMatchObject({
      status: 'ok',
      papers: 687,
      corpora: [{ name: 'iclr2020', papers: 687 }],
    });
  });

  it('searches with the query language, modes and paging', async () => {
    const r = (await get('/api/search?q=nucleus%20sampling&limit=3')).json();
    expect(r['total']).toBeGreaterThan(3);
    const hits = r['hits'] as {
      title: string;
      snippet: string;
      explanation: { matchedTerms: string[] };
    }[];
    expect(hits).toHaveLength(3);
    expect(hits[0]?.title).toBe('The Curious Case of Neural Text Degeneration');
    expect(hits[0]?.explanation.matchedTerms).toContain('nucleus');
    const talks = (await get('/api/search?q=track:talk&limit=100&mode=lexical')).json();
    expect(talks['total']).toBe(48);
    const page2 = (await get('/api/search?q=track:talk&limit=10&offset=40')).json();
    expect((page2['hits'] as unknown[]).length).toBe(8);
    const yoshua = (await get(`/api/search?q=${encodeURIComponent('Yoshua Bengio')}`)).json();
    for (const h of yoshua['hits'] as { authors: string[] }[])
      expect(h.authors).toContain('Yoshua Bengio');
  });

  it('answers hostile queries with results or a 400, never a 500', async () => {
    const hostile = [
      '"unbalanced',
      'AND OR NOT ( ) ^ : *',
      '\u0000\u0007ctrl',
      '🤖 emoji 😀',
      "'; DROP TABLE papers; --",
      'x'.repeat(5000),
      // 10 kB of each adversarial query run (bench/adversarial.ts), lone surrogates aside:
      // encodeURIComponent refuses them (the fuzzer sends them to the parser directly).
      ...QUERY_RUNS.filter((r) => r.name !== 'lone surrogates').map((r) => runLine(r, 10_000)),
    ];
    for (const q of hostile) {
      const { res } = await get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q.slice(0, 20)).toBe(200);
    }
    for (const raw of ['%', '%zz', '%ED%A0%80', '%C0%AF', '%E0%A4%A'])
      expect((await get(`/api/search?q=${raw}`)).res.status, raw).toBe(200);
    await expectProblem(`/api/search?q=${'y'.repeat(10_001)}`, 400, /q: at most 10000 characters/);
  });

  it('returns a paper by id, 404 for an unknown id and 400 for a malformed one', async () => {
    const hit = (
      (await get('/api/search?q=nucleus%20sampling&limit=1')).json()['hits'] as { id: string }[]
    )[0];
    const { res, json } = await get(`/api/papers/${hit?.id ?? ''}`);
    expect(res.status).toBe(200);
    expect(json()).toMatchObject({ id: hit?.id, corpus: 'iclr2020', track: 'Poster' });
    await expectProblem('/api/papers/000000000000', 404, /no paper with id 000000000000/);
    await expectProblem('/api/papers/..%2F..%2Fetc', 400, /expected 12 hex digits/);
  });

  it('refuses bad parameters with problem+json naming the parameter', async () => {
    await expectProblem('/api/search?limit=1000', 400, /^limit: /);
    await expectProblem('/api/search?limit=abc', 400, /^limit: /);
    await expectProblem('/api/search?mode=magic', 400, /^mode: /);
    await expectProblem('/api/search?offset=-1', 400, /^offset: /);
    await expectProblem('/api/nothing-here', 404, /no route for GET \/api\/nothing-here/);
  });

  it('refuses oversized bodies with 413', async () => {
    const body = 'x'.repeat(100_000);
    await expectProblem('/api/search', 413, /larger than 65536 bytes/, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const doc = (await get('/api/openapi.json')).json() as {
      openapi: string;
      paths: Record<
        string,
        { get?: { parameters?: { name: string; schema: { maximum?: number } }[] } }
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/search', '/api/papers/{id}', '/api/health']),
    );
    const limit = doc.paths['/api/search']?.get?.parameters?.find((p) => p.name === 'limit');
    expect(limit?.schema.maximum).toBe(100);
  });

  it('serves analysis: similar papers, more-like-these, topics, map, authors, experts, facets', async () => {
    const nucleus =
      (
        (await get('/api/search?q=nucleus%20sampling&limit=1')).json()['hits'] as { id: string }[]
      )[0]?.id ?? '';
    const paper = (await get(`/api/papers/${nucleus}`)).json() as {
      topic: { fine: { id: string } } | null;
      entities: unknown;
    };
    expect(paper.topic?.fine.id).toMatch(/^t\d+\.\d+$/);
    expect(paper.entities).not.toBeNull();

    const sim = (await get(`/api/papers/${nucleus}/similar?limit=5`)).json() as {
      similar: { id: string; reason: { sharedTerms: string[] } }[];
    };
    expect(sim.similar).toHaveLength(5);
    expect(sim.similar.map((s) => s.id)).not.toContain(nucleus);
    expect(sim.similar[0]?.reason.sharedTerms.length).toBeGreaterThan(0);
    await expectProblem('/api/papers/000000000000/similar', 404, /no paper/);

    const gnn = (
      (await get('/api/search?q=graph%20neural%20networks&limit=3')).json()['hits'] as {
        id: string;
      }[]
    ).map((h) => h.id);
    const mlt = await get('/api/more-like-these', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: gnn, limit: 10 }),
    });
    expect(mlt.res.status).toBe(200);
    const rec = mlt.json() as { method: string; explanation: string[]; results: { id: string }[] };
    expect(rec.method).toBe('svm');
    expect(rec.results).toHaveLength(10);
    expect(rec.explanation.join(' ')).toMatch(/graph/i);
    await expectProblem('/api/more-like-these', 400, /ids/, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [] }),
    });
    await expectProblem('/api/more-like-these', 400, /at most 200 papers/, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: Array.from({ length: 201 }, (_, i) => String(i)) }),
    });

    const areas = (await get('/api/topics?level=1')).json() as unknown as {
      id: string;
      label: string;
      size: number;
    }[];
    expect(areas.length).toBeGreaterThanOrEqual(10);
    expect(areas.reduce((s, t) => s + t.size, 0)).toBe(687);
    const topic = (await get(`/api/topics/${areas[0]?.id ?? ''}`)).json() as {
      papers: unknown[];
      size: number;
    };
    expect(topic.papers).toHaveLength(topic.size);
    await expectProblem('/api/topics/t999', 404, /no topic t999/);
    await expectProblem('/api/topics/%2e%2e%2f%2e%2e%2fx', 400, /expected a topic id/);

    const map = (await get('/api/map')).json() as {
      points: { x: number; y: number }[];
      total: number;
      labels: unknown[];
    };
    expect(map.points).toHaveLength(687);
    expect(map.total).toBe(687);
    for (const p of map.points) expect(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1).toBe(true);
    expect(map.labels.length).toBeGreaterThan(10);

    const authors = (await get('/api/authors?q=bengio')).json() as unknown as {
      key: string;
      name: string;
    }[];
    expect(authors.map((a) => a.name)).toEqual(
      expect.arrayContaining(['Yoshua Bengio', 'Samy Bengio']),
    );
    const yoshua = authors.find((a) => a.name === 'Yoshua Bengio');
    const page = (await get(`/api/authors/${encodeURIComponent(yoshua?.key ?? '')}`)).json() as {
      papers: unknown[];
      coauthors: unknown[];
    };
    expect(page.papers).toHaveLength(5);
    expect(page.coauthors.length).toBeGreaterThan(5);
    await expectProblem('/api/authors/nobody%20here', 404, /no author/);

    const experts = (await get('/api/experts?q=meta-learning&limit=5')).json() as unknown as {
      name: string;
    }[];
    expect(experts).toHaveLength(5);
    await expectProblem('/api/experts', 400, /^q: /);

    const facets = (await get('/api/facets')).json() as {
      tracks: { value: string; count: number }[];
      hasCode: number;
      datasets: { value: string }[];
    };
    expect(facets.tracks).toEqual(expect.arrayContaining([{ value: 'Talk', count: 48 }]));
    expect(facets.hasCode).toBeGreaterThan(20);
    expect(facets.datasets[0]?.value).toMatch(/ImageNet|CIFAR-10/);
  });

  it('sends security headers', async () => {
    const { res } = await get('/api/health');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('web UI serving', () => {
  const webDir = mkdtempSync(join(tmpdir(), 'confscope-web-'));
  let web: RunningServer;
  beforeAll(async () => {
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(
      join(webDir, 'index.html'),
      '<!doctype html><title>confscope</title><div id="app"></div>',
    );
    writeFileSync(join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'do not serve');
    web = await startServer(store, { port: 0, host: '127.0.0.1', webRoot: webDir });
  });
  afterAll(async () => {
    await web.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves the app, its assets, and index.html for client routes', async () => {
    const home = await fetch(web.url + '/');
    expect(await home.text()).toContain('<div id="app">');
    const route = await fetch(web.url + '/paper/a45ef854a96e');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<div id="app">');
    const asset = await fetch(web.url + '/assets/app-1234.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');
    expect((await fetch(web.url + '/api/health')).status).toBe(200);
  });

  it('never serves files outside its folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    ]) {
      const res = await fetch(web.url + path);
      const body = await res.text();
      expect(body, path).not.toContain('do not serve');
      expect(body, path).not.toContain('root:x:0');
    }
  });
});
