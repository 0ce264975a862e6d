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

export interface Store {
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
  putModel(id: string, data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
