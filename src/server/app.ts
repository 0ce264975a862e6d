// HTTP routes: validate in, call the library, JSON out. No business logic here. Errors are
// RFC 9457 problem+json; no stack trace ever reaches a response.

import { OpenAPIHono, createRoute, type z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { mulberry32 } from '../core/random.js';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { timeout } from 'hono/timeout';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler } from 'hono';
import {
  findAuthors,
  findExperts,
  recommend,
  similarPapers,
  type Analysis,
} from '../app/analysis.js';
import type { CorpusInfo } from '../store/types.js';
import { recordExtras } from '../core/types.js';
import type { SearchDoc } from '../index/search.js';
import { registerWriteRoutes, WRITE_PREFIX, type WriteDeps } from './write.js';
import {
  AuthorDetailSchema,
  AuthorKeySchema,
  AuthorSummarySchema,
  AuthorsQuerySchema,
  ExpertSchema,
  ExpertsQuerySchema,
  FacetsSchema,
  HealthSchema,
  OpeningSchema,
  LIMITS,
  LimitQuerySchema,
  MapResponseSchema,
  MoreLikeTheseBodySchema,
  MoreLikeTheseResponseSchema,
  PaperIdSchema,
  PaperSchema,
  PaperQuerySchema,
  ProblemSchema,
  SearchQuerySchema,
  SearchResultSchema,
  SimilarResponseSchema,
  TopicDetailSchema,
  TopicIdSchema,
  TopicSchema,
  TopicsQuerySchema,
} from './schemas.js';

export interface AppDeps {
  analysis: Analysis;
  corpora: CorpusInfo[];
  version: string;
  /** Folder of the built web UI (index.html and assets); none: API only. */
  webRoot?: string;
  /** Write endpoints (ingest, enrich): answer 403 unless a token is set. */
  write?: WriteDeps;
  /**
   * How long a request for similar papers waits for the on-demand index while it is being
   * built (default SIMILAR_WAIT_MS) before it is answered 503 with Retry-After.
   */
  similarWaitMs?: number;
  /** Most points /api/map sends (default MAP_POINTS_MAX). */
  mapPointsMax?: number;
}

/** See AppDeps.similarWaitMs: well inside the read timeout (LIMITS.requestMs), so no 504. */
export const SIMILAR_WAIT_MS = 5_000;

/** Most points /api/map sends (a seeded sample of the papers above it; see mapSample). */
export const MAP_POINTS_MAX = 100_000;

/**
 * Positions 0 … n-1, or `max` of them chosen at random with a fixed seed (partial
 * Fisher–Yates), in ascending order: the same sample on every start.
 */
export function mapSample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(0x6d6170);
  const pos = new Uint32Array(n);
  for (let i = 0; i < n; i++) pos[i] = i;
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = pos[i] ?? 0;
    pos[i] = pos[j] ?? 0;
    pos[j] = t;
  }
  return [...pos.subarray(0, max)].sort((a, b) => a - b);
}

/** Seconds a client is told to wait before asking again (503 answers). */
const RETRY_AFTER_S = 5;

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problem(c: Context, status: number, detail: string): Response {
  const body: z.infer<typeof ProblemSchema> = {
    type: 'about:blank',
    title: STATUS_TITLES[status] ?? 'Error',
    status,
    detail,
    instance: new URL(c.req.url).pathname,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  });
}

const problemResponses = {
  400: {
    description: 'Invalid parameters',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  404: {
    description: 'Unknown id',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  503: {
    description:
      'Not ready yet (e.g. the similar-papers index of a large corpus is being built); see Retry-After',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
} as const;

const json200 = <T>(schema: T, description = 'OK') => ({
  200: { description, content: { 'application/json': { schema } } },
});

export function createApp(deps: AppDeps): OpenAPIHono {
  const { analysis } = deps;
  const index = analysis.index;
  const data = analysis.data;
  // An id held by several corpora (the same paper ingested twice) answers with its first record.
  const posById = new Map<string, number>();
  index.docs.forEach((d, i) => {
    if (!posById.has(d.id)) posById.set(d.id, i);
  });
  // One map, id → position (at a million papers each map over the papers costs about a
  // second and 60 MB): papers are looked up as positions.
  const byId = {
    get: (id: string): SearchDoc | undefined => {
      const i = posById.get(id);
      return i === undefined ? undefined : index.docs[i];
    },
  };
  // The analysis covers each paper once: a record it skipped (the same paper in another corpus)
  // reads its group's first record.
  const analysisId = (i: number) =>
    index.docs[index.duplicates.group[i] ?? -1]?.id ?? index.docs[i]?.id ?? '';
  const alsoIn = (i: number) =>
    index.duplicates.others(i).map((j) => ({
      corpus: index.docs[j]?.corpus ?? '',
      id: index.docs[j]?.id ?? '',
    }));
  const topicById = new Map(data.topics.map((t) => [t.id, t]));
  const summary = (id: string) => {
    const d = byId.get(id);
    return { id, title: d?.title ?? null, authors: d?.authors ?? [], track: d?.track ?? null };
  };
  /** The position of a paper, or a 404. */
  const mustPaperIn = (corpus: string, id: string): number => {
    const i = index.docs.findIndex((x) => x.corpus === corpus && x.id === id);
    if (i < 0)
      throw new HTTPException(404, { message: `no paper with id ${id} in corpus ${corpus}` });
    return i;
  };
  const mustPaper = (id: string): number => {
    const i = posById.get(id);
    if (i === undefined) throw new HTTPException(404, { message: `no paper with id ${id}` });
    return i;
  };
  const facets = computeFacets(analysis, deps.corpora);
  let mapBody: z.infer<typeof MapResponseSchema> | undefined;
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const detail = result.error.issues
          .map((i) => `${i.path.join('.') || 'request'}: ${i.message}`)
          .join('; ');
        return problem(c, 400, detail);
      }
      return undefined;
    },
  });

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // Uploads to the write endpoints have their own size limit and may take longer (a reload).
  const isWrite = (c: Context) => c.req.method !== 'GET' && c.req.path.startsWith(WRITE_PREFIX);
  const readTimeout = timeout(
    LIMITS.requestMs,
    () => new HTTPException(504, { message: 'the request took too long' }),
  );
  const unlessWrite =
    (mw: MiddlewareHandler): MiddlewareHandler =>
    (c, next) =>
      isWrite(c) ? next() : mw(c, next);
  app.use('/api/*', unlessWrite(readTimeout));
  const readBodyLimit = bodyLimit({
    maxSize: LIMITS.bodyBytes,
    onError: (c) => {
      // The rest of the body is not read: tell the client not to reuse this connection.
      const res = problem(c, 413, `request body larger than ${LIMITS.bodyBytes} bytes`);
      res.headers.set('connection', 'close');
      return res;
    },
  });
  app.use('/api/*', unlessWrite(readBodyLimit));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/health',
      summary: 'Liveness and what is loaded',
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: HealthSchema } } },
        503: {
          description:
            'The database is still opening (a large one takes a while): the step running, the steps done, the seconds so far; Retry-After says when to ask again. Every other path answers 503 problem+json meanwhile.',
          content: { 'application/json': { schema: OpeningSchema } },
        },
      },
    }),
    (c) =>
      c.json(
        {
          status: 'ok' as const,
          version: deps.version,
          papers: index.docs.length,
          corpora: deps.corpora.map((k) => ({ name: k.name, papers: k.papers })),
          vectorSets: index.vectorSets,
        },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/search',
      summary: 'Search with the query language: filters, modes, paging, highlights, explanations',
      request: { query: SearchQuerySchema },
      responses: {
        200: {
          description: 'Results',
          content: { 'application/json': { schema: SearchResultSchema } },
        },
        400: problemResponses[400],
      },
    }),
    async (c) => {
      const { q, mode, limit, offset } = c.req.valid('query');
      const result = await index.search(q, { mode, limit, offset });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/papers/{id}',
      summary: 'One paper by id',
      request: { params: PaperIdSchema, query: PaperQuerySchema },
      responses: {
        200: { description: 'The paper', content: { 'application/json': { schema: PaperSchema } } },
        400: problemResponses[400],
        404: problemResponses[404],
      },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const { corpus } = c.req.valid('query');
      const i = corpus === undefined ? mustPaper(id) : mustPaperIn(corpus, id);
      const d = index.docs[i] as SearchDoc;
      const as = data.papers.assignment(analysisId(i));
      const broad = as ? topicById.get(as.broad) : undefined;
      const fine = as ? topicById.get(as.fine) : undefined;
      const paper: z.infer<typeof PaperSchema> = {
        id: d.id,
        corpus: d.corpus,
        title: d.title,
        authors: d.authors,
        track: d.track,
        abstract: d.abstract,
        links: d.links,
        source: d.source,
        warnings: d.warnings,
        ...recordExtras(d),
        alsoIn: alsoIn(i),
        topic:
          broad && fine
            ? {
                broad: { id: broad.id, label: broad.label },
                fine: { id: fine.id, label: fine.label },
              }
            : null,
        entities: data.papers.entities(analysisId(i)) ?? null,
      };
      return c.json(paper, 200);
    },
  );

  // A large corpus's similarity index is built on demand; start it now, in the background (it
  // yields to the event loop between slices), so the first request for it rarely waits. A
  // failure is left for a request to report: it is tried again then.
  if (data.similarOnDemand) analysis.approximate().catch(() => undefined);
  // A request waits a few seconds for that build; longer, it is told to come back (a million
  // papers take minutes), rather than being cut off by the read timeout.
  const similarWaitMs = deps.similarWaitMs ?? SIMILAR_WAIT_MS;
  const similarIndexReady = async (): Promise<void> => {
    if (!data.similarOnDemand || analysis.approximateState().state === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), similarWaitMs);
    });
    try {
      const ready = await Promise.race([analysis.approximate().then(() => true), late]);
      if (!ready)
        throw new HTTPException(503, {
          message:
            'similar papers are still being indexed (built once after the server starts); try again shortly',
        });
    } finally {
      clearTimeout(timer);
    }
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/papers/{id}/similar',
      summary: 'The papers most like this one, with the reason (shared key terms, semantic score)',
      request: { params: PaperIdSchema, query: LimitQuerySchema },
      responses: {
        ...json200(SimilarResponseSchema),
        400: problemResponses[400],
        503: problemResponses[503],
        404: problemResponses[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit } = c.req.valid('query');
      await similarIndexReady();
      // On a large corpus the first request waits for the similarity index, which is built
      // without blocking other requests (see Analysis.approximate).
      const similar = ((await similarPapers(analysis, analysisId(mustPaper(id)), limit)) ?? []).map(
        (s) => ({ ...s, title: byId.get(s.id)?.title ?? null }),
      );
      return c.json({ id, similar }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/more-like-these',
      summary:
        'Rank the other papers by resemblance to a set (a linear SVM on tf-idf + LSA, or centroid for one paper)',
      request: {
        body: {
          content: { 'application/json': { schema: MoreLikeTheseBodySchema } },
          required: true,
        },
      },
      responses: {
        ...json200(MoreLikeTheseResponseSchema),
        400: problemResponses[400],
        503: problemResponses[503],
      },
    }),
    async (c) => {
      const { ids, negatives, limit } = c.req.valid('json');
      await similarIndexReady();
      const r = await recommend(analysis, ids, negatives, limit);
      if (r.unknown.length === ids.length)
        throw new HTTPException(400, { message: 'ids: none of the given papers exists' });
      return c.json(
        { ...r, results: r.results.map((x) => ({ ...x, title: byId.get(x.id)?.title ?? null })) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/topics',
      summary: 'Topics with names: broad areas (level 1) and fine topics (level 2)',
      request: { query: TopicsQuerySchema },
      responses: { ...json200(TopicSchema.array()), 400: problemResponses[400] },
    }),
    (c) => {
      const { level } = c.req.valid('query');
      return c.json(
        level ? data.topics.filter((t) => t.level === Number(level)) : data.topics,
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/topics/{id}',
      summary: 'A topic and its papers (most central first)',
      request: { params: TopicIdSchema },
      responses: {
        ...json200(TopicDetailSchema),
        400: problemResponses[400],
        404: problemResponses[404],
      },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const t = topicById.get(id);
      if (!t) throw new HTTPException(404, { message: `no topic ${id}` });
      const papers = data.papers.papersOf(id).map(summary);
      return c.json({ ...t, papers }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/map',
      summary:
        'Every paper as a point of the 2D map (in [0,1]²) with its topics, and the placed topic labels',
      responses: json200(MapResponseSchema),
    }),
    (c) => {
      // The map never changes while the server runs: made once, on first request. Above
      // MAP_POINTS_MAX papers, a sample: a million points are 300 MB of JSON (serialising them
      // ran the server out of memory) and more than a browser draws.
      if (mapBody === undefined) {
        const ids = data.papers.mapIds();
        mapBody = {
          points: mapSample(ids.length, deps.mapPointsMax ?? MAP_POINTS_MAX).map((i) => {
            const id = ids[i] ?? '';
            const [x, y] = data.papers.coords(id) ?? [0, 0];
            const d = byId.get(id);
            const a = data.papers.assignment(id);
            return {
              id,
              x,
              y,
              broad: a?.broad ?? '',
              fine: a?.fine ?? '',
              track: d?.track ?? null,
              title: d?.title ?? null,
            };
          }),
          total: ids.length,
          labels: data.map.labels,
        };
      }
      return c.json(mapBody, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/authors',
      summary:
        'Authors whose name contains all the words of q (all authors, most papers first, when q is empty)',
      request: { query: AuthorsQuerySchema },
      responses: { ...json200(AuthorSummarySchema.array()), 400: problemResponses[400] },
    }),
    async (c) => {
      const { q, limit } = c.req.valid('query');
      const found = q.trim()
        ? (await findAuthors(analysis, q, limit)).authors
        : await data.authors.first(limit);
      return c.json(
        found.map((a) => ({ key: a.key, name: a.name, papers: a.papers.length })),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/authors/{key}',
      summary: "An author's page: papers, co-authors, topics",
      request: { params: AuthorKeySchema },
      responses: {
        ...json200(AuthorDetailSchema),
        400: problemResponses[400],
        404: problemResponses[404],
      },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const a = await data.authors.get(key);
      if (!a) throw new HTTPException(404, { message: `no author with key "${key}"` });
      const counts = new Map<string, number>();
      for (const p of a.papers) {
        const f = data.papers.fineTopic(p);
        if (f) counts.set(f, (counts.get(f) ?? 0) + 1);
      }
      const topics = [...counts]
        .sort((x, y) => y[1] - x[1])
        .map(([id, count]) => ({ id, label: topicById.get(id)?.label ?? id, count }));
      return c.json({ ...a, papers: a.papers.map(summary), topics }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/experts',
      summary: 'Who works on X: authors ranked by how well their papers match the query',
      request: { query: ExpertsQuerySchema },
      responses: { ...json200(ExpertSchema.array()), 400: problemResponses[400] },
    }),
    async (c) => {
      const { q, limit } = c.req.valid('query');
      return c.json(await findExperts(analysis, q, limit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/facets',
      summary: 'Counts of papers by track, topic, dataset, code and corpus',
      responses: json200(FacetsSchema),
    }),
    (c) => c.json(facets, 200),
  );

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'confscope API',
      version: deps.version,
      description:
        'Read-only API over a conference corpus: search, papers, and (as they land) analysis.',
    },
  });

  if (deps.write) registerWriteRoutes(app, deps.write, problem);
  else
    app.on(['PUT', 'POST'], [`${WRITE_PREFIX}:name`, `${WRITE_PREFIX}:name/enrich`], (c) =>
      problem(c, 403, 'this server is read-only'),
    );

  if (deps.webRoot) mountWeb(app, deps.webRoot);

  app.notFound((c) =>
    problem(c, 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
  );
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const res = problem(c, err.status, err.message || STATUS_TITLES[err.status] || 'error');
      if (err.status === 503) res.headers.set('retry-after', String(RETRY_AFTER_S));
      return res;
    }
    // The message stays in the server log; the client gets a generic detail, never a stack.
    console.error(
      `confscope: ${c.req.method} ${c.req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return problem(c, 500, 'internal error; the server log has the details');
  });
  return app;
}

function computeFacets(a: Analysis, corpora: CorpusInfo[]): z.infer<typeof FacetsSchema> {
  const sorted = (m: Map<string, number>) =>
    [...m].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  const count = (values: Iterable<string>) => {
    const m = new Map<string, number>();
    for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
    return sorted(m);
  };
  const label = new Map(a.data.topics.map((t) => [t.id, t.label]));
  // The papers that name something, read once for both facets.
  const named = [...a.data.papers.nonEmptyEntities()].map(([, e]) => e);
  return {
    tracks: count(a.docs.map((d) => d.track ?? 'unknown')).map(([value, n]) => ({
      value,
      count: n,
    })),
    topics: sorted(a.data.papers.broadCounts()).map(([value, n]) => ({
      value,
      label: label.get(value) ?? value,
      count: n,
    })),
    datasets: count(named.flatMap((e) => e.datasets.map((d) => d.name))).map(([value, n]) => ({
      value,
      count: n,
    })),
    hasCode: named.filter((e) => e.codeLinks.length > 0).length,
    corpora: corpora.map((c) => ({ value: c.name, count: c.papers })),
  };
}

/**
 * The web UI: files under `root` only (serveStatic resolves inside its root and refuses `..`),
 * long cache for hashed assets, and index.html for every other non-API GET path so client-side
 * routes (/paper/…, /map) load the app.
 */
function mountWeb(app: OpenAPIHono, root: string): void {
  const index = join(root, 'index.html');
  const isApi = (path: string) => path === '/api' || path.startsWith('/api/');
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200)
      c.res.headers.set('cache-control', 'public, max-age=31536000, immutable');
  });
  const files = serveStatic({ root });
  app.use('*', async (c, next) => {
    if (isApi(c.req.path)) return next();
    // @hono/node-server types its middleware's Context with `any` input; the call is sound.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
    return files(c, next);
  });
  app.get('*', async (c, next) => {
    if (isApi(c.req.path) || /\.[a-z0-9]+$/i.test(c.req.path) || !existsSync(index)) return next();
    c.header('cache-control', 'no-cache');
    return c.html(await readFile(index, 'utf8'));
  });
}
