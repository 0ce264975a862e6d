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
