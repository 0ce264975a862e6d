// A small, tolerant BibTeX reader: `@type{key, field = {…} | "…" | 123 | macro # …}` with
// nested braces, `(…)` entry delimiters, `@string` macros (and the month names), `@comment`,
// `@preamble` and free text between entries (ignored, as BibTeX does). An entry cut short is
// kept with what was read and a warning naming its line. LaTeX accents (`{\"o}`, `\'{e}`),
// the usual letters (`\ss`, `\o`) and escapes become Unicode; `$…$` math is kept as written.

import type { ParseResult } from '../core/types.js';
import { ConfscopeError } from '../core/errors.js';
import { assignIds, notThisFormat, RecordBuilder, type Draft } from './common.js';
import { normalizeKey } from './text.js';

interface Entry {
  type: string;
  key: string;
  fields: Map<string, string>;
  start: number;
  end: number;
  warnings: string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function parseBibtex(text: string, path: string): ParseResult {
  const lines = lineStarts(text);
  const lineOf = (pos: number) => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lines[mid] ?? 0) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const r = new Reader(text, path, lineOf);
  const entries = r.all();
  if (r.seen === 0) {
    throw notThisFormat(
      `${path}:1`,
      'no BibTeX entries found (expected "@inproceedings{key, title={…}, …}")',
    );
  }
  const warnings = r.warnings;
  const drafts: Draft[] = [];
  entries.forEach((e, i) => {
    const b = new RecordBuilder(
      path,
      lineOf(e.start),
      lineOf(Math.max(e.start, e.end - 1)),
      i + 1,
      e.key || undefined,
    );
    b.warnings.push(...e.warnings);
    const checked = new Set<string>();
    const f = (name: string) => {
      const v = e.fields.get(name);
      if (v !== undefined && !checked.has(name)) {
        checked.add(name);
        b.checkSize(v, name);
      }
      return v;
    };
    const rawAuthors = f('author');
    const url = f('url') ? latexToText(f('url') ?? '') : undefined;
    const openreview = /openreview\.net\/(?:forum|pdf)\?id=([A-Za-z0-9_-]+)/.exec(url ?? '')?.[1];
    const eprint = f('eprint');
    const archive = (f('archiveprefix') ?? f('eprinttype') ?? '').toLowerCase();
    const arxiv =
      eprint && (archive === 'arxiv' || /^\d{4}\.\d{4,5}(v\d+)?$/.test(eprint.trim()))
        ? eprint.trim()
        : /arxiv(?:\.org\/abs\/|:)\s*(\d{4}\.\d{4,5})/i.exec(
            `${f('journal') ?? ''} ${url ?? ''}`,
          )?.[1];
    const keywords = f('keywords');
    const pdf = f('pdf');
    drafts.push(
      b.build({
        title: f('title') !== undefined ? latexToText(f('title') ?? '') : undefined,
        authors: rawAuthors ? splitBibAuthors(rawAuthors) : [],
        abstract: f('abstract') !== undefined ? latexToText(f('abstract') ?? '', true) : undefined,
        keywords: keywords
          ? latexToText(keywords)
              .split(/\s*[;,]\s*/)
              .filter(Boolean)
          : undefined,
        links: [url && /^https?:\/\//i.test(url) ? url : undefined],
        pdf: pdf && /^https?:\/\//i.test(pdf.trim()) ? pdf.trim() : undefined,
        decision:
          f('note') !== undefined && /accept|oral|poster|spotlight/i.test(f('note') ?? '')
            ? latexToText(f('note') ?? '')
            : undefined,
        externalIds: {
          openreview,
          arxiv: arxiv || undefined,
          doi: f('doi') ? latexToText(f('doi') ?? '') : undefined,
        },
      }),
    );
  });
  if (drafts.length === 0) {
    throw new ConfscopeError(
      'EMPTY_INPUT',
      `${path}: only @string/@comment/@preamble entries; no paper entries to import`,
    );
  }
  return { records: assignIds(drafts, path, warnings, 'bibtex'), warnings };
}

function lineStarts(text: string): number[] {
  const out = [0];
  const re = /\r\n|\r|\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m.index + m[0].length);
  return out;
}

const ENTRY_START = /@[ \t]*([A-Za-z][\w-]*)[ \t\r\n]*([{(])/y;
const NEXT_ENTRY = /(?:\r\n|\r|\n)[ \t]*@[ \t]*[A-Za-z][\w-]*[ \t]*[{(]/g;
const NAME = /[^\s=,{}()"#%]+/y;

class Reader {
  pos = 0;
  seen = 0;
  readonly warnings: string[] = [];
  readonly macros = new Map<string, string>(MONTHS.map((m, i) => [m, String(i + 1)]));
  constructor(
    readonly text: string,
    readonly path: string,
    readonly lineOf: (pos: number) => number,
  ) {}

  all(): Entry[] {
    const out: Entry[] = [];
    const t = this.text;
    for (;;) {
      const at = t.indexOf('@', this.pos);
      if (at < 0) break;
      ENTRY_START.lastIndex = at;
      const m = ENTRY_START.exec(t);
      if (!m) {
        this.pos = at + 1;
        continue;
      }
      this.seen++;
      const type = (m[1] ?? '').toLowerCase();
      const close = m[2] === '(' ? ')' : '}';
      this.pos = ENTRY_START.lastIndex;
      if (type === 'comment' || type === 'preamble') {
        this.skipBalanced(at, close);
        continue;
      }
      const e: Entry = { type, key: '', fields: new Map(), start: at, end: at, warnings: [] };
      if (type !== 'string') {
        const comma = /[^,\s{}()"=]*/y;
        this.ws();
        const keyStart = this.pos;
        comma.lastIndex = this.pos;
        const km = comma.exec(t);
        e.key = km?.[0] ?? '';
        this.pos = comma.lastIndex;
        this.ws();
        if (t[this.pos] === ',') this.pos++;
        else if (t[this.pos] !== close) {
          // `@article{title = …}`: no key; read fields from here.
          if (t[this.pos] === '=') this.pos = keyStart;
          e.key = '';
          e.warnings.push(`${this.path}:${this.lineOf(at)}: @${type} entry has no citation key`);
        }
      }
      this.fields(e, close);
      e.end = this.pos;
      if (type === 'string') {
        for (const [k, v] of e.fields) this.macros.set(k, v);
        this.warnings.push(...e.warnings);
        continue;
      }
      out.push(e);
    }
    return out;
  }

  ws(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) this.pos++;
      else if (c === 37) {
        // `%` comment to end of line (BibTeX itself ignores it only outside entries, but
        // files written for biber use it inside too).
        const nl = t.indexOf('\n', this.pos);
        this.pos = nl < 0 ? t.length : nl + 1;
      } else return;
    }
  }

  /** Skip to the matching close of an entry opened at `at`; a file cut short ends it. */
  skipBalanced(at: number, close: string): void {
    const end = this.balancedEnd(this.pos, close === '}' ? '{' : '(', close);
    if (end < 0) {
      this.warnings.push(
        `${this.path}:${this.lineOf(at)}: @-block never closed; ignored to the end of the file`,
      );
      this.pos = this.text.length;
    } else this.pos = end + 1;
  }

  /** Index of the `close` matching an already-open delimiter before `limit`, or -1. */
  balancedEnd(from: number, open: string, close: string, limit = this.text.length): number {
    let depth = 1;
    const t = this.text;
    for (let i = from; i < limit; i++) {
      const c = t[i];
      if (c === '\\') i++;
      else if (c === open) depth++;
      else if (c === close && --depth === 0) return i;
    }
    return -1;
  }

  fields(e: Entry, close: string): void {
    const t = this.text;
    const where = () => `${this.path}:${this.lineOf(this.pos)}`;
    for (;;) {
      this.ws();
      if (this.pos >= t.length) {
        e.warnings.push(
          `${this.path}:${this.lineOf(e.start)}: @${e.type}{${e.key.slice(0, 60)}} is not closed (file truncated?); kept with the fields read`,
        );
        return;
      }
      const c = t[this.pos];
      if (c === close) {
        this.pos++;
        return;
      }
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '@' && this.atEntryStart()) {
        e.warnings.push(
          `${this.path}:${this.lineOf(e.start)}: @${e.type}{${e.key.slice(0, 60)}} is not closed before the next entry; kept with the fields read`,
        );
        return;
      }
      NAME.lastIndex = this.pos;
      const nm = NAME.exec(t);
      if (!nm) {
        e.warnings.push(
          `${where()}: unexpected ${JSON.stringify(c)} in @${e.type}{${e.key.slice(0, 60)}}; skipped to the next field`,
        );
        this.skipToNextField(close);
        continue;
      }
      const name = nm[0].toLowerCase();
      this.pos = NAME.lastIndex;
      this.ws();
      if (t[this.pos] !== '=') {
        e.warnings.push(
          `${where()}: field "${name.slice(0, 40)}" has no "=" in @${e.type}{${e.key.slice(0, 60)}}; skipped`,
        );
        this.skipToNextField(close);
        continue;
      }
      this.pos++;
      const value = this.value(e, name);
      if (e.fields.has(name)) {
        e.warnings.push(
          `${where()}: field "${name}" given twice in @${e.type}{${e.key.slice(0, 60)}}; the first is kept`,
        );
      } else e.fields.set(name, value);
    }
  }

  atEntryStart(): boolean {
    ENTRY_START.lastIndex = this.pos;
    return ENTRY_START.test(this.text);
  }

  skipToNextField(close: string): void {
    const t = this.text;
    let depth = 0;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '{') depth++;
      else if (c === '}' && depth > 0) depth--;
      else if (depth === 0 && (c === ',' || c === close)) return;
      this.pos++;
    }
  }

  /** `part # part # …`, each `{…}`, `"…"`, a number or a macro name. */
  value(e: Entry, field: string): string {
    const t = this.text;
    let out = '';
    for (;;) {
      this.ws();
      const c = t[this.pos];
      const start = this.pos;
      if (c === '{' || c === '"') {
        // A value is looked for up to the next line opening an entry: scanning to the end of
        // the file for every unclosed value would be quadratic in a file of broken entries.
        const next = this.nextEntryStart(this.pos);
        const stop = next < 0 ? t.length : next;
        const end =
          c === '{'
            ? this.balancedEnd(this.pos + 1, '{', '}', stop)
            : this.quoteEnd(this.pos + 1, stop);
        if (end < 0) {
          // Cut short: the value runs to the next entry start, or the end of the file.
          e.warnings.push(
            `${this.path}:${this.lineOf(start)}: field "${field}" of @${e.type}{${e.key.slice(0, 60)}} is not closed; kept up to ${next >= 0 ? `the next entry (line ${this.lineOf(stop + 1)})` : 'the end of the file'}`,
          );
          out += t.slice(this.pos + 1, stop);
          this.pos = stop;
          return out;
        }
        out += t.slice(this.pos + 1, end);
        this.pos = end + 1;
      } else {
        NAME.lastIndex = this.pos;
        const m = NAME.exec(t);
        if (!m) {
          e.warnings.push(
            `${this.path}:${this.lineOf(start)}: field "${field}" of @${e.type}{${e.key.slice(0, 60)}} has no value`,
          );
          return out;
        }
        this.pos = NAME.lastIndex;
        const word = m[0];
        if (/^\d+$/.test(word)) out += word;
        else {
          const macro = this.macros.get(word.toLowerCase());
          if (macro === undefined) {
            e.warnings.push(
              `${this.path}:${this.lineOf(start)}: unknown @string macro "${word.slice(0, 40)}" in field "${field}"; kept as text`,
            );
          }
          out += macro ?? word;
        }
      }
      this.ws();
      if (t[this.pos] !== '#') return out;
      this.pos++;
    }
  }

  /** Where the next line opening an entry starts (its line break), at or after `from`; -1: none. */
  private nextEntry = { from: -1, at: -1 };
  nextEntryStart(from: number): number {
    const c = this.nextEntry;
    // The first match at or after c.from is also the first at or after any later `from` up to it.
    if (c.from >= 0 && c.from <= from && (c.at < 0 || c.at >= from)) return c.at;
    NEXT_ENTRY.lastIndex = from;
    const m = NEXT_ENTRY.exec(this.text);
    this.nextEntry = { from, at: m ? m.index : -1 };
    return this.nextEntry.at;
  }

  /** End of a `"…"` value before `limit`: the first `"` outside braces. */
  quoteEnd(from: number, limit = this.text.length): number {
    const t = this.text;
    let depth = 0;
    for (let i = from; i < limit; i++) {
      const c = t[i];
      if (c === '\\') i++;
      else if (c === '{') depth++;
      else if (c === '}') depth = Math.max(0, depth - 1);
      else if (c === '"' && depth === 0) return i;
    }
    return -1;
  }
}

/** `Last, First and First Last and others` → names as `First Last`. */
export function splitBibAuthors(raw: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && /\s/.test(c ?? '')) {
      const m = /^\s+and\s+/i.exec(raw.slice(i, i + 12));
      if (m) {
        parts.push(raw.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(raw.slice(start));
  return parts
    .map((p) => {
      const bits = latexToText(p).split(/\s*,\s*/);
      if (bits.length === 2) return `${bits[1]} ${bits[0]}`;
      if (bits.length >= 3) return `${bits.slice(2).join(' ')} ${bits[0]} ${bits[1]}`;
      return bits[0] ?? '';
    })
    .map((n) =>
      n
        .replace(/[*†‡]+/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((n) => n && normalizeKey(n) !== 'others');
}

const ACCENTS: Record<string, string> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  u: '\u0306',
  v: '\u030c',
  H: '\u030b',
  c: '\u0327',
  k: '\u0328',
  r: '\u030a',
  d: '\u0323',
  b: '\u0331',
};
const LETTERS: Record<string, string> = {
  ss: 'ß',
  o: 'ø',
  O: 'Ø',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  aa: 'å',
  AA: 'Å',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
};

/**
 * LaTeX text → plain text: accents and letters to Unicode, `\&`-style escapes, `~`, `--`,
 * `\emph{x}` → x, grouping braces dropped; `$…$` math is kept verbatim. With `paragraphs`,
 * blank lines survive (abstracts).
 */
export function latexToText(s: string, paragraphs = false): string {
  const pieces = s.split(/(?<!\\)(\$\$?[^$]*\$\$?)/);
  const out = pieces
    .map((p, i) => {
      if (i % 2 === 1) return p;
      return p
        .replace(
          /\\(['`^"~=.])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))/g,
          (_m, acc: string, a?: string, b2?: string) => accent(acc, a ?? b2 ?? ''),
        )
        .replace(
          /\\([uvHckrdb])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))/g,
          (_m, acc: string, a?: string, b2?: string) => accent(acc, a ?? b2 ?? ''),
        )
        .replace(
          /\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])(?:\s*\{\})?\s?/g,
          (_m, l: string) => LETTERS[l] ?? l,
        )
        .replace(
          /\\(?:emph|textbf|textit|textsc|texttt|textrm|textsf|mbox|text|url|href)\s*(?=\{)/g,
          '',
        )
        .replace(/\\(?:em|it|bf|sc|tt|rm|sf|sl|itshape|bfseries)(?![A-Za-z])\s*/g, '')
        .replace(/\\([&%$#_{}])/g, '$1')
        .replace(/``/g, '\u201c')
        .replace(/''/g, '\u201d')
        .replace(/---/g, '\u2014')
        .replace(/--/g, '\u2013')
        .replace(/(?<!\\)~/g, ' ')
        .replace(/(?<!\\)[{}]/g, '');
    })
    .join('');
  return paragraphs ? out : out.replace(/\s+/g, ' ').trim();
}

function accent(acc: string, letter: string): string {
  const base = letter === '\\i' ? 'i' : letter === '\\j' ? 'j' : letter;
  return (base + (ACCENTS[acc] ?? '')).normalize('NFC');
}
