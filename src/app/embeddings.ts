// Vectors for a corpus, computed once and cached in the store by (embedder id, text hash):
// batches are saved as they finish, so an interrupted run resumes where it stopped.

import { createHash } from 'node:crypto';
import type { Embedder } from '../index/embedder.js';
import { LsaModel } from '../index/lsa.js';
import type { Store } from '../store/types.js';
import { SearchIndex } from '../index/search.js';
import { loadSearchDocs } from './docs.js';

export const textHash = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 32);

export interface VectorProgress {
  total: number;
  cached: number;
  done: number;
}

/** Row-major n × dim vectors for `texts`, from the cache where possible. */
export async function ensureVectors(
  store: Store,
  embedder: Embedder,
  texts: readonly string[],
  opts: { batchSize?: number; onProgress?: (p: VectorProgress) => void } = {},
): Promise<Float32Array> {
  const hashes = texts.map(textHash);
  const unique = [...new Set(hashes)];
  const cached = await store.getVectors(embedder.id, unique);
  const missing = unique.filter((h) => !cached.has(h));
  const textOf = new Map(hashes.map((h, i) => [h, texts[i] ?? '']));
  const progress: VectorProgress = { total: unique.length, cached: cached.size, done: cached.size };
  opts.onProgress?.(progress);
  const batch = Math.max(1, opts.batchSize ?? 32);
  for (let i = 0; i < missing.length; i += batch) {
    const part = missing.slice(i, i + batch);
    const vecs = await embedder.embed(part.map((h) => textOf.get(h) ?? ''));
    const entries = part.map((h, j) => [h, vecs[j] ?? new Float32Array(embedder.dim)] as const);
    await store.putVectors(embedder.id, entries);
    for (const [h, v] of entries) cached.set(h, v);
    progress.done += part.length;
    opts.onProgress?.(progress);
  }
  const out = new Float32Array(texts.length * embedder.dim);
  hashes.forEach((h, i) => {
    const v = cached.get(h);
    if (v && v.length === embedder.dim) out.set(v, i * embedder.dim);
  });
  return out;
}

/** Vectors already cached for every text, or null (nothing is computed). */
export async function cachedVectors(
  store: Store,
  model: string,
  dim: number,
  texts: readonly string[],
): Promise<Float32Array | null> {
  const hashes = texts.map(textHash);
  const got = await store.getVectors(model, [...new Set(hashes)]);
  if (hashes.some((h) => got.get(h)?.length !== dim)) return null;
  const out = new Float32Array(texts.length * dim);
  hashes.forEach((h, i) => out.set(got.get(h) ?? new Float32Array(dim), i * dim));
  return out;
}

/** The LSA model for these texts: loaded from the store when fitted before, else fitted and saved. */
export async function loadOrFitLsa(
  store: Store,
  texts: readonly string[],
): Promise<{ model: LsaModel; vectors: Float32Array; fitted: boolean }> {
  const key = LsaModel.idFor(texts);
  const bytes = await store.getModel(key);
  if (bytes) {
    try {
      const model = LsaModel.fromBytes(bytes);
      const vectors = await ensureVectors(store, model, texts, { batchSize: 512 });
      return { model, vectors, fitted: false };
    } catch {
      // An unreadable or older saved model is refitted below.
    }
  }
  const { model, vectors } = LsaModel.fitWithVectors(texts);
  await store.putModel(key, model.toBytes());
  await store.putVectors(
    model.id,
    texts.map((t, i) => [textHash(t), vectors.slice(i * model.dim, (i + 1) * model.dim)] as const),
  );
  return { model, vectors, fitted: true };
}

export type EmbedderName = 'lsa' | 'use';

/** What the USE embedder reads of a paper: title first (it sees only ~128 tokens). */
export const useText = (d: { title: string | null; abstract: string }) =>
  `${d.title ?? ''}. ${d.abstract}`;

/** Compute (or find cached) vectors of every paper of the database with one embedder. */
export async function embedCorpus(
  store: Store,
  model: EmbedderName,
  onProgress?: (p: VectorProgress) => void,
): Promise<{ model: string; total: number; cached: number }> {
  const docs = await loadSearchDocs(store);
  if (model === 'lsa') {
    const texts = docs.map((d) => SearchIndex.semanticText(d));
    const r = await loadOrFitLsa(store, texts);
    onProgress?.({ total: texts.length, cached: r.fitted ? 0 : texts.length, done: texts.length });
    return { model: r.model.id, total: texts.length, cached: r.fitted ? 0 : texts.length };
  }
  const { createUseEmbedder } = await import('../index/embed/use.js');
  const embedder = await createUseEmbedder();
  try {
    let cached = 0;
    await ensureVectors(store, embedder, docs.map(useText), {
      batchSize: 64,
      onProgress: (p) => {
        cached = p.cached;
        onProgress?.(p);
      },
    });
    return { model: embedder.id, total: docs.length, cached };
  } finally {
    await embedder.close();
  }
}
