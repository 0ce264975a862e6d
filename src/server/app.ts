// HTTP routes: validate in, call the library, JSON out. No business logic here. Errors are
// RFC 9457 problem+json; no stack trace ever reaches a response.

import { OpenAPIHono, createRoute, type z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { timeout } from 'hono/timeout';
import type { Context } from 'hono';
import type { SearchIndex } from '../index/search.js';
import type { CorpusInfo } from '../store/types.js';
import {
  HealthSchema,
  LIMITS,
  PaperIdSchema,
  PaperSchema,
  ProblemSchema,
  SearchQuerySchema,
  SearchResultSchema,
} from './schemas.js';

export interface AppDeps {
  index: SearchIndex;
  corpora: CorpusInfo[];
  version: string;
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
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
} as const;

export function createApp(deps: AppDeps): OpenAPIHono {
  const byId = new Map(deps.index.docs.map((d) => [d.id, d]));
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
  app.use(
    '/api/*',
    timeout(
      LIMITS.requestMs,
      () => new HTTPException(504, { message: 'the request took too long' }),
    ),
  );
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: LIMITS.bodyBytes,
      onError: (c) => problem(c, 413, `request body larger than ${LIMITS.bodyBytes} bytes`),
    }),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/health',
      summary: 'Liveness and what is loaded',
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: HealthSchema } } },
      },
    }),
    (c) =>
      c.json({
        status: 'ok' as const,
        version: deps.version,
        papers: deps.index.docs.length,
        corpora: deps.corpora.map((k) => ({ name: k.name, papers: k.papers })),
        vectorSets: deps.index.vectorSets,
      }),
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
      const result = await deps.index.search(q, { mode, limit, offset });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/papers/{id}',
      summary: 'One paper by id',
      request: { params: PaperIdSchema },
      responses: {
        200: { description: 'The paper', content: { 'application/json': { schema: PaperSchema } } },
        400: problemResponses[400],
        404: problemResponses[404],
      },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const d = byId.get(id);
      if (!d) throw new HTTPException(404, { message: `no paper with id ${id}` });
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
      };
      return c.json(paper, 200);
    },
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

  app.notFound((c) =>
    problem(c, 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
  );
  app.onError((err, c) => {
    if (err instanceof HTTPException)
      return problem(c, err.status, err.message || STATUS_TITLES[err.status] || 'error');
    // The message stays in the server log; the client gets a generic detail, never a stack.
    console.error(
      `confscope: ${c.req.method} ${c.req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return problem(c, 500, 'internal error; the server log has the details');
  });
  return app;
}
