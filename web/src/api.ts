// The HTTP API as the UI sees it: typed fetch wrappers over /api/… (shapes as in
// src/server/schemas.ts; the UI talks to the server over HTTP only).

export type Track = 'Poster' | 'Spotlight' | 'Talk';
export type Mode = 'hybrid' | 'lexical' | 'semantic';
export const MODES: readonly Mode[] = ['hybrid', 'lexical', 'semantic'];

// Response shapes come from the server's zod schemas (types only: nothing of src/ is bundled).
export type {
  AuthorDetail,
  AuthorSummary,
  Entities,
  Facets,
  Filter,
  Hit,
  MapData,
  MapLabel,
  MapPoint,
  MoreLikeThese,
  Paper,
  PaperSummary,
  Range,
  SearchResult,
  SimilarItem,
  Topic,
  TopicDetail,
} from '../../src/server/api-types.js';
import type {
  AuthorDetail,
  AuthorSummary,
  Facets,
  MapData,
  MoreLikeThese,
  Paper,
  SearchResult,
  SimilarItem,
  Topic,
  TopicDetail,
} from '../../src/server/api-types.js';

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
