import { describe, expect, it } from 'vitest';
import { errorOf, fixture, listingById } from '../../test/helpers.js';
import { latexToText, parseBibtex, splitBibAuthors } from './bibtex.js';
import { paperId } from './listing.js';

const text = fixture('iclr2020-sample.bib');
const listing = listingById;

describe('BibTeX', () => {
  const { records, warnings } = parseBibtex(text, 's.bib');

  it('reads the 10 entries (8 virtual-site _bibtex, 2 hand-written), skipping @string/@comment', () => {
    expect(records).toHaveLength(10);
    expect(warnings).toEqual([]);
    expect(records.flatMap((r) => r.warnings)).toEqual([]);
    const lines = text.split('\n');
    for (const r of records) expect(lines[r.source.startLine - 1]).toMatch(/^@/);
  });

  it('the virtual-site entries give the listing ids, titles and authors', () => {
    for (const r of records.slice(0, 8)) {
      const l = listing.get(r.id);
      expect(l?.title).toBe(r.title);
      expect(r.authors).toEqual(l?.authors);
      expect(r.externalIds?.openreview).toMatch(/^[A-Za-z0-9_-]{10}$/);
    }
    expect(records.slice(0, 4).every((r) => r.abstract.length > 300)).toBe(true);
  });

  it('handles quotes, macros, accents, Last-First names, # concatenation and math', () => {
    const ngu = records[8];
    expect(ngu?.title).toBe('Never Give Up: Learning Directed Exploration Strategies');
    expect(ngu?.authors.slice(0, 2)).toEqual(['Adrià Puigdomènech Badia', 'Pablo Sprechmann']);
    expect(ngu?.authors).toContain('Martín Arjovsky');
    expect(ngu?.externalIds).toEqual({ arxiv: '2002.06038' });
    expect(ngu?.abstract).toBe(
      'We propose a reinforcement learning agent to solve hard exploration games by learning a range of directed exploratory policies.\n\n' +
        'Our agent combines episodic and life-long novelty (\u201cintrinsic rewards\u201d) \u2014 see $r_t = r^e_t + \\beta r^i_t$.',
    );
    const l4 = records[9];
    expect(l4?.title).toBe(
      'Understanding $\\ell^4$-based Dictionary Learning: Interpretation, Stability, and Robustness',
    );
    expect(l4?.authors).toEqual(['Yuexiang Zhai', 'Hermish Mehta', 'Zhengyuan Zhou', 'Yi Ma']);
    expect(l4?.externalIds).toEqual({ arxiv: '1911.02215', doi: '10.48550/arXiv.1911.02215' });
  });

  it('latexToText and splitBibAuthors', () => {
    expect(latexToText('G{\\"o}del, \\\'{E}cole, \\c{c}a, {\\ss}, \\emph{x} \\& y')).toBe(
      'Gödel, École, ça, ß, x & y',
    );
    expect(splitBibAuthors('{Barnes and Noble} and Doe, Jr., John and others')).toEqual([
      'Barnes and Noble',
      'John Doe Jr.',
    ]);
  });

  it('keeps a truncated or broken entry with warnings naming lines; untitled entries get the key hash', () => {
    const out = parseBibtex(
      '@misc{k1, author = {A B}, note = x}\n@article{k2,\n title = {Cut short\n\n@article{k3, title = "Fine", year = 2020}\n@book{k4, title = {Last}, author = {Z',
      'b.bib',
    );
    expect(out.records.map((r) => r.title)).toEqual([null, 'Cut short', 'Fine', 'Last']);
    expect(out.records[0]?.id).toBe(paperId('bibtex:k1'));
    expect(out.records[0]?.warnings).toEqual([
      'b.bib:1: unknown @string macro "x" in field "note"; kept as text',
      'b.bib:1: record 1 (k1), field "title": no title; kept with title null',
    ]);
    expect(out.records[1]?.warnings.join('\n')).toContain(
      'b.bib:3: field "title" of @article{k2} is not closed; kept up to the next entry (line 5)',
    );
    expect(out.records[3]?.warnings.join('\n')).toContain(
      'field "author" of @book{k4} is not closed; kept up to the end of the file',
    );
  });

  it('refuses text with no entries; a 1 MB abstract is kept with a warning', () => {
    expect(errorOf(() => parseBibtex('just text, no entries\n', 'n.bib'))).toBe(
      'n.bib:1: no BibTeX entries found (expected "@inproceedings{key, title={…}, …}")',
    );
    expect(errorOf(() => parseBibtex('@string{a = "b"}', 'n.bib'))).toMatch(/no paper entries/);
    const out = parseBibtex(`@misc{big, title={Big}, abstract={${'x '.repeat(600_000)}}}`, 'h.bib');
    expect(out.records[0]?.warnings).toEqual([
      'h.bib:1: record 1 (big), field "abstract": 1.1 M characters (over 1 MB); kept',
    ]);
  });
});
