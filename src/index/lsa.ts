// LSA: tf-idf (sublinear tf, title counted twice) reduced by a seeded randomized truncated SVD,
// fitted on the corpus itself. Deterministic, needs no downloaded weights, and on this kind of
// corpus it was the strongest single semantic signal.

import { createHash } from 'node:crypto';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { roots as terms } from './analyze.js';
import { normalize, type Embedder } from './embedder.js';
import { mulberry32 } from '../core/random.js';

export interface LsaOptions {
  dims: number;
  /** Minimum document frequency for a term to enter the vocabulary. */
  minDf: number;
  /** Terms in more than this fraction of documents are dropped. */
  maxDfRatio: number;
  oversample: number;
  powerIterations: number;
  seed: number;
}

export const DEFAULT_LSA: LsaOptions = {
  dims: 128,
  minDf: 2,
  maxDfRatio: 0.5,
  oversample: 16,
  powerIterations: 2,
  seed: 20200426,
};

/** Version of the saved model format; a saved model of another version is refitted. */
export const LSA_FORMAT = 1;

function fitHashOf(texts: readonly string[], o: LsaOptions): string {
  const h = createHash('sha256').update(JSON.stringify(o));
  for (const t of texts) h.update(t).update('\u0000');
  return h.digest('hex').slice(0, 12);
}

interface SparseRow {
  idx: Uint32Array;
  val: Float32Array;
}

/** A fitted LSA model: vocabulary, idf and the projection (vocab × dims, row-major). */
export class LsaModel implements Embedder {
  readonly id: string;
  readonly dim: number;

  constructor(
    private readonly vocab: Map<string, number>,
    private readonly idf: Float32Array,
    private readonly proj: Float32Array,
    dims: number,
    fitHash: string,
  ) {
    this.dim = dims;
    this.id = `lsa-${dims}@${fitHash}`;
  }

  /** The fit hash of a model fitted on these texts with these options (its id without fitting). */
  static idFor(texts: readonly string[], opts: Partial<LsaOptions> = {}): string {
    const o = { ...DEFAULT_LSA, ...opts };
    return `lsa-${o.dims}@${fitHashOf(texts, o)}`;
  }

  /** Bytes: a 4-byte header length, a JSON header (format version, id, vocabulary), idf, projection. */
  toBytes(): Uint8Array {
    const header = Buffer.from(
      JSON.stringify({
        format: LSA_FORMAT,
        id: this.id,
        dim: this.dim,
        vocab: [...this.vocab.keys()],
      }),
    );
    const pad = (4 - ((4 + header.length) % 4)) % 4;
    const out = new Uint8Array(
      4 + header.length + pad + this.idf.byteLength + this.proj.byteLength,
    );
    new DataView(out.buffer).setUint32(0, header.length + pad, true);
    out.set(header, 4);
    out.fill(32, 4 + header.length, 4 + header.length + pad);
    out.set(
      new Uint8Array(this.idf.buffer, this.idf.byteOffset, this.idf.byteLength),
      4 + header.length + pad,
    );
    out.set(
      new Uint8Array(this.proj.buffer, this.proj.byteOffset, this.proj.byteLength),
      4 + header.length + pad + this.idf.byteLength,
    );
    return out;
  }

  static fromBytes(bytes: Uint8Array): LsaModel {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const hlen = view.getUint32(0, true);
    const header = JSON.parse(Buffer.from(bytes.subarray(4, 4 + hlen)).toString('utf8')) as {
      format: number;
      id: string;
      dim: number;
      vocab: string[];
    };
    if (header.format !== LSA_FORMAT)
      throw new Error(`LSA model format ${header.format} is not ${LSA_FORMAT}`);
    const copy = (from: number, n: number) => {
      const a = new Float32Array(n);
      new Uint8Array(a.buffer).set(bytes.subarray(from, from + n * 4));
      return a;
    };
    const v = header.vocab.length;
    const idf = copy(4 + hlen, v);
    const proj = copy(4 + hlen + v * 4, v * header.dim);
    const fitHash = header.id.split('@')[1] ?? '';
    return new LsaModel(
      new Map(header.vocab.map((t, i) => [t, i])),
      idf,
      proj,
      header.dim,
      fitHash,
    );
  }

  static fit(texts: readonly string[], opts: Partial<LsaOptions> = {}): LsaModel {
    return LsaModel.fitWithVectors(texts, opts).model;
  }

  /** Fit, and also return the training texts' vectors (row-major n × dims) without re-analysing them. */
  static fitWithVectors(
    texts: readonly string[],
    opts: Partial<LsaOptions> = {},
  ): { model: LsaModel; vectors: Float32Array } {
    const o = { ...DEFAULT_LSA, ...opts };
    const docs = texts.map((t) => terms(t));
    const df = new Map<string, number>();
    for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
    const n = docs.length;
    const vocabTerms = [...df]
      .filter(([, c]) => c >= o.minDf && c <= Math.max(o.minDf, o.maxDfRatio * n))
      .map(([t]) => t)
      .sort();
    const vocab = new Map(vocabTerms.map((t, i) => [t, i]));
    const idf = new Float32Array(vocabTerms.length);
    vocabTerms.forEach((t, i) => (idf[i] = Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1));
    const rows = docs.map((d) => tfidfRow(d, vocab, idf));
    const dims = Math.max(1, Math.min(o.dims, n - 1, vocabTerms.length - 1));
    const proj = randomizedSvdProjection(rows, vocabTerms.length, dims, o);
    const fitHash = fitHashOf(texts, o);
    const model = new LsaModel(vocab, idf, proj, dims, fitHash);
    const vectors = new Float32Array(n * dims);
    rows.forEach((r, i) => vectors.set(model.project(r), i * dims));
    return { model, vectors };
  }

  embedOne(text: string): Float32Array {
    return this.project(tfidfRow(terms(text), this.vocab, this.idf));
  }

  /** Project an already analysed bag of terms (used for weighted query vectors). */
  embedTerms(bag: ReadonlyMap<string, number>): Float32Array {
    const idx: number[] = [];
    const val: number[] = [];
    let norm = 0;
    for (const [t, w] of bag) {
      const i = this.vocab.get(t);
      if (i === undefined) continue;
      const v = w * (this.idf[i] ?? 0);
      idx.push(i);
      val.push(v);
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return this.project({
      idx: Uint32Array.from(idx),
      val: Float32Array.from(val.map((v) => v * inv)),
    });
  }

  knows(term: string): boolean {
    return this.vocab.has(term);
  }

  embed(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array[]> {
    const out = texts.map((t) => this.embedOne(t));
    onProgress?.(texts.length);
    return Promise.resolve(out);
  }

  private project(row: SparseRow): Float32Array {
    const k = this.dim;
    const v = new Float32Array(k);
    for (let j = 0; j < row.idx.length; j++) {
      const base = (row.idx[j] ?? 0) * k;
      const x = row.val[j] ?? 0;
      for (let c = 0; c < k; c++) v[c] = (v[c] ?? 0) + x * (this.proj[base + c] ?? 0);
    }
    return normalize(v);
  }
}

function tfidfRow(
  doc: readonly string[],
  vocab: Map<string, number>,
  idf: Float32Array,
): SparseRow {
  const tf = new Map<number, number>();
  for (const t of doc) {
    const i = vocab.get(t);
    if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
  }
  const idx = Uint32Array.from([...tf.keys()].sort((a, b) => a - b));
  const val = new Float32Array(idx.length);
  let norm = 0;
  idx.forEach((i, j) => {
    const v = (1 + Math.log(tf.get(i) ?? 1)) * (idf[i] ?? 0);
    val[j] = v;
    norm += v * v;
  });
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < val.length; j++) val[j] = (val[j] ?? 0) * inv;
  }
  return { idx, val };
}

/** Standard normals by Box-Muller from the seeded PRNG. */
function gaussian(seed: number): () => number {
  const uniform = mulberry32(seed);
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/** Orthonormalise the columns of a (rows × cols, column-major) matrix in place (modified Gram-Schmidt). */
function orthonormalize(m: Float64Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    const oc = c * rows;
    for (let p = 0; p < c; p++) {
      const op = p * rows;
      let d = 0;
      for (let r = 0; r < rows; r++) d += (m[oc + r] ?? 0) * (m[op + r] ?? 0);
      for (let r = 0; r < rows; r++) m[oc + r] = (m[oc + r] ?? 0) - d * (m[op + r] ?? 0);
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += (m[oc + r] ?? 0) ** 2;
    const inv = norm > 1e-20 ? 1 / Math.sqrt(norm) : 0;
    for (let r = 0; r < rows; r++) m[oc + r] = (m[oc + r] ?? 0) * inv;
  }
}

/**
 * Top-`dims` right singular vectors of the sparse n × V matrix (Halko et al.'s randomized SVD
 * with power iterations), returned as a V × dims row-major projection.
 */
function randomizedSvdProjection(
  rows: SparseRow[],
  vocabSize: number,
  dims: number,
  o: LsaOptions,
): Float32Array {
  const n = rows.length;
  const l = Math.min(dims + o.oversample, vocabSize, n);
  const rand = gaussian(o.seed);
  // Y = A Ω, with Ω (V × l) drawn column by column; stored column-major n × l.
  const omega = new Float64Array(vocabSize * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rand();
  const Y = new Float64Array(n * l);
  const mulA = (src: Float64Array, dst: Float64Array) => {
    // dst (n × l, col-major) = A · src (V × l, row-major)
    dst.fill(0);
    for (let r = 0; r < n; r++) {
      const row = rows[r];
      if (!row) continue;
      for (let j = 0; j < row.idx.length; j++) {
        const base = (row.idx[j] ?? 0) * l;
        const x = row.val[j] ?? 0;
        for (let c = 0; c < l; c++)
          dst[c * n + r] = (dst[c * n + r] ?? 0) + x * (src[base + c] ?? 0);
      }
    }
  };
  const mulAt = (src: Float64Array, dst: Float64Array) => {
    // dst (V × l, row-major) = Aᵀ · src (n × l, col-major)
    dst.fill(0);
    for (let r = 0; r < n; r++) {
      const row = rows[r];
      if (!row) continue;
      for (let j = 0; j < row.idx.length; j++) {
        const base = (row.idx[j] ?? 0) * l;
        const x = row.val[j] ?? 0;
        for (let c = 0; c < l; c++)
          dst[base + c] = (dst[base + c] ?? 0) + x * (src[c * n + r] ?? 0);
      }
    }
  };
  mulA(omega, Y);
  orthonormalize(Y, n, l);
  const Z = new Float64Array(vocabSize * l);
  for (let q = 0; q < o.powerIterations; q++) {
    mulAt(Y, Z);
    mulA(Z, Y);
    orthonormalize(Y, n, l);
  }
  // B = Qᵀ A is l × V; we hold Bᵀ = Aᵀ Q (V × l, row-major) in Z.
  mulAt(Y, Z);
  // B Bᵀ (l × l) = Zᵀ Z; its eigenvectors are B's left singular vectors.
  const g = new Float64Array(l * l);
  for (let v = 0; v < vocabSize; v++) {
    const base = v * l;
    for (let a = 0; a < l; a++) {
      const za = Z[base + a] ?? 0;
      if (za === 0) continue;
      const row = a * l;
      for (let b = a; b < l; b++) g[row + b] = (g[row + b] ?? 0) + za * (Z[base + b] ?? 0);
    }
  }
  const G = Matrix.zeros(l, l);
  for (let a = 0; a < l; a++)
    for (let b = a; b < l; b++) {
      G.set(a, b, g[a * l + b] ?? 0);
      G.set(b, a, g[a * l + b] ?? 0);
    }
  const eig = new EigenvalueDecomposition(G, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const order = values
    .map((v, i) => [v, i] as const)
    .sort((x, y) => y[0] - x[0])
    .slice(0, dims);
  // The chosen eigenvectors, scaled by 1/σ, as a dense l × dims block (plain array: fast loops).
  const U = new Float64Array(l * dims);
  order.forEach(([val, idx], c) => {
    const sigma = Math.sqrt(Math.max(val, 1e-20));
    for (let a = 0; a < l; a++) U[a * dims + c] = eig.eigenvectorMatrix.get(a, idx) / sigma;
  });
  // Right singular vectors: V = Bᵀ U Σ⁻¹ = Z (U Σ⁻¹).
  const proj = new Float32Array(vocabSize * dims);
  const acc = new Float64Array(dims);
  for (let v = 0; v < vocabSize; v++) {
    acc.fill(0);
    const base = v * l;
    for (let a = 0; a < l; a++) {
      const z = Z[base + a] ?? 0;
      if (z === 0) continue;
      const ua = a * dims;
      for (let c = 0; c < dims; c++) acc[c] = (acc[c] ?? 0) + z * (U[ua + c] ?? 0);
    }
    proj.set(acc, v * dims);
  }
  // Make each column's sign deterministic: its largest entry is positive.
  for (let c = 0; c < dims; c++) {
    let best = 0;
    for (let v = 0; v < vocabSize; v++) {
      const x = proj[v * dims + c] ?? 0;
      if (Math.abs(x) > Math.abs(best)) best = x;
    }
    if (best < 0)
      for (let v = 0; v < vocabSize; v++) proj[v * dims + c] = -(proj[v * dims + c] ?? 0);
  }
  return proj;
}
