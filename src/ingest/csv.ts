// CSV reading for the importers: csv-parse underneath, with 1-based line spans for every row
// and errors that name `file:line`.

import { parse, type Options } from 'csv-parse/sync';
import { ConfscopeError } from '../core/errors.js';
import { NOT_THIS_FORMAT } from './common.js';

export interface CsvRow {
  cells: string[];
  line: number;
  endLine: number;
}

export interface CsvTable {
  header: string[];
  headerLine: number;
  rows: CsvRow[];
  delimiter: string;
}

/** The delimiter the header line uses most: `,`, tab or `;`. */
export function guessDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', '\t', ';']) {
    const n = firstLine.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

export function readCsv(text: string, path: string): CsvTable {
  // csv-parse miscounts lines on CRLF input; every line break becomes LF first.
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const firstLine = body.slice(0, Math.max(0, body.indexOf('\n')) || body.length);
  const delimiter = guessDelimiter(firstLine);
  let lastGood = 0;
  let out: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    const options: Options = {
      delimiter,
      info: true,
      raw: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: (rec, ctx) => {
        lastGood = ctx.lines;
        return rec;
      },
    };
    out = parse(body, options) as unknown as typeof out;
  } catch (e) {
    const err = e as { code?: string; lines?: number; message?: string };
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new ConfscopeError(
        NOT_THIS_FORMAT,
        `${path}:${lastGood + 1}: a quoted field that starts on or after this line is never closed (truncated file?)`,
      );
    }
    throw new ConfscopeError(
      NOT_THIS_FORMAT,
      `${path}:${err.lines ?? lastGood + 1}: not valid CSV: ${String(err.message).replace(/^[^:]*:\s*/, '')}`,
    );
  }
  const rows: CsvRow[] = out.map((o) => {
    const endLine = o.info.lines;
    const inner = o.raw.replace(/^\n+/, '').replace(/\n$/, '');
    let breaks = 0;
    for (let i = inner.indexOf('\n'); i >= 0; i = inner.indexOf('\n', i + 1)) breaks++;
    return { cells: o.record, line: endLine - breaks, endLine };
  });
  const head = rows.shift();
  if (!head) throw new ConfscopeError('EMPTY_INPUT', `${path}: the file has no CSV header line`);
  return { header: head.cells.map((c) => c.trim()), headerLine: head.line, rows, delimiter };
}

/** Index of the first header column whose name (case- and space-insensitive) is in `names`. */
export function findColumn(header: readonly string[], names: readonly string[]): number {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const wanted = names.map(norm);
  for (const w of wanted) {
    const i = header.findIndex((h) => norm(h) === w);
    if (i >= 0) return i;
  }
  return -1;
}
