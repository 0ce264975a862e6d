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
    alsoIn: z
      .array(z.object({ corpus: z.string(), id: z.string() }))
      .optional()
      .openapi({ description: 'The same paper in other corpora (shown once)' }),
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

export const PaperQuerySchema = z.object({
  corpus: z.string().max(64).optional().openapi({
    description: 'The record of this corpus (default: the first corpus holding the id)',
  }),
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
    keywords: z.array(z.string()).optional(),
    tldr: z.string().optional(),
    externalIds: z
      .object({ openreview: z.string(), arxiv: z.string(), doi: z.string() })
      .partial()
      .optional(),
    decision: z.string().optional(),
    pdf: z.string().optional(),
    provenance: z
      .record(z.string(), z.string())
      .optional()
      .openapi({ description: 'Fields filled by enrichment → the source they came from' }),
    alsoIn: z
      .array(z.object({ corpus: z.string(), id: z.string() }))
      .openapi({ description: 'The same paper in other corpora' }),
    topic: z
      .object({
        broad: z.object({ id: z.string(), label: z.string() }),
        fine: z.object({ id: z.string(), label: z.string() }),
      })
      .nullable(),
    entities: z.lazy(() => EntitiesSchema).nullable(),
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

/** GET /api/health while the database opens (503, with Retry-After). */
export const OpeningSchema = z
  .object({
    status: z.literal('opening'),
    version: z.string(),
    /** The step running now (see OPEN_STEPS), or "starting" once they are all done. */
    step: z.string(),
    /** The steps done, in order. */
    done: z.array(z.string()),
    /** Papers loaded (known after the first step). */
    papers: z.number().int().nullable(),
    /** Whole seconds since the server started. */
    seconds: z.number().int(),
  })
  .openapi('Opening');

export const LimitQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(10),
});

export const SimilarItemSchema = z
  .object({
    id: z.string(),
    title: z.string().nullable(),
    score: z.number(),
    reason: z.object({
      sharedTerms: z.array(z.string()),
      semantic: z.number(),
      lexical: z.number(),
    }),
  })
  .openapi('SimilarPaper');

export const SimilarResponseSchema = z.object({
  id: z.string(),
  similar: z.array(SimilarItemSchema),
});

export const MoreLikeTheseBodySchema = z
  .object({
    ids: z.array(z.string().max(40)).min(1).max(LIMITS.setSize, `at most ${LIMITS.setSize} papers`),
    negatives: z
      .array(z.string().max(40))
      .max(LIMITS.setSize, `at most ${LIMITS.setSize} papers`)
      .default([]),
    limit: z.number().int().min(1).max(LIMITS.pageSize).default(20),
  })
  .openapi('MoreLikeTheseRequest');

export const MoreLikeTheseResponseSchema = z
  .object({
    method: z.enum(['svm', 'centroid']),
    explanation: z.array(z.string()),
    unknown: z.array(z.string()),
    results: z.array(
      z.object({
        id: z.string(),
        title: z.string().nullable(),
        score: z.number(),
        terms: z.array(z.string()),
      }),
    ),
  })
  .openapi('MoreLikeTheseResult');

export const TopicSchema = z
  .object({
    id: z.string(),
    level: z.union([z.literal(1), z.literal(2)]),
    parent: z.string().optional(),
    label: z.string(),
    terms: z.array(z.string()),
    size: z.number().int(),
    centralPapers: z.array(z.string()),
    topAuthors: z.array(z.object({ name: z.string(), count: z.number().int() })),
  })
  .openapi('Topic');

export const TopicsQuerySchema = z.object({
  level: z
    .enum(['1', '2'])
    .optional()
    .openapi({ description: '1: broad areas, 2: fine topics; both when omitted' }),
});

export const TopicIdSchema = z.object({
  id: z
    .string()
    .regex(/^t\d{1,4}(\.\d{1,4})?$/, 'expected a topic id like t3 or t3.2')
    .openapi({ param: { name: 'id', in: 'path' }, example: 't1' }),
});

export const PaperSummarySchema = z
  .object({
    id: z.string(),
    title: z.string().nullable(),
    authors: z.array(z.string()),
    track: z.enum(TRACKS).nullable(),
  })
  .openapi('PaperSummary');

export const TopicDetailSchema = TopicSchema.extend({ papers: z.array(PaperSummarySchema) });

export const MapResponseSchema = z
  .object({
    points: z.array(
      z.object({
        id: z.string(),
        x: z.number(),
        y: z.number(),
        broad: z.string(),
        fine: z.string(),
        track: z.enum(TRACKS).nullable(),
        title: z.string().nullable(),
      }),
    ),
    /** Papers on the map; above MAP_POINTS_MAX, `points` is a seeded random sample of them. */
    total: z.number().int(),
    labels: z.array(
      z.object({
        topicId: z.string(),
        label: z.string(),
        level: z.union([z.literal(1), z.literal(2)]),
        x: z.number(),
        y: z.number(),
        size: z.number().int(),
      }),
    ),
  })
  .openapi('Map');

export const AuthorsQuerySchema = z.object({
  q: z.string().max(200).default(''),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(20),
});

export const AuthorSummarySchema = z
  .object({ key: z.string(), name: z.string(), papers: z.number().int() })
  .openapi('AuthorSummary');

export const AuthorKeySchema = z.object({
  key: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'key', in: 'path' }, example: 'yoshua bengio' }),
});

export const AuthorDetailSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    variants: z.array(z.string()),
    papers: z.array(PaperSummarySchema),
    coauthors: z.array(z.object({ key: z.string(), name: z.string(), count: z.number().int() })),
    topics: z.array(z.object({ id: z.string(), label: z.string(), count: z.number().int() })),
    community: z.number().int(),
  })
  .openapi('Author');

export const ExpertsQuerySchema = z.object({
  q: z.string().min(1, 'give a query').max(LIMITS.queryChars),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(10),
});

export const ExpertSchema = z
  .object({ name: z.string(), key: z.string(), score: z.number(), papers: z.array(z.string()) })
  .openapi('Expert');

export const FacetsSchema = z
  .object({
    tracks: z.array(z.object({ value: z.string(), count: z.number().int() })),
    topics: z.array(z.object({ value: z.string(), label: z.string(), count: z.number().int() })),
    datasets: z.array(z.object({ value: z.string(), count: z.number().int() })),
    hasCode: z.number().int(),
    corpora: z.array(z.object({ value: z.string(), count: z.number().int() })),
  })
  .openapi('Facets');

export const EntitiesSchema = z
  .object({
    codeLinks: z.array(z.string()),
    datasets: z.array(z.object({ name: z.string(), mentions: z.number().int() })),
    results: z.array(
      z.object({
        metric: z.string(),
        value: z.string(),
        dataset: z.string().nullable(),
        sentence: z.string(),
        condition: z.string().optional(),
      }),
    ),
  })
  .openapi('Entities');
