// Reading-list exports (BibTeX, CSV, Markdown, RIS) and the import that reads any of them back
// (or a plain list of ids). Every export carries each paper's id, so all four round-trip.

import type { ListItem } from './readingList';

export const PAPER_ID = /^[0-9a-f]{12}(-\d+)?$/;
const BOOKTITLE = 'International Conference on Learning Representations (ICLR)';

function yearOf(item: ListItem): string {
  return /(19|20)\d\d/.exec(item.corpus ?? '')?.[0] ?? '2020';
}

/** BibTeX/LaTeX special characters of a field value; `$` is kept (titles carry real math). */
export function bibEscape(s: string): string {
  return s.replace(/[{}\\&%#_]/g, (c) => (c === '\\' ? '\\textbackslash{}' : `\\${c}`));
}

function ascii(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

const KEY_SKIP = new Set([
  'a',
  'an',
  'the',
  'on',
  'of',
  'in',
  'for',
  'to',
  'and',
  'with',
  'via',
  'is',
]);

export function citationKey(item: ListItem): string {
  const first = item.authors[0] ?? '';
  const last = ascii(first.trim().split(/\s+/).pop() ?? '') || 'anon';
  const word =
    (item.title ?? '')
      .split(/\s+/)
      .map(ascii)
      .find((w) => w.length > 0 && !KEY_SKIP.has(w)) ?? 'paper';
  return `${last}${yearOf(item)}${word}`;
}

export function bibtexEntry(item: ListItem, key = citationKey(item)): string {
  const fields: [string, string][] = [
    ['title', bibEscape(item.title ?? '(untitled)')],
    ['author', item.authors.map(bibEscape).join(' and ')],
    ['booktitle', BOOKTITLE],
    ['year', yearOf(item)],
    ['confscope', item.id],
  ];
  return `@inproceedings{${key},\n${fields.map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}\n`;
}

export function toBibTeX(items: readonly ListItem[]): string {
  const used = new Map<string, number>();
  return items
    .map((it) => {
      const base = citationKey(it);
      const n = used.get(base) ?? 0;
      used.set(base, n + 1);
      return bibtexEntry(
        it,
        n === 0 ? base : `${base}${String.fromCharCode(97 + ((n - 1) % 26))}${n > 26 ? n : ''}`,
      );
    })
    .join('\n');
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCSV(items: readonly ListItem[]): string {
  const rows = [['id', 'title', 'authors', 'track', 'corpus']];
  for (const it of items)
    rows.push([it.id, it.title ?? '', it.authors.join('; '), it.track ?? '', it.corpus ?? '']);
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function mdEscape(s: string): string {
  return s.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);
}

export function toMarkdown(items: readonly ListItem[], origin: string): string {
  const lines = ['# Reading list', ''];
  for (const it of items) {
    const authors = it.authors.length ? ` — ${mdEscape(it.authors.join(', '))}` : '';
    const track = it.track ? ` (${it.track})` : '';
    lines.push(
      `- [${mdEscape(it.title ?? '(untitled)')}](${origin}/paper/${it.id})${authors}${track} \`${it.id}\``,
    );
  }
  return lines.join('\n') + '\n';
}

export function toRIS(items: readonly ListItem[], origin: string): string {
  const one = (s: string) => s.replace(/\s+/g, ' ').trim();
  return items
    .map((it) => {
      const lines = ['TY  - CONF', `ID  - ${it.id}`, `TI  - ${one(it.title ?? '(untitled)')}`];
      for (const a of it.authors) lines.push(`AU  - ${one(a)}`);
      lines.push(`T2  - ${BOOKTITLE}`, `PY  - ${yearOf(it)}`, `UR  - ${origin}/paper/${it.id}`);
      if (it.track) lines.push(`N1  - ${it.track}`);
      lines.push('ER  - ');
      return lines.join('\r\n') + '\r\n';
    })
    .join('');
}

/** RFC 4180 CSV rows (quoted cells may hold commas, quotes and newlines). */
export function parseCSV(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export type ImportFormat = 'bibtex' | 'ris' | 'csv' | 'markdown' | 'ids';

/** The paper ids in an exported file (any of the four formats) or a list of ids. */
export function parseImport(text: string): { format: ImportFormat; ids: string[] } {
  const clean = text.replace(/^\uFEFF/, '');
  let format: ImportFormat;
  let found: string[];
  if (/@\w+\s*\{/.test(clean)) {
    format = 'bibtex';
    found = [...clean.matchAll(/\bconfscope\s*=\s*[{"]\s*([^}"\s]+)\s*[}"]/gi)].map(
      (m) => m[1] ?? '',
    );
  } else if (/^TY {2}- /m.test(clean)) {
    format = 'ris';
    found = [...clean.matchAll(/^ID {2}- *(\S+)/gm)].map((m) => m[1] ?? '');
  } else if (/^\s*"?id"?\s*,/i.test(clean)) {
    format = 'csv';
    const rows = parseCSV(clean.trimStart());
    const col = (rows[0] ?? []).findIndex((h) => h.trim().toLowerCase() === 'id');
    found = rows.slice(1).map((r) => (r[col] ?? '').trim());
  } else if (/\/paper\/[0-9a-f]{12}/.test(clean)) {
    format = 'markdown';
    found = [...clean.matchAll(/\/paper\/([0-9a-f]{12}(?:-\d+)?)/g)].map((m) => m[1] ?? '');
  } else {
    format = 'ids';
    found = clean.split(/[\s,;]+/).map((s) => s.replace(/^.*\/paper\//, '').trim());
  }
  const ids = [...new Set(found.map((s) => s.toLowerCase()).filter((s) => PAPER_ID.test(s)))];
  return { format, ids };
}

export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
