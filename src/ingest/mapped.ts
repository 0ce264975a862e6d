// Any CSV or JSON list of papers, read through a column mapping:
// `--map "title=Title,authors=Author Names,abstract=Summary"`. Without a mapping, columns
// named like the fields (title, authors/author, abstract/summary, id, keywords, track…) are
// used. Authors split on `;` when present, else on `,` and ` and `.

import { ConfscopeError } from '../core/errors.js';
import type { ParseResult } from '../core/types.js';
import {
  absoluteUrl,
  assignIds,
  notThisFormat,
  recordSpan,
  RecordBuilder,
  requireRecords,
  trackOf,
  type Draft,
} from './common.js';
import { findColumn, readCsv } from './csv.js';
import { isObject, kindOf, parseJson, type Json } from './json.js';
import { splitAuthors } from './text.js';

export const MAPPABLE_FIELDS = [
  'id',
  'title',
  'authors',
  'abstract',
  'track',
  'keywords',
  'tldr',
  'decision',
  'pdf',
  'links',
  'doi',
  'arxiv',
  'openreview',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
export type ColumnMapping = Partial<Record<MappableField, string>>;

/** Column names tried, in order, when no mapping is given. */
const GUESSES: Record<MappableField, string[]> = {
  id: ['id', 'uid', 'paper_id', 'paperid', 'key'],
  title: ['title', 'paper_title', 'paper title', 'name'],
  authors: ['authors', 'author', 'author_names', 'author names', 'creators'],
  abstract: ['abstract', 'summary', 'description'],
  track: ['track', 'session_type', 'presentation', 'type'],
  keywords: ['keywords', 'keyword', 'tags', 'topics'],
  tldr: ['tldr', 'tl;dr'],
  decision: ['decision', 'status'],
  pdf: ['pdf', 'pdf_url', 'pdfurl'],
  links: ['url', 'link', 'links', 'code', 'github'],
  doi: ['doi'],
  arxiv: ['arxiv', 'arxiv_id', 'arxivid'],
  openreview: ['openreview', 'openreview_id', 'forum'],
};

/** `title=Title,authors=Author Names` → mapping; a column name may itself contain commas. */
export function parseMapSpec(spec: string): ColumnMapping {
  const out: ColumnMapping = {};
  const parts = spec.split(/,(?=\s*[A-Za-z]+\s*=)/);
  for (const part of parts) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const field = part.slice(0, eq).trim().toLowerCase();
    const column = part.slice(eq + 1).trim();
    if (eq < 0 || !column) {
      throw new ConfscopeError(
        'BAD_ARGUMENT',
        `--map: "${part.trim().slice(0, 80)}" is not FIELD=COLUMN (e.g. title=Title,authors=Author Names)`,
      );
    }
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(field)) {
      throw new ConfscopeError(
        'BAD_ARGUMENT',
        `--map: unknown field "${field.slice(0, 40)}" (fields: ${MAPPABLE_FIELDS.join(', ')})`,
      );
    }
    out[field as MappableField] = column;
  }
  if (Object.keys(out).length === 0) {
    throw new ConfscopeError(
      'BAD_ARGUMENT',
      '--map: empty mapping (e.g. title=Title,authors=Authors)',
    );
  }
  return out;
}

/** A mapping from column names that look like the fields. */
export function guessMapping(columns: readonly string[]): ColumnMapping {
  const out: ColumnMapping = {};
  for (const f of MAPPABLE_FIELDS) {
    const i = findColumn(columns, GUESSES[f]);
    const c = columns[i];
    if (c !== undefined && !Object.values(out).includes(c)) out[f] = c;
  }
  return out;
}

export function splitMappedAuthors(s: string): string[] {
  if (s.includes(';')) return s.split(';').map((x) => x.trim());
  return splitAuthors(s);
}

interface Row {
  get(column: string): Json | undefined;
  line: number;
  endLine: number;
  /** The object's key when the file is an object keyed by paper id. */
  key?: string | undefined;
  /** Why this item is no paper (it is skipped with a warning). */
  bad?: string;
}

export function parseMapped(
  text: string,
  path: string,
  mapping: ColumnMapping | undefined,
  kind: 'csv' | 'json',
): ParseResult {
  const { rows, columns, headerLine } = kind === 'csv' ? csvRows(text, path) : jsonRows(text, path);
  const given = mapping !== undefined;
  const map = mapping ?? guessMapping(columns);
  if (!map.title && (!given || !map.id)) {
    throw new ConfscopeError(
      'BAD_ARGUMENT',
      `${path}:${headerLine}: cannot tell which column holds the title (columns: ${columns.slice(0, 20).join(', ').slice(0, 300)}); give --map title=COLUMN,authors=COLUMN,abstract=COLUMN`,
    );
  }
  if (given) {
    const lower = new Set(columns.map((c) => c.toLowerCase()));
    for (const [field, column] of Object.entries(map)) {
      const known =
        columns.includes(column) ||
        lower.has(column.toLowerCase()) ||
        (kind === 'json' && column.includes('.'));
      if (!known) {
        throw new ConfscopeError(
          'BAD_ARGUMENT',
          `${path}:${headerLine}: --map ${field}=${column}: no such column (columns: ${columns.slice(0, 20).join(', ').slice(0, 300)})`,
        );
      }
    }
  }
  const warnings: string[] = [];
  if (!given) {
    warnings.push(
      `${path}:${headerLine}: no --map given; columns used: ${Object.entries(map)
        .map(([f, c]) => `${f}=${c}`)
        .join(', ')}`,
    );
  }
  const drafts: Draft[] = [];
  rows.forEach((row, i) => {
    const b = new RecordBuilder(path, row.line, row.endLine, i + 1, row.key);
    if (row.bad !== undefined) {
      warnings.push(`${b.at()}: ${row.bad}; skipped`);
      return;
    }
    const get = (f: MappableField) => {
      const c = map[f];
      return c === undefined ? undefined : row.get(c);
    };
    const text = (f: MappableField) => b.text(get(f), map[f] ?? f)?.trim() || undefined;
    const id = text('id') ?? text('openreview') ?? text('arxiv') ?? row.key;
    b.sourceId = id;
    const trackText = text('track');
    const track = trackOf(trackText);
    if (trackText && !track) {
      b.warn(
        map.track,
        `unknown track "${trackText.slice(0, 60)}" (expected Poster, Spotlight, Talk/Oral); kept with track null`,
      );
    }
    const links = b
      .list(get('links'), map.links ?? 'links', /[\s,]+/)
      .filter((u) => /^https?:\/\//i.test(u));
    drafts.push(
      b.build({
        title: b.text(get('title'), map.title ?? 'title'),
        authors: b.list(get('authors'), map.authors ?? 'authors', splitMappedAuthors),
        abstract: b.text(get('abstract'), map.abstract ?? 'abstract'),
        keywords: b.list(get('keywords'), map.keywords ?? 'keywords', /\s*[;,|]\s*/),
        tldr: text('tldr'),
        track,
        decision: text('decision'),
        pdf: absoluteUrl(text('pdf'), ''),
        links,
        externalIds: { openreview: text('openreview'), arxiv: text('arxiv'), doi: text('doi') },
      }),
    );
  });
  return { records: assignIds(drafts, path, warnings, 'id'), warnings };
}

function csvRows(
  text: string,
  path: string,
): { rows: Row[]; columns: string[]; headerLine: number } {
  const table = readCsv(text, path);
  requireRecords(table.rows.length, path, table.headerLine, 'the CSV');
  const index = (column: string) => {
    const exact = table.header.indexOf(column);
    return exact >= 0
      ? exact
      : table.header.findIndex((h) => h.toLowerCase() === column.toLowerCase());
  };
  const cache = new Map<string, number>();
  const rows = table.rows.map((r) => ({
    line: r.line,
    endLine: r.endLine,
    get: (column: string) => {
      let i = cache.get(column);
      if (i === undefined) cache.set(column, (i = index(column)));
      return i >= 0 ? r.cells[i] : undefined;
    },
  }));
  return { rows, columns: table.header, headerLine: table.headerLine };
}

function jsonRows(
  text: string,
  path: string,
): { rows: Row[]; columns: string[]; headerLine: number } {
  const doc = parseJson(text, path);
  const root = doc.value;
  let items: [string | undefined, Json][];
  let container: Json = root;
  if (Array.isArray(root)) items = root.map((v) => [undefined, v]);
  else if (isObject(root)) {
    const lists = Object.values(root).filter((v) => Array.isArray(v) && v.some(isObject));
    const only = lists.length === 1 ? lists[0] : undefined;
    if (Array.isArray(only)) {
      container = only;
      items = only.map((v) => [undefined, v]);
    } else items = Object.entries(root);
  } else {
    throw notThisFormat(
      `${path}:1`,
      `expected a JSON array of paper objects, found ${kindOf(root)}`,
    );
  }
  requireRecords(items.length, path, 1, 'the JSON');
  if (!items.some(([, v]) => isObject(v))) {
    throw notThisFormat(
      `${path}:1`,
      `expected paper objects, but the items are ${kindOf(items[0]?.[1]).replace(/^an? /, '')}s`,
    );
  }
  // A Set, not columns.includes: an object with 100k keys would make that quadratic.
  const seen = new Set<string>();
  for (const [, v] of items.slice(0, 50))
    if (isObject(v)) for (const k of Object.keys(v)) seen.add(k);
  const columns = [...seen];
  const rows: Row[] = [];
  const rootSpan = doc.spanOf(root) ?? { line: 1, endLine: 1 };
  items.forEach(([key, v], i) => {
    const span = recordSpan(doc, container, key ?? i, v);

    if (!isObject(v)) {
      rows.push({
        ...span,
        key,
        bad: `expected a paper object, found ${kindOf(v)}`,
        get: () => undefined,
      });
      return;
    }
    rows.push({
      line: span.line,
      endLine: span.endLine,
      key,
      get: (column) => {
        if (column in v) return v[column];
        const lower = Object.keys(v).find((k) => k.toLowerCase() === column.toLowerCase());
        if (lower !== undefined) return v[lower];
        if (column.includes('.')) {
          let cur: Json | undefined = v;
          for (const part of column.split('.')) cur = isObject(cur) ? cur[part] : undefined;
          return cur;
        }
        return undefined;
      },
    });
  });
  return { rows, columns, headerLine: rootSpan.line };
}
