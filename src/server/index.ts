// Start the HTTP server on a store: build the search index, listen, shut down cleanly.

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { openAnalysis, type AnalysisProgress, type OpenProgress } from '../app/analysis.js';
import { corporaSignature } from '../app/saved-index.js';
import type { Store } from '../store/types.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { ConfscopeError } from '../core/errors.js';
import { createApp } from './app.js';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const VERSION = '0.1.0';

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
  },
): Promise<RunningServer> {
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
  ) => {
    const before = await corporaSignature(store);
    const analysis = await openAnalysis(store, { onProgress, ...(onOpen ? { onOpen } : {}) });
    const corpora = await store.listCorpora();
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
  ): Promise<void> => {
    while (building) await building;
    building = rebuild(onProgress, onOpen).finally(() => (building = undefined));
    return building;
  };
  await build(opts.onProgress, opts.onOpen);
  let watcher: NodeJS.Timeout | undefined;
  if (opts.watchMs) {
    watcher = setInterval(() => {
      if (building) return;
      corporaSignature(store)
        .then((now) => (now !== served ? build() : undefined))
        // A database that is briefly unreachable is looked at again on the next tick.
        .catch(() => undefined);
    }, opts.watchMs);
    watcher.unref();
  }
  return new Promise((resolve, reject) => {
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
        resolve({
          url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              if (watcher) clearInterval(watcher);
              server.closeAllConnections();
              server.close(() => done());
            }),
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
