// Enrichment use cases: join another source to a stored corpus (`confscope enrich`), remember
// it, and apply it again whenever the corpus is re-ingested, so a fresh ingest never drops
// what enrichment added. The join itself is pure (src/ingest/enrich.ts).

import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ConfscopeError } from '../core/errors.js';
import type { PaperRecord } from '../core/types.js';
import { enrichRecords, type EnrichReport } from '../ingest/enrich.js';
import type { InputFormat } from '../ingest/index.js';
import type { IngestSummary, Store } from '../store/types.js';
import { exportCorpus, parseInputFile, type ParsedFile } from './input.js';

export type { EnrichReport, EnrichMatch, MatchMethod } from '../ingest/enrich.js';

/** One enrichment applied to a corpus, as remembered in the database. */
export interface EnrichmentEntry {
  /** The name provenance and warnings cite. */
  source: string;
  /** The file as given (re-read when the corpus is re-ingested). */
  path: string;
  /** How records cite the file. */
  label: string;
  format?: InputFormat;
  /** SHA-256 of the file when it was applied. */
  hash: string;
  appliedAt: string;
  matched: number;
  unmatched: number;
}

const logKey = (corpus: string) => `enrichment:${corpus}`;

/** The enrichments applied to a corpus, oldest first. */
export async function enrichmentLog(store: Store, corpus: string): Promise<EnrichmentEntry[]> {
  const bytes = await store.getModel(logKey(corpus));
  if (!bytes) return [];
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as EnrichmentEntry[];
  } catch {
    return [];
  }
}

async function saveLog(store: Store, corpus: string, log: EnrichmentEntry[]): Promise<void> {
  await store.putModel(logKey(corpus), new TextEncoder().encode(JSON.stringify(log)));
}

/** A source name from a file name: `iclr2020-virtual-site-papers.json` → that stem. */
export function sourceNameFor(path: string): string {
  return (
    basename(path, extname(path))
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'source'
  );
}

export interface EnrichOptions {
  format?: InputFormat;
  /** Name cited in provenance and warnings (default: from the file name). */
  source?: string;
  /** How records cite the file (default: the path). */
  label?: string;
  /** Report only; change nothing. */
  dryRun?: boolean;
}

export interface EnrichOutcome {
  report: EnrichReport;
  parsed: ParsedFile;
  /** What the store changed (absent on a dry run). */
  summary?: IngestSummary;
}

/** Join FILE to a stored corpus, store the merged records (one transaction) and remember it. */
export async function enrichCorpus(
  store: Store,
  corpus: string,
  file: string,
  opts: EnrichOptions = {},
): Promise<EnrichOutcome> {
  // Parse fully before anything is written: a bad file changes nothing.
  return enrichCorpusWith(store, corpus, parseInputFile(file, opts.format, opts.label), {
    ...opts,
    path: file,
  });
}

/** The same with a source already parsed (an upload: `path` is what the log remembers). */
export async function enrichCorpusWith(
  store: Store,
  corpus: string,
  parsed: ParsedFile,
  opts: EnrichOptions & { path: string },
): Promise<EnrichOutcome> {
  const file = opts.path;
  const records = await exportCorpus(store, corpus);
  if (!parsed.records.length)
    throw new ConfscopeError('EMPTY_INPUT', `${file}: no records to enrich from`);
  const source = opts.source ?? sourceNameFor(file);
  const { records: merged, report } = enrichRecords(records, parsed.records, source);
  if (opts.dryRun) return { report, parsed };
  const info = (await store.listCorpora()).find((c) => c.name === corpus);
  if (!info) throw new ConfscopeError('UNKNOWN_CORPUS', `no corpus named "${corpus}"`);
  const summary = await store.replaceCorpus(corpus, merged, {
    sourcePath: info.sourcePath,
    sourceHash: info.sourceHash,
    warnings: info.warnings,
  });
  await rememberEnrichment(
    store,
    corpus,
    enrichmentEntry(source, file, parsed, report, opts.format),
  );
  return { report, parsed, summary };
}

/**
 * Apply a corpus's remembered enrichments to freshly parsed records (before they are stored),
 * in the order they were applied. A source file that is gone or changed is skipped with a
 * warning rather than failing the ingest.
 */
export async function reapplyEnrichments(
  store: Store,
  corpus: string,
  records: PaperRecord[],
  except: readonly string[] = [],
): Promise<{ records: PaperRecord[]; warnings: string[] }> {
  const warnings: string[] = [];
  let out = records;
  for (const e of await enrichmentLog(store, corpus)) {
    if (except.includes(e.source)) continue;
    if (!existsSync(e.path)) {
      warnings.push(`enrichment "${e.source}" not re-applied: ${e.path} is gone`);
      continue;
    }
    const parsed = parseInputFile(e.path, e.format, e.label);
    if (parsed.sourceHash !== e.hash) {
      warnings.push(
        `enrichment "${e.source}" not re-applied: ${e.path} changed since it was applied (run \`confscope enrich\` again)`,
      );
      continue;
    }
    out = enrichRecords(out, parsed.records, e.source).records;
  }
  return { records: out, warnings };
}

/** The log entry of an enrichment of `report` from the file at `path`, parsed as `parsed`. */
export function enrichmentEntry(
  source: string,
  path: string,
  parsed: ParsedFile,
  report: EnrichReport,
  format?: InputFormat,
): EnrichmentEntry {
  return {
    source,
    path,
    label: parsed.path,
    ...(format ? { format } : {}),
    hash: parsed.sourceHash,
    appliedAt: new Date().toISOString(),
    matched: report.corpusRecords - report.unmatched.length,
    unmatched: report.unmatched.length,
  };
}

/** Remember an enrichment (replacing an earlier one from the same source). */
export async function rememberEnrichment(
  store: Store,
  corpus: string,
  entry: EnrichmentEntry,
): Promise<void> {
  const log = (await enrichmentLog(store, corpus)).filter((e) => e.source !== entry.source);
  await saveLog(store, corpus, [...log, entry]);
}
