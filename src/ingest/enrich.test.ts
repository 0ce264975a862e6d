import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaperRecord } from '../core/types.js';
import { enrichRecords, normalizeTitle } from './enrich.js';
import { parseListing } from './listing.js';
import { parseMiniconfJson } from './miniconf.js';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const listing = parseListing(read('data/iclr2020/listing.md'), 'listing.md').records;
const site = parseMiniconfJson(read('data/iclr2020/virtual-site-papers.json'), 'site.json').records;

const record = (over: Partial<PaperRecord>): PaperRecord => ({
  id: 'x',
  title: 'A Title About Graphs',
  authors: ['Ada Lovelace', 'Alan Turing'],
  track: 'Poster',
  abstract: 'We study graphs.',
  links: [],
  source: { path: 'x', startLine: 1, endLine: 1 },
  warnings: [],
  ...over,
});

describe('enrichment of the ICLR 2020 listing with the virtual site', () => {
  const { records, report } = enrichRecords(listing, site, 'virtual-site');
  const byId = new Map(records.map((r) => [r.id, r]));

  it('matches every one of the 687 papers, one-to-one', () => {
    expect(report.corpusRecords).toBe(687);
    expect(report.unmatched).toEqual([]);
    expect(report.sourceUnmatched).toBe(0);
    const sourceTitles = report.matches.map((m) => m.sourceTitle);
    expect(new Set(sourceTitles).size).toBe(687);
    // Titles that agree are joined by title; the rest needed the similarity score.
    expect(report.matched.title).toBeGreaterThan(670);
    expect(report.matched.title + report.matched.similarity).toBe(687);
  });

  it('recovers the three titles lost in the listing, marked as from the source', () => {
    const lost = listing.filter((r) => r.title === null);
    expect(lost).toHaveLength(3);
    for (const r of lost) {
      const e = byId.get(r.id);
      const m = report.matches.find((x) => x.id === r.id);
      expect(e?.title).toBeTruthy();
      expect(e?.title).toBe(m?.sourceTitle);
      expect(e?.provenance?.['title']).toBe('virtual-site');
      // The recovered title belongs to the same paper: the abstracts are the same text.
      const src = site.find((s) => s.title === e?.title);
      expect(normalizeTitle(src?.abstract ?? '')).toBe(normalizeTitle(r.abstract));
    }
  });

  it('joins the papers retitled at camera-ready by authors and abstract, keeping the listing title', () => {
    const retitled = report.matches.filter(
      (m) =>
        m.title !== null &&
        m.sourceTitle !== null &&
        normalizeTitle(m.title) !== normalizeTitle(m.sourceTitle),
    );
    // Four real retitles plus print errors in the listing (l4 printed as 14, l_p as 1_p).
    expect(retitled.length).toBeGreaterThanOrEqual(4);
    for (const m of retitled) {
      expect(m.method).toBe('similarity');
      expect(m.score).toBeGreaterThan(0.8);
      const e = byId.get(m.id);
      expect(e?.title).toBe(m.title);
      expect(e?.warnings.some((w) => w.includes('title kept as the corpus has it'))).toBe(true);
    }
    const locally = retitled.find((m) => m.sourceTitle === 'Locally Constant Networks');
    expect(locally?.title).toBe('Oblique Decision Trees from Derivatives of ReLU Networks');
  });

  it('fills OpenReview ids, PDFs, TL;DRs, keywords and code links without overwriting', () => {
    expect(report.filled['externalIds']).toBe(687);
    expect(report.filled['pdf']).toBe(687);
    expect(report.filled['tldr']).toBeGreaterThan(500);
    expect(report.filled['keywords']).toBeGreaterThan(600);
    for (const [i, r] of records.entries()) {
      const before = listing[i] as PaperRecord;
      expect(r.id).toBe(before.id);
      if (before.title !== null) expect(r.title).toBe(before.title);
      expect(r.authors).toEqual(before.authors);
      expect(r.abstract).toBe(before.abstract);
      expect(r.track).toBe(before.track);
      expect(r.links.slice(0, before.links.length)).toEqual(before.links);
      expect(r.externalIds?.openreview).toMatch(/^[A-Za-z0-9_-]{8,12}$/);
      for (const f of Object.keys(r.provenance ?? {}))
        if (f !== 'links') expect(before[f as keyof PaperRecord]).toBeFalsy();
    }
  });

  it('is idempotent: enriching twice changes nothing more', () => {
    const again = enrichRecords(records, site, 'virtual-site');
    expect(again.records).toEqual(records);
    expect(again.report.filled).toEqual({});
  });
});

describe('enrichment on small inputs', () => {
  it('joins by a shared external id before anything else', () => {
    const corpus = [record({ id: 'a', title: 'Old name', externalIds: { arxiv: '2001.00001' } })];
    const source = [
      record({ title: 'A Title About Graphs', externalIds: { arxiv: '2001.00001' }, tldr: 'T' }),
    ];
    const r = enrichRecords(corpus, source, 's');
    expect(r.report.matched.id).toBe(1);
    expect(r.records[0]?.tldr).toBe('T');
    expect(r.records[0]?.title).toBe('Old name');
  });

  it('does not join an ambiguous title or a paper that only shares authors', () => {
    const corpus = [record({ id: 'a', title: null, abstract: 'Completely different words here.' })];
    const source = [
      record({ abstract: 'We study graphs with spectral methods and random walks.' }),
      record({ title: 'Another', abstract: 'Neural networks for speech recognition tasks.' }),
    ];
    const r = enrichRecords(corpus, source, 's');
    expect(r.report.unmatched).toHaveLength(1);
    expect(r.records[0]).toEqual(corpus[0]);

    const twins = [record({ id: 'b' }), record({ id: 'c' })];
    const t = enrichRecords(twins, [record({ tldr: 'x' })], 's');
    // Two corpus records with one title: not joined by title; the similarity tie has no margin.
    expect(t.report.matched.title).toBe(0);
    expect(t.report.unmatched).toHaveLength(2);
  });

  it('records a disagreement as a warning and keeps the corpus value', () => {
    const corpus = [record({ id: 'a', tldr: 'Mine.', decision: 'Accept (Poster)' })];
    const source = [record({ tldr: 'Theirs.', decision: 'Accept (Talk)', pdf: 'https://x/p.pdf' })];
    const r = enrichRecords(corpus, source, 'other');
    const e = r.records[0] as PaperRecord;
    expect(e.tldr).toBe('Mine.');
    expect(e.decision).toBe('Accept (Poster)');
    expect(e.pdf).toBe('https://x/p.pdf');
    expect(e.provenance).toEqual({ pdf: 'other' });
    expect(e.warnings).toEqual([
      'enrich other: tldr kept as the corpus has it; the source has "Theirs."',
      'enrich other: decision kept as the corpus has it; the source has "Accept (Talk)"',
    ]);
    expect(r.report.disagreements).toEqual({ tldr: 1, decision: 1 });
  });

  it('copes with empty inputs and records without title, authors or abstract', () => {
    expect(enrichRecords([], [], 's').report.unmatched).toEqual([]);
    const bare = record({ id: 'a', title: null, authors: [], abstract: '' });
    const r = enrichRecords([bare], [record({})], 's');
    expect(r.report.unmatched).toHaveLength(1);
  });
});
