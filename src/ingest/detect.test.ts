import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseText } from './index.js';

const fixture = (n: string) =>
  readFileSync(new URL(`../../test/fixtures/${n}`, import.meta.url), 'utf8');

describe('detectFormat', () => {
  it('tells every sample format from its content', () => {
    const cases: [string, string][] = [
      ['iclr2020-virtual-site-papers-30.json', 'miniconf-json'],
      ['miniconf-papers-30.csv', 'miniconf-csv'],
      ['paperlists-iclr2020-submissions-31.json', 'paperlists'],
      ['openreview-v2-notes.json', 'openreview'],
      ['arxiv-sample.jsonl', 'arxiv-jsonl'],
      ['iclr2020-sample.bib', 'bibtex'],
      // Other CSV/JSON is read only when asked for (--format csv|json or --map).
      ['generic-papers.csv', 'listing'],
      ['generic-papers.json', 'listing'],
    ];
    for (const [file, format] of cases)
      expect([file, detectFormat(fixture(file))]).toEqual([file, format]);
    const listing = readFileSync(
      new URL('../../data/iclr2020/listing.md', import.meta.url),
      'utf8',
    );
    expect(detectFormat(listing)).toBe('listing');
  });

  it('sends JSON cut short to the parser of its shape, so the error says where it ends', () => {
    expect(detectFormat(fixture('iclr2020-virtual-site-papers-30.json').slice(0, 3000))).toBe(
      'miniconf-json',
    );
    expect(detectFormat(fixture('openreview-v2-notes.json').slice(0, 3000))).toBe('openreview');
    expect(detectFormat(fixture('paperlists-iclr2020-submissions-31.json').slice(0, 3000))).toBe(
      'paperlists',
    );
    expect(detectFormat('\uFEFF{"id": "1", "title": "x", "abstract": "y"}')).toBe('arxiv-jsonl');
    expect(detectFormat('[{"id": "x", "content": {"title": {"value": "T"}}}]')).toBe('openreview');
  });

  it('falls back to the listing, whose error explains', () => {
    expect(detectFormat('hello world\n')).toBe('listing');
    expect(() => parseText('hello world\n', 'h.txt')).toThrow(
      /^h\.txt:1: no abstract marker found/,
    );
    expect(() => parseText('a,b\n1,2\n', 'h.csv')).toThrow(/^h\.csv:1: no abstract marker found/);
  });

  it('--map picks the generic csv/json parser and refuses other formats', () => {
    const out = parseText('Name;Who\nA paper;X Y\n', 'm.csv', undefined, {
      map: 'title=Name,authors=Who',
    });
    expect(out.records[0]).toMatchObject({ title: 'A paper', authors: ['X Y'] });
    expect(() => parseText('x', 'm.bib', 'bibtex', { map: 'title=T' })).toThrow(
      /--map works with the csv and json/,
    );
  });
});
