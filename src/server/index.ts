// Start the HTTP server on a store: build the search index, listen, shut down cleanly. With
// listenFirst it listens at once and answers 503 with progress while the database opens.

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import {
  OPEN_STEPS,
  openAnalysis,
  type AnalysisProgress,
  type OpenProgress,
} from '../app/analysis.js';
import { corporaSignature } from '../app/saved-index.js';
import type { Store } from '../store/types.js';
import { OpenAPIHono } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import { ConfscopeError } from '../core/errors.js';
import type { z } from '@hono/zod-openapi';
import { createApp, problem } from './app.js';
import type { OpeningSchema } from './schemas.js';

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Resolves when the database is open and the real app serves (at once without listenFirst);
   * rejects with the error when opening failed, after the server was closed.
   */
  ready: Promise<void>;
  close(): Promise<void>;
}

export const VERSION = '0.1.0';

/** Seconds a client is told to wait before asking again while the database opens. */
const OPENING_RETRY_AFTER_S = 5;

/** The step of opening that runs after `last` is done (none done: the first; see OPEN_STEPS). */
function stepAfter(last: OpenProgress['step'] | undefined): string {
  if (last === undefined) return OPEN_STEPS[0];
  // After the last step, the app is being made.
  return OPEN_STEPS[OPEN_STEPS.indexOf(last) + 1] ?? 'starting';
}

/** Where opening the database is, as GET /api/health tells it while the server opens. */
export type OpeningStatus = z.infer<typeof OpeningSchema>;

/**
 * What answers while the database opens: GET /api/health 503 with an OpeningStatus, anything
 * else 503 problem+json; both with Retry-After.
 */
function openingApp(status: () => OpeningStatus): OpenAPIHono {
  const app = new OpenAPIHono();
  app.use('*', secureHeaders());
  const retry = { 'retry-after': String(OPENING_RETRY_AFTER_S) };
  app.get('/api/health', (c) => c.json(status(), 503, retry));
  app.all('*', (c) => {
    const s = status();
    const res = problem(c, 503, `opening the database (step: ${s.step}, ${s.seconds} s)`);
    res.headers.set('retry-after', retry['retry-after']);
    // An upload's body is not read: the connection is not reused.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') res.headers.set('connection', 'close');
    return res;
  });
  return app;
}

/** The store's reads and writes that opening makes (see yielding). */
const YIELDING: ReadonlySet<PropertyKey> = new Set([
  'listCorpora',
  'listPapers',
  'getPaper',
  'getVectors',
  'putVectors',
  'getModel',
  'putModel',
]);

/**
 * The store, whose reads and writes each start on a later turn of the event loop. SQLite
 * answers synchronously, so opening a database would otherwise hold the event loop from start
 * to end: no request answered (not even "opening"), no signal handled. With this the server
 * answers between the store calls of opening; a long computation within a step still holds it.
 */
function yielding(store: Store): Store {
  return new Proxy(store, {
    get(target, key) {
      const v: unknown = Reflect.get(target, key, target);
      if (typeof v !== 'function') return v;
      const f = v as (...args: unknown[]) => unknown;
      if (!YIELDING.has(key)) return f.bind(target);
      return async (...args: unknown[]) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        return f.apply(target, args);
      };
    },
  });
}

/** The built web UI shipped with the package (dist/web), when it has been built. */
export function defaultWebRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, '../../web'), join(here, '../../dist/web')].find((p) =>
    existsSync(join(p, 'index.html')),
  );
}

export async function startServer(
  store: Store,
  opts: {
    port: number;
    host: string;
    webRoot?: string;
    onProgress?: (p: AnalysisProgress) => void;
    /** Each step of opening the database at start (see openAnalysis). */
    onOpen?: (p: OpenProgress) => void;
    /** Turns on the write endpoints (ingest, enrich), which then require this bearer token. */
    writeToken?: string | null;
    /**
     * Look for changes made by other processes (an ingest or enrichment) this often, in ms, and
     * reload when the data changed; 0: never (the default here; the CLI sets 10 s).
     */
    watchMs?: number;
    /**
     * Listen at once and resolve when listening; until the database is open every request is
     * answered 503 with Retry-After (GET /api/health: the step and the time so far). `ready`
     * tells when it serves, or that opening failed (the server is then closed). Default: open
     * the database first, then listen, and resolve when serving.
     */
    listenFirst?: boolean;
  },
): Promise<RunningServer> {
  const t0 = performance.now();
  const webRoot = opts.webRoot ?? defaultWebRoot();
  const token = opts.writeToken ?? null;
  if (token !== null && token.length < 16)
    throw new ConfscopeError('BAD_ARGUMENT', 'the write token must be at least 16 characters');
  // The app is rebuilt after a write; requests in flight finish on the one they started on.
  let app: OpenAPIHono;
  let served = '';
  let building: Promise<void> | undefined;
  const rebuild = async (
    onProgress?: (p: AnalysisProgress) => void,
    onOpen?: (p: OpenProgress) => void,
    source: Store = store,
  ) => {
    const before = await corporaSignature(source);
    const analysis = await openAnalysis(source, { onProgress, ...(onOpen ? { onOpen } : {}) });
    const corpora = await source.listCorpora();
    app = createApp({
      analysis,
      corpora,
      version: VERSION,
      webRoot,
      write: { store, token, reload: () => build() },
    });
    served = before;
  };
  // One rebuild at a time; a request for another while one runs waits for it, then runs.
  const build = async (
    onProgress?: (p: AnalysisProgress) => void,
    onOpen?: (p: OpenProgress) => void,
    source?: Store,
  ): Promise<void> => {
    while (building) await building;
    building = rebuild(onProgress, onOpen, source).finally(() => (building = undefined));
    return building;
  };
  let closed = false;
  let watcher: NodeJS.Timeout | undefined;
  const watch = () => {
    if (!opts.watchMs || closed) return;
    watcher = setInterval(() => {
      if (building) return;
      corporaSignature(store)
        .then((now) => (now !== served ? build() : undefined))
        // A database that is briefly unreachable is looked at again on the next tick.
        .catch(() => undefined);
    }, opts.watchMs);
    watcher.unref();
  };
  const done: OpenProgress['step'][] = [];
  let papers: number | null = null;
  const firstBuild = () =>
    build(
      opts.onProgress,
      (p) => {
        done.push(p.step);
        papers = p.papers;
        opts.onOpen?.(p);
      },
      opts.listenFirst ? yielding(store) : store,
    );
  if (opts.listenFirst) {
    app = openingApp(() => {
      return {
        status: 'opening',
        version: VERSION,
        step: stepAfter(done.at(-1)),
        done: [...done],
        papers,
        seconds: Math.floor((performance.now() - t0) / 1000),
      };
    });
  } else {
    await firstBuild();
    watch();
  }
  return new Promise((resolve, reject) => {
    const close = () =>
      new Promise<void>((finished) => {
        closed = true;
        if (watcher) clearInterval(watcher);
        server.closeAllConnections();
        // Closing twice (a failed opening closed it already) is not an error here.
        server.close(() => finished());
      });
    const server = serve(
      {
        fetch: (req, env) => app.fetch(req, env),
        port: opts.port,
        hostname: opts.host,
        // Node checks the header and request timeouts below only this often (default 30 s,
        // so a slow client held its connection for up to 40 s instead of 10). Headers up to
        // 128 kB: a 10 000-character query percent-encoded is up to 90 kB of URL (Node's 16 kB
        // default answered such a query with a bare 431).
        serverOptions: { connectionsCheckingInterval: 1_000, maxHeaderSize: 128 * 1024 },
      },
      (info: AddressInfo) => {
        const host = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
        // Opening starts once listening (a port in use fails before any work). A failure
        // closes the server: it does not answer "opening" forever.
        const ready = opts.listenFirst
          ? firstBuild().then(watch, async (e: unknown) => {
              await close();
              throw e;
            })
          : Promise.resolve();
        // Handled here too: a caller that never looks at `ready` does not crash the process.
        ready.catch(() => undefined);
        resolve({
          url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
          port: info.port,
          ready,
          close,
        });
      },
    ) as Server;
    // Slow clients cannot hold a connection: bounded header and request times.
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    server.keepAliveTimeout = 5_000;
    server.on('error', reject);
  });
}

/**
 * What the served data depends on, cheap to read: every corpus's source, size and ingest time,
 * and the enrichments applied to it (an enrichment rewrites records without a new source).
 */
