// Approximate nearest neighbours over unit vectors (inner product = cosine): an HNSW graph
// (Malkov & Yashunin 2016) written for this project with typed arrays. Deterministic for a
// seed (levels from a seeded PRNG, insertion in id order), serialisable to bytes (for the
// store's models table), optionally holding int8 codes instead of float vectors (4× less
// memory; the recall cost is measured in bench/scale.ts).
//
// Layout: level 0 is one Int32Array of n × (M0 + 1) slots (slot 0 = neighbour count); upper
// levels, which only ~1/M of the nodes reach, are per-level maps node → Int32Array(M + 1).

import { mulberry32 } from '../core/random.js';

export interface AnnOptions {
  /** Neighbours per node on upper levels (level 0 keeps 2M). */
  m: number;
  /** Beam width while inserting. */
  efConstruction: number;
  /** Default beam width while searching (raised to k when smaller). */
  efSearch: number;
  /** Keep int8 codes (one scale per vector) instead of the float vectors. */
  quantize: 'none' | 'int8';
  seed: number;
}

/**
 * Chosen on LSA vectors of synthetic arXiv corpora (bench/scale.ts): with real queries, recall@10
 * 0.968 at 100k papers for ef 256 (0.922 at ef 128), ~1 ms of CPU a query.
 */
export const DEFAULT_ANN: AnnOptions = {
  m: 12,
  efConstruction: 64,
  efSearch: 256,
  quantize: 'none',
  seed: 42,
};

/** Version of the byte format; another version is rebuilt, not read. */
export const ANN_FORMAT = 1;

export interface AnnHits {
  ids: number[];
  scores: number[];
}

/** A binary heap of (key, value) pairs with the smallest key on top. */
class MinHeap {
  keys: Float64Array;
  vals: Int32Array;
  size = 0;
  constructor(cap = 64) {
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap);
  }
  clear(): void {
    this.size = 0;
  }
  push(key: number, val: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      const v = new Int32Array(this.size * 2);
      v.set(this.vals);
      this.keys = k;
      this.vals = v;
    }
    let i = this.size++;
    const keys = this.keys;
    const vals = this.vals;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p] ?? 0;
      if (pk <= key) break;
      keys[i] = pk;
      vals[i] = vals[p] ?? 0;
      i = p;
    }
    keys[i] = key;
    vals[i] = val;
  }
  topKey(): number {
    return this.keys[0] ?? 0;
  }
  topVal(): number {
    return this.vals[0] ?? 0;
  }
  pop(): void {
    const n = --this.size;
    if (n <= 0) return;
    const keys = this.keys;
    const vals = this.vals;
    const key = keys[n] ?? 0;
    const val = vals[n] ?? 0;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (keys[c + 1] ?? 0) < (keys[c] ?? 0)) c++;
      if ((keys[c] ?? 0) >= key) break;
      keys[i] = keys[c] ?? 0;
      vals[i] = vals[c] ?? 0;
      i = c;
    }
    keys[i] = key;
    vals[i] = val;
  }
}

const NO_IDS = new Int32Array(0);
const NO_SIMS = new Float64Array(0);

export class HnswIndex {
  readonly dim: number;
  readonly options: AnnOptions;
  private n = 0;
  private readonly m0: number;
  /** Float vectors (quantize 'none'), row-major. */
  private vectors: Float32Array | null;
  /** int8 codes and per-vector scales (quantize 'int8'). */
  private codes: Int8Array | null;
  private scales: Float32Array | null;
  private level0: Int32Array;
  private upper: Map<number, Int32Array>[] = [];
  private levels: Uint8Array;
  private entry = -1;
  private maxLevel = -1;
  private visited: Uint32Array;
  private epoch = 0;
  /**
   * The vectors are the caller's matrix (fromBytes with `vectors`), not a copy: never written,
   * and not counted in memoryBytes.
   */
  private readonly sharedVectors: boolean;
  private readonly heapA = new MinHeap();
  private readonly heapB = new MinHeap();
  /** Search's drained beam, reused between queries (taken while in use: see search). */
  private beamIds = NO_IDS;
  private beamSims = NO_SIMS;

  /** `shared`: use these vectors (quantize 'none', capacity × dim) instead of allocating. */
  private constructor(dim: number, capacity: number, opts: AnnOptions, shared?: Float32Array) {
    this.dim = dim;
    this.options = opts;
    this.m0 = 2 * opts.m;
    this.sharedVectors = shared !== undefined;
    if (shared && (opts.quantize !== 'none' || shared.length !== capacity * dim))
      throw new Error('ann: shared vectors need quantize none and capacity × dim floats');
    this.vectors = opts.quantize === 'none' ? (shared ?? new Float32Array(capacity * dim)) : null;
    this.codes = opts.quantize === 'int8' ? new Int8Array(capacity * dim) : null;
    this.scales = opts.quantize === 'int8' ? new Float32Array(capacity) : null;
    this.level0 = new Int32Array(capacity * (this.m0 + 1));
    this.levels = new Uint8Array(capacity);
    this.visited = new Uint32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Bytes the index holds in memory (vectors or codes, and the graph; not shared vectors). */
  get memoryBytes(): number {
    let upper = 0;
    for (const l of this.upper) upper += l.size * (this.options.m + 2) * 4;
    return (
      (this.sharedVectors ? 0 : (this.vectors?.byteLength ?? 0)) +
      (this.codes?.byteLength ?? 0) +
      (this.scales?.byteLength ?? 0) +
      this.level0.byteLength +
      this.levels.byteLength +
      upper
    );
  }

  /** Build over row-major n × dim unit vectors (zero rows are allowed and never found first). */
  static build(
    vectors: Float32Array,
    dim: number,
    opts: Partial<AnnOptions> = {},
    onProgress?: (done: number, total: number) => void,
  ): HnswIndex {
    const o = { ...DEFAULT_ANN, ...opts };
    const n = Math.floor(vectors.length / dim);
    const idx = new HnswIndex(dim, n, o);
    const rand = mulberry32(o.seed);
    const mL = 1 / Math.log(Math.max(2, o.m));
    for (let i = 0; i < n; i++) {
      const level = Math.min(31, Math.floor(-Math.log(Math.max(rand(), 1e-12)) * mL));
      idx.insert(vectors.subarray(i * dim, (i + 1) * dim), level);
      if (onProgress && (i + 1) % 10_000 === 0) onProgress(i + 1, n);
    }
    onProgress?.(n, n);
    return idx;
  }

  private store(i: number, v: Float32Array): void {
    const d = this.dim;
    // Only build inserts, into a fresh index; an index sharing the caller's matrix is read-only.
    if (this.sharedVectors) throw new Error('ann: an index with shared vectors is read-only');
    if (this.vectors) {
      this.vectors.set(v, i * d);
      return;
    }
    const codes = this.codes as Int8Array;
    const scales = this.scales as Float32Array;
    let max = 0;
    for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(v[j] ?? 0));
    const s = max > 0 ? max / 127 : 1;
    scales[i] = s;
    for (let j = 0; j < d; j++) codes[i * d + j] = Math.round((v[j] ?? 0) / s);
  }

  /** Similarity of a query to stored vector i. */
  private sim(q: Float32Array, i: number): number {
    const d = this.dim;
    const base = i * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    if (this.vectors) {
      const v = this.vectors;
      for (; j + 3 < d; j += 4) {
        s0 += (q[j] ?? 0) * (v[base + j] ?? 0);
        s1 += (q[j + 1] ?? 0) * (v[base + j + 1] ?? 0);
        s2 += (q[j + 2] ?? 0) * (v[base + j + 2] ?? 0);
        s3 += (q[j + 3] ?? 0) * (v[base + j + 3] ?? 0);
      }
      for (; j < d; j++) s0 += (q[j] ?? 0) * (v[base + j] ?? 0);
      return s0 + s1 + s2 + s3;
    }
    const c = this.codes as Int8Array;
    for (; j + 3 < d; j += 4) {
      s0 += (q[j] ?? 0) * (c[base + j] ?? 0);
      s1 += (q[j + 1] ?? 0) * (c[base + j + 1] ?? 0);
      s2 += (q[j + 2] ?? 0) * (c[base + j + 2] ?? 0);
      s3 += (q[j + 3] ?? 0) * (c[base + j + 3] ?? 0);
    }
    for (; j < d; j++) s0 += (q[j] ?? 0) * (c[base + j] ?? 0);
    return (s0 + s1 + s2 + s3) * (this.scales?.[i] ?? 0);
  }

  /**
   * The stored vector i (decoded from int8 when quantised). With quantize 'none' it is a view
   * into the index's vectors (the caller's matrix when shared): read it, do not write it.
   */
  vector(i: number): Float32Array {
    const d = this.dim;
    if (this.vectors) return this.vectors.subarray(i * d, (i + 1) * d);
    const out = new Float32Array(d);
    const s = this.scales?.[i] ?? 0;
    for (let j = 0; j < d; j++) out[j] = (this.codes?.[i * d + j] ?? 0) * s;
    return out;
  }

  private links(i: number, level: number): Int32Array {
    if (level === 0) {
      const w = this.m0 + 1;
      return this.level0.subarray(i * w, (i + 1) * w);
    }
    const l = this.upper[level - 1]?.get(i);
    if (!l) throw new Error(`ann: node ${i} has no level ${level}`);
    return l;
  }

  private nextEpoch(): number {
    if (++this.epoch === 0xffffffff) {
      this.visited.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** Greedy walk to the best node on one level. */
  private greedy(q: Float32Array, start: number, level: number): number {
    let cur = start;
    let best = this.sim(q, cur);
    for (let changed = true; changed;) {
      changed = false;
      const l = this.links(cur, level);
      const cnt = l[0] ?? 0;
      for (let j = 1; j <= cnt; j++) {
        const e = l[j] ?? 0;
        const s = this.sim(q, e);
        if (s > best) {
          best = s;
          cur = e;
          changed = true;
        }
      }
    }
    return cur;
  }

  /**
   * Beam search on one level from `entries`: the best `ef` nodes, returned in `out` as a
   * min-heap keyed by similarity (worst on top).
   */
  private searchLayer(
    q: Float32Array,
    entries: readonly number[],
    ef: number,
    level: number,
    out: MinHeap,
  ): void {
    const epoch = this.nextEpoch();
    const visited = this.visited;
    const cand = this.heapA; // keyed by -similarity: best candidate on top
    cand.clear();
    out.clear();
    for (const e of entries) {
      if (visited[e] === epoch) continue;
      visited[e] = epoch;
      const s = this.sim(q, e);
      cand.push(-s, e);
      out.push(s, e);
    }
    while (out.size > ef) out.pop();
    while (cand.size > 0) {
      const cs = -cand.topKey();
      const c = cand.topVal();
      cand.pop();
      if (out.size >= ef && cs < out.topKey()) break;
      const l = this.links(c, level);
      const cnt = l[0] ?? 0;
      for (let j = 1; j <= cnt; j++) {
        const e = l[j] ?? 0;
        if (visited[e] === epoch) continue;
        visited[e] = epoch;
        const s = this.sim(q, e);
        if (out.size < ef || s > out.topKey()) {
          cand.push(-s, e);
          out.push(s, e);
          if (out.size > ef) out.pop();
        }
      }
    }
  }

  /** Drain a min-heap into arrays sorted best first. */
  private static drain(h: MinHeap): { ids: number[]; sims: number[] } {
    const ids = new Array<number>(h.size);
    const sims = new Array<number>(h.size);
    for (let i = h.size - 1; i >= 0; i--) {
      sims[i] = h.topKey();
      ids[i] = h.topVal();
      h.pop();
    }
    return { ids, sims };
  }

  /**
   * Keep at most `max` of the candidates (sorted best first) that are each closer to the base
   * than to any neighbour already kept (the HNSW heuristic: spreads links across directions);
   * the remaining slots are filled with the best pruned ones.
   */
  private selectNeighbors(ids: readonly number[], sims: readonly number[], max: number): number[] {
    if (ids.length <= max) return [...ids];
    const kept: number[] = [];
    const pruned: number[] = [];
    for (let i = 0; i < ids.length && kept.length < max; i++) {
      const e = ids[i] ?? 0;
      const se = sims[i] ?? 0;
      const ev = this.vector(e);
      let good = true;
      for (const r of kept) {
        if (this.sim(ev, r) > se) {
          good = false;
          break;
        }
      }
      if (good) kept.push(e);
      else pruned.push(e);
    }
    for (let i = 0; kept.length < max && i < pruned.length; i++) kept.push(pruned[i] ?? 0);
    return kept;
  }

  private setLinks(i: number, level: number, ids: readonly number[]): void {
    const l = this.links(i, level);
    l[0] = ids.length;
    for (let j = 0; j < ids.length; j++) l[j + 1] = ids[j] ?? 0;
  }

  private insert(v: Float32Array, level: number): void {
    const i = this.n++;
    this.store(i, v);
    this.levels[i] = level;
    for (let l = 1; l <= level; l++) {
      while (this.upper.length < l) this.upper.push(new Map());
      this.upper[l - 1]?.set(i, new Int32Array(this.options.m + 1));
    }
    if (this.entry < 0) {
      this.entry = i;
      this.maxLevel = level;
      return;
    }
    const q = this.vector(i);
    let ep = this.entry;
    for (let l = this.maxLevel; l > level; l--) ep = this.greedy(q, ep, l);
    let entries = [ep];
    for (let l = Math.min(level, this.maxLevel); l >= 0; l--) {
      this.searchLayer(q, entries, this.options.efConstruction, l, this.heapB);
      const { ids, sims } = HnswIndex.drain(this.heapB);
      const max = l === 0 ? this.m0 : this.options.m;
      const chosen = this.selectNeighbors(ids, sims, this.options.m);
      this.setLinks(i, l, chosen);
      const simOf = new Map(ids.map((id, j) => [id, sims[j] ?? 0]));
      const chosenSims = chosen.map((id) => simOf.get(id));
      for (let c = 0; c < chosen.length; c++) {
        const e = chosen[c] ?? 0;
        const el = this.links(e, l);
        const cnt = el[0] ?? 0;
        if (cnt < max) {
          el[cnt + 1] = i;
          el[0] = cnt + 1;
          continue;
        }
        // Full: the new node replaces e's least similar neighbour if it is closer (a cheap
        // pruning; the diversity heuristic is applied to each node's own links at insertion).
        const ev = this.vector(e);
        const sNew = chosenSims[c] ?? this.sim(ev, i);
        let worst = -1;
        let worstSim = sNew;
        for (let j = 1; j <= cnt; j++) {
          const s = this.sim(ev, el[j] ?? 0);
          if (s < worstSim) {
            worstSim = s;
            worst = j;
          }
        }
        if (worst > 0) el[worst] = i;
      }
      entries = ids;
    }
    if (level > this.maxLevel) {
      this.maxLevel = level;
      this.entry = i;
    }
  }

  /**
   * The k stored vectors most similar to `q` (approximately), best first. `ef` widens the
   * beam (more recall, more time); `accept` drops ids (filters) while searching.
   */
  search(
    q: Float32Array,
    k: number,
    opts: { ef?: number; accept?: (id: number) => boolean } = {},
  ): AnnHits {
    if (this.entry < 0 || k <= 0) return { ids: [], scores: [] };
    const ef = Math.max(k, opts.ef ?? this.options.efSearch);
    let ep = this.entry;
    for (let l = this.maxLevel; l > 0; l--) ep = this.greedy(q, ep, l);
    // No per-query O(ef) allocation: the beam goes to heapB (used otherwise only by build's
    // inserts) and is drained into buffers kept between queries. The buffers are taken while
    // in use, so an `accept` that searches this index again gets its own.
    const out = this.heapB;
    this.searchLayer(q, [ep], ef, 0, out);
    const count = out.size;
    let ids = this.beamIds;
    let sims = this.beamSims;
    if (ids.length < count) {
      ids = new Int32Array(Math.max(count, 2 * ids.length));
      sims = new Float64Array(ids.length);
    }
    this.beamIds = NO_IDS;
    this.beamSims = NO_SIMS;
    for (let i = count - 1; i >= 0; i--) {
      sims[i] = out.topKey();
      ids[i] = out.topVal();
      out.pop();
    }
    const res: AnnHits = { ids: [], scores: [] };
    for (let j = 0; j < count && res.ids.length < k; j++) {
      const id = ids[j] ?? 0;
      if (opts.accept && !opts.accept(id)) continue;
      res.ids.push(id);
      res.scores.push(sims[j] ?? 0);
    }
    this.beamIds = ids;
    this.beamSims = sims;
    return res;
  }

  /**
   * Bytes: a 4-byte header length, a JSON header, then (4-aligned) levels, level 0, the upper
   * levels as (node, links…) runs, and the vectors or codes and scales.
   */
  toBytes(): Uint8Array {
    const n = this.n;
    const upperCounts = this.upper.map((m) => m.size);
    const header = Buffer.from(
      JSON.stringify({
        format: ANN_FORMAT,
        dim: this.dim,
        n,
        options: this.options,
        entry: this.entry,
        maxLevel: this.maxLevel,
        upperCounts,
      }),
    );
    const hlen = header.length + ((4 - ((4 + header.length) % 4)) % 4);
    const w = this.m0 + 1;
    const mw = this.options.m + 2;
    const levelsBytes = Math.ceil(n / 4) * 4;
    const parts: { bytes: Uint8Array; len: number }[] = [];
    const add = (a: ArrayBufferView, len = a.byteLength) =>
      parts.push({
        bytes: new Uint8Array(a.buffer, a.byteOffset, Math.min(a.byteLength, len)),
        len,
      });
    add(this.levels.subarray(0, n), levelsBytes);
    add(this.level0.subarray(0, n * w));
    for (const m of this.upper) {
      const flat = new Int32Array(m.size * mw);
      let at = 0;
      for (const [node, l] of m) {
        flat[at] = node;
        flat.set(l, at + 1);
        at += mw;
      }
      add(flat);
    }
    if (this.vectors) add(this.vectors.subarray(0, n * this.dim));
    else {
      add(this.scales?.subarray(0, n) ?? new Float32Array(0));
      const codes = this.codes?.subarray(0, n * this.dim) ?? new Int8Array(0);
      add(codes, Math.ceil(codes.byteLength / 4) * 4);
    }
    const total = 4 + hlen + parts.reduce((a, p) => a + p.len, 0);
    const out = new Uint8Array(total);
    new DataView(out.buffer).setUint32(0, hlen, true);
    out.set(header, 4);
    out.fill(32, 4 + header.length, 4 + hlen);
    let off = 4 + hlen;
    for (const p of parts) {
      out.set(p.bytes, off);
      off += p.len;
    }
    return out;
  }

  /**
   * The index `toBytes` wrote. With `vectors` (quantize 'none' only; exactly n × dim floats, else
   * it throws) the index uses that array as its vectors, shared, instead of copying the saved
   * ones, which are not read: the caller must know they are the same (e.g. the bytes are keyed by
   * a hash of them); a few rows are compared as a check. Such an index never writes to them. The
   * other parts are copied, so the index keeps no reference to `bytes`.
   */
  static fromBytes(bytes: Uint8Array, opts: { vectors?: Float32Array } = {}): HnswIndex {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const hlen = view.getUint32(0, true);
    const h = JSON.parse(Buffer.from(bytes.subarray(4, 4 + hlen)).toString('utf8')) as {
      format: number;
      dim: number;
      n: number;
      options: AnnOptions;
      entry: number;
      maxLevel: number;
      upperCounts: number[];
    };
    if (h.format !== ANN_FORMAT)
      throw new Error(`ANN index format ${h.format} is not ${ANN_FORMAT}`);
    const { n, dim } = h;
    const w = 2 * h.options.m + 1;
    const mw = h.options.m + 2;
    const levelsBytes = Math.ceil(n / 4) * 4;
    const upperBytes = h.upperCounts.reduce((a, c) => a + c * mw * 4, 0);
    const vectorBytes =
      h.options.quantize === 'none' ? n * dim * 4 : n * 4 + Math.ceil((n * dim) / 4) * 4;
    const total = 4 + hlen + levelsBytes + n * w * 4 + upperBytes + vectorBytes;
    if (bytes.byteLength !== total)
      throw new Error(`ANN index bytes: ${bytes.byteLength}, expected ${total}`);
    const shared = opts.vectors;
    if (shared) {
      if (h.options.quantize !== 'none')
        throw new Error(`ANN index quantized ${h.options.quantize} cannot share float vectors`);
      if (shared.length !== n * dim)
        throw new Error(`ANN index of ${n} × ${dim}: given ${shared.length} floats`);
      // Spot check that the saved vectors are the given ones (they are not otherwise read).
      const at = total - vectorBytes;
      const given = new Uint8Array(shared.buffer, shared.byteOffset, shared.byteLength);
      const rows = Math.min(n, 64);
      for (let r = 0; r < rows; r++) {
        const i = rows > 1 ? Math.round((r * (n - 1)) / (rows - 1)) : 0;
        const off = i * dim * 4;
        for (let b = off; b < off + dim * 4; b++)
          if (given[b] !== bytes[at + b])
            throw new Error(`ANN index: the given vectors differ from the saved ones (row ${i})`);
      }
    }
    const idx = new HnswIndex(dim, n, h.options, shared);
    idx.n = n;
    idx.entry = h.entry;
    idx.maxLevel = h.maxLevel;
    let off = 4 + hlen;
    // Each part is copied once into its own typed array (a stored BLOB need not be aligned for
    // typed-array views; and a Buffer's slice is a view, not a copy).
    const into = <T extends ArrayBufferView>(dst: T, len = dst.byteLength): T => {
      new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(
        bytes.subarray(off, off + Math.min(len, dst.byteLength)),
      );
      off += len;
      return dst;
    };
    into(idx.levels, levelsBytes);
    into(idx.level0);
    idx.upper = h.upperCounts.map((count) => {
      const flat = into(new Int32Array(count * mw));
      const m = new Map<number, Int32Array>();
      for (let at = 0; at < flat.length; at += mw)
        m.set(flat[at] ?? 0, flat.slice(at + 1, at + mw));
      return m;
    });
    if (shared) off += n * dim * 4;
    else if (idx.vectors) into(idx.vectors);
    else {
      into(idx.scales ?? new Float32Array(0));
      into(idx.codes ?? new Int8Array(0), Math.ceil((n * dim) / 4) * 4);
    }
    return idx;
  }
}

/** Exact top-k by inner product over row-major vectors (the reference for recall). */
export function exactTopK(
  vectors: Float32Array,
  dim: number,
  q: Float32Array,
  k: number,
  accept?: (id: number) => boolean,
): AnnHits {
  const n = Math.floor(vectors.length / dim);
  const heap = new MinHeap(k + 1);
  for (let i = 0; i < n; i++) {
    if (accept && !accept(i)) continue;
    let s = 0;
    const base = i * dim;
    for (let j = 0; j < dim; j++) s += (q[j] ?? 0) * (vectors[base + j] ?? 0);
    if (heap.size < k) heap.push(s, i);
    else if (s > heap.topKey()) {
      heap.pop();
      heap.push(s, i);
    }
  }
  const ids = new Array<number>(heap.size);
  const scores = new Array<number>(heap.size);
  for (let i = heap.size - 1; i >= 0; i--) {
    scores[i] = heap.topKey();
    ids[i] = heap.topVal();
    heap.pop();
  }
  return { ids, scores };
}

/** Share of the exact top-k that the approximate top-k found (recall@k). */
export function recallAtK(approx: readonly number[], exact: readonly number[]): number {
  if (exact.length === 0) return 1;
  const want = new Set(exact);
  let hit = 0;
  for (const id of approx) if (want.has(id)) hit++;
  return hit / exact.length;
}

/**
 * The `k` best of `ids` by `score` (higher first; ties: smaller id first), in order: the same
 * as sorting them all and taking the first k, in O(n log k).
 */
export function selectTop(ids: ArrayLike<number>, score: ArrayLike<number>, k: number): number[] {
  if (k <= 0) return [];
  // A heap of the k best so far with the worst on top.
  const heap: number[] = [];
  const worse = (a: number, b: number) => {
    const sa = score[a] ?? 0;
    const sb = score[b] ?? 0;
    return sa < sb || (sa === sb && a > b);
  };
  const down = (i0: number) => {
    let i = i0;
    const n = heap.length;
    const x = heap[i] ?? 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && worse(heap[c + 1] ?? 0, heap[c] ?? 0)) c++;
      if (!worse(heap[c] ?? 0, x)) break;
      heap[i] = heap[c] ?? 0;
      i = c;
    }
    heap[i] = x;
  };
  for (let j = 0; j < ids.length; j++) {
    const id = ids[j] ?? 0;
    if (heap.length < k) {
      heap.push(id);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(id, heap[p] ?? 0)) break;
        heap[i] = heap[p] ?? 0;
        i = p;
      }
      heap[i] = id;
    } else if (worse(heap[0] ?? 0, id)) {
      heap[0] = id;
      down(0);
    }
  }
  return heap.sort((a, b) => (score[b] ?? 0) - (score[a] ?? 0) || a - b);
}

/**
 * Recall@k by similarity, as ann-benchmarks counts it: the share of the k results at least as
 * similar to the query as the exact k-th neighbour (less `eps`). Unlike id overlap it does not
 * punish a different choice among tied neighbours (short queries tie often).
 */
export function recallBySimilarity(
  approxSims: readonly number[],
  exactSims: readonly number[],
  eps = 1e-6,
): number {
  const k = exactSims.length;
  if (k === 0) return 1;
  const kth = exactSims[k - 1] ?? -Infinity;
  let hit = 0;
  for (let i = 0; i < Math.min(k, approxSims.length); i++)
    if ((approxSims[i] ?? -Infinity) >= kth - eps) hit++;
  return hit / k;
}
