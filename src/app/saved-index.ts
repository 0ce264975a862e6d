// Saving derived indexes that are costly to rebuild (the BM25F index of a large corpus takes
// minutes) in the store's models table, so opening a database does not rebuild them.
//
// A saved index is a set of binary parts, each split into chunks (a SQLite or PostgreSQL blob
// holds at most 1 GB), under keys that carry the fingerprint of the papers it was built from;
// a small pointer record names the current fingerprint and its chunks. The pointer is written
// last, so a half-written index is never pointed at; the previous version's chunks are then
// blanked (the store has no delete), so the database does not grow at every re-ingest. A reader
// racing a writer can read blanked chunks: the parts then fail their consistency checks and
// the index is rebuilt.

import { createHash, type Hash } from 'node:crypto';
import { AUTHOR_INDEX_FORMAT, AuthorIndex, type AuthorIndexParts } from '../index/author-index.js';
import { LEXICAL_FORMAT, LexicalIndex, type LexicalParts } from '../index/lexical.js';
import type { SearchDoc } from '../index/search.js';
import { SearchIndex } from '../index/search.js';
import type { Store } from '../store/types.js';
import { decodeDocPack, encodeDocPack, type DocPackHeader } from './doc-pack.js';
import type { SavedMatrix } from './embeddings.js';

/**
 * Largest chunk written as one value. The PostgreSQL driver hands a bytea over as a hex string
 * first (two characters a byte): a 256 MiB value was over V8's longest string, and the driver
 * threw outside any promise, ending the process. A SQLite value holds at most 1 GB.
 */
export const CHUNK_BYTES = 128 * 1024 * 1024;
export const LEXICAL_POINTER = 'lexical-index';

interface Pointer {
  fingerprint: string;
  header: unknown;
  /** Part name → chunk keys, in order. */
  chunks: Record<string, string[]>;
}

/** Below this many papers the BM25F index is rebuilt at each start (it takes well under a second). */
export const SAVE_LEXICAL_ABOVE = 5_000;

/**
 * A fingerprint of the papers as the search index sees them, in order: ids, titles, authors and
 * keywords in full, abstracts by length and ends (a changed abstract changes the source file's
 * hash, which `corporaSignature` carries, so hashing every abstract in full is not needed).
 */
export function docsFingerprint(docs: readonly SearchDoc[], signature: string): string {
  const h = createHash('sha256').update(signature);
  return hashInBatches(h, docs, (d) => {
    const a = d.abstract;
    return `${d.corpus}\u0000${d.id}\u0000${d.title ?? ''}\u0000${d.authors.join(';')}\u0000${(d.keywords ?? []).join(';')}\u0000${a.length}\u0000${a.slice(0, 32)}\u0000${a.slice(-32)}\u0001`;
  })
    .digest('hex')
    .slice(0, 24);
}

/**
 * Feed each item's text to `h`, many items to an update (one update a paper was seconds of a
 * million papers' start). The same digest as one update each, as long as no text ends in half
 * a surrogate pair (the callers' texts end in a control character).
 */
export function hashInBatches<T>(
  h: Hash,
  items: readonly T[],
  text: (item: T) => string,
  batch = 512,
): Hash {
  let parts: string[] = [];
  for (const x of items) {
    parts.push(text(x));
    if (parts.length >= batch) {
      h.update(parts.join(''));
      parts = [];
    }
  }
  if (parts.length) h.update(parts.join(''));
  return h;
}

/**
 * What identifies the data of a database: each corpus's name, source hash, size and ingest time,
 * and its enrichment log. Cheap (no paper is read): servers poll it to notice another process's
 * ingest or enrichment.
 */
export async function corporaSignature(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const c of await store.listCorpora()) {
    const log = await store.getModel(`enrichment:${c.name}`);
    parts.push(
      `${c.name}\u0000${c.sourceHash}\u0000${c.papers}\u0000${c.ingestedAt}\u0000${log ? createHash('sha256').update(log).digest('hex') : ''}`,
    );
  }
  return parts.join('\n');
}

const bytesOf = (a: ArrayBufferView): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export async function putChunked(
  store: Store,
  key: string,
  bytes: Uint8Array,
  size = CHUNK_BYTES,
): Promise<string[]> {
  const keys: string[] = [];
  for (let off = 0, i = 0; off < bytes.length || i === 0; off += size, i++) {
    const k = `${key}#${i}`;
    await store.putModel(k, bytes.subarray(off, Math.min(bytes.length, off + size)));
    keys.push(k);
  }
  return keys;
}

/**
 * The chunks joined into one aligned buffer (a lone chunk's own when it owns it), or null when one is missing or they are
 * not the sizes putChunked writes (all the same but the last). The first and last chunks give
 * the total, so each chunk is copied in as it is read and dropped: joining them all at the end
 * held every index twice while a large corpus opened (2 GB more at a million papers).
 */
export async function getChunked(
  store: Store,
  keys: readonly string[],
): Promise<ArrayBuffer | null> {
  const first = keys.length ? await store.getModel(keys[0] ?? '') : null;
  if (!first) return null;
  // One chunk that owns its memory (see ownedBytes) is handed over as it is: no copy.
  if (keys.length === 1 && first.byteOffset === 0 && first.byteLength === first.buffer.byteLength)
    return first.buffer as ArrayBuffer;
  const last = keys.length > 1 ? await store.getModel(keys[keys.length - 1] ?? '') : first;
  if (!last || last.length > first.length) return null;
  const out = new Uint8Array(first.length * (keys.length - 1) + last.length);
  out.set(first, 0);
  out.set(last, first.length * (keys.length - 1));
  for (let i = 1; i < keys.length - 1; i++) {
    const c = await store.getModel(keys[i] ?? '');
    if (c?.length !== first.length) return null;
    out.set(c, first.length * i);
  }
  return out.buffer;
}

/**
 * Save bytes of any size under `key`: the chunks first, then at `key` a record naming them.
 * (A SQLite value holds at most 1 GB; the HNSW index of a million papers is larger.)
 */
export async function putLarge(
  store: Store,
  key: string,
  bytes: Uint8Array,
  chunkBytes = CHUNK_BYTES,
): Promise<void> {
  const parts: Uint8Array[] = [];
  for (let off = 0; off < bytes.length || parts.length === 0; off += chunkBytes)
    parts.push(bytes.subarray(off, Math.min(bytes.length, off + chunkBytes)));
  await putChunks(store, key, parts);
}

/** What putLarge saved under `key` (or a value saved whole there before), or null. */
export async function getLarge(store: Store, key: string): Promise<Uint8Array | null> {
  const head = await store.getModel(key);
  if (!head) return null;
  if (!isChunkHead(head)) return head;
  const { chunks } = JSON.parse(Buffer.from(head).toString('utf8')) as { chunks: string[] };
  const joined = await getChunked(store, chunks);
  return joined ? new Uint8Array(joined) : null;
}

/** Save these chunks under `key`: each its own value, then at `key` a record naming them. */
export async function putChunks(
  store: Store,
  key: string,
  parts: readonly Uint8Array[],
): Promise<void> {
  const chunks: string[] = [];
  for (const [i, c] of parts.entries()) {
    const k = `${key}/part#${i}`;
    await store.putModel(k, c);
    chunks.push(k);
  }
  await store.putModel(key, Buffer.from(JSON.stringify({ chunks }), 'utf8'));
}

const isChunkHead = (head: Uint8Array): boolean =>
  head.length < 64 * 1024 && Buffer.from(head).toString('utf8').startsWith('{"chunks":[');

/**
 * The chunks putChunks saved under `key`: how many, and a way to read chunk i (null when it is
 * gone), or null when there is no such record. Read one at a time, a large value is never held
 * whole (the analysis of a million papers is 1.6 GB).
 */
export async function openChunks(
  store: Store,
  key: string,
): Promise<{ count: number; read: (i: number) => Promise<Uint8Array | null> } | null> {
  const head = await store.getModel(key);
  if (!head || !isChunkHead(head)) return null;
  const { chunks: keys } = JSON.parse(Buffer.from(head).toString('utf8')) as { chunks: string[] };
  return { count: keys.length, read: (i) => store.getModel(keys[i] ?? '') };
}

/** The chunk keys a putChunks record under `key` names (none: []). */
export async function chunkKeys(store: Store, key: string): Promise<string[]> {
  const head = await store.getModel(key);
  if (!head || !isChunkHead(head)) return [];
  return (JSON.parse(Buffer.from(head).toString('utf8')) as { chunks: string[] }).chunks;
}

/** The chunk keys of the parts saved under `name` for exactly this fingerprint (none: []). */
export async function partKeys(store: Store, name: string, fingerprint: string): Promise<string[]> {
  return (await loadParts(store, name, fingerprint))?.keys ?? [];
}

/**
 * The store, with these keys' values read ahead (all at once where it can: see
 * Store.readModels): its getModel hands each out once, then reads as usual. `release` drops
 * what was not handed out (a store kept by a lazy reader must not keep those values). When
 * reading ahead fails, the store as it is.
 */
export async function readAhead(
  store: Store,
  keys: readonly string[],
): Promise<{ store: Store; release: () => void }> {
  const none = { store, release: () => undefined };
  if (!store.readModels || !keys.length) return none;
  let values: Map<string, Uint8Array | null>;
  try {
    values = await store.readModels(keys);
  } catch {
    return none; // each value is read again, one at a time
  }
  const ahead = new Proxy(store, {
    get(target, prop) {
      if (prop === 'getModel')
        return (id: string) => {
          if (!values.has(id)) return target.getModel(id);
          const v = values.get(id) ?? null;
          values.delete(id);
          return Promise.resolve(v);
        };
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: ahead, release: () => values.clear() };
}

async function readPointer(store: Store, name: string): Promise<Pointer | null> {
  const raw = await store.getModel(name);
  if (!raw || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8')) as Pointer;
  } catch {
    return null;
  }
}

/** The parts saved under `name` for exactly this fingerprint, or null. */
async function loadParts(
  store: Store,
  name: string,
  fingerprint: string,
): Promise<{
  header: unknown;
  part: (p: string) => Promise<ArrayBuffer>;
  /** Every chunk key of every part. */
  keys: string[];
} | null> {
  const ptr = await readPointer(store, name);
  if (ptr?.fingerprint !== fingerprint) return null;
  return {
    header: ptr.header,
    keys: Object.values(ptr.chunks).flat(),
    part: async (p: string) => {
      const buf = await getChunked(store, ptr.chunks[p] ?? []);
      if (!buf) throw new Error(`missing part ${p}`);
      return buf;
    },
  };
}

/** Save parts under `name` for this fingerprint (pointer last), then blank the previous ones. */
async function saveParts(
  store: Store,
  name: string,
  fingerprint: string,
  header: unknown,
  parts: Record<string, Uint8Array>,
): Promise<void> {
  const before = await readPointer(store, name);
  const chunks: Record<string, string[]> = {};
  for (const [p, bytes] of Object.entries(parts))
    chunks[p] = await putChunked(store, `${name}/${fingerprint}/${p}`, bytes);
  const ptr: Pointer = { fingerprint, header, chunks };
  await store.putModel(name, Buffer.from(JSON.stringify(ptr), 'utf8'));
  if (before && before.fingerprint !== fingerprint)
    for (const keys of Object.values(before.chunks))
      for (const k of keys) await store.putModel(k, new Uint8Array(0));
}

/** The saved BM25F index of exactly these papers, or null (none, another version, damaged). */
export async function loadLexical(store: Store, fingerprint: string): Promise<LexicalIndex | null> {
  const saved = await loadParts(store, LEXICAL_POINTER, fingerprint);
  const header = saved?.header as LexicalParts['header'] | undefined;
  if (!saved || header?.format !== LEXICAL_FORMAT) return null;
  try {
    const { part } = saved;
    return LexicalIndex.fromParts({
      header,
      vocabulary: Buffer.from(await part('vocabulary')).toString('utf8'),
      offsets: new Uint32Array(await part('offsets')),
      docs: new Uint32Array(await part('docs')),
      tf: new Uint8Array(await part('tf')),
      fieldLen: new Uint16Array(await part('fieldLen')),
      fieldMask: new Uint8Array(await part('fieldMask')),
      impact: new Uint16Array(await part('impact')),
    });
  } catch {
    return null; // inconsistent (e.g. overwritten while read): rebuilt by the caller
  }
}

/** Save the index under this fingerprint and blank the one saved before. */
export async function saveLexical(
  store: Store,
  fingerprint: string,
  index: LexicalIndex,
): Promise<void> {
  const p = index.toParts();
  await saveParts(store, LEXICAL_POINTER, fingerprint, p.header, {
    vocabulary: Buffer.from(p.vocabulary, 'utf8'),
    offsets: bytesOf(p.offsets),
    docs: bytesOf(p.docs),
    tf: bytesOf(p.tf),
    fieldLen: bytesOf(p.fieldLen),
    fieldMask: bytesOf(p.fieldMask),
    impact: bytesOf(p.impact),
  });
}

export const AUTHORS_POINTER = 'author-index';

/** The saved author index of exactly these papers, or null (none, another version, damaged). */
export async function loadAuthorIndex(
  store: Store,
  fingerprint: string,
): Promise<AuthorIndex | null> {
  const saved = await loadParts(store, AUTHORS_POINTER, fingerprint);
  const header = saved?.header as AuthorIndexParts['header'] | undefined;
  if (!saved || header?.format !== AUTHOR_INDEX_FORMAT) return null;
  try {
    const { part } = saved;
    const text = async (p: string) => Buffer.from(await part(p)).toString('utf8');
    return AuthorIndex.fromParts({
      header,
      keys: await text('keys'),
      displays: await text('displays'),
      start: new Uint32Array(await part('start')),
      papers: new Uint32Array(await part('papers')),
      words: await text('words'),
      wordStart: new Uint32Array(await part('wordStart')),
      wordEntries: new Uint32Array(await part('wordEntries')),
    });
  } catch {
    return null; // inconsistent: rebuilt by the caller
  }
}

/** Save the author index under this fingerprint and blank the one saved before. */
export async function saveAuthorIndex(
  store: Store,
  fingerprint: string,
  index: AuthorIndex,
): Promise<void> {
  const p = index.toParts();
  await saveParts(store, AUTHORS_POINTER, fingerprint, p.header, {
    keys: Buffer.from(p.keys, 'utf8'),
    displays: Buffer.from(p.displays, 'utf8'),
    start: bytesOf(p.start),
    papers: bytesOf(p.papers),
    words: Buffer.from(p.words, 'utf8'),
    wordStart: bytesOf(p.wordStart),
    wordEntries: bytesOf(p.wordEntries),
  });
}

/**
 * The author index of these papers: saved with the lexical index above SAVE_LEXICAL_ABOVE
 * papers (building it takes 15 s at a million papers, reading it back about one).
 */
export async function loadOrBuildAuthorIndex(
  store: Store,
  docs: readonly SearchDoc[],
  fp: string,
  /** What loadAuthorIndex gave for `fp`, when it was read already. */
  read?: AuthorIndex | null,
): Promise<{ index: AuthorIndex; loaded: boolean }> {
  if (docs.length <= SAVE_LEXICAL_ABOVE) return { index: new AuthorIndex(docs), loaded: false };
  const saved = read === undefined ? await loadAuthorIndex(store, fp) : read;
  if (saved && saved.paperCount === docs.length) return { index: saved, loaded: true };
  const index = new AuthorIndex(docs);
  await saveAuthorIndex(store, fp, index);
  return { index, loaded: false };
}

export const VECTORS_POINTER = 'vector-matrix';

/**
 * The row-major vectors of `model` for exactly these papers, saved as one matrix (or null):
 * a large corpus then starts without hashing every paper's text and reading its vector by hash.
 */
export async function loadVectorMatrix(
  store: Store,
  fingerprint: string,
  model: string,
  rows: number,
  dim: number,
): Promise<Float32Array | null> {
  const saved = await loadParts(store, VECTORS_POINTER, fingerprint);
  const h = saved?.header as { model?: string; rows?: number; dim?: number } | undefined;
  if (!saved || h?.model !== model || h.rows !== rows || h.dim !== dim) return null;
  try {
    const v = new Float32Array(await saved.part('vectors'));
    return v.length === rows * dim ? v : null;
  } catch {
    return null;
  }
}

/** The vector matrix saved for the papers with this fingerprint, whatever its model, or null. */
export async function loadAnyVectorMatrix(
  store: Store,
  fingerprint: string,
): Promise<{ model: string; dim: number; vectors: Float32Array } | null> {
  const ptr = await readPointer(store, VECTORS_POINTER);
  const h = ptr?.header as { model?: unknown; rows?: unknown; dim?: unknown } | undefined;
  if (typeof h?.model !== 'string' || typeof h.rows !== 'number' || typeof h.dim !== 'number')
    return null;
  const vectors = await loadVectorMatrix(store, fingerprint, h.model, h.rows, h.dim);
  return vectors && { model: h.model, dim: h.dim, vectors };
}

export async function saveVectorMatrix(
  store: Store,
  fingerprint: string,
  model: string,
  dim: number,
  vectors: Float32Array,
): Promise<void> {
  await saveParts(
    store,
    VECTORS_POINTER,
    fingerprint,
    { model, rows: vectors.length / dim, dim },
    { vectors: bytesOf(vectors) },
  );
}

/**
 * The BM25F index of these papers (`fp`: their docsFingerprint): loaded when saved for the
 * same papers, else built (and saved, for corpora large enough for a rebuild to cost).
 */
export async function loadOrBuildLexical(
  store: Store,
  docs: readonly SearchDoc[],
  fp: string,
  onProgress?: (done: number) => void,
  /** What loadLexical gave for `fp`, when it was read already. */
  read?: LexicalIndex | null,
): Promise<{ index: LexicalIndex; loaded: boolean }> {
  if (docs.length <= SAVE_LEXICAL_ABOVE)
    return { index: SearchIndex.buildLexical(docs, onProgress), loaded: false };
  const saved = read === undefined ? await loadLexical(store, fp) : read;
  if (saved && saved.size === docs.length) return { index: saved, loaded: true };
  const index = SearchIndex.buildLexical(docs, onProgress);
  await saveLexical(store, fp, index);
  return { index, loaded: false };
}

/** The saved vector matrix of the papers with this fingerprint, for loadOrFitLsa. */
export function savedMatrix(store: Store, fp: string, rows: number): SavedMatrix {
  return {
    load: (model, dim) => loadVectorMatrix(store, fp, model, rows, dim),
    save: (model, dim, vectors) => saveVectorMatrix(store, fp, model, dim, vectors),
  };
}

const DOCS_POINTER = 'doc-pack';

/** The pack's pointer is keyed by the data's signature (the papers' own fingerprint is inside). */
const signatureKey = (signature: string): string =>
  createHash('sha256').update(signature).digest('hex').slice(0, 24);

/** A saved pack of the papers (see doc-pack.ts): what it holds is known before it is read. */
export interface SavedDocPack {
  /** The packed papers' docsFingerprint. */
  fingerprint: string;
  count: number;
  /** The keys of its saved chunks (to read them ahead: see readAhead). */
  keys: string[];
  /** The papers, or null when the pack is damaged. */
  read(): Promise<SearchDoc[] | null>;
}

/**
 * The papers packed for the data with this signature (see corporaSignature), or null (none,
 * another signature or format): no row of the papers table is read.
 */
export async function openDocPack(store: Store, signature: string): Promise<SavedDocPack | null> {
  const saved = await loadParts(store, DOCS_POINTER, signatureKey(signature));
  const header = saved?.header as (DocPackHeader & { fingerprint?: string }) | undefined;
  if (!saved || typeof header?.fingerprint !== 'string' || typeof header.count !== 'number')
    return null;
  const { part } = saved;
  return {
    fingerprint: header.fingerprint,
    count: header.count,
    keys: saved.keys,
    read: async () => {
      try {
        return await decodeDocPack(
          {
            header,
            codes: new Uint32Array(await part('codes')),
            lines: new Float64Array(await part('lines')),
            counts: new Uint32Array(await part('counts')),
            lengths: new Uint32Array(await part('lengths')),
          },
          async (k) => new Uint8Array(await part(`block${k}`)),
        );
      } catch {
        return null; // inconsistent: read from the papers table by the caller
      }
    },
  };
}

/** Pack these papers (of the data with this signature) and blank the pack saved before. */
export async function saveDocPack(
  store: Store,
  signature: string,
  fingerprint: string,
  docs: readonly SearchDoc[],
): Promise<void> {
  const p = encodeDocPack(docs);
  const parts: Record<string, Uint8Array> = {
    codes: bytesOf(p.codes),
    lines: bytesOf(p.lines),
    counts: bytesOf(p.counts),
    lengths: bytesOf(p.lengths),
  };
  p.blocks.forEach((b, k) => (parts[`block${k}`] = b));
  await saveParts(
    store,
    DOCS_POINTER,
    signatureKey(signature),
    { ...p.header, fingerprint },
    parts,
  );
}
