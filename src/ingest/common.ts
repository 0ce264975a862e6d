// What every importer shares: reading a field of an untrusted record with a located warning
// when it has the wrong type or is huge, building a PaperRecord in the listing's shape, and
// assigning ids the way the listing does (so the same paper gets the same id everywhere).

import { ConfscopeError } from '../core/errors.js';
import type { ExternalIds, PaperRecord, Track } from '../core/types.js';
import type { Json, ParsedJson } from './json.js';
import { paperId } from './listing.js';
import {
  collectAcronyms,
  extractLinks,
  isAllCaps,
  normalizeKey,
  restoreTitleCase,
} from './text.js';

/** Error code for "this file is not in that format" (the catalogue's listing-era name). */
export const NOT_THIS_FORMAT = 'NOT_A_LISTING' as const;

/** A text field longer than this is kept, with a warning. */
export const HUGE_FIELD_CHARS = 1024 * 1024;

export function notThisFormat(where: string, msg: string): ConfscopeError {
  return new ConfscopeError(NOT_THIS_FORMAT, `${where}: ${msg}`);
}

const TRACK_WORDS: [RegExp, Track][] = [
  [/\b(?:oral|talk)s?\b/i, 'Talk'],
  [/\bspotlights?\b/i, 'Spotlight'],
  [/\bposters?\b/i, 'Poster'],
];

/** `Poster`, `ICLR 2024 oral`, `spotlight` → the track; anything else → null. */
export function trackOf(s: string | undefined): Track | null {
  if (!s) return null;
  for (const [re, t] of TRACK_WORDS) if (re.test(s)) return t;
  return null;
}

/** Collapse runs of white space; the result has no leading or trailing space. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Paragraphs (split at blank lines) with their white space collapsed, joined by a blank line. */
export function normalizeAbstract(s: string): string {
  if (!s.includes('\n')) return oneLine(s);
  return s
    .split(/\n[ \t\r\f\v]*\n\s*/)
    .map(oneLine)
    .filter(Boolean)
    .join('\n\n');
}

/** An absolute URL for a path on a site (`/pdf/x.pdf` → `https://openreview.net/pdf/x.pdf`). */
export function absoluteUrl(u: string | undefined, base: string): string | undefined {
  if (!u) return undefined;
  if (/^https?:\/\//i.test(u)) return u;
  if (u.startsWith('/')) return base + u;
  return undefined;
}

/** OpenReview note ids: 9–10 characters of [A-Za-z0-9_-], mixed case (e.g. `rkgt0REKwS`). */
export function looksLikeOpenReviewId(s: string | undefined): boolean {
  return !!s && /^[A-Za-z0-9_-]{8,12}$/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s);
}

export interface Fields {
  title?: string | undefined;
  authors?: string[] | undefined;
  track?: Track | null | undefined;
  abstract?: string | undefined;
  links?: (string | undefined)[] | undefined;
  keywords?: string[] | undefined;
  tldr?: string | undefined;
  externalIds?: ExternalIds | undefined;
  decision?: string | undefined;
  pdf?: string | undefined;
}

/**
 * Builds one record of a structured source. Warnings read
 * `file:line: record N (source id), field "F": …`.
 */
export class RecordBuilder {
  readonly warnings: string[] = [];
  constructor(
    readonly path: string,
    readonly line: number,
    readonly endLine: number,
    readonly n: number,
    public sourceId?: string,
  ) {}

  at(field?: string): string {
    const id = this.sourceId ? ` (${this.sourceId.slice(0, 80)})` : '';
    const f = field ? `, field "${field}"` : '';
    return `${this.path}:${this.line}: record ${this.n}${id}${f}`;
  }

  warn(field: string | undefined, msg: string): void {
    this.warnings.push(`${this.at(field)}: ${msg}`);
  }

  /** A text value: strings as given, numbers as text (warned), absent/null → undefined. */
  text(v: Json | undefined, field: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') {
      this.checkSize(v, field);
      return v;
    }
    if (typeof v === 'number' || typeof v === 'boolean') {
      this.warn(field, `expected text, found ${typeof v} ${String(v)}; kept as text`);
      return String(v);
    }
    this.warn(
      field,
      `expected text, found ${Array.isArray(v) ? 'an array' : 'an object'}; ignored`,
    );
    return undefined;
  }

  checkSize(s: string, field: string): void {
    if (s.length > HUGE_FIELD_CHARS) {
      this.warn(field, `${(s.length / 1048576).toFixed(1)} M characters (over 1 MB); kept`);
    }
  }

  /** A list of names or words: a JSON array of strings, or a string split by `sep`. */
  list(v: Json | undefined, field: string, sep: RegExp | ((s: string) => string[])): string[] {
    if (v === undefined || v === null) return [];
    const split = (s: string) => (typeof sep === 'function' ? sep(s) : s.split(sep));
    let items: string[];
    if (typeof v === 'string') {
      this.checkSize(v, field);
      // White space collapsed first (the items are collapsed anyway): a separator pattern such
      // as /\s*;\s*/ would otherwise rescan a long run of spaces from each of its positions.
      items = split(oneLine(v));
    } else if (Array.isArray(v)) {
      items = [];
      v.forEach((x, i) => {
        if (typeof x === 'string') items.push(x);
        else if (typeof x === 'number') items.push(String(x));
        else if (x !== null) this.warn(field, `item ${i + 1} is ${describe(x)}, not text; ignored`);
      });
      const total = items.reduce((a, s) => a + s.length, 0);
      if (total > HUGE_FIELD_CHARS) {
        this.warn(field, `${(total / 1048576).toFixed(1)} M characters (over 1 MB); kept`);
      }
    } else {
      this.warn(field, `expected a list or text, found ${describe(v)}; ignored`);
      return [];
    }
    return items.map(oneLine).filter(Boolean);
  }

  /** The record, id still empty (see `assignIds`). */
  build(f: Fields): Draft {
    const title = f.title !== undefined ? oneLine(f.title) : '';
    if (!title) {
      if (this.sourceId) this.warn('title', 'no title; kept with title null');
      else this.warn('title', 'no title and no id; kept with title null');
    }
    const abstract = normalizeAbstract(f.abstract ?? '');
    const links = [...extractLinks(abstract)];
    for (const l of f.links ?? []) if (l && !links.includes(l)) links.push(l);
    const rec: PaperRecord = {
      id: '',
      title: title || null,
      authors: (f.authors ?? []).map((a) => a.replace(/[*†‡§¶]+/g, '').trim()).filter(Boolean),
      track: f.track ?? null,
      abstract,
      links,
      source: { path: this.path, startLine: this.line, endLine: this.endLine },
      warnings: this.warnings,
    };
    if (f.keywords?.length) rec.keywords = f.keywords;
    const tldr = f.tldr !== undefined ? normalizeAbstract(f.tldr) : '';
    if (tldr) rec.tldr = tldr;
    const ext = Object.entries(f.externalIds ?? {}).filter(([, v]) => !!v);
    if (ext.length) rec.externalIds = Object.fromEntries(ext);
    if (f.decision) rec.decision = oneLine(f.decision);
    if (f.pdf) rec.pdf = f.pdf;
    return { rec, n: this.n, sourceKey: this.sourceId };
  }
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

export interface Draft {
  rec: PaperRecord;
  /** Record number in the file (1-based), for messages. */
  n: number;
  /** The source's own id (`openreview:…`, `arxiv:…`): the id basis of an untitled record. */
  sourceKey: string | undefined;
}

/**
 * Ids as the listing gives them: the hash of `t:` + the normalised title, else of the
 * source's own id, else of authors + abstract start. Exact repeats are kept once (warned);
 * a different paper with the same title gets `-2`.
 */
export function assignIds(
  drafts: readonly Draft[],
  path: string,
  warnings: string[],
  idPrefix: string,
): PaperRecord[] {
  restoreCapsTitles(drafts);
  const byId = new Map<string, Draft>();
  const out: PaperRecord[] = [];
  for (const d of drafts) {
    const r = d.rec;
    const t = r.title ? normalizeKey(r.title) : '';
    const key = t
      ? `t:${t}`
      : d.sourceKey
        ? `${idPrefix}:${d.sourceKey}`
        : `u:${normalizeKey(r.authors.join(','))}:${normalizeKey(r.abstract).slice(0, 200)}`;
    const base = paperId(key);
    const twin = byId.get(base);
    if (twin && sameContent(twin.rec, r)) {
      warnings.push(
        `${path}:${r.source.startLine}: record ${d.n} repeats record ${twin.n}; kept once`,
      );
      continue;
    }
    let id = base;
    for (let n = 2; byId.has(id); n++) id = `${base}-${n}`;
    if (twin) {
      r.warnings.push(
        `${path}:${r.source.startLine}: record ${d.n} has the same title as record ${twin.n} but different content; kept as ${id}`,
      );
    }
    r.id = id;
    byId.set(id, d);
    out.push(r);
  }
  return out;
}

function sameContent(a: PaperRecord, b: PaperRecord): boolean {
  return (
    a.title === b.title &&
    a.track === b.track &&
    a.abstract === b.abstract &&
    a.authors.join('\n') === b.authors.join('\n') &&
    a.externalIds?.openreview === b.externalIds?.openreview &&
    a.externalIds?.arxiv === b.externalIds?.arxiv
  );
}

/** Refuse a file that produced no records at all. */
export function requireRecords(count: number, path: string, line: number, what: string): void {
  if (count === 0) {
    throw new ConfscopeError('EMPTY_INPUT', `${path}:${line}: ${what} has no records`);
  }
}

/** ALL-CAPS titles get their case back as in the listing (acronyms seen elsewhere kept). */
function restoreCapsTitles(drafts: readonly Draft[]): void {
  const caps = drafts.filter((d) => d.rec.title !== null && isAllCaps(d.rec.title));
  if (caps.length === 0) return;
  const acronyms = collectAcronyms(
    drafts.flatMap((d) =>
      d.rec.title !== null ? [d.rec.title, d.rec.abstract] : [d.rec.abstract],
    ),
  );
  for (const d of caps) {
    d.rec.title = restoreTitleCase(d.rec.title ?? '', acronyms);
    d.rec.warnings.push(
      `${d.rec.source.path}:${d.rec.source.startLine}: record ${d.n}, field "title": printed in ALL CAPS; case restored`,
    );
  }
}

/** Lines of item `at` of `container`: from its key or array slot to the end of its value. */
export function recordSpan(
  doc: ParsedJson,
  container: Json,
  at: number | string,
  v: Json | undefined,
): { line: number; endLine: number } {
  const line = doc.lineOf(container, at) ?? doc.spanOf(v)?.line ?? 1;
  return { line, endLine: Math.max(line, doc.spanOf(v)?.endLine ?? line) };
}
