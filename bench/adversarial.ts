// Hostile inputs for the importers and the query language, shared by the ReDoS test
// (test/redos.test.ts) and the fuzzer (bench/fuzz.ts): long runs of the characters and
// near-matches each parser's patterns look for, placed where each format reads them, and a
// normal input of the same shape and size to compare against.

import { readFileSync } from 'node:fs';
import { DEFAULT_CORPUS } from '../src/app/index.js';
import { parseText, type InputFormat } from '../src/ingest/index.js';
import type { ParseResult } from '../src/core/types.js';

/** What an adversarial line is made of: one unit repeated, between a prefix and a suffix. */
export interface Run {
  name: string;
  unit: string;
  prefix?: string;
  suffix?: string;
}

/**
 * Near-matches of every pattern the importers use: markdown and LaTeX escapes, markup tags,
 * the listing's abstract marker, URLs, white space around separators, BibTeX braces and
 * entry starts, CSV/JSON quotes, acronyms, long words.
 */
export const RUNS: readonly Run[] = [
  { name: 'stars', unit: '*' },
  { name: 'double stars', unit: '**', prefix: 'Title ' },
  { name: 'backslashes', unit: '\\' },
  { name: 'escaped dollars', unit: '\\$' },
  { name: 'dollars', unit: '$' },
  { name: 'dollar pairs', unit: '$$ ' },
  { name: 'sup tags', unit: '<sup>' },
  { name: 'sup open', unit: '<sup>1', prefix: 'Ada Lovelace' },
  { name: 'html-like tags', unit: '<u ', prefix: '<' },
  { name: 'underline', unit: '<u>' },
  { name: 'abstract markers', unit: 'abstract@' },
  { name: 'marker starts', unit: 'abstract@open-review(' },
  { name: 'marker spaces', unit: ' ', prefix: 'abstract@ <u> open-review ( Poster', suffix: 'x' },
  { name: 'spaces', unit: ' ', prefix: 'A', suffix: 'B' },
  { name: 'tabs and spaces', unit: ' \t', prefix: 'A', suffix: 'B' },
  { name: 'space-newline', unit: ' \n', prefix: 'A', suffix: 'B' },
  { name: 'blank lines', unit: '\n \n', prefix: 'A', suffix: 'B' },
  { name: 'urls', unit: 'http://' },
  { name: 'url then closing parens', unit: ')', prefix: 'see http://a.bc/' },
  { name: 'url then brackets', unit: ']', prefix: 'see https://a.bc/x' },
  { name: 'url then dots', unit: '.', prefix: 'see http://a.bc/x' },
  { name: 'url host without dot', unit: 'a', prefix: 'http://' },
  { name: 'hashes', unit: '#' },
  { name: 'heading closers', unit: ' #', prefix: '# T' },
  { name: 'open braces', unit: '{' },
  { name: 'close braces', unit: '}' },
  { name: 'unclosed fields', unit: '@a{k,f={x\n' },
  { name: 'unclosed quoted fields', unit: '@a{k,f="x\n' },
  { name: 'entry starts', unit: '@a{' },
  { name: 'at signs', unit: '@' },
  { name: 'percent', unit: '%' },
  { name: 'latex accents', unit: "\\' " },
  { name: 'latex breve', unit: ' ', prefix: '\\u', suffix: '{' },
  { name: 'quotes', unit: '"' },
  { name: 'doubled quotes', unit: '""' },
  { name: 'escaped quotes', unit: '\\"' },
  { name: 'commas', unit: ',' },
  { name: 'separators with spaces', unit: ' ; | , ' },
  { name: 'and runs', unit: ' and' },
  { name: 'spaces before and', unit: ' ', prefix: 'A', suffix: 'andy' },
  { name: 'acronyms', unit: 'A' },
  { name: 'acronym then lower', unit: 'AB1', suffix: 'b' },
  { name: 'lower word', unit: 'a', prefix: 'Name ', suffix: 'x' },
  { name: 'hyphens', unit: 'a-' },
  { name: 'page prints', unit: '11/1/22, 6:40 PM ' },
  { name: 'colons', unit: 'title:' },
  { name: 'diacritics', unit: 'é' },
  { name: 'emoji', unit: '😀' },
  { name: 'brackets', unit: '[' },
  { name: 'json object starts', unit: '{"a":' },
  { name: 'digits', unit: '9' },
];

/** A line of about `chars` UTF-16 code units made of `run`. */
export function runLine(run: Run, chars: number): string {
  const pre = run.prefix ?? '';
  const suf = run.suffix ?? '';
  const n = Math.max(1, Math.floor((chars - pre.length - suf.length) / run.unit.length));
  return pre + run.unit.repeat(n) + suf;
}

let prose: string | undefined;
/** Ordinary abstract text (the ICLR listing's abstracts), `chars` long. */
export function normalLine(chars: number): string {
  prose ??= readFileSync(DEFAULT_CORPUS.path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 200 && !l.startsWith('#'))
    .join(' ')
    .replace(/abstract@open-review\([A-Za-z]+\):/g, '');
  let out = prose;
  while (out.length < chars) out += ' ' + prose;
  return out.slice(0, chars);
}

/** Where an importer reads a line: builds a whole file of its format around it. */
export interface Context {
  name: string;
  format?: InputFormat;
  map?: string;
  doc(line: string): string;
}

const J = JSON.stringify;
const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;

export const CONTEXTS: readonly Context[] = [
  {
    name: 'listing title',
    doc: (l) => `# ${l}\nAda Lovelace\nabstract@open-review(Poster): An abstract.\n`,
  },
  {
    name: 'listing authors',
    doc: (l) => `# A Title\n${l}\nabstract@open-review(Poster): An abstract.\n`,
  },
  {
    name: 'listing marker',
    doc: (l) => `# A Title\nAda Lovelace\nabstract@open-review(${l}): An abstract.\n`,
  },
  {
    name: 'listing abstract',
    doc: (l) => `# A Title\nAda Lovelace\nabstract@open-review(Talk): ${l}\n`,
  },
  {
    name: 'listing lost title',
    doc: (l) =>
      `# T\nA B\nabstract@open-review(Poster): x\n${l}\nabstract@open-review(Poster): y\n`,
  },
  { name: 'listing (forced), whole file', format: 'listing', doc: (l) => l },
  { name: 'detected, whole file', doc: (l) => l },
  {
    name: 'miniconf-json fields',
    format: 'miniconf-json',
    doc: (l) =>
      J({
        rkgt0REKwS: {
          content: { title: l, authors: l, abstract: l, keywords: l, 'TL;DR': l, code: l },
        },
      }),
  },
  {
    name: 'miniconf-csv fields',
    format: 'miniconf-csv',
    doc: (l) =>
      `UID,title,authors,abstract,keywords\nrkgt0REKwS,${[l, l, l, l].map(csvCell).join(',')}\n`,
  },
  {
    name: 'miniconf-csv (forced), whole file',
    format: 'miniconf-csv',
    doc: (l) => `UID,title\n${l}\n`,
  },
  {
    name: 'paperlists fields',
    format: 'paperlists',
    doc: (l) =>
      J([{ id: 'x', title: l, status: l, author: l, keywords: l, abstract: l, github: l }]),
  },
  {
    name: 'openreview fields',
    format: 'openreview',
    doc: (l) =>
      J({
        notes: [
          {
            id: 'x',
            content: {
              title: { value: l },
              authors: { value: l },
              abstract: { value: l },
              keywords: { value: l },
              venue: { value: l },
              code: { value: l },
            },
          },
        ],
      }),
  },
  {
    name: 'arxiv-jsonl fields',
    format: 'arxiv-jsonl',
    doc: (l) => J({ id: '2001.00001', title: l, authors: l, abstract: l, categories: l }) + '\n',
  },
  { name: 'arxiv-jsonl (forced), whole file', format: 'arxiv-jsonl', doc: (l) => l },
  {
    name: 'bibtex fields',
    format: 'bibtex',
    doc: (l) =>
      `@inproceedings{k,\n  title = {${l}},\n  author = {${l}},\n  abstract = {${l}},\n  keywords = {${l}},\n  url = {${l}}\n}\n`,
  },
  {
    name: 'bibtex quoted fields',
    format: 'bibtex',
    doc: (l) => `@article{k, title = "${l}", author = "${l}", note = "${l}"}\n`,
  },
  {
    name: 'bibtex (forced), whole file',
    format: 'bibtex',
    doc: (l) => `@misc{k, title={T}}\n${l}`,
  },
  {
    name: 'csv fields',
    format: 'csv',
    doc: (l) => `title,authors,abstract,keywords,url\n${[l, l, l, l, l].map(csvCell).join(',')}\n`,
  },
  {
    name: 'csv (forced), whole file',
    format: 'csv',
    map: 'title=title',
    doc: (l) => `title\n${l}\n`,
  },
  {
    name: 'json fields',
    format: 'json',
    doc: (l) => J([{ title: l, authors: l, abstract: l, keywords: l, url: l, tldr: l }]),
  },
  { name: 'json (forced), whole file', format: 'json', map: 'title=title', doc: (l) => l },
];

/** Parse a document the way a context says (format detected or forced, mapping given). */
export function parseIn(ctx: Context, text: string, path = 'adversarial'): ParseResult {
  return parseText(text, path, ctx.format, ctx.map !== undefined ? { map: ctx.map } : {});
}

/** Queries a person (or an attacker) may type: operators, quotes, controls, emoji, sizes. */
export const QUERY_RUNS: readonly Run[] = [
  { name: 'quotes', unit: '"' },
  { name: 'open quote words', unit: '"a ' },
  { name: 'curly quotes', unit: '“x”' },
  { name: 'negations', unit: '-' },
  { name: 'negated words', unit: '-a ' },
  { name: 'stars', unit: '*' },
  { name: 'prefixes', unit: 'a* ' },
  { name: 'fields', unit: 'author:' },
  { name: 'field values', unit: 'author:"a ' },
  { name: 'track filters', unit: 'track:talk ' },
  { name: 'unknown fields', unit: 'zz:y ' },
  { name: 'FTS operators', unit: 'AND OR NOT NEAR( ) ^ : ' },
  { name: 'controls', unit: '\u0000\u0007\u001b\u007f\u0085' },
  { name: 'emoji', unit: '🤖😀 ' },
  { name: 'lone surrogates', unit: '\ud800' },
  { name: 'latex', unit: '$\\ell_p$ ' },
  { name: 'hyphen compounds', unit: 'a-b-c-d-e-' },
  { name: 'misspelt words', unit: 'nueral netwrks grph ' },
  { name: 'long word', unit: 'x' },
  { name: 'spaces', unit: ' ', prefix: 'a', suffix: 'b' },
  { name: 'SQL', unit: "'; DROP TABLE papers; -- " },
];
