import { describe, expect, it } from 'vitest';
import { errorOf, fixture, listingById } from '../../test/helpers.js';
import { paperId } from './listing.js';
import { parseOpenReview } from './openreview.js';

const text = fixture('openreview-v2-notes.json');
const PATH = 'notes.json';
const { records, warnings } = parseOpenReview(text, PATH);
const listing = listingById;

describe('OpenReview API v2 notes', () => {
  it('reads the 7 notes with their line spans in the pretty-printed file', () => {
    expect(records).toHaveLength(7);
    expect(warnings).toEqual([]);
    expect(records.flatMap((r) => r.warnings)).toEqual([]);
    const lines = text.split('\n');
    for (const r of records) {
      expect(lines[r.source.startLine - 1]?.trim()).toBe('{');
      expect(lines[r.source.startLine]).toContain(`"id": "${r.externalIds?.openreview ?? ''}"`);
      expect(lines[r.source.endLine - 1]?.trim()).toMatch(/^\},?$/);
    }
  });

  it('takes the track from the venue and keeps the venue as the decision', () => {
    expect(records.map((r) => [r.track, r.decision])).toEqual([
      ['Poster', 'ICLR 2020 Conference poster'],
      ['Spotlight', 'ICLR 2020 Conference spotlight'],
      ['Poster', 'ICLR 2020 Conference poster'],
      ['Poster', 'ICLR 2020 Conference poster'],
      ['Poster', 'ICLR 2020 Conference poster'],
      [null, 'Submitted to ICLR 2020'],
      [null, 'ICLR 2020 Conference Withdrawn Submission'],
    ]);
  });

  it('accepted notes match the listing by id, title and track', () => {
    for (const r of records.slice(0, 5)) {
      const l = listing.get(r.id);
      expect(l?.title).toBe(r.title);
      expect(l?.track).toBe(r.track);
    }
    const r = records[0];
    expect(r?.keywords).toHaveLength(5);
    expect(r?.tldr).toBe('A novel loss bridges curriculum learning and robust learning');
    expect(r?.pdf).toMatch(/^https:\/\/openreview\.net\/pdf\//);
  });

  it('reads API v1 notes (plain values) and a bare array', () => {
    const out = parseOpenReview(
      JSON.stringify([
        { id: 'AbCdEfGhIj', content: { title: 'T', authors: ['A'], venue: 'ICLR 2021 Oral' } },
      ]),
      'v1.json',
    );
    expect(out.records[0]).toMatchObject({
      title: 'T',
      authors: ['A'],
      track: 'Talk',
      decision: 'ICLR 2021 Oral',
    });
  });

  it('keeps a note without a title (its id is the hash of the OpenReview id), warns, never drops', () => {
    const out = parseOpenReview(
      JSON.stringify({
        notes: [
          { id: 'n1', forum: 'F0rUmIdAbc', content: { abstract: { value: 'x' } } },
          { content: 5 },
          { id: 'n3', content: {} },
        ],
      }),
      'n.json',
    );
    expect(out.records).toHaveLength(3);
    expect(out.records[0]?.id).toBe(paperId('openreview:F0rUmIdAbc'));
    expect(out.records[0]?.warnings).toEqual([
      'n.json:1: record 1 (F0rUmIdAbc), field "title": no title; kept with title null',
    ]);
    expect(out.records[1]?.warnings).toEqual([
      'n.json:1: record 2, field "content": expected an object, found a number; kept with no fields',
      'n.json:1: record 2, field "title": no title and no id; kept with title null',
    ]);
  });

  it('refuses other shapes and broken JSON with file:line', () => {
    expect(errorOf(() => parseOpenReview('{"count": 0}', 'o.json'))).toMatch(
      /^o\.json:1: expected OpenReview notes: the object has no "notes" array/,
    );
    expect(errorOf(() => parseOpenReview('{"notes": []}', 'o.json'))).toMatch(
      /^o\.json:1: the "notes" array has no records/,
    );
    expect(errorOf(() => parseOpenReview('{"notes": [{"id": 1}]}', 'o.json'))).toMatch(
      /no note has a "content" object/,
    );
    expect(errorOf(() => parseOpenReview(text.slice(0, 3000), 'o.json'))).toMatch(
      /^o\.json:\d+:\d+: invalid JSON \(OpenReview notes\): the file ends inside/,
    );
  });
});
