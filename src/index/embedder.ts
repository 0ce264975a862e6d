// The Embedder interface: anything that turns texts into fixed-length unit vectors. Vectors
// are cached in the store by (embedder id, content hash), so `id` must change whenever the
// vectors would (model, version, fitted corpus).

export interface Embedder {
  /** Stable identifier used as the cache key, e.g. `use-lite-512@0.2.0` or `lsa-128@<hash>`. */
  readonly id: string;
  readonly dim: number;
  /** Embed texts in order; `onProgress` is called with the number of texts done so far. */
  embed(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array[]>;
}

/** L2-normalise in place (a zero vector stays zero) and return it. */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) * inv;
  }
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
