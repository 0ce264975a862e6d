// Reading input files and stored corpora: the steps every use case (ingest, enrich, export)
// starts from.

import { createHash } from 'node:crypto';
import { ConfscopeError } from '../core/errors.js';
import type { ParseResult, PaperRecord } from '../core/types.js';
import { parseText, readInputText, type InputFormat } from '../ingest/index.js';
import type { Store } from '../store/types.js';

export interface ParsedFile extends ParseResult {
  path: string;
  sourceHash: string;
}

/** Parse a file; `label` is the name records and warnings cite (default: the path itself). */
export function parseInputFile(path: string, format?: InputFormat, label = path): ParsedFile {
  return parseInputText(readInputText(path), label, format);
}

/** Parse text already read (an upload); `label` is what records and warnings cite. */
export function parseInputText(text: string, label: string, format?: InputFormat): ParsedFile {
  const result = parseText(text, label, format);
  return { ...result, path: label, sourceHash: createHash('sha256').update(text).digest('hex') };
}

export async function exportCorpus(store: Store, corpus?: string): Promise<PaperRecord[]> {
  if (corpus !== undefined) {
    const known = await store.listCorpora();
    if (!known.some((c) => c.name === corpus)) {
      const names = known.map((c) => c.name).join(', ') || 'none';
      throw new ConfscopeError(
        'UNKNOWN_CORPUS',
        `no corpus named "${corpus}" in the database (corpora: ${names})`,
      );
    }
  }
  return store.listPapers(corpus);
}
