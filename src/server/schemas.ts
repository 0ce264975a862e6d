// Request and response schemas of the HTTP API. The same zod objects validate requests and
// generate the OpenAPI 3.1 document, so the document cannot drift from the code.

import { z } from '@hono/zod-openapi';
import { SEARCH_MODES } from '../index/search.js';
import { TRACKS } from '../core/types.js';

export const LIMITS = {
  /** Longer queries are refused with 400; the parser itself reads at most its first 1000 chars. */
  queryChars: 10_000,
  pageSize: 100,
  offset: 10_000,
  setSize: 200,
  bodyBytes: 64 * 1024,
  requestMs: 10_000,
} as const;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Bad Request' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: 'limit: must be at most 100' }),
    instance: z.string().optional(),
  })
  .openapi('Problem');

export const SearchQuerySchema = z.object({
  q: z
    .string()
    .max(LIMITS.queryChars, `at most ${LIMITS.queryChars} characters`)
    .default('')
    .openapi({
      description: 'Query in the query language (see the README)',
      example: 'graph neural networks track:spotlight',
    }),
  mode: z.enum(SEARCH_MODES).default('hybrid').openapi({ description: 'Ranking mode' }),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(10),
  offset: z.coerce.number().int().min(0).max(LIMITS.offset).default(0),
});

const HighlightSchema = z.object({ start: z.number().int(), end: z.number().int() });

const FilterSchema = z.object({
  kind: z.enum(['track', 'author', 'topic', 'dataset', 'has', 'corpus']),
  value: z.string(),
  negated: z.boolean(),
  source: z.enum(['explicit', 'inferred']),
});

export const HitSchema = z
  .object({
    id: z.string(),
    corpus: z.string(),
    title: z.string().nullable(),
    authors: z.array(z.string()),
    track: z.enum(TRACKS).nullable(),
    score: z.number(),
    snippet: z.string(),
    snippetHighlights: z.array(HighlightSchema),
    titleHighlights: z.array(HighlightSchema),
    explanation: z.object({
      matchedTerms: z.array(z.string()),
      lexicalScore: z.number(),
      semanticScore: z.number().nullable(),
      filters: z.array(z.string()),
    }),
  })
  .openapi('Hit');

export const SearchResultSchema = z
  .object({
    query: z.string(),
    mode: z.enum(SEARCH_MODES),
    total: z.number().int(),
    offset: z.number().int(),
    hits: z.array(HitSchema),
    filters: z.array(FilterSchema),
    expansions: z.record(z.string(), z.array(z.string())),
    notes: z.array(z.string()),
    tookMs: z.number(),
  })
  .openapi('SearchResult');

export const PaperIdSchema = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{12}(-\d+)?$/, 'expected 12 hex digits, as in `confscope parse`')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'a45ef854a96e' }),
});

export const PaperSchema = z
  .object({
    id: z.string(),
    corpus: z.string(),
    title: z.string().nullable(),
    authors: z.array(z.string()),
    track: z.enum(TRACKS).nullable(),
    abstract: z.string(),
    links: z.array(z.string()),
    source: z.object({ path: z.string(), startLine: z.number().int(), endLine: z.number().int() }),
    warnings: z.array(z.string()),
  })
  .openapi('Paper');

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    papers: z.number().int(),
    corpora: z.array(z.object({ name: z.string(), papers: z.number().int() })),
    vectorSets: z.array(z.string()),
  })
  .openapi('Health');
