// The library's public face: use cases that join ingest and store ("parse this file",
// "ingest it into a corpus", "export a corpus"). Interfaces (CLI, server) call only this.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfscopeError } from '../core/errors.js';
import type { ParseResult, PaperRecord } from '../core/types.js';
import { parseText, readInputText, type InputFormat } from '../ingest/index.js';
import { SqliteStore } from '../store/sqlite/index.js';
import type { CorpusInfo, IngestSummary, Store } from '../store/types.js';

export * from '../core/types.js';
export * from '../core/errors.js';
export type { Store, IngestSummary, CorpusInfo } from '../store/types.js';
export { serialize, OUTPUT_FORMATS, type OutputFormat } from './serialize.js';
export { INPUT_FORMATS, type InputFormat } from '../ingest/index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The embedded default corpus: the ICLR 2020 listing shipped in the package. */
export const DEFAULT_CORPUS = {
  name: 'iclr2020',
  /** How records cite their source: stable wherever the package is installed. */
  label: 'data/iclr2020/listing.md',
  path:
    [
      join(here, '../../../data/iclr2020/listing.md'),
      join(here, '../../data/iclr2020/listing.md'),
    ].find((p) => existsSync(p)) ?? join(here, '../../../data/iclr2020/listing.md'),
};

export const DEFAULT_DB = 'confscope.db';

export function defaultDbPath(): string {
  return process.env['CONFSCOPE_DB'] ?? DEFAULT_DB;
}

/** Open (or create) the database; read-only commands pass `mustExist` to refuse a mistyped path. */
export function openStore(db: string = defaultDbPath(), opts: { mustExist?: boolean } = {}): Store {
  if (opts.mustExist && !existsSync(db)) {
    throw new ConfscopeError(
      'STORE_ERROR',
      `${db}: no database there (run \`confscope ingest\` or \`confscope start\` first)`,
    );
  }
  return new SqliteStore(db);
}

export interface ParsedFile extends ParseResult {
  path: string;
  sourceHash: string;
}

/** Parse a file; `label` is the name records and warnings cite (default: the path itself). */
export function parseInputFile(path: string, format?: InputFormat, label = path): ParsedFile {
  const text = readInputText(path);
  const result = parseText(text, label, format);
  return { ...result, path: label, sourceHash: createHash('sha256').update(text).digest('hex') };
}

/** A corpus name from a file name: `iclr2021-listing.md` → `iclr2021-listing`. */
export function corpusNameFor(path: string): string {
  const stem = basename(path, extname(path)).toLowerCase();
  const name = stem === 'listing' ? basename(dirname(path)).toLowerCase() : stem;
  return validateCorpusName(name.replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'corpus');
}

export function validateCorpusName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new ConfscopeError(
      'BAD_ARGUMENT',
      `corpus name ${JSON.stringify(name.slice(0, 80))} is invalid: use 1-64 letters, digits, ".", "_" or "-"`,
    );
  }
  return name;
}

export interface IngestResult {
  summary: IngestSummary;
  parsed: ParsedFile;
}

/** Parse then store; the parse runs fully before the database is touched. */
export async function ingestFile(
  store: Store,
  path: string,
  opts: { corpus?: string; format?: InputFormat; label?: string } = {},
): Promise<IngestResult> {
  const corpus = opts.corpus !== undefined ? validateCorpusName(opts.corpus) : corpusNameFor(path);
  const parsed = parseInputFile(path, opts.format, opts.label);
  return { summary: await storeParsed(store, corpus, parsed), parsed };
}

/** Store an already parsed file as a corpus (one transaction). */
export function storeParsed(
  store: Store,
  corpus: string,
  parsed: ParsedFile,
): Promise<IngestSummary> {
  return store.replaceCorpus(corpus, parsed.records, {
    sourcePath: parsed.path,
    sourceHash: parsed.sourceHash,
    warnings: parsed.warnings,
  });
}

/** Ingest the embedded ICLR 2020 listing unless the database already holds this exact file. */
export async function ensureDefaultCorpus(
  store: Store,
): Promise<{ reused: boolean; corpus: CorpusInfo | undefined; result?: IngestResult }> {
  const hash = createHash('sha256').update(readFileSync(DEFAULT_CORPUS.path)).digest('hex');
  const existing = (await store.listCorpora()).find((c) => c.name === DEFAULT_CORPUS.name);
  if (existing?.sourceHash === hash) return { reused: true, corpus: existing };
  const result = await ingestFile(store, DEFAULT_CORPUS.path, {
    corpus: DEFAULT_CORPUS.name,
    label: DEFAULT_CORPUS.label,
  });
  const corpus = (await store.listCorpora()).find((c) => c.name === DEFAULT_CORPUS.name);
  return { reused: false, corpus, result };
}

export async function exportCorpus(store: Store, corpus?: string): Promise<PaperRecord[]> {
  if (corpus !== undefined) {
    const known = await store.listCorpora();
    if (!known.some((c) => c.name === corpus)) {
      const names = known.map((c) => c.name).join(', ') || 'none';
      throw new ConfscopeError(
        'UNKNOWN_CORPUS',
        `no corpus named "${corpus}" in the database (corpora: ${names})`,
      );
    }
  }
  return store.listPapers(corpus);
}

/** Counts a person wants after an ingest: records by track, untitled, warnings. */
export function describeRecords(records: readonly PaperRecord[]): {
  total: number;
  byTrack: Record<string, number>;
  untitled: number;
  withWarnings: number;
} {
  const byTrack: Record<string, number> = {};
  let untitled = 0;
  let withWarnings = 0;
  for (const r of records) {
    const t = r.track ?? 'unknown';
    byTrack[t] = (byTrack[t] ?? 0) + 1;
    if (r.title === null) untitled++;
    if (r.warnings.length) withWarnings++;
  }
  return { total: records.length, byTrack, untitled, withWarnings };
}

export type { CorpusInfo as Corpus };
