// paperlists (github.com/papercopilot/paperlists) JSON: an array of submissions
// `{id, title, status, author: "A;B", keywords: "x;y", rating, github, project, …}`. `status`
// is the decision (Poster, Spotlight, Talk/Oral, Reject, Withdraw, Desk Reject…): accepted
// papers get it as their track, every record keeps it as `decision`.

import type { ParseResult } from '../core/types.js';
import {
  assignIds,
  looksLikeOpenReviewId,
  notThisFormat,
  recordSpan,
  RecordBuilder,
  requireRecords,
  trackOf,
  type Draft,
} from './common.js';
import { isObject, kindOf, parseJson } from './json.js';

const NOT_ACCEPTED = /reject|withdraw|desk|submitted|pending|unknown/i;

export function parsePaperlists(text: string, path: string): ParseResult {
  const doc = parseJson(text, path, 'JSON (paperlists submissions)');
  const root = doc.value;
  if (!Array.isArray(root)) {
    throw notThisFormat(
      `${path}:1`,
      `expected a paperlists file (a JSON array of submissions), found ${kindOf(root)}`,
    );
  }
  requireRecords(root.length, path, 1, 'the paperlists array');
  if (!root.some(isObject)) {
    throw notThisFormat(
      `${path}:1`,
      `no submission objects: every item is ${kindOf(root[0])}; expected {"title": …, "status": …}`,
    );
  }
  const warnings: string[] = [];
  const drafts: Draft[] = [];
  root.forEach((v, i) => {
    const span = recordSpan(doc, root, i, v);
    const b = new RecordBuilder(path, span.line, span.endLine, i + 1);
    if (!isObject(v)) {
      warnings.push(`${b.at()}: expected a submission object, found ${kindOf(v)}; skipped`);
      return;
    }
    const id = b.text(v['id'], 'id')?.trim() || undefined;
    b.sourceId = id;
    const status = b.text(v['status'], 'status')?.trim() || undefined;
    const track = trackOf(status);
    if (status && !track && !NOT_ACCEPTED.test(status)) {
      b.warn('status', `unknown status "${status.slice(0, 60)}"; kept as the decision, track null`);
    }
    const link = (k: string) => {
      const u = b.text(v[k], k)?.trim();
      return u && /^https?:\/\//i.test(u) ? u : undefined;
    };
    const pdf = link('pdf');
    drafts.push(
      b.build({
        title: b.text(v['title'], 'title'),
        authors: b.list(v['author'] ?? v['authors'], 'author', /\s*;\s*/),
        abstract: b.text(v['abstract'], 'abstract'),
        keywords: b.list(v['keywords'], 'keywords', /\s*;\s*/),
        tldr: b.text(v['tldr'] ?? v['TL;DR'], 'tldr'),
        track,
        decision: status,
        links: [link('github'), link('project')],
        pdf,
        externalIds: {
          openreview: looksLikeOpenReviewId(id) ? id : undefined,
          arxiv: b.text(v['arxiv'], 'arxiv')?.trim() || undefined,
          doi: b.text(v['doi'], 'doi')?.trim() || undefined,
        },
      }),
    );
  });
  return { records: assignIds(drafts, path, warnings, 'openreview'), warnings };
}
