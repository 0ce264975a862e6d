// arXiv metadata as JSON Lines (the arXiv/Kaggle `arxiv-metadata-oai-snapshot.json` shape):
// one object a line, `{id, title, authors: "A, B and C", abstract, categories: "cs.LG
// stat.ML", doi, versions, …}`. Read line by line (`ArxivJsonlParser` takes lines as they
// come, so a stream never needs the whole file in memory); every warning names its line.

import type { PaperRecord, ParseResult } from '../core/types.js';
import { ConfscopeError } from '../core/errors.js';
import { assignIds, RecordBuilder, type Draft } from './common.js';
import { isObject, kindOf, type Json } from './json.js';
import { latexToText } from './bibtex.js';
import { splitAuthors } from './text.js';

/** Names from arXiv's author string: `A, B and C`, `A and B`, `A; B`. */
export function splitArxivAuthors(s: string): string[] {
  return splitAuthors(latexToText(s).replace(/\s*\([^()]*\)/g, ''));
}

export class ArxivJsonlParser {
  private readonly drafts: Draft[] = [];
  readonly warnings: string[] = [];
  private firstBad: string | undefined;
  private n: number;
  /** `firstRecord`: records before this parser's lines (when a stream is parsed in batches). */
  constructor(
    readonly path: string,
    firstRecord = 0,
  ) {
    this.n = firstRecord;
  }

  /** Records read so far, counting from `firstRecord`. */
  get recordCount(): number {
    return this.n;
  }

  /** Feed one line (without its line break) and its 1-based number. */
  line(text: string, no: number): void {
    const t = text.trim();
    if (t === '') return;
    let v: Json;
    try {
      v = JSON.parse(t) as Json;
    } catch (e) {
      this.reject(no, `not valid JSON (${(e as Error).message.slice(0, 120)})`);
      return;
    }
    if (!isObject(v)) {
      this.reject(no, `expected a JSON object, found ${kindOf(v)}`);
      return;
    }
    this.n++;
    const b = new RecordBuilder(this.path, no, no, this.n);
    const id = b.text(v['id'], 'id')?.trim() || undefined;
    b.sourceId = id;
    const cats = b.text(v['categories'], 'categories');
    const doi = b.text(v['doi'], 'doi')?.trim() || undefined;
    this.drafts.push(
      b.build({
        title: b.text(v['title'], 'title'),
        authors: b.list(v['authors'], 'authors', splitArxivAuthors),
        abstract: b.text(v['abstract'], 'abstract'),
        keywords: cats ? cats.split(/\s+/).filter(Boolean) : undefined,
        pdf: id ? `https://arxiv.org/pdf/${id}` : undefined,
        externalIds: { arxiv: id, doi },
      }),
    );
  }

  private reject(no: number, why: string): void {
    const msg = `${this.path}:${no}: ${why}; line skipped`;
    this.firstBad ??= msg;
    this.warnings.push(msg);
  }

  finish(): ParseResult {
    if (this.drafts.length === 0) {
      if (this.firstBad) {
        throw new ConfscopeError(
          'NOT_A_LISTING',
          `${this.firstBad.replace(/; line skipped$/, '')}: not arXiv JSON Lines (no line holds a JSON object)`,
        );
      }
      throw new ConfscopeError(
        'EMPTY_INPUT',
        `${this.path}: no records (the file has only blank lines)`,
      );
    }
    const records: PaperRecord[] = assignIds(this.drafts, this.path, this.warnings, 'arxiv');
    return { records, warnings: this.warnings };
  }
}

export function parseArxivJsonl(text: string, path: string): ParseResult {
  const p = new ArxivJsonlParser(path);
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let no = 1;
  const nl = /\r\n|\r|\n/g;
  for (;;) {
    nl.lastIndex = start;
    const m = nl.exec(text);
    if (!m) break;
    p.line(text.slice(start, m.index), no++);
    start = m.index + m[0].length;
  }
  if (start < text.length) p.line(text.slice(start), no);
  return p.finish();
}

/** The same from a stream of lines (e.g. `readline` over a file stream). */
export async function parseArxivJsonlLines(
  lines: AsyncIterable<string> | Iterable<string>,
  path: string,
): Promise<ParseResult> {
  const p = new ArxivJsonlParser(path);
  let no = 0;
  for await (const l of lines) p.line(l, ++no);
  return p.finish();
}
