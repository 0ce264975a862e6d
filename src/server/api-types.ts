// The HTTP API's response shapes as TypeScript types, inferred from the zod schemas that the
// server validates and documents with — the web UI imports these (types only), so it cannot drift.

import type { z } from '@hono/zod-openapi';
import type {
  AuthorDetailSchema,
  AuthorSummarySchema,
  EntitiesSchema,
  FacetsSchema,
  HitSchema,
  MapResponseSchema,
  MoreLikeTheseResponseSchema,
  PaperSchema,
  PaperSummarySchema,
  SearchResultSchema,
  SimilarItemSchema,
  TopicDetailSchema,
  TopicSchema,
} from './schemas.js';

export type Hit = z.infer<typeof HitSchema>;
export type SearchResult = z.infer<typeof SearchResultSchema>;
export type Filter = SearchResult['filters'][number];
export type Range = Hit['snippetHighlights'][number];
export type Entities = z.infer<typeof EntitiesSchema>;
export type Paper = z.infer<typeof PaperSchema>;
export type PaperSummary = z.infer<typeof PaperSummarySchema>;
export type SimilarItem = z.infer<typeof SimilarItemSchema>;
export type MoreLikeThese = z.infer<typeof MoreLikeTheseResponseSchema>;
export type Topic = z.infer<typeof TopicSchema>;
export type TopicDetail = z.infer<typeof TopicDetailSchema>;
export type MapData = z.infer<typeof MapResponseSchema>;
export type MapPoint = MapData['points'][number];
export type MapLabel = MapData['labels'][number];
export type AuthorSummary = z.infer<typeof AuthorSummarySchema>;
export type AuthorDetail = z.infer<typeof AuthorDetailSchema>;
export type Facets = z.infer<typeof FacetsSchema>;
