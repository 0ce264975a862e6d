import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, learnModel } from '../bench/gen-corpus.js';
import { parseArxivJsonl } from '../src/ingest/arxiv.js';
import { parseListing } from '../src/ingest/listing.js';

const model = learnModel();
const gen = (papers: number, seed: number) => {
  const lines: string[] = [];
  generate(model, { papers, seed }, (l) => lines.push(l));
  return lines.join('');
};
const words = (s: string) => s.toLowerCase().match(/\p{L}+/gu) ?? [];

describe('synthetic corpus generator (bench/gen-corpus)', () => {
  const text = gen(3000, 11);
  const parsed = parseArxivJsonl(text, 'synthetic.jsonl');

  it('is deterministic per seed and differs between seeds', () => {
    expect(gen(200, 5)).toBe(gen(200, 5));
    expect(gen(200, 6)).not.toBe(gen(200, 5));
  });

  it('parses with the arxiv-jsonl importer: one titled record a line, with authors', () => {
    expect(text.split('\n').filter(Boolean)).toHaveLength(3000);
    expect(parsed.warnings).toEqual([]);
    // Titles are generated, so a few may repeat; the importer keeps them apart (`-2` ids).
    expect(parsed.records.length).toBe(3000);
    expect(new Set(parsed.records.map((r) => r.id)).size).toBe(3000);
    for (const r of parsed.records) {
      expect(r.title).toBeTruthy();
      expect(r.authors.length).toBeGreaterThan(0);
      expect(r.abstract.length).toBeGreaterThan(100);
      expect(r.externalIds?.arxiv).toMatch(/^\d{4}\.\d{5}$/);
    }
  });

  it('has a power-law-like spread of papers per author and authors per paper', () => {
    const perAuthor = new Map<string, number>();
    for (const r of parsed.records)
      for (const a of r.authors) perAuthor.set(a, (perAuthor.get(a) ?? 0) + 1);
    const counts = [...perAuthor.values()].sort((a, b) => a - b);
    const ones = counts.filter((c) => c === 1).length / counts.length;
    // Lotka: most authors have one paper, a few have very many.
    expect(ones).toBeGreaterThan(0.35);
    expect(counts[counts.length - 1]).toBeGreaterThan(20 * (counts[counts.length >> 1] ?? 1));
    // The frequency of "authors with c papers" falls with c over the first decade.
    const freq = (c: number) => counts.filter((x) => x === c).length;
    expect(freq(1)).toBeGreaterThan(freq(2));
    expect(freq(2)).toBeGreaterThan(freq(4));
    expect(freq(4)).toBeGreaterThan(freq(8));
    const sizes = parsed.records.map((r) => r.authors.length).sort((a, b) => a - b);
    const median = sizes[sizes.length >> 1] ?? 0;
    expect(median).toBeGreaterThanOrEqual(2);
    expect(median).toBeLessThanOrEqual(6);
    expect(sizes[sizes.length - 1]).toBeGreaterThan(30); // large collaborations exist
  });

  it('speaks the real corpus vocabulary, and grows it a little (new names)', () => {
    const listing = readFileSync(new URL('../data/iclr2020/listing.md', import.meta.url), 'utf8');
    const real = new Set(
      parseListing(listing, 'l.md').records.flatMap((r) => words(`${r.title ?? ''} ${r.abstract}`)),
    );
    const synthetic = parsed.records.flatMap((r) => words(`${r.title ?? ''} ${r.abstract}`));
    const known = synthetic.filter((w) => real.has(w)).length / synthetic.length;
    expect(known).toBeGreaterThan(0.95);
    expect(known).toBeLessThan(1);
    // The most frequent content words are the real corpus's.
    const freq = new Map<string, number>();
    for (const w of synthetic) if (w.length > 6) freq.set(w, (freq.get(w) ?? 0) + 1);
    const top = [...freq].sort((a, b) => b[1] - a[1]).slice(0, 20);
    expect(top.every(([w]) => real.has(w))).toBe(true);
    // Abstract lengths are in the real range (ICLR abstracts: ~100-350 words).
    const lens = parsed.records.map((r) => words(r.abstract).length).sort((a, b) => a - b);
    expect(lens[lens.length >> 1]).toBeGreaterThan(100);
    expect(lens[lens.length >> 1]).toBeLessThan(300);
  });
});
