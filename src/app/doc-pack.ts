// The papers of a large database packed for a fast start. Read from SQLite row by row, a
// million papers take 26 s (the table walks 10 GB of pages; a string, a few arrays and a parsed
// JSON list each), and their fingerprint 7 s more. Packed, their texts are a few large strings
// (one-byte where every character fits one byte, two-byte otherwise) and each field is a slice
// of one: V8 makes a slice of 13 characters or more a small reference into its parent string,
// not a copy, so a paper costs a few small objects and the texts are read as whole blocks.
// Numbers and codes are typed arrays. The pack is derived data, saved beside the other indexes
// and made again when the database's data changes (see saved-index.ts).

import { EXTRA_FIELDS, type PaperExtras, type Track } from '../core/types.js';
import type { SearchDoc } from '../index/search.js';

/** Bump when the layout or what a paper holds changes: packs of another format are rebuilt. */
export const DOC_PACK_FORMAT = 1;

/** Characters in a one-byte text block, half as many in a two-byte one (128 MiB, a chunk). */
export const PACK_BLOCK_CHARS = 128 * 1024 * 1024;

export interface DocPackHeader {
  format: number;
  count: number;
  corpora: string[];
  tracks: string[];
  /** Source paths, each once. */
  paths: string[];
  /** Each text block: characters, and whether it is two bytes a character. */
  blocks: { chars: number; wide: boolean }[];
}

export interface DocPack {
  header: DocPackHeader;
  /** Per paper: corpus, track (0: none, else tracks[k − 1]), path. */
  codes: Uint32Array;
  /** Per paper: start line, end line. */
  lines: Float64Array;
  /** Per paper: authors, links, warnings, flags (bit 0: a title, bit 1: extras), block. */
  counts: Uint32Array;
  /** The length of each text, in paper order: id, title?, abstract, authors, links, warnings, extras?. */
  lengths: Uint32Array;
  /** The text blocks (Latin-1 bytes, or UTF-16LE when wide). */
  blocks: Uint8Array[];
}

const CODES = 3;
const COUNTS = 4;
const HAS_TITLE = 1;
const HAS_EXTRAS = 2;
/** Some character above U+00FF (its text goes to a two-byte block). */
const WIDE = /[\u0100-\uffff]/;

/** Pack the papers (in order). */
export function encodeDocPack(docs: readonly SearchDoc[], blockChars = PACK_BLOCK_CHARS): DocPack {
  const n = docs.length;
  const tables = { corpora: new Map<string, number>(), tracks: new Map<string, number>() };
  const paths = new Map<string, number>();
  const code = (m: Map<string, number>, v: string) => {
    let c = m.get(v);
    if (c === undefined) m.set(v, (c = m.size));
    return c;
  };
  const codes = new Uint32Array(n * CODES);
  const lines = new Float64Array(n * 2);
  const counts = new Uint32Array(n * COUNTS);
  const lengths: number[] = [];
  const blocks: { chars: number; wide: boolean; texts: string[] }[] = [];
  // The block being filled, of each kind.
  const open = new Map<boolean, number>();
  docs.forEach((d, i) => {
    codes[i * CODES] = code(tables.corpora, d.corpus);
    codes[i * CODES + 1] = d.track === null ? 0 : code(tables.tracks, d.track) + 1;
    codes[i * CODES + 2] = code(paths, d.source.path);
    lines[i * 2] = d.source.startLine;
    lines[i * 2 + 1] = d.source.endLine;
    const extras: Partial<PaperExtras> = {};
    let hasExtras = false;
    for (const k of EXTRA_FIELDS)
      if (d[k] !== undefined) {
        (extras as Record<string, unknown>)[k] = d[k];
        hasExtras = true;
      }
    const texts = [
      d.id,
      ...(d.title === null ? [] : [d.title]),
      d.abstract,
      ...d.authors,
      ...d.links,
      ...d.warnings,
      ...(hasExtras ? [JSON.stringify(extras)] : []),
    ];
    const chars = texts.reduce((s, t) => s + t.length, 0);
    const wide = texts.some((t) => WIDE.test(t));
    let b = open.get(wide);
    // A two-byte block holds half as many characters: every block is at most one saved chunk.
    if (b === undefined || (blocks[b]?.chars ?? 0) + chars > (wide ? blockChars / 2 : blockChars)) {
      b = blocks.length;
      blocks.push({ chars: 0, wide, texts: [] });
      open.set(wide, b);
    }
    const block = blocks[b] as (typeof blocks)[number];
    block.chars += chars;
    block.texts.push(...texts);
    for (const t of texts) lengths.push(t.length);
    // The block number rides in the flags' upper bits.
    const flags = (d.title === null ? 0 : HAS_TITLE) | (hasExtras ? HAS_EXTRAS : 0) | (b << 2);
    counts.set([d.authors.length, d.links.length, d.warnings.length, flags], i * COUNTS);
  });
  return {
    header: {
      format: DOC_PACK_FORMAT,
      count: n,
      corpora: [...tables.corpora.keys()],
      tracks: [...tables.tracks.keys()],
      paths: [...paths.keys()],
      blocks: blocks.map(({ chars, wide }) => ({ chars, wide })),
    },
    codes,
    lines,
    counts,
    lengths: Uint32Array.from(lengths),
    blocks: blocks.map((b) => Buffer.from(b.texts.join(''), b.wide ? 'utf16le' : 'latin1')),
  };
}

/**
 * The papers of a pack, as encodeDocPack was given them (fields in the store's order). Blocks
 * are asked for one at a time (`block(k)`), so only one is held as bytes. Throws when the pack
 * is inconsistent.
 */
export async function decodeDocPack(
  pack: Omit<DocPack, 'blocks'>,
  block: (k: number) => Promise<Uint8Array>,
): Promise<SearchDoc[]> {
  const { header: h, codes, lines, counts, lengths } = pack;
  const n = h.count;
  if (
    h.format !== DOC_PACK_FORMAT ||
    codes.length !== n * CODES ||
    lines.length !== n * 2 ||
    counts.length !== n * COUNTS
  )
    throw new Error('the packed papers are inconsistent or of another format');
  const texts: string[] = [];
  for (let k = 0; k < h.blocks.length; k++) {
    const { chars, wide } = h.blocks[k] as DocPackHeader['blocks'][number];
    const bytes = await block(k);
    if (bytes.length !== chars * (wide ? 2 : 1))
      throw new Error(`the packed papers' text block ${k} has the wrong size`);
    // Node makes a large Latin-1 or UTF-16 string outside the heap, from one copy.
    texts.push(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(
        wide ? 'utf16le' : 'latin1',
      ),
    );
  }
  const at = new Float64Array(h.blocks.length);
  let li = 0;
  const take = (b: number): string => {
    const len = lengths[li++];
    const from = at[b] ?? 0;
    const text = texts[b];
    if (len === undefined || text === undefined || from + len > text.length)
      throw new Error('the packed papers run past their texts');
    at[b] = from + len;
    return text.slice(from, from + len);
  };
  const list = (count: number, b: number): string[] => {
    const out = new Array<string>(count);
    for (let j = 0; j < count; j++) out[j] = take(b);
    return out;
  };
  const docs = new Array<SearchDoc>(n);
  for (let i = 0; i < n; i++) {
    const flags = counts[i * COUNTS + 3] ?? 0;
    const b = flags >>> 2;
    const id = take(b);
    const title = flags & HAS_TITLE ? take(b) : null;
    const abstract = take(b);
    const authors = list(counts[i * COUNTS] ?? 0, b);
    const links = list(counts[i * COUNTS + 1] ?? 0, b);
    const warnings = list(counts[i * COUNTS + 2] ?? 0, b);
    const track = codes[i * CODES + 1] ?? 0;
    const path = h.paths[codes[i * CODES + 2] ?? -1];
    const corpus = h.corpora[codes[i * CODES] ?? -1];
    if (path === undefined || corpus === undefined || (track > 0 && !h.tracks[track - 1]))
      throw new Error(`the packed paper ${i} names a table entry that is not there`);
    // The store's field order (see the SQLite store's fromRow), then extras, then the corpus.
    const d = {
      id,
      title,
      authors,
      track: track === 0 ? null : (h.tracks[track - 1] as Track),
      abstract,
      links,
      source: { path, startLine: lines[i * 2] ?? 0, endLine: lines[i * 2 + 1] ?? 0 },
      warnings,
    };
    if (flags & HAS_EXTRAS) Object.assign(d, JSON.parse(take(b)) as PaperExtras);
    docs[i] = Object.assign(d, { corpus });
  }
  if (li !== lengths.length) throw new Error('the packed papers leave texts unread');
  return docs;
}
