import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing, paperId } from './listing.js';
import { normalizeKey } from './text.js';

const PATH = 'data/iclr2020/listing.md';
const text = readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8');
const { records, warnings } = parseListing(text, PATH);
const byTitle = (s: string) => {
  const r = records.find((x) => x.title?.includes(s));
  if (!r) throw new Error(`no record with title containing ${s}`);
  return r;
};

describe('the real ICLR 2020 listing', () => {
  it('has exactly the official counts: 687 = 531 Poster + 108 Spotlight + 48 Talk', () => {
    expect(records).toHaveLength(687);
    const count = (t: string) => records.filter((r) => r.track === t).length;
    expect([count('Poster'), count('Spotlight'), count('Talk')]).toEqual([531, 108, 48]);
    expect(warnings).toEqual([]);
  });

  it('keeps the three records whose title was lost, with title null and a warning naming the line', () => {
    const untitled = records.filter((r) => r.title === null);
    expect(untitled.map((r) => r.source.startLine)).toEqual([487, 1491, 2339]);
    for (const r of untitled) {
      expect(r.authors.length).toBeGreaterThan(2);
      expect(r.abstract.length).toBeGreaterThan(300);
      expect(r.warnings.join('\n')).toContain(
        `${PATH}:${r.source.startLine}: record has no title line`,
      );
    }
    expect(untitled[0]?.authors[0]).toBe('Adrià Puigdomènech Badia');
    expect(untitled[1]?.authors[0]).toBe('Qing Qu');
    expect(untitled[2]?.authors[0]).toBe('Sean Welleck');
  });

  it('gives every record a unique id that is the hash of its normalised title', () => {
    expect(new Set(records.map((r) => r.id)).size).toBe(687);
    for (const r of records) {
      expect(r.id).toMatch(/^[0-9a-f]{12}$/);
      if (r.title) expect(r.id).toBe(paperId(`t:${normalizeKey(r.title)}`));
    }
    const again = parseListing(text, PATH).records.map((r) => r.id);
    expect(again).toEqual(records.map((r) => r.id));
  });

  it('leaves no print artifact or markup in any field', () => {
    for (const r of records) {
      const fields = [r.title ?? '', ...r.authors, r.abstract];
      for (const f of fields) {
        expect(f).not.toMatch(/\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2} [AP]M/);
        expect(f).not.toMatch(/<\/?(u|del|sup)>|\*\*/);
        expect(f).not.toMatch(/\\\$/);
        expect(f).not.toMatch(/abstract@/);
      }
      expect(r.title ?? '').not.toMatch(/^#|^\s|\s$/);
      for (const a of r.authors) expect(a).not.toMatch(/^[-•\s]|[*†]|\s$|^and\s/);
      expect(r.abstract).not.toMatch(/^\s|\s$/);
    }
  });

  it('cleans titles: markup, the </del> artifact and ALL CAPS', () => {
    expect(byTitle('Automatically Discovering').title).toBe(
      'Automatically Discovering and Learning New Visual Categories with Ranking Statistics',
    );
    expect(byTitle('Geom-GCN').title).toBe('Geom-GCN: Geometric Graph Convolutional Networks');
    expect(byTitle('MEMO:').title).toBe(
      'MEMO: A Deep Network for Flexible Combination of Episodic Memories',
    );
    const caps = byTitle('Spoofed Robustness');
    expect(caps.title).toBe(
      'Breaking Certified Defenses: Semantic Adversarial Examples with Spoofed Robustness Certificates',
    );
    expect(caps.warnings.join()).toContain('ALL CAPS');
    expect(byTitle('Learning Graph Transformations to Detect').title).toMatch(/^HOPPITY: /);
    expect(byTitle('Provable robustness against all adversarial').title).toBe(
      'Provable robustness against all adversarial $1_p$-perturbations for $p\\geq 1$',
    );
  });

  it('splits authors: stray *, <sup>, "and" pairs, trailing periods, bare lines', () => {
    expect(byTitle('Exponential Learning Rate').authors).toEqual(['Zhiyuan Li', 'Sanjeev Arora']);
    const stars = records.find(
      (r) => r.authors.includes('Robert Stanforth') && r.authors.includes('Jonathan Uesato'),
    );
    expect(stars?.authors).toContain('Robert Stanforth');
    const sup = records.find(
      (r) => r.authors.includes('Yi Wu') && r.authors.includes('Xiaolong Wang'),
    );
    expect(sup?.authors).toEqual([
      'Qian Long',
      'Zihan Zhou',
      'Abhinav Gupta',
      'Fei Fang',
      'Yi Wu',
      'Xiaolong Wang',
    ]);
    const pair = records.find((r) => r.authors.includes('Reinhard Heckel'));
    expect(pair?.authors).toEqual(['Reinhard Heckel', 'Mahdi Soltanolkotabi']);
    const period = records.find((r) => r.authors.includes('Qian Lou'));
    expect(period?.authors.at(-1)).toBe('Lei Jiang');
    const initials = records.find((r) => r.authors[0] === 'Asano YM.');
    expect(initials?.authors).toEqual(['Asano YM.', 'Rupprecht C.', 'Vedaldi A.']);
    const dj = records.find((r) => r.authors.includes('Krishnamurthy (Dj) Dvijotham'));
    expect(dj).toBeDefined();
  });

  it('joins an abstract split by a page-print line mid-sentence', () => {
    const r = records.find((x) =>
      x.abstract.startsWith('Research on exploration in reinforcement learning'),
    );
    expect(r?.abstract).toContain('Atari 2600 game-playing, has emphasized');
    expect(r?.abstract).not.toContain('\n');
    const split = records.find((x) =>
      x.abstract.includes('Differentiable quantization with straight-through'),
    );
    expect(split?.title).toBe('Mixed Precision DNNs: All you need is a good parametrization');
  });

  it('reads an abstract whose marker comes after a page-print line', () => {
    const r = byTitle('Learning Compositional Koopman Operators');
    expect(r.track).toBe('Spotlight');
    expect(r.authors[0]).toBe('Yunzhu Li');
    expect(r.abstract).toMatch(/^Finding an embedding space for a linear approximation/);
    expect(r.source.startLine).toBe(2228);
  });

  it('keeps multi-paragraph abstracts whole and in order, list items as paragraphs', () => {
    const r = byTitle('ReMixMatch');
    const paras = r.abstract.split('\n\n');
    expect(paras).toHaveLength(4);
    expect(paras[0]).toMatch(/^We improve the recently-proposed/);
    expect(paras[1]).toMatch(/^Distribution alignment encourages/);
    expect(paras[3]).toMatch(/^Our new algorithm, dubbed ReMixMatch.*four labels per class\.$/);
    const knn = byTitle('Nearest Neighbor Language Models');
    expect(knn.abstract).toContain('$k$NN-LMs');
    expect(knn.abstract).toMatch(/language modeling in the long tail\.$/);
  });

  it('unescapes \\$ but keeps the LaTeX, and extracts links without trailing punctuation', () => {
    const r = records.find((x) => x.abstract.includes('more than $80\\%$ of communication'));
    expect(r?.links).toEqual(['https://sites.google.com/view/ndq']);
    const esc = records.find((x) => x.links.some((l) => l.includes('cogcomp.org')));
    expect(esc?.links).toEqual(['http://cogcomp.org/page/publication_view/900']);
    expect(records.filter((x) => x.links.length > 0).length).toBeGreaterThanOrEqual(40);
    for (const x of records)
      for (const l of x.links) expect(l).toMatch(/^https?:\/\/[^\s]+[^.,;:)]$/);
  });

  it('records the source line range of each record', () => {
    const first = records[0];
    expect(first?.source).toEqual({ path: PATH, startLine: 1, endLine: 4 });
    for (const r of records) expect(r.source.endLine).toBeGreaterThan(r.source.startLine);
  });
});
