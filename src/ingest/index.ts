// Entry point of ingest: read a file safely (size limit, encoding checks) and pick its parser.

import { readFileSync, statSync } from 'node:fs';
import { ConfscopeError } from '../core/errors.js';
import type { ParseResult } from '../core/types.js';
import { parseListing } from './listing.js';
import { decodeUtf8 } from './text.js';

export { parseListing } from './listing.js';

/** Inputs larger than this are refused before reading (a listing of 687 papers is 0.9 MB). */
export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export const INPUT_FORMATS = ['listing'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

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

/** Parse text whose format is given or detected from its content. */
export function parseText(
  text: string,
  path: string,
  format: InputFormat = detectFormat(text),
): ParseResult {
  const parsers: Record<InputFormat, (text: string, path: string) => ParseResult> = {
    listing: parseListing,
  };
  return parsers[format](text, path);
}

/** Guess the format from the content; the listing is the fallback (its parser explains). */
export function detectFormat(_text: string): InputFormat {
  return 'listing';
}

export function parseFile(path: string, format?: InputFormat): ParseResult {
  return parseText(readInputText(path), path, format);
}
