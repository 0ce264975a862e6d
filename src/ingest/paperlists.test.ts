import { describe, expect, it } from 'vitest';
import { errorOf, fixture, listingById } from '../../test/helpers.js';
import { parsePaperlists } from './paperlists.js';

const text = fixture('paperlists-iclr2020-submissions-31.json');
const PATH = 'pl.json';
const { records, warnings } = parsePaperlists(text, PATH);
const listing = listingById;

describe('paperlists ICLR 2020 submissions (first 30 + one desk reject)', () => {
  it('reads every submission; accepted ones get their track, all keep the decision', () => {
    expect(records).toHaveLength(31);
    expect(warnings).toEqual([]);
    // One title is printed in ALL CAPS in this source; its case is restored, as the listing does.
    const caps = records.findIndex((r) => r.warnings.length > 0);
    expect(records.flatMap((r) => r.warnings)).toEqual([
      `${PATH}:${records[caps]?.source.startLine}: record ${caps + 1}, field "title": printed in ALL CAPS; case restored`,
    ]);
    const count = (f: (r: (typeof records)[number]) => unknown) => {
      const out: Record<string, number> = {};
      for (const r of records) out[String(f(r))] = (out[String(f(r))] ?? 0) + 1;
      return out;
    };
    expect(count((r) => r.decision)).toEqual({
      Poster: 4,
      Spotlight: 3,
      Talk: 1,
      Reject: 18,
      Withdraw: 4,
      'Desk Reject': 1,
    });
    expect(count((r) => r.track)).toEqual({ Poster: 4, Spotlight: 3, Talk: 1, null: 23 });
  });

  it('accepted papers have the listing id, title and authors', () => {
    const accepted = records.filter((r) => r.track !== null);
    for (const r of accepted) {
      const l = listing.get(r.id);
      expect(l?.title, r.title ?? '').toBe(r.title);
      expect(l?.track).toBe(r.track);
      expect(r.authors).toEqual(l?.authors);
    }
    const rejected = records.filter((r) => r.track === null);
    expect(rejected.some((r) => listing.has(r.id))).toBe(false);
  });

  it('splits ;-lists and keeps the OpenReview id; no abstracts in this source', () => {
    const r = records[0];
    expect(r?.title).toBe(
      'Structured Object-Aware Physics Prediction for Video Modeling and Planning',
    );
    expect(r?.authors).toEqual([
      'Jannik Kossen',
      'Karl Stelzner',
      'Marcel Hussing',
      'Claas Voelcker',
      'Kristian Kersting',
    ]);
    expect(r?.keywords?.slice(0, 2)).toEqual([
      'self-supervised learning',
      'probabilistic deep learning',
    ]);
    expect(r?.externalIds).toEqual({ openreview: 'B1e-kxSKDH' });
    expect(r?.abstract).toBe('');
  });

  it('warns on an unknown status, odd field types and a missing title; skips non-objects', () => {
    const out = parsePaperlists(
      JSON.stringify(
        [
          { id: 'AbCdEfGhIj', title: 'A', status: 'Workshop', author: 'X;Y' },
          { status: 'Poster', author: ['P Q', 3, {}] },
          7,
        ],
        null,
        2,
      ),
      'x.json',
    );
    expect(out.records).toHaveLength(2);
    expect(out.records[0]?.warnings).toEqual([
      'x.json:2: record 1 (AbCdEfGhIj), field "status": unknown status "Workshop"; kept as the decision, track null',
    ]);
    expect(out.records[1]?.authors).toEqual(['P Q', '3']);
    expect(out.records[1]?.track).toBe('Poster');
    expect(out.records[1]?.warnings).toEqual([
      'x.json:8: record 2, field "author": item 3 is an object, not text; ignored',
      'x.json:8: record 2, field "title": no title and no id; kept with title null',
    ]);
    expect(out.warnings).toEqual([
      'x.json:16: record 3: expected a submission object, found a number; skipped',
    ]);
  });

  it('refuses other JSON, truncated files and bad shapes with file:line', () => {
    expect(errorOf(() => parsePaperlists('{"a": 1}', 'p.json'))).toBe(
      'p.json:1: expected a paperlists file (a JSON array of submissions), found an object',
    );
    expect(errorOf(() => parsePaperlists('[]', 'p.json'))).toMatch(/^p\.json:1: .* has no records/);
    expect(errorOf(() => parsePaperlists('["a", "b"]', 'p.json'))).toMatch(
      /^p\.json:1: no submission objects/,
    );
    const cut = text.slice(0, 1000);
    const lines = cut.split('\n');
    expect(errorOf(() => parsePaperlists(cut, 'p.json'))).toMatch(
      new RegExp(
        `^p\\.json:${lines.length}:${(lines.at(-1) ?? '').length + 1}: invalid JSON \\(paperlists submissions\\): the file ends inside`,
      ),
    );
  });
});
