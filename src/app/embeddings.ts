// Vectors for a corpus, computed once and cached in the store by (embedder id, text hash):
// batches are saved as they finish, so an interrupted run resumes where it stopped.

import { createHash } from 'node:crypto';
import type { Embedder } from '../index/embedder.js';
import { LsaModel } from '../index/lsa.js';
import { ANN_FORMAT, HnswIndex } from '../index/ann.js';
import type { Store } from '../store/types.js';
import { getLarge, putLarge } from './saved-index.js';
import { ANN_MIN_DOCS, SearchIndex } from '../index/search.js';
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
  opts: {
    onProgress?: (p: VectorProgress) => void;
    /** Fit on a sample above this many texts (default LSA_SAMPLE_ABOVE), of this size. */
    sampleAbove?: number;
    sampleSize?: number;
    /** Where the whole matrix of a large corpus is saved and read back (see saved-index.ts). */
    matrix?: SavedMatrix;
  } = {},
): Promise<{ model: LsaModel; vectors: Float32Array; fitted: boolean }> {
  if (texts.length > (opts.sampleAbove ?? LSA_SAMPLE_ABOVE))
    return loadOrFitLsaOnSample(
      store,
      texts,
      opts.sampleSize ?? LSA_SAMPLE_SIZE,
      opts.onProgress,
      opts.matrix,
    );
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

/** A corpus's whole vector matrix for a model, saved in one piece. */
export interface SavedMatrix {
  load(model: string, dim: number): Promise<Float32Array | null>;
  save(model: string, dim: number, vectors: Float32Array): Promise<void>;
}

/** Above this many papers LSA is fitted on a sample and applied to every paper in batches. */
export const LSA_SAMPLE_ABOVE = 20_000;
/** Papers in the LSA sample (a stride sample, so the same corpus gives the same sample). */
export const LSA_SAMPLE_SIZE = 10_000;

/** Every k-th text, `size` of them (all when there are fewer). */
export function strideSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  const step = items.length / size;
  return Array.from({ length: size }, (_, i) => items[Math.floor(i * step)] as T);
}

/**
 * Large corpora: the model is fitted on a stride sample (the SVD of every paper would not fit in
 * time or memory) and saved; every paper's vector is then computed in batches that are saved as
 * they finish (`ensureVectors`), so an interrupted run resumes.
 */
async function loadOrFitLsaOnSample(
  store: Store,
  texts: readonly string[],
  sampleSize: number,
  onProgress?: (p: VectorProgress) => void,
  matrix?: SavedMatrix,
): Promise<{ model: LsaModel; vectors: Float32Array; fitted: boolean }> {
  const sample = strideSample(texts, sampleSize);
  const key = `${LsaModel.idFor(sample)}@sample`;
  const bytes = await store.getModel(key);
  let model: LsaModel | undefined;
  if (bytes) {
    try {
      model = LsaModel.fromBytes(bytes);
    } catch {
      model = undefined; // an unreadable or older saved model is refitted
    }
  }
  const fitted = !model;
  if (!model) {
    model = LsaModel.fit(sample);
    await store.putModel(key, model.toBytes());
  }
  const saved = fitted ? null : await matrix?.load(model.id, model.dim);
  if (saved) return { model, vectors: saved, fitted };
  const vectors = await ensureVectors(store, model, texts, {
    batchSize: 2000,
    ...(onProgress ? { onProgress } : {}),
  });
  await matrix?.save(model.id, model.dim, vectors);
  return { model, vectors, fitted };
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

/**
 * The ANN index over these LSA vectors, for corpora above ANN_MIN_DOCS: loaded from the store
 * (keyed by the model and a hash of the vectors) or built and saved; null below the threshold.
 */
export async function loadOrBuildAnn(
  store: Store,
  fitted: { model: { id: string; dim: number }; vectors: Float32Array },
  /** What loadAnn gave for these very vectors, when it was read already. */
  read?: HnswIndex | null,
): Promise<HnswIndex | null> {
  const n = fitted.vectors.length / fitted.model.dim;
  if (n <= ANN_MIN_DOCS) return null;
  const saved = read === undefined ? await loadAnn(store, fitted) : read;
  if (saved) return saved;
  const ann = HnswIndex.build(fitted.vectors, fitted.model.dim);
  await putLarge(store, annKey(fitted), ann.toBytes());
  return ann;
}

/** Where the ANN index over these vectors is saved: the model and a hash of the vectors. */
export function annKey(fitted: { model: { id: string }; vectors: Float32Array }): string {
  const v = fitted.vectors;
  const h = createHash('sha256').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return `ann-hnsw-v${ANN_FORMAT}@${fitted.model.id}@${h.digest('hex').slice(0, 16)}`;
}

/** The saved ANN index over these vectors, or null (none, unreadable). */
export async function loadAnn(
  store: Store,
  fitted: { model: { id: string }; vectors: Float32Array },
  /** annKey(fitted), when it was computed already (it hashes every vector). */
  key = annKey(fitted),
): Promise<HnswIndex | null> {
  const bytes = await getLarge(store, key);
  if (!bytes) return null;
  try {
    // The key's hash of the vectors makes the saved ones these: the index shares them rather
    // than holding a second copy (n × dim × 4 bytes, 512 MB at a million papers).
    return HnswIndex.fromBytes(bytes, { vectors: fitted.vectors });
  } catch {
    return null; // an unreadable saved index is rebuilt
  }
}
