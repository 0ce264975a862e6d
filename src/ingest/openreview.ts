// OpenReview API v2 notes, as `GET /notes?invitation=…` returns them:
// `{notes: [{id, forum, content: {title: {value}, authors: {value: […]}, abstract: {value},
// keywords: {value: […]}, venue: {value}, pdf: {value}, TLDR: {value}}}]}`. A bare array of
// notes and API v1 notes (plain values instead of `{value}`) are read too. The venue
// (`ICLR 2024 oral`, `Submitted to ICLR 2024`) is the decision; its track word the track.

import type { ParseResult } from '../core/types.js';
import {
  absoluteUrl,
  assignIds,
  notThisFormat,
  recordSpan,
  RecordBuilder,
  requireRecords,
  trackOf,
  type Draft,
} from './common.js';
import { isObject, kindOf, parseJson, type Json } from './json.js';

const OPENREVIEW = 'https://openreview.net';

/** API v2 wraps each content value as `{value: …}`; v1 does not. */
function val(v: Json | undefined): Json | undefined {
  return isObject(v) && 'value' in v ? v['value'] : v;
}

export function parseOpenReview(text: string, path: string): ParseResult {
  const doc = parseJson(text, path, 'JSON (OpenReview notes)');
  const root = doc.value;
  const notes = isObject(root) ? root['notes'] : root;
  if (!Array.isArray(notes)) {
    throw notThisFormat(
      `${path}:1`,
      isObject(root)
        ? `expected OpenReview notes: the object has no "notes" array (keys: ${Object.keys(root).slice(0, 8).join(', ').slice(0, 200)})`
        : `expected OpenReview notes ({"notes": […]}), found ${kindOf(root)}`,
    );
  }
  requireRecords(notes.length, path, doc.spanOf(notes)?.line ?? 1, 'the "notes" array');
  if (!notes.some((n) => isObject(n) && isObject(n['content']))) {
    throw notThisFormat(
      `${path}:${doc.spanOf(notes)?.line ?? 1}`,
      `no note has a "content" object; expected {"id": …, "content": {"title": {"value": …}}}`,
    );
  }
  const warnings: string[] = [];
  const drafts: Draft[] = [];
  notes.forEach((note, i) => {
    const span = recordSpan(doc, notes, i, note);
    const b = new RecordBuilder(path, span.line, span.endLine, i + 1);
    if (!isObject(note)) {
      warnings.push(`${b.at()}: expected a note object, found ${kindOf(note)}; skipped`);
      return;
    }
    const id = b.text(note['id'], 'id')?.trim() || undefined;
    const forum = b.text(note['forum'], 'forum')?.trim() || undefined;
    b.sourceId = forum ?? id;
    const c = note['content'];
    if (!isObject(c)) {
      b.warn('content', `expected an object, found ${kindOf(c)}; kept with no fields`);
    }
    const content = isObject(c) ? c : {};
    const venue = b.text(val(content['venue']), 'content.venue')?.trim() || undefined;
    drafts.push(
      b.build({
        title: b.text(val(content['title']), 'content.title'),
        authors: b.list(val(content['authors']), 'content.authors', /\s*[,;]\s*/),
        abstract: b.text(val(content['abstract']), 'content.abstract'),
        keywords: b.list(val(content['keywords']), 'content.keywords', /\s*[,;]\s*/),
        tldr: b.text(val(content['TLDR'] ?? content['TL;DR']), 'content.TLDR'),
        track: trackOf(venue),
        decision: venue,
        pdf: absoluteUrl(b.text(val(content['pdf']), 'content.pdf')?.trim(), OPENREVIEW),
        links: [b.text(val(content['code']), 'content.code')?.trim()].filter((u) =>
          /^https?:\/\//i.test(u ?? ''),
        ),
        externalIds: { openreview: b.sourceId },
      }),
    );
  });
  return { records: assignIds(drafts, path, warnings, 'openreview'), warnings };
}
