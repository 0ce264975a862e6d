import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfscopeError } from '../core/errors.js';
import { RECORD_FIELDS } from '../core/types.js';
import { paperId, parseListing } from './listing.js';
import { parseMiniconfCsv, parseMiniconfJson } from './miniconf.js';
import { normalizeKey } from './text.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8');
const listing = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'listing.md',
).records;
const listingById = new Map(listing.map((r) => [r.id, r]));

/** `line:column` just past the end of a text. */
const endOf = (t: string) => {
  const lines = t.split('\n');
  return `${lines.length}:${(lines.at(-1) ?? '').length + 1}`;
};

const JSON_PATH = 'vs.json';
const vsText = fixture('iclr2020-virtual-site-papers-30.json');
const vs = parseMiniconfJson(vsText, JSON_PATH);
const raw = JSON.parse(vsText) as Record<string, { content: Record<string, unknown> }>;

describe('MiniConf virtual-site papers.json (first 30 ICLR 2020 papers)', () => {
  it('reads all 30 records, in file order, without warnings', () => {
    expect(vs.records).toHaveLength(30);
    expect(vs.warnings).toEqual([]);
    expect(vs.records.flatMap((r) => r.warnings)).toEqual([]);
    expect(vs.records.map((r) => r.externalIds?.openreview)).toEqual(Object.keys(raw));
  });

  it('has the listing shape first, extras after; sources point at the paper key', () => {
    const lines = vsText.split(/\r?\n/);
    for (const r of vs.records) {
      expect(Object.keys(r).slice(0, RECORD_FIELDS.length)).toEqual([...RECORD_FIELDS]);
      expect(r.source.path).toBe(JSON_PATH);
      expect(lines[r.source.startLine - 1]).toContain(`"${r.externalIds?.openreview ?? '?'}"`);
      expect(r.source.endLine).toBeGreaterThanOrEqual(r.source.startLine);
    }
  });

  it('gives the listing id and title for the same paper (dedupe/enrichment key)', () => {
    for (const r of vs.records) {
      expect(r.id).toBe(paperId(`t:${normalizeKey(r.title ?? '')}`));
      const l = listingById.get(r.id);
      expect(l, r.title ?? '').toBeDefined();
      expect(r.title).toBe(l?.title);
      expect(r.authors).toEqual(l?.authors);
    }
  });

  it('keeps keywords, TL;DR, the code link, the PDF URL and the OpenReview id', () => {
    const r = vs.records[0];
    expect(r?.title).toBe(
      'Curriculum Loss: Robust Learning and Generalization against Label Corruption',
    );
    expect(r?.keywords).toEqual([
      'curriculum learning',
      'expressive power',
      'generalization',
      'robust learning',
      'robustness',
    ]);
    expect(r?.tldr).toBe('A novel loss bridges curriculum learning and robust learning');
    expect(r?.pdf).toBe('https://openreview.net/pdf/800966a39eedb870f2172779e97ac57edbff69e5.pdf');
    expect(r?.externalIds).toEqual({ openreview: 'rkgt0REKwS' });
    expect(r?.abstract).not.toMatch(/\s\s/);
    const withCode = Object.entries(raw).filter(([, v]) => v.content['code']);
    expect(withCode.length).toBe(12);
    for (const [id, v] of withCode) {
      const rec = vs.records.find((x) => x.externalIds?.openreview === id);
      expect(rec?.links).toContain(v.content['code']);
    }
    expect(vs.records.filter((x) => x.tldr === undefined)).toHaveLength(5);
  });

  it('reads an array of papers too, and pretty-printed files give line spans', () => {
    const arr = JSON.stringify(Object.values(raw).slice(0, 3), null, 2);
    const out = parseMiniconfJson(arr, 'a.json');
    expect(out.records.map((r) => r.id)).toEqual(vs.records.slice(0, 3).map((r) => r.id));
    expect(out.records[0]?.source.startLine).toBe(2);
    expect(out.records[1]?.source.startLine).toBeGreaterThan(out.records[0]?.source.endLine ?? 0);
  });

  it('keeps a paper without a title or without an id, with a located warning', () => {
    const text = JSON.stringify(
      {
        A1b2C3d4E5: { id: 'A1b2C3d4E5', content: { authors: ['X Y'], abstract: 'No title.' } },
        k2: { content: { title: 42, authors: 'A B|C D' } },
        k3: 'not a paper',
      },
      null,
      1,
    );
    const out = parseMiniconfJson(text, 'w.json');
    expect(out.records).toHaveLength(2);
    expect(out.records[0]?.title).toBeNull();
    expect(out.records[0]?.id).toBe(paperId('openreview:A1b2C3d4E5'));
    expect(out.records[0]?.warnings).toEqual([
      'w.json:2: record 1 (A1b2C3d4E5), field "title": no title; kept with title null',
    ]);
    expect(out.records[1]?.title).toBe('42');
    expect(out.records[1]?.authors).toEqual(['A B', 'C D']);
    expect(out.records[1]?.warnings.join()).toContain(
      'record 2 (k2), field "title": expected text, found number 42',
    );
    expect(out.warnings).toEqual([
      'w.json:17: record 3 (k3): expected a paper object, found a string; skipped',
    ]);
  });

  it('refuses wrong shapes, truncated JSON and empty objects with file:line', () => {
    const err = (t: string) => {
      try {
        parseMiniconfJson(t, 'b.json');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfscopeError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err('"hello"')).toMatch(/^b\.json:1: expected a MiniConf papers\.json/);
    expect(err('{}')).toMatch(/^b\.json:1: the MiniConf papers\.json has no records/);
    expect(err('[1, 2]')).toMatch(/^b\.json:1: no paper objects/);
    const cut = vsText.slice(0, 5000);
    expect(err(cut)).toMatch(
      new RegExp(
        `^b\\.json:${endOf(cut)}: invalid JSON \\(MiniConf papers\\.json\\): the file ends inside the string opened at line \\d+`,
      ),
    );
    expect(err('{\n  "a": {"content": {"title": "x"}\n')).toMatch(
      /^b\.json:3:1: .*the file ends inside the object opened at line 2, column 8 \(truncated\?\)$/,
    );
    expect(err('{"a": {"content": {"title": "x",}}}')).toMatch(
      /^b\.json:1:33: .*expected a quoted key, found "}"/,
    );
    expect(err('['.repeat(10000))).toMatch(/nested deeper than 256 levels/);
  });

  it('keeps a field over 1 MB, with a warning', () => {
    const big = 'word '.repeat(250_000);
    const out = parseMiniconfJson(
      JSON.stringify({ k: { content: { title: 'Big', abstract: big } } }),
      'h.json',
    );
    expect(out.records[0]?.abstract.length).toBe(big.trim().length);
    expect(out.records[0]?.warnings).toEqual([
      'h.json:1: record 1 (k), field "abstract": 1.2 M characters (over 1 MB); kept',
    ]);
  });
});

const CSV_PATH = 'papers.csv';
const csvText = fixture('miniconf-papers-30.csv');
const csv = parseMiniconfCsv(csvText, CSV_PATH);

describe('MiniConf papers.csv (first 30 rows)', () => {
  it('reads 30 records with their line spans; the one ALL-CAPS title gets its case back', () => {
    expect(csv.records).toHaveLength(30);
    expect(csv.warnings).toEqual([]);
    const k = csv.records.findIndex((r) => r.title === 'Learned Step Size Quantization');
    const caps = csv.records[k];
    expect(caps?.warnings).toEqual([
      `${CSV_PATH}:${caps?.source.startLine}: record ${k + 1}, field "title": printed in ALL CAPS; case restored`,
    ]);
    expect(csv.records.flatMap((r) => r.warnings)).toHaveLength(1);
    expect(csv.records[0]?.source).toEqual({ path: CSV_PATH, startLine: 2, endLine: 2 });
    const lines = csvText.split('\r\n');
    for (const r of csv.records) {
      const uid = r.externalIds?.openreview ?? '';
      expect(lines[r.source.startLine - 1]?.startsWith(`${uid},`)).toBe(true);
    }
  });

  it('matches the listing titles, ids and authors; lists split on |', () => {
    for (const r of csv.records) {
      const l = listingById.get(r.id);
      // Same paper, same id; the CSV's capitalisation differs for one ("TEmporal").
      expect(l?.title?.toLowerCase()).toBe(r.title?.toLowerCase());
      expect(r.authors).toEqual(l?.authors);
    }
    expect(csv.records[0]?.authors).toEqual([
      'Nitin Rathi',
      'Gopalakrishnan Srinivasan',
      'Priyadarshini Panda',
      'Kaushik Roy',
    ]);
    expect(csv.records[0]?.keywords).toEqual(['imagenet']);
    expect(csv.records[0]?.externalIds).toEqual({ openreview: 'B1xSperKvH' });
  });

  it('same papers as the virtual-site JSON get the same ids', () => {
    const all = new Set(listing.map((r) => r.id));
    expect(csv.records.every((r) => all.has(r.id))).toBe(true);
  });

  it('warns on short rows and missing titles; refuses a CSV without the columns', () => {
    const out = parseMiniconfCsv('UID,title,authors\nAbCdEfGhIj,,A B|C D\nx,Short\n', 'c.csv');
    expect(out.records).toHaveLength(2);
    expect(out.records[0]?.warnings).toEqual([
      'c.csv:2: record 1 (AbCdEfGhIj), field "title": no title; kept with title null',
    ]);
    expect(out.records[1]?.warnings).toEqual([
      'c.csv:3: record 2 (x): 2 fields where the header has 3; read by position',
    ]);
    expect(() => parseMiniconfCsv('a,b\n1,2\n', 'd.csv')).toThrow(
      /^d\.csv:1: not a MiniConf papers\.csv: the header has no "UID" or "title" column/,
    );
    expect(() => parseMiniconfCsv('UID,title\n', 'e.csv')).toThrow(
      /^e\.csv:1: the CSV has no records/,
    );
    expect(() => parseMiniconfCsv('UID,title\nx,"open\ny,z\n', 'f.csv')).toThrow(
      /^f\.csv:2: a quoted field .* never closed/,
    );
  });
});
