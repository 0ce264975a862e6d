import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfscopeError } from '../core/errors.js';
import { parseListing } from './listing.js';
import { guessMapping, parseMapped, parseMapSpec } from './mapped.js';

const fixture = (n: string) =>
  readFileSync(new URL(`../../test/fixtures/${n}`, import.meta.url), 'utf8');
const listing = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'l.md',
).records;
const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfscopeError);
    return (e as Error).message;
  }
  throw new Error('nothing thrown');
};
const content = (
  rs: { id: string; title: string | null; authors: string[]; track: unknown; abstract: string }[],
) =>
  rs.map((r) => ({
    id: r.id,
    title: r.title,
    authors: r.authors,
    track: r.track,
    abstract: r.abstract,
  }));

describe('generic CSV/JSON with a column mapping', () => {
  it('parses a --map spec; column names may hold commas; unknown fields are refused', () => {
    expect(parseMapSpec('title=Title,authors=Author Names,abstract=Summary, Long')).toEqual({
      title: 'Title',
      authors: 'Author Names',
      abstract: 'Summary, Long',
    });
    expect(errorOf(() => parseMapSpec('name=Title'))).toMatch(
      /^--map: unknown field "name" \(fields: id, title/,
    );
    expect(errorOf(() => parseMapSpec('title'))).toMatch(/is not FIELD=COLUMN/);
  });

  it('CSV with other column names: the same records as the listing', () => {
    const out = parseMapped(
      fixture('generic-papers.csv'),
      'g.csv',
      parseMapSpec(
        'title=Title,authors=Author Names,abstract=Summary,track=Presentation,id=Paper ID',
      ),
      'csv',
    );
    expect(out.warnings).toEqual([]);
    expect(content(out.records)).toEqual(content(listing.slice(0, 10)));
    expect(out.records[0]?.source).toEqual({ path: 'g.csv', startLine: 2, endLine: 2 });
  });

  it('CSV without a mapping: columns guessed by name, said in a warning', () => {
    const out = parseMapped(fixture('generic-papers.csv'), 'g.csv', undefined, 'csv');
    expect(out.warnings).toEqual([
      'g.csv:1: no --map given; columns used: id=Paper ID, title=Title, authors=Author Names, abstract=Summary, track=Presentation',
    ]);
    expect(content(out.records)).toEqual(content(listing.slice(0, 10)));
    expect(guessMapping(['Name', 'Summary'])).toEqual({ title: 'Name', abstract: 'Summary' });
  });

  it('JSON with nested keys via dotted paths, authors split on commas', () => {
    const out = parseMapped(
      fixture('generic-papers.json'),
      'g.json',
      parseMapSpec('title=paper.name,authors=people,abstract=summary,track=kind,id=key'),
      'json',
    );
    expect(content(out.records)).toEqual(content(listing.slice(0, 10)));
    const lines = fixture('generic-papers.json').split('\n');
    expect(lines[(out.records[0]?.source.startLine ?? 0) - 1]?.trim()).toBe('{');
  });

  it('authors: ";" wins, else "," and " and "; unknown tracks warned', () => {
    const out = parseMapped(
      'T,A,K\nOne,"Doe, J.; Roe, R.",poster\nTwo,"A B, C D and E F",workshop\n',
      'a.csv',
      { title: 'T', authors: 'A', track: 'K' },
      'csv',
    );
    expect(out.records.map((r) => r.authors)).toEqual([
      ['Doe, J.', 'Roe, R.'],
      ['A B', 'C D', 'E F'],
    ]);
    expect(out.records[1]?.warnings).toEqual([
      'a.csv:3: record 2, field "K": unknown track "workshop" (expected Poster, Spotlight, Talk/Oral); kept with track null',
    ]);
  });

  it('refuses a mapping to a missing column and a file with no title column, naming the header', () => {
    expect(errorOf(() => parseMapped('a,b\n1,2\n', 'x.csv', { title: 'Title' }, 'csv'))).toBe(
      'x.csv:1: --map title=Title: no such column (columns: a, b)',
    );
    expect(errorOf(() => parseMapped('a,b\n1,2\n', 'x.csv', undefined, 'csv'))).toMatch(
      /^x\.csv:1: cannot tell which column holds the title \(columns: a, b\); give --map/,
    );
    expect(errorOf(() => parseMapped('{"a": 1', 'x.json', undefined, 'json'))).toMatch(
      /^x\.json:1:8: invalid JSON/,
    );
    expect(errorOf(() => parseMapped('[1, 2]', 'x.json', undefined, 'json'))).toMatch(
      /items are numbers/,
    );
  });
});
