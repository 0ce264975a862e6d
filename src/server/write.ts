// Write endpoints: ingest a corpus and enrich one over HTTP. Off unless the server is started
// with a token (`--write-token` / CONFSCOPE_WRITE_TOKEN); then every write needs
// `Authorization: Bearer TOKEN`. After a write the server reloads its index and analysis.

import { timingSafeEqual, createHash } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ConfscopeError, isConfscopeError } from '../core/errors.js';
import { enrichCorpusWith } from '../app/enrich.js';
import {
  INPUT_FORMATS,
  parseInputText,
  storeParsed,
  validateCorpusName,
  type InputFormat,
} from '../app/index.js';
import { decodeUtf8 } from '../ingest/text.js';
import type { Store } from '../store/types.js';

export const WRITE_LIMITS = {
  /** Largest upload accepted (the ICLR listing is 0.9 MB, the virtual-site data 1.5 MB). */
  bodyBytes: 32 * 1024 * 1024,
} as const;

export interface WriteDeps {
  store: Store;
  /** Null: writes are off and answer 403. */
  token: string | null;
  /** Rebuild the served index and analysis after a change. */
  reload: () => Promise<void>;
}

/** Paths the read-only body limit and timeout must leave alone. */
export const WRITE_PREFIX = '/api/corpora/';

type Problem = (c: Context, status: number, detail: string) => Response;

/** Compare tokens in constant time (hashes have equal lengths whatever was sent). */
function tokenMatches(expected: string, header: string | undefined): boolean {
  const sent = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(sent).digest();
  return sent.length > 0 && timingSafeEqual(a, b);
}

async function readBody(c: Context, problem: Problem): Promise<string | Response> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > WRITE_LIMITS.bodyBytes)
    return problem(c, 413, `upload larger than ${WRITE_LIMITS.bodyBytes} bytes`);
  const reader = (c.req.raw.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) return problem(c, 400, 'request body: the file to ingest is missing');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > WRITE_LIMITS.bodyBytes) {
      await reader.cancel();
      const res = problem(c, 413, `upload larger than ${WRITE_LIMITS.bodyBytes} bytes`);
      res.headers.set('connection', 'close');
      return res;
    }
    chunks.push(value);
  }
  if (!size) return problem(c, 400, 'request body: the file to ingest is empty');
  return decodeUtf8(Buffer.concat(chunks), 'request body');
}

function formatParam(c: Context): InputFormat | undefined {
  const f = c.req.query('format');
  if (f === undefined || f === '') return undefined;
  if (!(INPUT_FORMATS as readonly string[]).includes(f))
    throw new ConfscopeError(
      'BAD_ARGUMENT',
      `format: expected one of ${INPUT_FORMATS.join(', ')}, got ${JSON.stringify(f.slice(0, 40))}`,
    );
  return f as InputFormat;
}

/** Socket errors and PostgreSQL's connection/shutdown classes (08xxx, 57P0x): worth a retry. */
function databaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) ||
    /^08...$|^57P0[1-3]$/.test(code)
  );
}

/** Register PUT /api/corpora/{name} and POST /api/corpora/{name}/enrich. */
export function registerWriteRoutes(app: OpenAPIHono, deps: WriteDeps, problem: Problem): void {
  // One write at a time: the store serialises them anyway, and reloads must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const guard = async (
    c: Context,
    fn: (corpus: string, text: string, format: InputFormat | undefined) => Promise<Response>,
  ): Promise<Response> => {
    if (deps.token === null)
      return problem(
        c,
        403,
        'this server is read-only: start it with --write-token (or CONFSCOPE_WRITE_TOKEN) to allow writes',
      );
    if (!tokenMatches(deps.token, c.req.header('authorization'))) {
      const res = problem(c, 401, 'a write needs the header "Authorization: Bearer <token>"');
      res.headers.set('www-authenticate', 'Bearer realm="confscope"');
      return res;
    }
    try {
      const corpus = validateCorpusName(c.req.param('name') ?? '');
      const format = formatParam(c);
      const text = await readBody(c, problem);
      if (text instanceof Response) return text;
      return await fn(corpus, text, format);
    } catch (e) {
      if (isConfscopeError(e) && e.code !== 'STORE_ERROR') return problem(c, 400, e.message);
      if (isConfscopeError(e) || databaseUnavailable(e)) {
        // The database is unreachable or refused the write (e.g. PostgreSQL restarting).
        const res = problem(
          c,
          503,
          isConfscopeError(e) ? e.message : 'the database is unavailable; try again shortly',
        );
        res.headers.set('retry-after', '5');
        return res;
      }
      throw e;
    }
  };

  app.put('/api/corpora/:name', (c) =>
    guard(c, (corpus, text, format) =>
      exclusive(async () => {
        // Parsed in full before the store is touched: a bad upload changes nothing.
        const parsed = parseInputText(text, `upload:${corpus}`, format);
        const summary = await storeParsed(deps.store, corpus, parsed);
        await deps.reload();
        return c.json({ summary, warnings: parsed.warnings.length }, 200);
      }),
    ),
  );

  app.post('/api/corpora/:name/enrich', (c) =>
    guard(c, (corpus, text, format) =>
      exclusive(async () => {
        const source = c.req.query('source') ?? 'upload';
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(source))
          return problem(c, 400, 'source: use 1-64 letters, digits, ".", "_" or "-"');
        const parsed = parseInputText(text, `upload:${source}`, format);
        const { report, summary } = await enrichCorpusWith(deps.store, corpus, parsed, {
          source,
          path: `upload:${source}`,
        });
        await deps.reload();
        // The per-paper matches stay out of the response; `confscope enrich` prints them.
        const counts = Object.fromEntries(Object.entries(report).filter(([k]) => k !== 'matches'));
        return c.json({ report: counts, summary }, 200);
      }),
    ),
  );
}
