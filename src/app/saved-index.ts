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

import { createHash } from 'node:crypto';
import { LEXICAL_FORMAT, LexicalIndex, type LexicalParts } from '../index/lexical.js';
import type { SearchDoc } from '../index/search.js';
import { SearchIndex } from '../index/search.js';
import type { Store } from '../store/types.js';

/** Largest chunk written as one value. */
const CHUNK_BYTES = 256 * 1024 * 1024;
const LEXICAL_POINTER = 'lexical-index';

interface Pointer {
  fingerprint: string;
  header: LexicalParts['header'];
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
  for (const d of docs) {
    const a = d.abstract;
    h.update(
      `${d.corpus}\u0000${d.id}\u0000${d.title ?? ''}\u0000${d.authors.join(';')}\u0000${(d.keywords ?? []).join(';')}\u0000${a.length}\u0000${a.slice(0, 32)}\u0000${a.slice(-32)}\u0001`,
    );
  }
  return h.digest('hex').slice(0, 24);
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

async function putChunked(store: Store, key: string, bytes: Uint8Array): Promise<string[]> {
  const keys: string[] = [];
  for (let off = 0, i = 0; off < bytes.length || i === 0; off += CHUNK_BYTES, i++) {
    const k = `${key}#${i}`;
    await store.putModel(k, bytes.subarray(off, Math.min(bytes.length, off + CHUNK_BYTES)));
    keys.push(k);
  }
  return keys;
}

/** The chunks joined into one fresh (aligned) buffer, or null when one is missing. */
async function getChunked(store: Store, keys: readonly string[]): Promise<ArrayBuffer | null> {
  const chunks: Uint8Array[] = [];
  for (const k of keys) {
    const c = await store.getModel(k);
    if (!c) return null;
    chunks.push(c);
  }
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out.buffer;
}

async function readPointer(store: Store): Promise<Pointer | null> {
  const raw = await store.getModel(LEXICAL_POINTER);
  if (!raw || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8')) as Pointer;
  } catch {
    return null;
  }
}

/** The saved BM25F index of exactly these papers, or null (none, another version, damaged). */
export async function loadLexical(store: Store, fingerprint: string): Promise<LexicalIndex | null> {
  const ptr = await readPointer(store);
  if (ptr?.fingerprint !== fingerprint || ptr.header.format !== LEXICAL_FORMAT) return null;
  try {
    const part = async (name: string) => {
      const buf = await getChunked(store, ptr.chunks[name] ?? []);
      if (!buf) throw new Error(`missing part ${name}`);
      return buf;
    };
    return LexicalIndex.fromParts({
      header: ptr.header,
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
  const before = await readPointer(store);
  const p = index.toParts();
  const base = `lexical/${fingerprint}`;
  const chunks: Record<string, string[]> = {
    vocabulary: await putChunked(store, `${base}/vocabulary`, Buffer.from(p.vocabulary, 'utf8')),
    offsets: await putChunked(store, `${base}/offsets`, bytesOf(p.offsets)),
    docs: await putChunked(store, `${base}/docs`, bytesOf(p.docs)),
    tf: await putChunked(store, `${base}/tf`, bytesOf(p.tf)),
    fieldLen: await putChunked(store, `${base}/fieldLen`, bytesOf(p.fieldLen)),
    fieldMask: await putChunked(store, `${base}/fieldMask`, bytesOf(p.fieldMask)),
    impact: await putChunked(store, `${base}/impact`, bytesOf(p.impact)),
  };
  const ptr: Pointer = { fingerprint, header: p.header, chunks };
  await store.putModel(LEXICAL_POINTER, Buffer.from(JSON.stringify(ptr), 'utf8'));
  if (before && before.fingerprint !== fingerprint)
    for (const keys of Object.values(before.chunks))
      for (const k of keys) await store.putModel(k, new Uint8Array(0));
}

/**
 * The BM25F index of these papers: loaded when saved for the same papers, else built (and
 * saved, for corpora large enough for a rebuild to cost).
 */
export async function loadOrBuildLexical(
  store: Store,
  docs: readonly SearchDoc[],
  signature: string,
  onProgress?: (done: number) => void,
): Promise<{ index: LexicalIndex; loaded: boolean }> {
  if (docs.length <= SAVE_LEXICAL_ABOVE)
    return { index: SearchIndex.buildLexical(docs, onProgress), loaded: false };
  const fp = docsFingerprint(docs, signature);
  const saved = await loadLexical(store, fp);
  if (saved && saved.size === docs.length) return { index: saved, loaded: true };
  const index = SearchIndex.buildLexical(docs, onProgress);
  await saveLexical(store, fp, index);
  return { index, loaded: false };
}
