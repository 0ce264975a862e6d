import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { errorOf, fixture, listingById } from '../../test/helpers.js';
import { parseArxivJsonl, parseArxivJsonlLines } from './arxiv.js';
import { paperId } from './listing.js';

const text = fixture('arxiv-sample.jsonl');
const listing = listingById;

describe('arXiv metadata JSON Lines', () => {
  const { records, warnings } = parseArxivJsonl(text, 'a.jsonl');

  it('reads one record a line, each citing its line', () => {
    expect(records).toHaveLength(6);
    expect(warnings).toEqual([]);
    expect(records.flatMap((r) => r.warnings)).toEqual([]);
    expect(records.map((r) => r.source.startLine)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('unwraps titles and abstracts, splits "A, B and C", decodes TeX in names', () => {
    const albert = records[0];
    expect(albert?.title).toBe(
      'ALBERT: A Lite BERT for Self-supervised Learning of Language Representations',
    );
    expect(albert?.authors).toHaveLength(6);
    expect(albert?.authors.at(-1)).toBe('Radu Soricut');
    expect(albert?.abstract).not.toMatch(/\n|\s\s|^\s/);
    expect(albert?.keywords).toEqual(['cs.CL', 'cs.AI']);
    expect(albert?.externalIds).toEqual({ arxiv: '1909.11942' });
    expect(albert?.pdf).toBe('https://arxiv.org/pdf/1909.11942');
    expect(records[3]?.authors).toEqual(['Nikita Kitaev', 'Łukasz Kaiser', 'Anselm Levskaya']);
  });

  it('gives the listing id for the same paper', () => {
    const found = records.filter((r) => listing.has(r.id));
    // The sixth is one of the three papers whose title the listing lost (Welleck et al.).
    expect(found.length).toBe(5);
    expect(records.find((r) => !listing.has(r.id))?.authors[0]).toBe('Sean Welleck');
    for (const r of found) expect(listing.get(r.id)?.title).toBe(r.title);
  });

  it('streams: the same records from a readline interface', async () => {
    const rl = createInterface({ input: Readable.from([text]), crlfDelay: Infinity });
    const streamed = await parseArxivJsonlLines(rl, 'a.jsonl');
    expect(streamed.records).toEqual(records);
  });

  it('skips a broken line with a warning naming it; keeps untitled records', () => {
    const lines = text.split('\n');
    const broken = [
      lines[0],
      '{"id": "2001.00001", "title": "cut',
      '[1,2]',
      '',
      '{"id": "2001.00002", "abstract": "no title"}',
    ].join('\r\n');
    const out = parseArxivJsonl(broken, 'b.jsonl');
    expect(out.records).toHaveLength(2);
    expect(out.warnings[0]).toMatch(/^b\.jsonl:2: not valid JSON \(.*\); line skipped$/);
    expect(out.warnings[1]).toBe('b.jsonl:3: expected a JSON object, found an array; line skipped');
    expect(out.records[1]?.id).toBe(paperId('arxiv:2001.00002'));
    expect(out.records[1]?.warnings).toEqual([
      'b.jsonl:5: record 2 (2001.00002), field "title": no title; kept with title null',
    ]);
  });

  it('refuses a file with no JSON object line, and an empty one', () => {
    expect(errorOf(() => parseArxivJsonl('hello\nworld\n', 'c.jsonl'))).toMatch(
      /^c\.jsonl:1: not valid JSON .*: not arXiv JSON Lines/,
    );
    expect(errorOf(() => parseArxivJsonl('\n\n', 'c.jsonl'))).toMatch(/^c\.jsonl: no records/);
  });

  it('keeps a 1 MB abstract with a warning', () => {
    const big = JSON.stringify({ id: '1', title: 'Big', abstract: 'a '.repeat(600_000) });
    const out = parseArxivJsonl(big, 'd.jsonl');
    expect(out.records[0]?.warnings).toEqual([
      'd.jsonl:1: record 1 (1), field "abstract": 1.1 M characters (over 1 MB); kept',
    ]);
  });
});
