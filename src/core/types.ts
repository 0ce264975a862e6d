// Domain types shared by every layer: a paper record as ingest produces it and every
// interface shows it. Imports nothing else of ours.

export const TRACKS = ['Poster', 'Spotlight', 'Talk'] as const;
export type Track = (typeof TRACKS)[number];

/** Where a record came from: the file and the 1-based, inclusive line range. */
export interface SourceRef {
  path: string;
  startLine: number;
  endLine: number;
}

/**
 * One paper, exactly the fields `confscope parse` prints. `title` is null only when the
 * input lost it (the listing has three such records); nothing is guessed at parse time.
 */
export interface PaperRecord {
  id: string;
  title: string | null;
  authors: string[];
  track: Track | null;
  abstract: string;
  links: string[];
  source: SourceRef;
  warnings: string[];
  // Optional extras some importers fill (the listing never does; `parse` output and the
  // store keep only the fields above).
  /** Author keywords, in source order. */
  keywords?: string[];
  /** One-sentence summary (OpenReview "TL;DR"). */
  tldr?: string;
  /** Ids of the same paper elsewhere. */
  externalIds?: ExternalIds;
  /** The source's decision text as given (`Poster`, `Reject`, `ICLR 2024 oral`…). */
  decision?: string;
  /** URL of the PDF. */
  pdf?: string;
}

export interface ExternalIds {
  openreview?: string;
  arxiv?: string;
  doi?: string;
}

/** What a parser returns: records plus warnings that belong to no single record. */
export interface ParseResult {
  records: PaperRecord[];
  warnings: string[];
}

export const RECORD_FIELDS = [
  'id',
  'title',
  'authors',
  'track',
  'abstract',
  'links',
  'source',
  'warnings',
] as const satisfies readonly (keyof PaperRecord)[];
