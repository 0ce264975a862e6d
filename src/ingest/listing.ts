// Parser for the printed accepted-paper listing (markdown-like text with print artifacts).
// Pure: text in, records + warnings out; every warning names `file:line`.

import { createHash } from 'node:crypto';
import { ConfscopeError } from '../core/errors.js';
import type { PaperRecord, ParseResult, Track } from '../core/types.js';
import {
  collectAcronyms,
  extractLinks,
  findHtmlLikeTag,
  isAllCaps,
  normalizeKey,
  restoreTitleCase,
  splitAuthors,
  splitLines,
  stripFormatting,
  unescapeMarkdown,
} from './text.js';

type Kind = 'heading' | 'marker' | 'text';

/** A line that carries content (blank and page-print lines are dropped, remembered as breaks). */
interface SigLine {
  no: number;
  kind: Kind;
  text: string;
  /** A blank or page-print line stood between this line and the previous content line. */
  breakBefore: boolean;
}

const PAGE_PRINT =
  /^\s*\d{1,2}\/\d{1,2}\/\d{2,4},\s{0,4}\d{1,2}:\d{2}(?::\d{2})?\s{0,4}(?:[AP]M)?\s*$/i;
const HEADING = /^\s{0,3}(#{1,6})(?:\s|$)/;
const MARKER_START = /^\s{0,8}(?:[-•*+]\s{0,4})?abstract@/i;
const MARKER =
  /^\s{0,8}(?:[-•*+]\s{0,4})?abstract@\s{0,4}(?:<u>)?\s{0,4}open-?review\s{0,4}\(\s{0,4}([^()\n]{0,60}?)\s{0,4}\)\s{0,4}(?:<\/u>)?\s{0,4}:/i;

const TRACK_ALIASES: Record<string, Track> = {
  poster: 'Poster',
  spotlight: 'Spotlight',
  talk: 'Talk',
  oral: 'Talk',
};

export function classify(line: string): Kind | 'blank' | 'print' {
  if (line.trim() === '') return 'blank';
  if (line.length < 40 && PAGE_PRINT.test(line)) return 'print';
  if (HEADING.test(line)) return 'heading';
  if (MARKER_START.test(line)) return 'marker';
  return 'text';
}

/** Does this line read like a list of names rather than a sentence of an abstract? */
export function looksLikeAuthorLine(text: string): boolean {
  if (text.length > 2000) return false;
  const names = splitAuthors(text);
  if (names.length === 0) return false;
  return names.every(
    (n) => n.length <= 60 && n.split(' ').length <= 7 && !/\p{Ll}{2,}[.!?]\s/u.test(n),
  );
}

export function parseListing(text: string, path: string): ParseResult {
  const lines = splitLines(text);
  const sig: SigLine[] = [];
  let pendingBreak = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const kind = classify(line);
    if (kind === 'blank' || kind === 'print') {
      pendingBreak = true;
      continue;
    }
    sig.push({ no: i + 1, kind, text: line, breakBefore: pendingBreak });
    pendingBreak = false;
  }
  if (sig.length === 0) {
    throw new ConfscopeError('EMPTY_INPUT', `${path}: the file has no text; expected a listing`);
  }
  if (!sig.some((l) => l.kind === 'marker')) {
    throw new ConfscopeError(
      'NOT_A_LISTING',
      `${path}:1: no abstract marker found (expected lines like "abstract@open-review(Poster): …"); ` +
        'this does not look like a conference listing',
    );
  }

  const starts = findRecordStarts(sig);
  const warnings: string[] = [];
  const first = starts[0] ?? sig.length;
  if (first > 0) {
    const a = sig[0];
    const b = sig[first - 1];
    if (a && b) {
      warnings.push(
        `${path}:${a.no}-${b.no}: text before the first record is not part of any paper; ignored`,
      );
    }
  }

  // Acronyms are needed only to restore ALL-CAPS titles; collect them once, on first need.
  let cached: Set<string> | undefined;
  const acronyms = () =>
    (cached ??= collectAcronyms(sig.filter((l) => l.kind !== 'marker').map((l) => l.text)));
  const drafts: PaperRecord[] = [];
  for (let s = 0; s < starts.length; s++) {
    const from = starts[s] ?? 0;
    const to = starts[s + 1] ?? sig.length;
    drafts.push(buildRecord(sig.slice(from, to), path, acronyms));
  }
  return { records: assignIds(drafts, path, warnings), warnings };
}

function findRecordStarts(sig: SigLine[]): number[] {
  const starts = new Set<number>();
  for (let i = 0; i < sig.length; i++) {
    const line = sig[i];
    if (!line) continue;
    if (line.kind === 'heading') {
      starts.add(i);
      continue;
    }
    if (line.kind !== 'marker') continue;
    const prev = sig[i - 1];
    if (prev?.kind === 'heading') continue; // title, no author line: heading already a start
    if (prev?.kind === 'text' && sig[i - 2]?.kind === 'heading') continue; // title, authors, marker
    if (prev?.kind === 'text' && looksLikeAuthorLine(prev.text)) {
      starts.add(i - 1); // an author line whose title was lost
      continue;
    }
    starts.add(i); // marker right after another record's text: no title, no authors
  }
  return [...starts].sort((a, b) => a - b);
}

function buildRecord(
  seg: SigLine[],
  path: string,
  acronyms: () => ReadonlySet<string>,
): PaperRecord {
  const warnings: string[] = [];
  const head = seg[0];
  if (!head) throw new Error('empty record segment');
  const at = (l: SigLine) => `${path}:${l.no}`;
  let k = 0;
  let title: string | null = null;
  if (head.kind === 'heading') {
    title = cleanTitle(head, path, acronyms, warnings);
    k = 1;
  }
  const m = seg.findIndex((l, i) => i >= k && l.kind === 'marker');
  const markerLine = m >= 0 ? seg[m] : undefined;
  const authorLines = markerLine ? seg.slice(k, m) : seg.slice(k, k + 1);
  const bodyLines = markerLine ? seg.slice(m + 1) : seg.slice(k + 1);

  if (head.kind !== 'heading') {
    warnings.push(
      `${at(head)}: record has no title line (lost at a page break?); kept with title null`,
    );
  }
  const authors = authorLines.flatMap((l) => splitAuthors(l.text));
  if (authorLines.length > 1) {
    warnings.push(
      `${at(authorLines[0] ?? head)}: ${authorLines.length} author lines joined into one list`,
    );
  }
  if (authors.length === 0) {
    warnings.push(`${at(markerLine ?? head)}: record has no author line`);
  }

  let track: Track | null = null;
  const paragraphs: string[][] = [];
  if (markerLine) {
    const mm = MARKER.exec(markerLine.text);
    let rest: string;
    if (mm) {
      const raw = (mm[1] ?? '').trim();
      track = TRACK_ALIASES[raw.toLowerCase()] ?? null;
      if (!track) {
        warnings.push(
          `${at(markerLine)}: unknown track "${raw.slice(0, 60)}" (expected Poster, Spotlight or Talk); kept with track null`,
        );
      }
      rest = markerLine.text.slice(mm[0].length);
    } else {
      warnings.push(
        `${at(markerLine)}: malformed abstract marker (expected "abstract@open-review(Track):"); kept with track null`,
      );
      const colon = markerLine.text.indexOf(':', markerLine.text.indexOf('@'));
      rest = colon >= 0 ? markerLine.text.slice(colon + 1) : '';
    }
    if (rest.trim()) paragraphs.push([rest.trim()]);
  } else {
    warnings.push(
      `${at(head)}: no abstract marker (expected "abstract@open-review(Track):" after the author line); record kept with track null`,
    );
  }
  for (const l of bodyLines) {
    const bullet = /^\s*[-•*]\s+/.exec(l.text);
    const content = (bullet ? l.text.slice(bullet[0].length) : l.text).trim();
    const last = paragraphs.at(-1);
    if (!last || l.breakBefore || bullet) paragraphs.push([content]);
    else last.push(content);
  }
  const abstract = unescapeMarkdown(joinParagraphs(paragraphs));
  if (markerLine && !abstract) warnings.push(`${at(markerLine)}: empty abstract`);
  const end = seg.at(-1) ?? head;
  return {
    id: '',
    title,
    authors,
    track,
    abstract,
    links: extractLinks(abstract),
    source: { path, startLine: head.no, endLine: end.no },
    warnings,
  };
}

function cleanTitle(
  line: SigLine,
  path: string,
  acronyms: () => ReadonlySet<string>,
  warnings: string[],
): string | null {
  const raw = line.text.replace(HEADING, '').replace(/\s#+\s*$/, '');
  let title = stripFormatting(unescapeMarkdown(raw));
  if (!title) {
    warnings.push(`${path}:${line.no}: empty title heading; kept with title null`);
    return null;
  }
  const tag = findHtmlLikeTag(title);
  if (tag) {
    warnings.push(
      `${path}:${line.no}: title contains markup ${JSON.stringify(tag.slice(0, 80))}; kept as text`,
    );
  }
  if (isAllCaps(title)) {
    title = restoreTitleCase(title, acronyms());
    warnings.push(`${path}:${line.no}: title printed in ALL CAPS; case restored`);
  }
  return title;
}

/**
 * Paragraphs split by a page break mid-sentence (no closing punctuation, next starts lower
 * case) are one paragraph; the rest are kept in order, separated by a blank line.
 */
function joinParagraphs(paragraphs: string[][]): string {
  const out: string[] = [];
  for (const p of paragraphs) {
    let text = p.filter(Boolean).join(' ');
    if (/\s\s|[\t\v\f\u00a0]/.test(text)) text = text.replace(/\s+/g, ' ');
    text = text.trim();
    if (!text) continue;
    const prev = out.at(-1);
    // Test only the last character: an end-anchored regex would rescan the whole paragraph.
    if (prev !== undefined && !CLOSING.has(prev.at(-1) ?? '') && /^\p{Ll}/u.test(text)) {
      out[out.length - 1] = `${prev} ${text}`;
    } else out.push(text);
  }
  return out.join('\n\n');
}

const CLOSING = new Set(['.', '!', '?', ':', ';', ')', '"', "'", '\u201d', '\u2019', ']', '}']);

function contentKey(r: PaperRecord): string {
  if (r.title) return `t:${normalizeKey(r.title)}`;
  return `u:${normalizeKey(r.authors.join(','))}:${normalizeKey(r.abstract).slice(0, 200)}`;
}

/** Stable ids: a hash of the normalised title (or authors + abstract start when untitled). */
export function paperId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function assignIds(drafts: PaperRecord[], path: string, warnings: string[]): PaperRecord[] {
  const byId = new Map<string, PaperRecord>();
  const out: PaperRecord[] = [];
  for (const r of drafts) {
    const base = paperId(contentKey(r));
    const twin = byId.get(base);
    if (twin && sameContent(twin, r)) {
      warnings.push(
        `${path}:${r.source.startLine}-${r.source.endLine}: record repeats lines ${twin.source.startLine}-${twin.source.endLine}; kept once`,
      );
      continue;
    }
    let id = base;
    for (let n = 2; byId.has(id); n++) id = `${base}-${n}`;
    if (twin) {
      r.warnings.push(
        `${path}:${r.source.startLine}: same title as the record at line ${twin.source.startLine} but different content; kept as ${id}`,
      );
    }
    r.id = id;
    byId.set(id, r);
    out.push(r);
  }
  return out;
}

function sameContent(a: PaperRecord, b: PaperRecord): boolean {
  return (
    a.title === b.title &&
    a.track === b.track &&
    a.abstract === b.abstract &&
    a.authors.join('\n') === b.authors.join('\n')
  );
}
