import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaperRecord } from '../core/types.js';
import { parseListing } from '../ingest/listing.js';
import { parseMiniconfJson } from '../ingest/miniconf.js';
import { parsePaperlists } from '../ingest/paperlists.js';
import { DuplicateGroups, identityKeys } from './dedupe.js';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

const doc = (corpus: string, over: Partial<PaperRecord>) => ({
  id: 'x',
  title: 'Learning To Walk With Graph Networks',
  authors: ['Ada Lovelace'],
  track: null,
  abstract: '',
  links: [],
  source: { path: 'x', startLine: 1, endLine: 1 },
  warnings: [],
  corpus,
  ...over,
});

describe('the same paper in several corpora', () => {
  it('groups records of different corpora by id or by title + first author, never within one corpus', () => {
    const docs = [
      doc('a', {}),
      doc('b', { title: 'Learning to walk with graph networks!' }),
      doc('a', {}), // a second record of the same title in corpus a: its own paper
      doc('c', { title: 'Renamed', externalIds: { arxiv: '2001.01234v2' } }),
      doc('d', { title: 'Other', externalIds: { arxiv: '2001.01234' } }),
      doc('e', { authors: ['Someone Else'] }), // same title, other first author
    ];
    const g = new DuplicateGroups(docs);
    expect(g.others(0)).toEqual([1]);
    expect(g.others(2)).toEqual([]);
    expect(g.others(3)).toEqual([4]);
    expect(g.others(5)).toEqual([]);
    expect(g.size).toBe(2);
    // Collapse keeps the best-ranked member of each group, in rank order.
    expect(g.collapse([1, 5, 0, 4, 2, 3])).toEqual([1, 5, 4, 2]);
  });

  it('short titles are not identity on their own', () => {
    expect(identityKeys(doc('a', { title: 'Attention' }))).toEqual([]);
  });

  it('recognises the ICLR 2020 papers across the listing, the virtual site and paperlists', () => {
    const listing = parseListing(read('data/iclr2020/listing.md'), 'l.md').records;
    const site = parseMiniconfJson(read('data/iclr2020/virtual-site-papers.json'), 's').records;
    const pl = parsePaperlists(
      read('test/fixtures/paperlists-iclr2020-submissions-31.json'),
      'p',
    ).records;
    const docs = [
      ...listing.map((r) => ({ ...r, corpus: 'listing' })),
      ...site.map((r) => ({ ...r, corpus: 'site' })),
      ...pl.map((r) => ({ ...r, corpus: 'pl' })),
    ];
    const g = new DuplicateGroups(docs);
    // Every site paper shares an OpenReview id with no listing record (the listing has none),
    // so listing ↔ site pairs come from title + first author: all but the untitled/retitled.
    const pairedListing = listing.filter((_, i) =>
      g.others(i).some((j) => docs[j]?.corpus === 'site'),
    ).length;
    expect(pairedListing).toBeGreaterThan(670);
    expect(pairedListing).toBeLessThan(687);
    // paperlists ↔ site by OpenReview id: every accepted paperlists record finds its site record.
    const offset = listing.length + site.length;
    pl.forEach((r, k) => {
      const accepted = site.some((s) => s.externalIds?.openreview === r.externalIds?.openreview);
      const withSite = g.others(offset + k).some((j) => docs[j]?.corpus === 'site');
      expect(withSite).toBe(accepted);
    });
  });
});
