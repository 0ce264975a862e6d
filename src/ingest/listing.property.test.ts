import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfscopeError } from '../core/errors.js';
import type { PaperRecord } from '../core/types.js';
import { toListing } from '../app/serialize.js';
import { parseListing } from './listing.js';

const content = (rs: PaperRecord[]) =>
  rs.map((r) => ({
    id: r.id,
    title: r.title,
    authors: r.authors,
    track: r.track,
    abstract: r.abstract,
    links: r.links,
  }));

/** Parse, or null when the parser refused the input with a ConfscopeError (never anything else). */
function tryParse(text: string) {
  try {
    return parseListing(text, 'gen.md');
  } catch (e) {
    if (isConfscopeError(e)) return null;
    throw e;
  }
}

// Lines of the kinds a listing is made of, plus noise, so generated files reach every branch.
const word = fc.stringMatching(/^[A-Za-z][a-z]{0,8}$/);
const words = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));
const lineArb = fc.oneof(
  words.map((w) => `## ${w}`),
  fc.constantFrom('#', '# **BOLD TITLE**', '### <u>Under</u>', '#### <script>x</script>'),
  fc.array(words, { minLength: 1, maxLength: 4 }).map((a) => `- ${a.join(', ')}`),
  fc
    .tuple(fc.constantFrom('Poster', 'Spotlight', 'Talk', 'oral', 'Workshop', ''), words)
    .map(([t, w]) => `- abstract@open-review(${t}): ${w}.`),
  fc.constantFrom(
    'abstract@<u>open-review(Poster)</u>: x',
    'abstract@broken',
    '• abstract@open-review(Talk):',
  ),
  fc.constantFrom(
    '',
    '',
    '11/1/22, 6:40 PM',
    '  - item one',
    'see https://example.org/x).',
    '\\$x\\$ and \\\\$',
  ),
  words,
  fc.string({ maxLength: 40 }),
);
const listingArb = fc.array(lineArb, { maxLength: 40 }).map((ls) => ls.join('\n'));

describe('listing parser properties', () => {
  it('never throws on arbitrary text, only refuses with a ConfscopeError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        tryParse(s);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(listingArb, (s) => {
        tryParse(s);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every marker: records >= markers, each with a source range inside the file', () => {
    fc.assert(
      fc.property(listingArb, (s) => {
        const r = tryParse(s);
        if (!r) return;
        const lines = s.split('\n').length;
        for (const rec of r.records) {
          expect(rec.source.startLine).toBeGreaterThanOrEqual(1);
          expect(rec.source.endLine).toBeLessThanOrEqual(lines);
          expect(rec.source.startLine).toBeLessThanOrEqual(rec.source.endLine);
        }
        const ids = r.records.map((x) => x.id);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });

  it('parse → serialize → parse is stable (a fixed point after one round)', () => {
    fc.assert(
      fc.property(listingArb, (s) => {
        const r1 = tryParse(s);
        if (!r1) return;
        const r2 = parseListing(toListing(r1.records), 'gen.md');
        const r3 = parseListing(toListing(r2.records), 'gen.md');
        expect(content(r3.records)).toEqual(content(r2.records));
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips the real listing exactly (ids, titles, authors, tracks, abstracts, links)', () => {
    const text = readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8');
    const r1 = parseListing(text, 'listing.md');
    const r2 = parseListing(toListing(r1.records), 'listing.md');
    expect(content(r2.records)).toEqual(content(r1.records));
  });
});
