// Small text helpers shared by the importers: decoding untrusted bytes, markdown/print
// artifact cleanup, author splitting, URL extraction. All linear-time on long lines.

import { ConfscopeError } from '../core/errors.js';

/** Decode bytes as UTF-8, refusing binary data and invalid sequences with a located message. */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  if (bytes.length === 0) {
    throw new ConfscopeError('EMPTY_INPUT', `${path}: the file is empty; expected a listing`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new ConfscopeError(
      'BINARY_INPUT',
      `${path}:${lineOfByte(bytes, nul)}: binary data (NUL byte at offset ${nul}); expected UTF-8 text`,
    );
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return text;
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new ConfscopeError(
      'BAD_ENCODING',
      `${path}:${lineOfByte(bytes, at)}: invalid UTF-8 at byte offset ${at}; save the file as UTF-8`,
    );
  }
}

/** 1-based line of a byte offset, counting LF, CRLF and lone CR as splitLines does. */
function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b < 0xe0
          ? 1
          : b >= 0xe0 && b < 0xf0
            ? 2
            : b >= 0xf0 && b < 0xf5
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** Split text into lines, accepting LF, CRLF and lone CR; a leading BOM is dropped. */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.split(/\r\n|\r|\n/);
}

/**
 * Undo the markdown escapes the printed listing added around LaTeX and names: `\$` → `$`,
 * `\_` → `_`, `\*` → `*`; the listing also prints some closing dollars as `\\$`, which is the
 * same artifact. Other LaTeX (`\ell`, `\%`, `\{`, `\\`) is kept. Runs of backslashes are read
 * as a whole, so the function is idempotent, and in one linear pass.
 */
export function unescapeMarkdown(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const j = s.indexOf('\\', i);
    if (j < 0) break;
    let k = j;
    while (s.charCodeAt(k) === 92) k++;
    const run = k - j;
    const next = s[k];
    out += s.slice(i, j);
    if (next === '$') out += '$';
    else if (next === '_' || next === '*') out += '\\'.repeat(run - (run % 2)) + next;
    else {
      out += s.slice(j, k);
      i = k;
      continue;
    }
    i = k + 1;
  }
  return out + s.slice(i);
}

const FORMAT_TAGS =
  /<\/?(?:u|del|s|b|i|em|strong|ins|mark|sup|sub|span|small|big)\b[^<>]{0,200}>/gi;

/** Remove presentational markup (`**`, `__`, `<u>`, `</del>`…) but keep any other text. */
export function stripFormatting(s: string): string {
  return s
    .replace(FORMAT_TAGS, '')
    .replace(/\*\*|__/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when the text contains something that looks like an HTML tag we did not strip. */
export function findHtmlLikeTag(s: string): string | null {
  const m = /<\/?[a-zA-Z][^<>]{0,200}>/.exec(s);
  return m ? m[0] : null;
}

const SMALL_WORDS = new Set([
  'a',
  'an',
  'and',
  'as',
  'at',
  'by',
  'for',
  'from',
  'in',
  'into',
  'is',
  'of',
  'on',
  'or',
  'the',
  'to',
  'via',
  'vs',
  'with',
  'without',
  'under',
  'over',
  'through',
  'do',
  'does',
  'are',
]);

/** A title printed in ALL CAPS: at least two letters-words, and no lowercase letter. */
export function isAllCaps(s: string): boolean {
  return /[A-Z]{2}/.test(s) && !/\p{Ll}/u.test(s);
}

/**
 * Restore case of an ALL-CAPS title. Words that appear in upper case elsewhere in the corpus
 * (`acronyms`, e.g. GAN, NAS, BERT) stay upper case; short function words are lower case
 * except at the start or after a colon; other words get an initial capital.
 */
export function restoreTitleCase(s: string, acronyms: ReadonlySet<string>): string {
  let first = true;
  return s.replace(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?|[^\p{L}\p{N}]+/gu, (tok) => {
    if (!/[\p{L}\p{N}]/u.test(tok)) {
      if (/[:?!.]/.test(tok)) first = true;
      return tok;
    }
    const atStart = first;
    first = false;
    if (acronyms.has(tok) || /\d/.test(tok)) return tok;
    const lower = tok.toLowerCase();
    if (!atStart && SMALL_WORDS.has(lower)) return lower;
    return lower.charAt(0).toUpperCase() + lower.slice(1);
  });
}

/** Collect upper-case tokens (2+ letters) seen in mixed-case text: the corpus's acronyms. */
export function collectAcronyms(texts: Iterable<string>, into = new Set<string>()): Set<string> {
  for (const t of texts) {
    if (isAllCaps(t)) continue;
    // One unambiguous quantifier keeps this linear on long upper-case runs.
    for (const m of t.matchAll(/(?<![\p{L}\p{N}])[A-Z][A-Z0-9]+(?![\p{L}\p{N}])/gu)) {
      if (/[A-Z].*[A-Z]/.test(m[0])) into.add(m[0]);
    }
  }
  return into;
}

/**
 * Split an author line into names: commas and semicolons, ` and ` / ` & ` pairs; drop
 * affiliation marks (`*`, `†`, `<sup>…</sup>`), bullets and a trailing period that is not an
 * initial (`Lei Jiang.` → `Lei Jiang`, but `Asano YM.` keeps its initials' period).
 */
export function splitAuthors(line: string): string[] {
  const cleaned = unescapeMarkdown(line)
    .replace(/<sup\b[^<>]{0,100}>[^<>]{0,100}<\/sup>/gi, '')
    .replace(/<\/?[a-zA-Z][^<>]{0,200}>/g, '')
    .replace(/^\s*(?:[-•*+]\s+)?/, '');
  const out: string[] = [];
  // No `\s*` before a separator and no match starting inside a run of spaces: either would
  // rescan the run from every position (quadratic on a long run); the parts are trimmed below.
  for (const part of cleaned.split(/[,;]|(?<!\s)\s+(?:and|&)\s+/i)) {
    let name = part
      .replace(/[*†‡§¶#]+/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    name = name.replace(/^and\s+/i, '');
    if (/\p{Ll}{2}\.$/u.test(name)) name = name.slice(0, -1);
    if (name.length > 0) out.push(name);
  }
  return out;
}

/** URLs in text, in order, without trailing sentence punctuation or an unbalanced `)`. */
export function extractLinks(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"'`{}|\\^]+/g)) {
    const raw = m[0];
    // Brackets counted once and updated as they are stripped: linear on a long run of `)`.
    const open = { ')': count(raw, '('), ']': count(raw, '[') };
    const close = { ')': count(raw, ')'), ']': count(raw, ']') };
    let end = raw.length;
    for (;;) {
      const last = raw[end - 1];
      if (last === undefined) break;
      if ('.,;:!?'.includes(last)) end--;
      else if ((last === ')' || last === ']') && open[last] < close[last]) {
        close[last]--;
        end--;
      } else break;
    }
    const url = raw.slice(0, end);
    if (/^https?:\/\/[^/]*\w\.\w/.test(url)) seen.add(url);
  }
  return [...seen];
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** Lower-case alphanumerics only: the key used to compare titles across sources. */
export function normalizeKey(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}
