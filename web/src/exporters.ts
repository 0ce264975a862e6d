// Reading-list exports (BibTeX, CSV, Markdown, RIS) and the import that reads any of them back
// (or a plain list of ids). Every export carries each paper's id, so all four round-trip.
// Items that know them also carry the OpenReview forum URL, the PDF URL (http(s) only), the
// keywords, the DOI and the arXiv id.

import { BOOKTITLE, bibtexEntry, citationKey, itemLinks, pctEncode, yearOf } from './cite';
import type { ListItem } from './readingList';

export const PAPER_ID = /^[0-9a-f]{12}(-\d+)?$/;

/** A URL as a Markdown link target: parentheses and white space percent-encoded. */
const mdUrl = (url: string) => pctEncode(url, /[()\s]/g);

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

function csvCell(value: string): string {
  // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
  // apostrophe, so an exported title or keyword cannot become a formula (CSV injection).
  const s = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Columns: id, title, authors (`; `-separated), track, corpus, the OpenReview forum URL, the
 * PDF URL, keywords (`; `-separated), the DOI, the arXiv id; empty cells where unknown.
 */
export function toCSV(items: readonly ListItem[]): string {
  const rows = [
    ['id', 'title', 'authors', 'track', 'corpus', 'openreview', 'pdf', 'keywords', 'doi', 'arxiv'],
  ];
  for (const it of items) {
    const links = itemLinks(it);
    rows.push([
      it.id,
      it.title ?? '',
      it.authors.join('; '),
      it.track ?? '',
      it.corpus ?? '',
      links.forum ?? '',
      links.pdf ?? '',
      (it.keywords ?? []).join('; '),
      links.doi?.id ?? '',
      links.arxiv?.id ?? '',
    ]);
  }
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
    const links = itemLinks(it);
    const more = [
      links.forum && `[OpenReview](${mdUrl(links.forum)})`,
      links.pdf && `[PDF](${mdUrl(links.pdf)})`,
      links.arxiv && `[arXiv](${mdUrl(links.arxiv.url)})`,
      links.doi && `[DOI](${mdUrl(links.doi.url)})`,
    ].filter(Boolean);
    lines.push(
      `- [${mdEscape(it.title ?? '(untitled)')}](${origin}/paper/${it.id})${authors}${track} \`${it.id}\`` +
        (more.length ? ` · ${more.join(' · ')}` : ''),
    );
    if (it.keywords?.length) lines.push(`  - Keywords: ${mdEscape(it.keywords.join(', '))}`);
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
      const links = itemLinks(it);
      if (links.forum) lines.push(`UR  - ${links.forum}`);
      if (links.arxiv) lines.push(`UR  - ${links.arxiv.url}`);
      if (links.pdf) lines.push(`L1  - ${links.pdf}`);
      if (links.doi) lines.push(`DO  - ${one(links.doi.id)}`);
      for (const k of it.keywords ?? []) lines.push(`KW  - ${one(k)}`);
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
    // The id ends the path (so a linked PDF's /paper/… path is not taken for one).
    found = [...clean.matchAll(/\/paper\/([0-9a-f]{12}(?:-\d+)?)(?![\w.-])/g)].map(
      (m) => m[1] ?? '',
    );
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
