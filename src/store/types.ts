// The Store interface: what every database backend (SQLite now, PostgreSQL later) provides.
// Async so that a networked backend fits the same shape.

import type { PaperRecord } from '../core/types.js';

export interface CorpusMeta {
  sourcePath: string;
  sourceHash: string;
  /** Parse warnings that belong to no single record. */
  warnings: string[];
}

export interface CorpusInfo extends CorpusMeta {
  name: string;
  papers: number;
  ingestedAt: string;
}

/** What an ingest changed: only records whose content changed are rewritten. */
export interface IngestSummary {
  corpus: string;
  total: number;
  added: number;
  updated: number;
  /** Same content, new position in the file (line numbers or warnings changed). */
  moved: number;
  unchanged: number;
  removed: number;
}

/**
 * Staged streaming ingest, for corpora too large for one `replaceCorpus` call: records are
 * appended in batches (each its own transaction) to a staging area no reader sees, then swapped
 * in atomically. A killed ingest of the same source resumes after what it had staged.
 */
export interface StagedIngest {
  /**
   * Start (or resume) staging `corpus` from the source with this hash. Returns how many records
   * a previous, unfinished run of the same source already staged (append after those); a
   * different source (or none) discards what was staged and returns 0.
   */
  beginStaged(corpus: string, sourceHash: string): Promise<number>;
  /** Append records after those staged (one transaction; ids must be new to the staging). */
  appendStaged(corpus: string, records: readonly PaperRecord[]): Promise<void>;
  /**
   * Make the corpus hold exactly the staged records, in staging order, atomically (readers see
   * the old corpus until then, the new one after), and clear the staging. Counts as
   * `replaceCorpus` does.
   */
  commitStaged(corpus: string, meta: CorpusMeta): Promise<IngestSummary>;
}

export interface Store extends Partial<StagedIngest> {
  // The StagedIngest methods are optional only until every backend has them (SQLite has):
  // callers check with `hasStagedIngest` and fall back to replaceCorpus.
  /** Make the corpus hold exactly `records`, atomically: all or nothing. */
  replaceCorpus(corpus: string, records: PaperRecord[], meta: CorpusMeta): Promise<IngestSummary>;
  listPapers(corpus?: string): Promise<PaperRecord[]>;
  getPaper(id: string, corpus?: string): Promise<PaperRecord | null>;
  listCorpora(): Promise<CorpusInfo[]>;
  /** Cached vectors of `model` for these content hashes (missing ones are absent from the map). */
  getVectors(model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Cache vectors; each call is one transaction, so a long computation can resume. */
  putVectors(model: string, entries: readonly (readonly [string, Float32Array])[]): Promise<void>;
  /** A fitted model (e.g. LSA) saved as bytes, or null. */
  getModel(id: string): Promise<Uint8Array | null>;
  /**
   * Many values at once (null: none), where the backend reads faster that way than one getModel
   * each (SQLite: several readers in worker threads). Optional: callers fall back to getModel.
   */
  readModels?(ids: readonly string[]): Promise<Map<string, Uint8Array | null>>;
  putModel(id: string, data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Does this store support staged streaming ingest? */
export function hasStagedIngest(store: Store): store is Store & StagedIngest {
  return (
    typeof store.beginStaged === 'function' &&
    typeof store.appendStaged === 'function' &&
    typeof store.commitStaged === 'function'
  );
}

/**
 * A driver's Buffer as the Uint8Array getModel returns: the same memory when the Buffer owns
 * its whole ArrayBuffer (a large value: copying it doubled the cost of reading a million
 * papers' saved indexes, 5 GB), else a copy (a Buffer cut from a shared pool must not be
 * handed out with the pool around it).
 */
export function ownedBytes(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.buffer.byteLength === b.byteLength
    ? new Uint8Array(b.buffer, 0, b.byteLength)
    : new Uint8Array(b);
}
