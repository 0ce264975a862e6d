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
  // Optional extras some importers and `confscope enrich` fill (the listing never does). The
  // store keeps them; `parse` prints them after the fields above when present.
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
  /**
   * Fields filled by `confscope enrich` from another source, with the source's name
   * (`{ title: 'virtual-site' }`): what the listing said is never overwritten silently.
   */
  provenance?: Record<string, string>;
}

/** The optional fields above, in the order they are written. */
export const EXTRA_FIELDS = [
  'keywords',
  'tldr',
  'externalIds',
  'decision',
  'pdf',
  'provenance',
] as const satisfies readonly (keyof PaperRecord)[];
export type ExtraField = (typeof EXTRA_FIELDS)[number];
export type PaperExtras = Pick<PaperRecord, ExtraField>;

/** The optional fields a record carries (none when it has none), in EXTRA_FIELDS order. */
export function recordExtras(r: PaperRecord): PaperExtras {
  const out: Record<string, unknown> = {};
  for (const k of EXTRA_FIELDS) if (r[k] !== undefined) out[k] = r[k];
  return out;
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
