// Output formats for records: JSON Lines, JSON, CSV, and the listing format itself (so a
// parsed corpus can be written back and parsed again to the same records).

import { stringify } from 'csv-stringify/sync';
import { recordExtras, type PaperRecord } from '../core/types.js';

export const OUTPUT_FORMATS = ['jsonl', 'json', 'csv', 'listing'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The record with its fields in the documented order (extras after, only when present). */
export function canonical(r: PaperRecord): PaperRecord {
  return {
    ...baseFields(r),
    ...recordExtras(r),
  };
}

function baseFields(r: PaperRecord): PaperRecord {
  return {
    id: r.id,
    title: r.title,
    authors: r.authors,
    track: r.track,
    abstract: r.abstract,
    links: r.links,
    source: { path: r.source.path, startLine: r.source.startLine, endLine: r.source.endLine },
    warnings: r.warnings,
  };
}

export function toJsonl(records: readonly PaperRecord[]): string {
  return records.map((r) => JSON.stringify(canonical(r)) + '\n').join('');
}

export function toJson(records: readonly PaperRecord[]): string {
  return JSON.stringify(records.map(canonical), null, 2) + '\n';
}

/** CSV with one row a record; lists are joined with `; ` (authors) or spaces (links). */
export function toCsv(records: readonly PaperRecord[]): string {
  return stringify(
    records.map((r) => [
      r.id,
      r.title ?? '',
      r.authors.join('; '),
      r.track ?? '',
      r.abstract,
      r.links.join(' '),
      r.source.path,
      r.source.startLine,
      r.source.endLine,
      r.warnings.join(' | '),
    ]),
    {
      header: true,
      columns: [
        'id',
        'title',
        'authors',
        'track',
        'abstract',
        'links',
        'source_path',
        'start_line',
        'end_line',
        'warnings',
      ],
    },
  );
}

/** A continuation paragraph that would read as a heading, marker, bullet or print line gets a bullet. */
const RISKY_PARAGRAPH = /^(?:\s{0,3}#|[-•*+]\s|\s*abstract@|\s*\d{1,2}\/\d{1,2}\/\d{2,4},)/i;

export function toListing(records: readonly PaperRecord[]): string {
  return records
    .map((r) => {
      const [first = '', ...rest] = r.abstract.split('\n\n');
      const lines: string[] = [];
      if (r.title !== null) lines.push(`## ${r.title}`, '');
      if (r.authors.length) lines.push(`- ${r.authors.join(', ')}`);
      lines.push(`- abstract@open-review(${r.track ?? 'Unknown'}): ${first}`);
      for (const p of rest) lines.push('', RISKY_PARAGRAPH.test(p) ? `- ${p}` : p);
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

export function serialize(records: readonly PaperRecord[], format: OutputFormat): string {
  switch (format) {
    case 'jsonl':
      return toJsonl(records);
    case 'json':
      return toJson(records);
    case 'csv':
      return toCsv(records);
    case 'listing':
      return toListing(records);
  }
}
