// Shared helpers for the importer tests: fixtures, the real listing by id, and the message of an
// expected ConfscopeError.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ConfscopeError } from '../src/core/errors.js';
import type { PaperRecord } from '../src/core/types.js';
import { parseListing } from '../src/ingest/listing.js';

export const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The embedded ICLR 2020 listing's records by id (parsed once). */
export const listingById: Map<string, PaperRecord> = new Map(
  parseListing(
    readFileSync(new URL('../data/iclr2020/listing.md', import.meta.url), 'utf8'),
    'l.md',
  ).records.map((r) => [r.id, r]),
);

/** Run `fn`, expect a ConfscopeError, and return its message. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfscopeError);
    return (e as Error).message;
  }
  throw new Error('nothing thrown');
}
