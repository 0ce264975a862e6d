// The library's public face: use cases that join ingest and store ("parse this file",
// "ingest it into a corpus", "export a corpus"). Interfaces (CLI, server) call only this.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfscopeError } from '../core/errors.js';
import type { PaperRecord } from '../core/types.js';
import type { InputFormat } from '../ingest/index.js';
import { parseInputFile, type ParsedFile } from './input.js';
import { enrichRecords, type EnrichReport } from '../ingest/enrich.js';
import {
  enrichmentEntry,
  enrichmentLog,
  reapplyEnrichments,
  rememberEnrichment,
} from './enrich.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { PostgresStore, describePgUrl, isPostgresUrl } from '../store/postgres/index.js';
import type { CorpusInfo, IngestSummary, Store } from '../store/types.js';

export * from '../core/types.js';
export * from '../core/errors.js';
export type { Store, IngestSummary, CorpusInfo } from '../store/types.js';
export { serialize, OUTPUT_FORMATS, type OutputFormat } from './serialize.js';
export { INPUT_FORMATS, type InputFormat } from '../ingest/index.js';
export { parseInputFile, parseInputText, exportCorpus, type ParsedFile } from './input.js';

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
  /** Shipped with it and joined at `start`: the ICLR 2020 virtual site's paper data. */
  enrichment: {
    source: 'virtual-site',
    label: 'data/iclr2020/virtual-site-papers.json',
    format: 'miniconf-json' as const,
    path:
      [
        join(here, '../../../data/iclr2020/virtual-site-papers.json'),
        join(here, '../../data/iclr2020/virtual-site-papers.json'),
      ].find((p) => existsSync(p)) ?? join(here, '../../../data/iclr2020/virtual-site-papers.json'),
  },
};

export const DEFAULT_DB = 'confscope.db';

/** $CONFSCOPE_DB, else a postgres:// $DATABASE_URL, else ./confscope.db. */
export function defaultDbPath(): string {
  const url = process.env['DATABASE_URL'];
  return (
    process.env['CONFSCOPE_DB'] ?? (url !== undefined && isPostgresUrl(url) ? url : DEFAULT_DB)
  );
}

/** How messages name a database: the path, or a PostgreSQL URL without its password. */
export function dbLabel(db: string): string {
  return isPostgresUrl(db) ? describePgUrl(db) : db;
}

/**
 * Open (or create) the database: a postgres:// or postgresql:// URL opens PostgreSQL, anything
 * else is a SQLite file. Read-only commands pass `mustExist` to refuse a mistyped path (for
 * PostgreSQL: the server must be reachable and the database hold confscope's schema).
 */
export async function openStore(
  db: string = defaultDbPath(),
  opts: { mustExist?: boolean } = {},
): Promise<Store> {
  if (isPostgresUrl(db)) return PostgresStore.open(db, { mustExist: opts.mustExist ?? false });
  if (opts.mustExist && !existsSync(db)) {
    throw new ConfscopeError(
      'STORE_ERROR',
      `${db}: no database there (run \`confscope ingest\` or \`confscope start\` first)`,
    );
  }
  return Promise.resolve(new SqliteStore(db));
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

/**
 * Store an already parsed file as a corpus (one transaction). Enrichments applied to the corpus
 * earlier (`confscope enrich`) are applied again first, so a re-ingest keeps them.
 */
export async function storeParsed(
  store: Store,
  corpus: string,
  parsed: ParsedFile,
): Promise<IngestSummary> {
  const { records, warnings } = await reapplyEnrichments(store, corpus, parsed.records);
  return store.replaceCorpus(corpus, records, {
    sourcePath: parsed.path,
    sourceHash: parsed.sourceHash,
    warnings: [...parsed.warnings, ...warnings],
  });
}

/**
 * Ingest the embedded ICLR 2020 listing, enriched with the shipped virtual-site data (OpenReview
 * ids and links, TL;DRs, keywords, code links, the three lost titles), unless the database
 * already holds exactly that.
 */
export async function ensureDefaultCorpus(store: Store): Promise<{
  reused: boolean;
  corpus: CorpusInfo | undefined;
  result?: IngestResult;
  enrichment?: EnrichReport;
}> {
  const { name, enrichment } = DEFAULT_CORPUS;
  const hash = createHash('sha256').update(readFileSync(DEFAULT_CORPUS.path)).digest('hex');
  const sourceHash = createHash('sha256').update(readFileSync(enrichment.path)).digest('hex');
  const existing = (await store.listCorpora()).find((c) => c.name === name);
  const enriched = (await enrichmentLog(store, name)).some(
    (e) => e.source === enrichment.source && e.hash === sourceHash,
  );
  if (existing?.sourceHash === hash && enriched) return { reused: true, corpus: existing };
  const parsed = parseInputFile(DEFAULT_CORPUS.path, undefined, DEFAULT_CORPUS.label);
  const source = parseInputFile(enrichment.path, enrichment.format, enrichment.label);
  const joined = enrichRecords(parsed.records, source.records, enrichment.source);
  // Other enrichments the user added to this corpus are kept too.
  const { records, warnings } = await reapplyEnrichments(store, name, joined.records, [
    enrichment.source,
  ]);
  const summary = await store.replaceCorpus(name, records, {
    sourcePath: parsed.path,
    sourceHash: parsed.sourceHash,
    warnings: [...parsed.warnings, ...warnings],
  });
  await rememberEnrichment(
    store,
    name,
    enrichmentEntry(enrichment.source, enrichment.path, source, joined.report, enrichment.format),
  );
  const corpus = (await store.listCorpora()).find((c) => c.name === name);
  return { reused: false, corpus, result: { summary, parsed }, enrichment: joined.report };
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
