// Import speed per format: records/s and MB/s of each importer on its sample fixture, on the
// fixture scaled ×100 (records repeated with distinct titles), and on a generated 100k-record
// arXiv-style JSON Lines file (written to a temp dir from the listing's abstracts, shuffled
// and recombined with a seeded PRNG; deleted afterwards). Nothing here reads outside the repo.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParseResult } from '../src/core/types.js';
import { parseArxivJsonl } from '../src/ingest/arxiv.js';
import { parseBibtex } from '../src/ingest/bibtex.js';
import { readInputText } from '../src/ingest/index.js';
import { parseListing } from '../src/ingest/listing.js';
import { parseMapped } from '../src/ingest/mapped.js';
import { parseMiniconfCsv, parseMiniconfJson } from '../src/ingest/miniconf.js';
import { parseOpenReview } from '../src/ingest/openreview.js';
import { parsePaperlists } from '../src/ingest/paperlists.js';
import { table, time } from './util.js';
import { mulberry32 as prng } from '../src/core/random.js';

const FIX = new URL('../../test/fixtures/', import.meta.url);
const FIX_SRC = new URL('../test/fixtures/', import.meta.url);
const LISTING = new URL('../../data/iclr2020/listing.md', import.meta.url);
const LISTING_SRC = new URL('../data/iclr2020/listing.md', import.meta.url);

/** Works from `bench/` (tsx) and from `dist/bench/` (built). */
function read(url: URL, fallback: URL): string {
  try {
    return readFileSync(url, 'utf8');
  } catch {
    return readFileSync(fallback, 'utf8');
  }
}
const fixture = (name: string) => read(new URL(name, FIX), new URL(name, FIX_SRC));

/** `n` arXiv-style JSON lines made of the listing's sentences, titles and authors recombined. */
export function generateArxivJsonl(n: number, seed = 2020): string {
  const records = parseListing(read(LISTING, LISTING_SRC), 'listing.md').records;
  const sentences = records
    .flatMap((r) => r.abstract.split(/(?<=\.)\s+/))
    .filter((s) => s.length > 20);
  const titleWords = records.flatMap((r) => (r.title ?? '').split(' ')).filter(Boolean);
  const names = records.flatMap((r) => r.authors);
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const cats = ['cs.LG', 'cs.CL', 'cs.CV', 'stat.ML', 'cs.AI', 'cs.NE'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const title = Array.from({ length: 5 + Math.floor(rand() * 8) }, () => pick(titleWords)).join(
      ' ',
    );
    const authors = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(names));
    const abstract = Array.from({ length: 4 + Math.floor(rand() * 6) }, () => pick(sentences)).join(
      ' ',
    );
    const id = `${2001 + Math.floor(i / 99999)}.${String(i % 99999).padStart(5, '0')}`;
    lines.push(
      JSON.stringify({
        id,
        submitter: authors[0],
        authors:
          authors.length > 1
            ? `${authors.slice(0, -1).join(', ')} and ${authors.at(-1) ?? ''}`
            : authors[0],
        title: `${title} ${i}`,
        comments: null,
        'journal-ref': null,
        doi: null,
        categories: `${pick(cats)} ${pick(cats)}`,
        abstract: `  ${abstract}\n`,
        versions: [{ version: 'v1', created: 'Mon, 2 Sep 2019 10:00:00 GMT' }],
        update_date: '2020-01-01',
      }),
    );
  }
  return lines.join('\n') + '\n';
}

interface Case {
  name: string;
  text: string;
  parse: (text: string) => ParseResult;
}

/** The fixture repeated `k` times with distinct titles (so ids stay unique). */
function scaleJsonArray(text: string, k: number): string {
  const arr = JSON.parse(text) as { title?: string }[];
  const out: unknown[] = [];
  for (let i = 0; i < k; i++)
    for (const x of arr) out.push({ ...x, title: `${x.title ?? ''} ${i}` });
  return JSON.stringify(out);
}

function cases(): Case[] {
  const vs = fixture('iclr2020-virtual-site-papers-30.json');
  const vsObj = JSON.parse(vs) as Record<string, { content: { title: string } }>;
  const vsBig: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) {
    for (const [k, v] of Object.entries(vsObj)) {
      vsBig[`${k}${i}`] = { ...v, content: { ...v.content, title: `${v.content.title} ${i}` } };
    }
  }
  const csv = fixture('miniconf-papers-30.csv');
  const [header = '', ...rows] = csv.split(/\r\n(?=[A-Za-z0-9_-]{10},)/);
  const csvBig = [
    header,
    ...Array.from({ length: 100 }, (_, i) =>
      rows.map((r) => r.replace(/^([^,]+),/, `$1${i},${i} `)),
    ).flat(),
  ].join('\r\n');
  const notes = JSON.parse(fixture('openreview-v2-notes.json')) as {
    notes: { content: { title: { value: string } } }[];
  };
  const notesBig = {
    notes: Array.from({ length: 400 }, (_, i) =>
      notes.notes.map((n) => ({
        ...n,
        content: { ...n.content, title: { value: `${n.content.title.value} ${i}` } },
      })),
    ).flat(),
  };
  const bib = fixture('iclr2020-sample.bib');
  const bibBig = Array.from({ length: 300 }, (_, i) =>
    bib.replace(/title(\s*)=(\s*)([{"])/gi, `title$1=$2$3${i} `),
  ).join('\n');
  const gen = fixture('generic-papers.csv');
  const genMap = {
    title: 'Title',
    authors: 'Author Names',
    abstract: 'Summary',
    track: 'Presentation',
  };
  const [gh = '', ...grows] = gen.split('\r\n').filter(Boolean);
  const genBig = [
    gh,
    ...Array.from({ length: 300 }, (_, i) =>
      grows.map((r) => r.replace(/^("[^"]*"),"/, `$1,"${i} `)),
    ).flat(),
  ].join('\r\n');
  const arxiv = fixture('arxiv-sample.jsonl');
  return [
    { name: 'miniconf-json (30)', text: vs, parse: (t) => parseMiniconfJson(t, 'f') },
    {
      name: 'miniconf-json (3,000)',
      text: JSON.stringify(vsBig),
      parse: (t) => parseMiniconfJson(t, 'f'),
    },
    { name: 'miniconf-csv (30)', text: csv, parse: (t) => parseMiniconfCsv(t, 'f') },
    { name: 'miniconf-csv (3,000)', text: csvBig, parse: (t) => parseMiniconfCsv(t, 'f') },
    {
      name: 'paperlists (31)',
      text: fixture('paperlists-iclr2020-submissions-31.json'),
      parse: (t) => parsePaperlists(t, 'f'),
    },
    {
      name: 'paperlists (3,100)',
      text: scaleJsonArray(fixture('paperlists-iclr2020-submissions-31.json'), 100),
      parse: (t) => parsePaperlists(t, 'f'),
    },
    {
      name: 'openreview (7)',
      text: fixture('openreview-v2-notes.json'),
      parse: (t) => parseOpenReview(t, 'f'),
    },
    {
      name: 'openreview (2,800)',
      text: JSON.stringify(notesBig, null, 2),
      parse: (t) => parseOpenReview(t, 'f'),
    },
    { name: 'arxiv-jsonl (6)', text: arxiv, parse: (t) => parseArxivJsonl(t, 'f') },
    { name: 'bibtex (10)', text: bib, parse: (t) => parseBibtex(t, 'f') },
    { name: 'bibtex (3,000)', text: bibBig, parse: (t) => parseBibtex(t, 'f') },
    { name: 'csv --map (10)', text: gen, parse: (t) => parseMapped(t, 'f', genMap, 'csv') },
    { name: 'csv --map (3,000)', text: genBig, parse: (t) => parseMapped(t, 'f', genMap, 'csv') },
    {
      name: 'listing (687, reference)',
      text: read(LISTING, LISTING_SRC),
      parse: (t) => parseListing(t, 'f'),
    },
  ];
}

export async function benchImport(): Promise<string> {
  const rows: (string | number)[][] = [];
  for (const c of cases()) {
    const n = c.parse(c.text).records.length;
    const mb = Buffer.byteLength(c.text) / 1e6;
    const runs = mb > 1 ? 7 : 25;
    const t = time(() => c.parse(c.text), runs, 3);
    rows.push([c.name, String(n), mb, t.median, n / (t.median / 1000), mb / (t.median / 1000)]);
  }
  // The generated 100k-record file, read from disk as ingest reads it (decode + parse).
  const dir = mkdtempSync(join(tmpdir(), 'confscope-import-'));
  try {
    const path = join(dir, 'arxiv-100k.jsonl');
    writeFileSync(path, generateArxivJsonl(100_000));
    const text = readInputText(path);
    const mb = Buffer.byteLength(text) / 1e6;
    const n = parseArxivJsonl(text, path).records.length;
    const t = time(() => parseArxivJsonl(readInputText(path), path), 3, 1);
    rows.push([
      'arxiv-jsonl generated (read + parse)',
      String(n),
      mb,
      t.median,
      n / (t.median / 1000),
      mb / (t.median / 1000),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await Promise.resolve();
  return [
    '## Import speed per format (parse only, medians)',
    '',
    table(['input', 'records', 'MB', 'median ms', 'records/s', 'MB/s'], rows),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) console.log(await benchImport());
