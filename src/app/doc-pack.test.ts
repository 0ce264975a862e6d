// Packed papers (doc-pack.ts) come back exactly as they went in: every field, its order, text
// beyond Latin-1 (two-byte blocks), papers spread over several blocks; a damaged pack throws.

import { describe, expect, it } from 'vitest';
import { listingById } from '../../test/helpers.js';
import type { SearchDoc } from '../index/search.js';
import { decodeDocPack, encodeDocPack, type DocPack } from './doc-pack.js';

const listing: SearchDoc[] = [...listingById.values()].map((r) => ({ ...r, corpus: 'iclr2020' }));

/** Papers unlike the listing's: no title, no track, extras, other scripts, lone surrogates. */
const odd: SearchDoc[] = [
  {
    id: 'n1',
    title: null,
    authors: [],
    track: null,
    abstract: '',
    links: [],
    source: { path: 'other.jsonl', startLine: 7, endLine: 7 },
    warnings: ['no title', 'no authors'],
    corpus: 'arxiv',
  },
  {
    id: 'w2',
    title: 'Équivariance — 注意力 is all 🧠 you need',
    authors: ['Łukasz Kaiser', '王 伟', 'A'],
    track: 'Talk',
    abstract: 'lone \ud800 surrogate and \u00ff edge, \u0100 beyond',
    links: ['https://example.org/ü'],
    source: { path: 'other.jsonl', startLine: 2 ** 40, endLine: 2 ** 40 + 3 },
    warnings: [],
    keywords: ['graphs', 'ÿ'],
    externalIds: { arxiv: '2001.00001', doi: '10.1/x' },
    provenance: { title: 'virtual-site' },
    corpus: 'arxiv',
  },
  {
    id: 'x3',
    title: 'Plain',
    authors: ['B. Author'],
    track: 'Poster',
    abstract: 'café',
    links: [],
    source: { path: 'a.md', startLine: 1, endLine: 2 },
    warnings: [],
    tldr: 'short',
    decision: 'Accept (Poster)',
    pdf: 'https://example.org/x.pdf',
    corpus: 'iclr2020',
  },
];

async function roundTrip(docs: readonly SearchDoc[], blockChars?: number): Promise<SearchDoc[]> {
  const { blocks, ...rest } = encodeDocPack(docs, blockChars);
  return decodeDocPack(rest, (k) => Promise.resolve(blocks[k] as Uint8Array));
}

describe('doc pack', () => {
  it('gives back the real listing field for field, in the same key order', async () => {
    const back = await roundTrip(listing);
    expect(back).toEqual(listing);
    expect(back.map((d) => JSON.stringify(d))).toEqual(listing.map((d) => JSON.stringify(d)));
  });

  it('keeps null titles, extras and text beyond Latin-1, in one- and two-byte blocks', async () => {
    const docs = [...listing.slice(0, 5), ...odd, ...listing.slice(5, 9)];
    const pack = encodeDocPack(docs);
    expect(pack.header.blocks.map((b) => b.wide)).toEqual([false, true]);
    const back = await roundTrip(docs);
    expect(back.map((d) => JSON.stringify(d))).toEqual(docs.map((d) => JSON.stringify(d)));
    expect(back[6]?.abstract).toBe(odd[1]?.abstract);
    expect(back[5]?.title).toBeNull();
  });

  it('spreads papers over blocks of a bounded size', async () => {
    const docs = [...listing.slice(0, 200), ...odd];
    const pack = encodeDocPack(docs, 20_000);
    expect(pack.header.blocks.length).toBeGreaterThan(5);
    // A block is never more than the bound past one paper's texts.
    for (const b of pack.header.blocks) expect(b.chars).toBeLessThan(20_000 + 5_000);
    expect(await roundTrip(docs, 20_000)).toEqual(docs);
  });

  it('packs no papers', async () => {
    expect(await roundTrip([])).toEqual([]);
  });

  it('throws on a damaged pack rather than giving other papers', async () => {
    const docs = [...listing.slice(0, 30), ...odd];
    const fresh = (): DocPack => encodeDocPack(docs);
    const decode = (p: DocPack) =>
      decodeDocPack(p, (k) => Promise.resolve(p.blocks[k] ?? new Uint8Array(0)));
    const short = fresh();
    short.blocks[0] = (short.blocks[0] as Uint8Array).subarray(1);
    await expect(decode(short)).rejects.toThrow(/wrong size/);
    const lengths = fresh();
    lengths.lengths = lengths.lengths.subarray(0, lengths.lengths.length - 1);
    await expect(decode(lengths)).rejects.toThrow(/run past|unread/);
    const counts = fresh();
    counts.counts = counts.counts.subarray(4);
    await expect(decode(counts)).rejects.toThrow(/inconsistent/);
    const codes = fresh();
    codes.codes[0] = 99;
    await expect(decode(codes)).rejects.toThrow(/table entry/);
    const format = fresh();
    format.header.format = 0;
    await expect(decode(format)).rejects.toThrow(/another format/);
    expect(await decode(fresh())).toEqual(docs);
  });
});
