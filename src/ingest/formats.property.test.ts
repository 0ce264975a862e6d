import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfscopeError } from '../core/errors.js';
import type { ParseResult } from '../core/types.js';
import { parseArxivJsonl } from './arxiv.js';
import { parseBibtex } from './bibtex.js';
import { parseText } from './index.js';
import { parseMapped } from './mapped.js';
import { parseMiniconfCsv, parseMiniconfJson } from './miniconf.js';
import { parseOpenReview } from './openreview.js';
import { parsePaperlists } from './paperlists.js';

const parsers: [string, (t: string) => ParseResult][] = [
  ['miniconf-json', (t) => parseMiniconfJson(t, 'p')],
  ['miniconf-csv', (t) => parseMiniconfCsv(t, 'p')],
  ['paperlists', (t) => parsePaperlists(t, 'p')],
  ['openreview', (t) => parseOpenReview(t, 'p')],
  ['arxiv-jsonl', (t) => parseArxivJsonl(t, 'p')],
  ['bibtex', (t) => parseBibtex(t, 'p')],
  ['csv', (t) => parseMapped(t, 'p', undefined, 'csv')],
  ['json', (t) => parseMapped(t, 'p', { title: 't', authors: 'a.b' }, 'json')],
  ['detected', (t) => parseText(t, 'p')],
];

function check(parse: (t: string) => ParseResult, t: string): void {
  try {
    const out = parse(t);
    for (const r of out.records) {
      expect(r.id).toMatch(/^[0-9a-f]{12}(-\d+)?$/);
      for (const w of r.warnings) expect(w.startsWith('p:') || w.startsWith('p ')).toBe(true);
    }
  } catch (e) {
    if (!isConfscopeError(e)) throw e;
  }
}

// Fragments of every format, so generated texts reach deep into each parser.
const fragment = fc.oneof(
  fc.constantFrom(
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"',
    '\\',
    '\n',
    '\r\n',
    ' ',
    '@',
    '#',
    '=',
    '%',
    '$',
    '|',
    ';',
    '"title"',
    '"content"',
    '"notes"',
    '"value"',
    '"status"',
    '"authors"',
    '"author"',
    '"abstract"',
    '"id"',
    '"Poster"',
    'null',
    'true',
    '1e5',
    '-',
    '@article{',
    '@string{',
    '@comment{',
    'title = {',
    'author = "',
    'UID,title,authors\n',
    '{\\"o}',
    "\\'",
    'and',
    '__proto__',
  ),
  fc.string({ maxLength: 8 }),
);
const textArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fragment, { maxLength: 60 }).map((a) => a.join('')),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .array(
      fc.record({
        title: fc.string(),
        authors: fc.oneof(fc.string(), fc.array(fc.string())),
        status: fc.string(),
      }),
      { maxLength: 4 },
    )
    .map((a) => JSON.stringify(a)),
);

describe('every importer on arbitrary text', () => {
  for (const [name, parse] of parsers) {
    it(`${name}: returns records or refuses with a ConfscopeError, nothing else`, () => {
      fc.assert(
        fc.property(textArb, (t) => check(parse, t)),
        { numRuns: 400 },
      );
    });
  }
});
