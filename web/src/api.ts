// The HTTP API as the UI sees it: typed fetch wrappers over /api/… (shapes as in
// src/server/schemas.ts; the UI talks to the server over HTTP only).

export type Track = 'Poster' | 'Spotlight' | 'Talk';
export type Mode = 'hybrid' | 'lexical' | 'semantic';
export const MODES: readonly Mode[] = ['hybrid', 'lexical', 'semantic'];

export interface Range {
  start: number;
  end: number;
}

export interface Filter {
  kind: 'track' | 'author' | 'topic' | 'dataset' | 'has' | 'corpus';
  value: string;
  negated: boolean;
  source: 'explicit' | 'inferred';
}

export interface Hit {
  id: string;
  corpus: string;
  title: string | null;
  authors: string[];
  track: Track | null;
  score: number;
  snippet: string;
  snippetHighlights: Range[];
  titleHighlights: Range[];
  explanation: {
    matchedTerms: string[];
    lexicalScore: number;
    semanticScore: number | null;
    filters: string[];
  };
}

export interface SearchResult {
  query: string;
  mode: Mode;
  total: number;
  offset: number;
  hits: Hit[];
  filters: Filter[];
  expansions: Record<string, string[]>;
  notes: string[];
  tookMs: number;
}

export interface Entities {
  codeLinks: string[];
  datasets: { name: string; mentions: number }[];
  results: {
    metric: string;
    value: string;
    dataset: string | null;
    sentence: string;
    condition?: string;
  }[];
}

export interface Paper {
  id: string;
  corpus: string;
  title: string | null;
  authors: string[];
  track: Track | null;
  abstract: string;
  links: string[];
  source: { path: string; startLine: number; endLine: number };
  warnings: string[];
  topic: { broad: { id: string; label: string }; fine: { id: string; label: string } } | null;
  entities: Entities | null;
}

export interface PaperSummary {
  id: string;
  title: string | null;
  authors: string[];
  track: Track | null;
}

export interface SimilarItem {
  id: string;
  title: string | null;
  score: number;
  reason: { sharedTerms: string[]; semantic: number; lexical: number };
}

export interface MoreLikeThese {
  method: 'svm' | 'centroid';
  explanation: string[];
  unknown: string[];
  results: { id: string; title: string | null; score: number; terms: string[] }[];
}

export interface Topic {
  id: string;
  level: 1 | 2;
  parent?: string;
  label: string;
  terms: string[];
  size: number;
  centralPapers: string[];
  topAuthors: { name: string; count: number }[];
}

export interface TopicDetail extends Topic {
  papers: PaperSummary[];
}

export interface MapPoint {
  id: string;
  x: number;
  y: number;
  broad: string;
  fine: string;
  track: Track | null;
  title: string | null;
}

export interface MapLabel {
  topicId: string;
  label: string;
  level: 1 | 2;
  x: number;
  y: number;
  size: number;
}

export interface MapData {
  points: MapPoint[];
  labels: MapLabel[];
}

export interface AuthorSummary {
  key: string;
  name: string;
  papers: number;
}

export interface AuthorDetail {
  key: string;
  name: string;
  variants: string[];
  papers: PaperSummary[];
  coauthors: { key: string; name: string; count: number }[];
  topics: { id: string; label: string; count: number }[];
  community: number;
}

export interface Facets {
  tracks: { value: string; count: number }[];
  topics: { value: string; label: string; count: number }[];
  datasets: { value: string; count: number }[];
  hasCode: number;
  corpora: { value: string; count: number }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const headers = new Headers(init?.headers);
  headers.set('accept', 'application/json');
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { detail?: unknown };
      if (typeof body.detail === 'string') detail = body.detail;
    } catch {
      // not a problem+json body: keep the status line
    }
    throw new ApiError(res.status, detail);
  }
  return (await res.json()) as T;
}

const cache = new Map<string, Promise<unknown>>();

/** GET with a memory cache of the promise (failed requests are forgotten). */
function cached<T>(path: string): Promise<T> {
  let p = cache.get(path) as Promise<T> | undefined;
  if (!p) {
    p = request<T>(path);
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  return p;
}

const enc = encodeURIComponent;

export const api = {
  search(q: string, mode: Mode, limit: number, offset: number, signal?: AbortSignal) {
    const qs = new URLSearchParams({ q, mode, limit: String(limit), offset: String(offset) });
    return request<SearchResult>(`/api/search?${qs.toString()}`, signal ? { signal } : undefined);
  },
  paper: (id: string) => cached<Paper>(`/api/papers/${enc(id)}`),
  similar: (id: string, limit = 10) =>
    cached<{ id: string; similar: SimilarItem[] }>(`/api/papers/${enc(id)}/similar?limit=${limit}`),
  moreLikeThese: (ids: string[], limit = 20) =>
    request<MoreLikeThese>('/api/more-like-these', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids, limit }),
    }),
  topics: () => cached<Topic[]>('/api/topics'),
  topic: (id: string) => cached<TopicDetail>(`/api/topics/${enc(id)}`),
  map: () => cached<MapData>('/api/map'),
  authors: (q: string, limit = 10) =>
    request<AuthorSummary[]>(
      `/api/authors?${new URLSearchParams({ q, limit: String(limit) }).toString()}`,
    ),
  author: (key: string) => cached<AuthorDetail>(`/api/authors/${enc(key)}`),
  facets: () => cached<Facets>('/api/facets'),
};
