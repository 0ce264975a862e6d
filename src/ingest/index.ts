// Entry point of ingest: read a file safely (size limit, encoding checks), tell its format
// from its content, and run that format's parser.

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ConfscopeError } from '../core/errors.js';
import type { ParseResult } from '../core/types.js';
import { parseArxivJsonl } from './arxiv.js';
import { parseBibtex } from './bibtex.js';
import { guessDelimiter } from './csv.js';
import { parseListing } from './listing.js';
import { parseMapped, parseMapSpec, type ColumnMapping } from './mapped.js';
import { parseMiniconfCsv, parseMiniconfJson } from './miniconf.js';
import { parseOpenReview } from './openreview.js';
import { parsePaperlists } from './paperlists.js';
import { decodeUtf8 } from './text.js';

export { parseListing } from './listing.js';
export { parseMiniconfJson, parseMiniconfCsv } from './miniconf.js';
export { parsePaperlists } from './paperlists.js';
export { parseOpenReview } from './openreview.js';
export { parseArxivJsonl, parseArxivJsonlLines, ArxivJsonlParser } from './arxiv.js';
export { parseBibtex } from './bibtex.js';
export { parseMapped, parseMapSpec, guessMapping, type ColumnMapping } from './mapped.js';

/** Inputs larger than this are refused before reading (a listing of 687 papers is 0.9 MB). */
export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export const INPUT_FORMATS = [
  'listing',
  'miniconf-json',
  'miniconf-csv',
  'paperlists',
  'openreview',
  'arxiv-jsonl',
  'bibtex',
  'csv',
  'json',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface ParseOptions {
  /** Column mapping for the generic `csv`/`json` formats (`--map`): a spec or a mapping. */
  map?: string | ColumnMapping | undefined;
}

export function readInputText(path: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ConfscopeError('FILE_NOT_FOUND', `${path}: not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof ConfscopeError) throw e;
    throw new ConfscopeError(
      'FILE_NOT_FOUND',
      `${path}: cannot read the file (${(e as Error).message})`,
    );
  }
  if (size > MAX_INPUT_BYTES) {
    throw new ConfscopeError(
      'INPUT_TOO_LARGE',
      `${path}: ${size} bytes is over the ${MAX_INPUT_BYTES}-byte input limit`,
    );
  }
  return decodeUtf8(readFileSync(path), path);
}

const PARSERS: Record<
  Exclude<InputFormat, 'csv' | 'json'>,
  (text: string, path: string) => ParseResult
> = {
  listing: parseListing,
  'miniconf-json': parseMiniconfJson,
  'miniconf-csv': parseMiniconfCsv,
  paperlists: parsePaperlists,
  openreview: parseOpenReview,
  'arxiv-jsonl': parseArxivJsonl,
  bibtex: parseBibtex,
};

/** Parse text whose format is given or detected from its content. */
export function parseText(
  text: string,
  path: string,
  format?: InputFormat,
  options: ParseOptions = {},
): ParseResult {
  const map = typeof options.map === 'string' ? parseMapSpec(options.map) : options.map;
  let f = format ?? detectFormat(text, path);
  if (map !== undefined) {
    if (format === undefined)
      f = /^\s*[[{]/.test(text.slice(0, 4096).replace(/^\uFEFF/, '')) ? 'json' : 'csv';
    else if (format !== 'csv' && format !== 'json') {
      throw new ConfscopeError(
        'BAD_ARGUMENT',
        `--map works with the csv and json input formats, not ${format}`,
      );
    }
  }
  if (f === 'csv' || f === 'json') return parseMapped(text, path, map, f);
  return PARSERS[f](text, path);
}

/**
 * Tell the format from the content (the path is not used):
 * - JSON (`{` or `[` first): `{"notes": [...]}` or notes with `{"value": …}` content →
 *   openreview; papers with a `content` object (keyed by id, or a list) → miniconf-json;
 *   a list of objects with `status` and `author`/`title` → paperlists; one object a line
 *   (or one object with title/abstract/authors) → arxiv-jsonl. A JSON file cut short is
 *   still sent to its parser by the start of its text, so the error names where it ends.
 * - an `abstract@…` marker line → listing;
 * - a line starting `@type{` → bibtex;
 * - a CSV header line with `UID` and `title` → miniconf-csv;
 * - anything else (other CSV or JSON too: those need `--format csv|json` or `--map`) →
 *   listing, whose error explains what a listing looks like.
 */
export function detectFormat(text: string, _path?: string): InputFormat {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const head = body.slice(0, 65536);
  const lead = head.trimStart();
  const c = lead[0];
  if (c === '{' || c === '[') return detectJson(body, lead);
  if (/^[ \t]{0,8}(?:[-•*+][ \t]{0,4})?abstract@/im.test(body)) return 'listing';
  if (/^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]/m.test(head)) return 'bibtex';
  const firstLine = lead.split(/\r\n|\r|\n/, 1)[0] ?? '';
  const d = guessDelimiter(firstLine);
  if (firstLine.includes(d) && firstLine.length < 4000) {
    const cols = firstLine.split(d).map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase());
    if (cols.includes('uid') && cols.includes('title')) return 'miniconf-csv';
  }
  return 'listing';
}

type JsonLike = null | boolean | number | string | JsonLike[] | { [k: string]: JsonLike };

function detectJson(body: string, lead: string): InputFormat {
  let value: JsonLike | undefined;
  try {
    value = JSON.parse(body) as JsonLike;
  } catch {
    value = undefined;
  }
  if (value !== undefined) return shapeOf(value) ?? 'listing';
  // Not one JSON document: JSON Lines, or JSON cut short / broken. Look at the first line.
  const first = lead.split(/\r\n|\r|\n/, 1)[0] ?? '';
  if (lead.startsWith('{')) {
    try {
      const v = JSON.parse(first) as JsonLike;
      if (isObj(v)) return 'arxiv-jsonl';
    } catch {
      // fall through to the heuristics on the text
    }
  }
  if (/"notes"\s*:\s*\[/.test(lead.slice(0, 4096))) return 'openreview';
  if (/^\{\s*"[^"]{1,100}"\s*:\s*\{\s*"(?:content|forum|id)"\s*:/.test(lead))
    return 'miniconf-json';
  if (/^\[\s*\{\s*"(?:id|forum)"[^{}]*"content"\s*:\s*\{\s*"\w+"\s*:\s*\{\s*"value"/.test(lead)) {
    return 'openreview';
  }
  if (/^\[\s*\{[^{}]*"content"\s*:\s*\{/.test(lead)) return 'miniconf-json';
  if (/^\[\s*\{[^{}]*"status"\s*:/.test(lead)) return 'paperlists';
  return 'listing';
}

function isObj(v: JsonLike | undefined): v is { [k: string]: JsonLike } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shapeOf(v: JsonLike): InputFormat | undefined {
  if (isObj(v) && Array.isArray(v['notes'])) return 'openreview';
  const items = Array.isArray(v) ? v.slice(0, 20) : isObj(v) ? Object.values(v).slice(0, 20) : [];
  const objs = items.filter(isObj);
  if (objs.length === 0) {
    if (isObj(v) && typeof v['title'] === 'string') return 'arxiv-jsonl';
    return undefined;
  }
  const withContent = objs.filter((o) => isObj(o['content']));
  if (withContent.length * 2 >= objs.length) {
    const valueWrapped = withContent.some((o) => {
      const c = o['content'];
      return isObj(c) && isObj(c['title']) && 'value' in c['title'];
    });
    return valueWrapped && Array.isArray(v) ? 'openreview' : 'miniconf-json';
  }
  if (
    Array.isArray(v) &&
    objs.every(
      (o) =>
        typeof o['status'] === 'string' &&
        (typeof o['author'] === 'string' || typeof o['title'] === 'string'),
    )
  ) {
    return 'paperlists';
  }
  // One JSON object holding a paper: a one-line arXiv JSON Lines file.
  if (isObj(v) && typeof v['title'] === 'string' && ('abstract' in v || 'authors' in v)) {
    return 'arxiv-jsonl';
  }
  return undefined;
}

export function parseFile(path: string, format?: InputFormat, options?: ParseOptions): ParseResult {
  return parseText(readInputText(path), path, format, options);
}

/** What `parseInputFile` of the app layer returns, for a file read with a column mapping. */
export function parseMappedFile(
  path: string,
  map: string,
  format?: InputFormat,
): ParseResult & { path: string; sourceHash: string } {
  const text = readInputText(path);
  const result = parseText(text, path, format, { map });
  return {
    ...result,
    path,
    sourceHash: createHash('sha256').update(text).update(`\0map:${map}`).digest('hex'),
  };
}
