// MiniConf (the conference virtual-site generator, e.g. iclr.cc/virtual_2020) exports:
// `papers.json` — an object keyed by OpenReview id (or an array) of
// `{id, forum, content: {title, authors, abstract, keywords, TL;DR, code, pdf, …}}` — and
// `papers.csv` — `UID,title,authors,abstract,keywords,sessions` with `|`-separated lists.

import type { ParseResult } from '../core/types.js';
import {
  absoluteUrl,
  assignIds,
  looksLikeOpenReviewId,
  notThisFormat,
  recordSpan,
  RecordBuilder,
  requireRecords,
  trackOf,
  type Draft,
} from './common.js';
import { findColumn, readCsv } from './csv.js';
import { isObject, kindOf, parseJson, type Json, type JsonObject } from './json.js';

const OPENREVIEW = 'https://openreview.net';

export function parseMiniconfJson(text: string, path: string): ParseResult {
  const doc = parseJson(text, path, 'JSON (MiniConf papers.json)');
  const root = doc.value;
  let entries: [string | undefined, Json][];
  if (Array.isArray(root)) entries = root.map((v) => [undefined, v]);
  else if (isObject(root)) entries = Object.entries(root);
  else {
    throw notThisFormat(
      `${path}:1`,
      `expected a MiniConf papers.json (an object keyed by paper id, or an array of papers), found ${kindOf(root)}`,
    );
  }
  requireRecords(entries.length, path, 1, 'the MiniConf papers.json');
  if (!entries.some(([, v]) => isObject(v))) {
    throw notThisFormat(
      `${path}:1`,
      `no paper objects: every entry is ${kindOf(entries[0]?.[1])}; expected {"content": {"title": …}}`,
    );
  }
  const warnings: string[] = [];
  const drafts: Draft[] = [];
  entries.forEach(([key, v], i) => {
    const span = recordSpan(doc, root, key ?? i, v);
    const b = new RecordBuilder(path, span.line, span.endLine, i + 1, key);
    if (!isObject(v)) {
      warnings.push(`${b.at()}: expected a paper object, found ${kindOf(v)}; skipped`);
      return;
    }
    let content: JsonObject = v;
    if (isObject(v['content'])) content = v['content'];
    else b.warn('content', `missing or not an object; reading the fields from the paper itself`);
    const id = b.text(v['id'], 'id') ?? b.text(content['id'], 'id');
    if (id && key !== undefined && id !== key) {
      b.warn(
        'id',
        `"${id.slice(0, 60)}" differs from its key "${key.slice(0, 60)}"; the key is kept`,
      );
    }
    b.sourceId = key ?? id;
    const code = b.text(content['code'], 'code');
    const sid = b.sourceId;
    drafts.push(
      b.build({
        title: b.text(content['title'], 'title'),
        authors: b.list(content['authors'], 'authors', /\s*[|;]\s*/),
        abstract: b.text(content['abstract'], 'abstract'),
        keywords: b.list(content['keywords'], 'keywords', /\s*[|;,]\s*/),
        tldr: b.text(content['TL;DR'] ?? content['TLDR'] ?? content['tldr'], 'TL;DR'),
        links: [code && /^https?:\/\//i.test(code) ? code : undefined],
        track: trackOf(b.text(content['session_type'] ?? content['track'], 'track')),
        pdf: absoluteUrl(b.text(content['pdf'], 'pdf'), OPENREVIEW),
        externalIds: { openreview: looksLikeOpenReviewId(sid) ? sid : undefined },
      }),
    );
  });
  return { records: assignIds(drafts, path, warnings, 'openreview'), warnings };
}

export function parseMiniconfCsv(text: string, path: string): ParseResult {
  const table = readCsv(text, path);
  const col = (...names: string[]) => findColumn(table.header, names);
  const c = {
    uid: col('UID', 'id'),
    title: col('title'),
    authors: col('authors'),
    abstract: col('abstract'),
    keywords: col('keywords'),
    sessions: col('sessions'),
    pdf: col('pdf_url', 'pdf'),
    tldr: col('TLDR', 'TL;DR'),
  };
  if (c.title < 0 && c.uid < 0) {
    throw notThisFormat(
      `${path}:${table.headerLine}`,
      `not a MiniConf papers.csv: the header has no "UID" or "title" column (columns: ${table.header.slice(0, 12).join(', ').slice(0, 300)})`,
    );
  }
  requireRecords(table.rows.length, path, table.headerLine, 'the CSV');
  const warnings: string[] = [];
  const drafts: Draft[] = table.rows.map((row, i) => {
    const cell = (k: number) => (k >= 0 ? row.cells[k] : undefined);
    const uid = cell(c.uid)?.trim() || undefined;
    const b = new RecordBuilder(path, row.line, row.endLine, i + 1, uid);
    if (row.cells.length !== table.header.length) {
      b.warn(
        undefined,
        `${row.cells.length} fields where the header has ${table.header.length}; read by position`,
      );
    }
    return b.build({
      title: b.text(cell(c.title), 'title'),
      authors: b.list(cell(c.authors), 'authors', /\s*\|\s*/),
      abstract: b.text(cell(c.abstract), 'abstract'),
      keywords: b.list(cell(c.keywords), 'keywords', /\s*\|\s*/),
      tldr: b.text(cell(c.tldr), 'TLDR'),
      pdf: absoluteUrl(cell(c.pdf)?.trim(), OPENREVIEW),
      externalIds: { openreview: looksLikeOpenReviewId(uid) ? uid : undefined },
    });
  });
  return { records: assignIds(drafts, path, warnings, 'openreview'), warnings };
}
