// Citing one paper: its BibTeX entry (the paper page's "Copy BibTeX", the BibTeX export) and
// the links every export carries when the item knows them: the OpenReview forum URL, the PDF
// URL (http(s) only), the DOI and the arXiv id.

import { arxivId, arxivUrl, doiOf, doiUrl, openreviewUrl, pdfUrl } from './links';
import type { ListItem } from './readingList';

export const BOOKTITLE = 'International Conference on Learning Representations (ICLR)';

export function yearOf(item: ListItem): string {
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

/** The characters `re` matches, percent-encoded (for URLs inside BibTeX and Markdown). */
export function pctEncode(url: string, re: RegExp): string {
  return url.replace(re, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A URL as a BibTeX value: braces, backslashes and white space percent-encoded. */
const bibUrl = (url: string) => pctEncode(url, /[{}\\\s]/g);

interface Linked {
  id: string;
  url: string;
}

/** The links of an item that exist: OpenReview forum, PDF (http(s) only), DOI, arXiv. */
export function itemLinks(item: ListItem): {
  forum: string | null;
  pdf: string | null;
  doi: Linked | null;
  arxiv: Linked | null;
} {
  const doi = doiOf(item.doi);
  const arxiv = arxivId(item.arxiv);
  return {
    forum: openreviewUrl(item.openreview),
    pdf: pdfUrl(item.pdf),
    doi: doi ? { id: doi, url: doiUrl(doi) ?? '' } : null,
    arxiv: arxiv ? { id: arxiv, url: arxivUrl(arxiv) ?? '' } : null,
  };
}

export function bibtexEntry(item: ListItem, key = citationKey(item)): string {
  const links = itemLinks(item);
  const fields: [string, string][] = [
    ['title', bibEscape(item.title ?? '(untitled)')],
    ['author', item.authors.map(bibEscape).join(' and ')],
    ['booktitle', BOOKTITLE],
    ['year', yearOf(item)],
  ];
  if (links.forum) fields.push(['url', bibUrl(links.forum)]);
  if (links.pdf) fields.push(['pdf', bibUrl(links.pdf)]);
  if (links.doi) fields.push(['doi', bibEscape(links.doi.id)]);
  if (links.arxiv) fields.push(['eprint', bibEscape(links.arxiv.id)], ['archiveprefix', 'arXiv']);
  if (item.keywords?.length) fields.push(['keywords', item.keywords.map(bibEscape).join(', ')]);
  fields.push(['confscope', item.id]);
  return `@inproceedings{${key},\n${fields.map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}\n`;
}
