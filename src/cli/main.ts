#!/usr/bin/env node
// confscope command line: parses arguments, calls the library, maps errors to exit codes.
// Each command's work lives in the library (src/app); this file only wires and prints.

import { Command, CommanderError, Option } from 'commander';
import {
  DEFAULT_CORPUS,
  ensureDefaultCorpus,
  OUTPUT_FORMATS,
  INPUT_FORMATS,
  defaultDbPath,
  dbLabel,
  describeRecords,
  exportCorpus,
  corpusNameFor,
  storeParsed,
  validateCorpusName,
  isConfscopeError,
  openStore,
  parseInputFile,
  serialize,
  type InputFormat,
  type OutputFormat,
  type PaperRecord,
  type IngestSummary,
} from '../app/index.js';
import {
  formatCounts,
  formatResultTable,
  info,
  plural,
  printWarnings,
  writeOut,
} from './output.js';
import {
  openSearchIndex,
  readTopics,
  searchBatch,
  SEARCH_MODES,
  type SearchMode,
} from '../app/search.js';
import { writeFileSync } from 'node:fs';
import { startServer, type RunningServer } from '../server/index.js';
import { addAnalysisCommands } from './analysis.js';
import { addEnrichCommand } from './enrich.js';
import { embedCorpus } from '../app/embeddings.js';
import { progressBar } from './progress.js';
import { ingestJsonlStream, shouldStream } from '../app/stream-ingest.js';
import { hasStagedIngest } from '../store/types.js';
import type { Store } from '../store/types.js';
import { parseMappedFile } from '../ingest/index.js';
import { relaunchIfLarge } from './heap.js';

const allWarnings = (records: readonly PaperRecord[], global: readonly string[]) => [
  ...global,
  ...records.flatMap((r) => r.warnings),
];

function summaryLine(s: IngestSummary): string {
  return `${s.added} added, ${s.updated} updated, ${s.moved} moved, ${s.unchanged} unchanged, ${s.removed} removed`;
}

export function buildProgram(): Command {
  const program = new Command('confscope')
    .description('Turn a conference listing into an offline, searchable knowledge base.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    // Before any .command(): commander copies the exit callback into each sub-command.
    .exitOverride();

  const dbOption = () =>
    new Option(
      '--db <path|url>',
      'SQLite database file, or postgres://user@host:port/db for PostgreSQL (env CONFSCOPE_DB, then DATABASE_URL)',
      // The help shows the default without a password.
    ).default(defaultDbPath(), dbLabel(defaultDbPath()));
  const outFormat = () =>
    new Option('--format <format>', 'output format').choices([...OUTPUT_FORMATS]).default('jsonl');
  const inFormat = (flag: string) =>
    new Option(flag, 'input format (detected from content when omitted)').choices([
      ...INPUT_FORMATS,
    ]);

  program
    .command('parse')
    .description('parse a listing and print its records (summary and warnings on stderr)')
    .argument('<file>', 'the input file')
    .addOption(outFormat())
    .addOption(inFormat('--input-format <format>'))
    .option('--map <spec>', 'columns of a CSV/JSON file: title=Title,authors=Author Names,…')
    .option('--all-warnings', 'print every warning, not only the first 20')
    .action(
      async (
        file: string,
        o: { format: OutputFormat; inputFormat?: InputFormat; map?: string; allWarnings?: boolean },
      ) => {
        const t0 = performance.now();
        const parsed =
          o.map === undefined
            ? parseInputFile(file, o.inputFormat)
            : parseMappedFile(file, o.map, o.inputFormat);
        const ms = performance.now() - t0;
        await writeOut(serialize(parsed.records, o.format));
        const d = describeRecords(parsed.records);
        const warnings = allWarnings(parsed.records, parsed.warnings);
        printWarnings(warnings, o.allWarnings ? Infinity : 20);
        info(
          `${file}: ${plural(d.total, 'record')} (${formatCounts(d.byTrack)}; ${d.untitled} untitled), ` +
            `${plural(warnings.length, 'warning')}, parsed in ${ms.toFixed(1)} ms`,
        );
      },
    );

  program
    .command('ingest')
    .description('parse a file and store its records as a corpus (one transaction)')
    .argument('<file>', 'the input file')
    .addOption(dbOption())
    .option('--corpus <name>', 'corpus name (default: from the file name)')
    .addOption(inFormat('--format <format>'))
    .option('--map <spec>', 'columns of a CSV/JSON file: title=Title,authors=Author Names,…')
    .option('--all-warnings', 'print every warning')
    .option(
      '--stream',
      'read an arXiv JSON Lines file as a stream (automatic above 64 MB): batches, progress, resumable',
    )
    .action(
      async (
        file: string,
        o: {
          db: string;
          corpus?: string;
          format?: InputFormat;
          map?: string;
          allWarnings?: boolean;
          stream?: boolean;
        },
      ) => {
        const t0 = performance.now();
        if (o.map === undefined && shouldStream(file, o.format, o.stream)) {
          await ingestStreamCommand(file, o, t0);
          return;
        }
        // Parse (and refuse bad input) before the database is opened or created.
        const parsed =
          o.map === undefined
            ? parseInputFile(file, o.format)
            : parseMappedFile(file, o.map, o.format);
        const corpus = o.corpus !== undefined ? validateCorpusName(o.corpus) : corpusNameFor(file);
        const store = await openStore(o.db);
        try {
          const summary = await storeParsed(store, corpus, parsed);
          printWarnings(
            allWarnings(parsed.records, parsed.warnings),
            o.allWarnings ? Infinity : 20,
          );
          const d = describeRecords(parsed.records);
          info(
            `ingested ${plural(summary.total, 'record')} (${formatCounts(d.byTrack)}) into corpus "${summary.corpus}" of ${dbLabel(o.db)}: ` +
              `${summaryLine(summary)} in ${(performance.now() - t0).toFixed(0)} ms`,
          );
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('export')
    .description('print the stored records in the same shape as `parse`')
    .addOption(dbOption())
    .option('--corpus <name>', 'only this corpus (default: all)')
    .addOption(outFormat())
    .action(async (o: { db: string; corpus?: string; format: OutputFormat }) => {
      const store = await openStore(o.db, { mustExist: true });
      try {
        const records = await exportCorpus(store, o.corpus);
        await writeOut(serialize(records, o.format));
        info(`exported ${plural(records.length, 'record')}`);
      } finally {
        await store.close();
      }
    });

  program
    .command('corpora')
    .description('list the corpora stored in the database')
    .addOption(dbOption())
    .option('--format <format>', 'json or table', 'table')
    .action(async (o: { db: string; format: string }) => {
      const store = await openStore(o.db, { mustExist: true });
      try {
        const corpora = await store.listCorpora();
        if (o.format === 'json') await writeOut(JSON.stringify(corpora, null, 2) + '\n');
        else
          for (const c of corpora)
            await writeOut(`${c.name}\t${c.papers} papers\t${c.sourcePath}\t${c.ingestedAt}\n`);
      } finally {
        await store.close();
      }
    });

  program
    .command('search')
    .description('search the stored papers (hybrid by default); --batch writes a TREC run')
    .argument('[query]', 'the query, in the query language (see below)')
    .addOption(dbOption())
    .option('--limit <n>', 'number of results', '10')
    .option('--offset <n>', 'skip this many results', '0')
    .addOption(new Option('--mode <mode>', 'ranking').choices([...SEARCH_MODES]).default('hybrid'))
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option('--batch <topics.tsv>', 'answer every `qid<TAB>query` line of this file')
    .option('--run <out.trec>', 'with --batch: write the TREC run here')
    .addHelpText(
      'after',
      `
Query language:
  graph neural networks        free words (OR, ranked by BM25F + semantics)
  "mode connectivity"          phrase (required)
  transform*                   prefix
  -word  -"phrase"             exclude
  track:spotlight  author:"Sergey Levine"  -author:levine  title:attention
  has:code  dataset:cifar-10  corpus:iclr2020  topic:…
  Free text naming a track ("spotlight papers on …") or a full author name
  ("Yoshua Bengio") is read as a filter.`,
    )
    .action(
      async (
        query: string | undefined,
        o: {
          db: string;
          limit: string;
          offset: string;
          mode: SearchMode;
          format: string;
          batch?: string;
          run?: string;
        },
      ) => {
        const limit = positiveInt(o.limit, '--limit');
        const offset = positiveInt(o.offset, '--offset', true);
        if (o.batch !== undefined && query !== undefined)
          throw usage('give either a query or --batch, not both');
        if (o.batch === undefined && query === undefined)
          throw usage('give a query, or --batch TOPICS.tsv --run OUT.trec');
        if (o.batch !== undefined && o.run === undefined)
          throw usage('--batch needs --run OUT.trec');
        const topics = o.batch !== undefined ? readTopics(o.batch) : [];
        const store = await openStore(o.db, { mustExist: true });
        try {
          const index = await openSearchIndex(store);
          if (o.batch !== undefined && o.run !== undefined) {
            const run = await searchBatch(index, topics, { mode: o.mode, limit, offset });
            writeFileSync(o.run, run);
            info(
              `wrote ${plural(topics.length, 'topic')} to ${o.run} (mode ${o.mode}, ${limit} results each)`,
            );
            return;
          }
          const result = await index.search(query ?? '', { mode: o.mode, limit, offset });
          await writeOut(
            o.format === 'json'
              ? JSON.stringify(result, null, 2) + '\n'
              : formatResultTable(result),
          );
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('embed')
    .description(
      'compute and cache the vectors of every paper for a model (resumable; progress bar)',
    )
    .addOption(dbOption())
    .addOption(new Option('--model <model>', 'embedder').choices(['lsa', 'use']).default('use'))
    .action(async (o: { db: string; model: 'lsa' | 'use' }) => {
      const store = await openStore(o.db, { mustExist: true });
      try {
        const t0 = performance.now();
        const r = await embedCorpus(store, o.model, progressBar(`embedding with ${o.model}`));
        info(
          `${r.model}: ${plural(r.total, 'paper')} (${r.cached} from the cache, ${r.total - r.cached} computed) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
      } finally {
        await store.close();
      }
    });

  const portOption = () =>
    new Option('--port <port>', 'port to listen on (env PORT)').default(
      process.env['PORT'] ?? String(DEFAULT_PORT),
    );
  const hostOption = () =>
    new Option('--host <host>', 'interface to listen on (0.0.0.0 for every interface)').default(
      '127.0.0.1',
    );

  const tokenOption = () =>
    new Option(
      '--write-token <token>',
      'allow the write endpoints (PUT /api/corpora/NAME, POST …/enrich) with this bearer token, 16+ characters (prefer env CONFSCOPE_WRITE_TOKEN: a flag shows in `ps`)',
    );
  const writeToken = (o: { writeToken?: string }) =>
    o.writeToken ?? process.env['CONFSCOPE_WRITE_TOKEN'] ?? null;

  program
    .command('serve')
    .description('serve the HTTP API over a database (read-only unless given a write token)')
    .addOption(dbOption())
    .addOption(portOption())
    .addOption(hostOption())
    .addOption(tokenOption())
    .action(async (o: { db: string; port: string; host: string; writeToken?: string }) => {
      const port = positiveInt(o.port, '--port', true, 65535);
      const store = await openStore(o.db, { mustExist: true });
      await relaunchIfLarge(store);
      await serveUntilSignal(store, port, o.host, writeToken(o));
    });

  program
    .command('start')
    .description('build the embedded ICLR 2020 corpus (or reuse it), then serve it')
    .addOption(dbOption())
    .addOption(portOption())
    .addOption(hostOption())
    .addOption(tokenOption())
    .option('--no-serve', 'only build the corpus and the search index, then exit')
    .action(
      async (o: {
        db: string;
        port: string;
        host: string;
        serve: boolean;
        writeToken?: string;
      }) => {
        const port = positiveInt(o.port, '--port', true, 65535);
        const store = await openStore(o.db);
        let serving = false;
        try {
          const t0 = performance.now();
          const { reused, corpus, result } = await ensureDefaultCorpus(store);
          const records = await store.listPapers(DEFAULT_CORPUS.name);
          const d = describeRecords(records);
          const warnings = allWarnings(records, corpus?.warnings ?? []);
          info(
            `confscope: corpus "${DEFAULT_CORPUS.name}" in ${dbLabel(o.db)} (${(performance.now() - t0).toFixed(0)} ms)`,
          );
          info(`  papers:   ${d.total} (${formatCounts(d.byTrack)})`);
          const recovered = records.filter((r) => r.provenance?.['title'] !== undefined).length;
          info(
            `  untitled: ${d.untitled}` +
              (recovered
                ? ` (${recovered} titles lost in the listing, recovered from ${DEFAULT_CORPUS.enrichment.source})`
                : ' (title lost in the listing; see warnings)'),
          );
          const openreview = records.filter((r) => r.externalIds?.openreview).length;
          info(
            `  enriched: ${openreview} with OpenReview ids, ${records.filter((r) => r.tldr).length} TL;DRs, ` +
              `${records.filter((r) => r.keywords?.length).length} with keywords (${DEFAULT_CORPUS.enrichment.label})`,
          );
          info(
            `  changes:  ${reused || !result ? 'none (database reused)' : summaryLine(result.summary)}`,
          );
          info(`  warnings: ${warnings.length}`);
          printWarnings(warnings, 5);
          if (!o.serve) {
            const t1 = performance.now();
            const index = await openSearchIndex(store);
            info(
              `  search:   index of ${plural(index.docs.length, 'paper')} ready in ${(performance.now() - t1).toFixed(0)} ms ` +
                `(BM25F + ${index.vectorSets.join(' + ')}); try: npx confscope search "graph neural networks"`,
            );
            return;
          }
          serving = true;
          await serveUntilSignal(store, port, o.host, writeToken(o));
        } finally {
          if (!serving) await store.close();
        }
      },
    );

  addAnalysisCommands(program, dbOption);
  addEnrichCommand(program, dbOption);

  return program;
}

/** `ingest` of a large arXiv JSON Lines file: staged in batches, resumable after a kill. */
async function ingestStreamCommand(
  file: string,
  o: { db: string; corpus?: string; allWarnings?: boolean },
  t0: number,
): Promise<void> {
  const corpus = o.corpus !== undefined ? validateCorpusName(o.corpus) : corpusNameFor(file);
  const store = await openStore(o.db);
  try {
    if (!hasStagedIngest(store)) throw usage('this database backend has no streaming ingest yet');
    const bar = progressBar(`ingesting ${file} (MB)`);
    const r = await ingestJsonlStream(store, file, corpus, {
      onProgress: (p) => bar({ total: Math.ceil(p.total / 1e6), done: Math.floor(p.done / 1e6) }),
    });
    printWarnings(r.warnings, o.allWarnings ? Infinity : 20);
    info(
      `ingested ${plural(r.summary.total, 'record')} into corpus "${r.summary.corpus}" of ${dbLabel(o.db)} as a stream` +
        `${r.resumedAfter ? ` (resumed after ${r.resumedAfter} records staged by an interrupted run)` : ''}: ` +
        `${summaryLine(r.summary)}; ${plural(r.warningCount, 'file warning')}, ${plural(r.recordsWithWarnings, 'record')} with warnings; ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } finally {
    await store.close();
  }
}

class UsageError extends Error {}
const usage = (m: string) => new UsageError(m);

function positiveInt(v: string, flag: string, allowZero = false, max = 10_000): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > max) {
    throw usage(`${flag} must be an integer between ${allowZero ? 0 : 1} and ${max}, got "${v}"`);
  }
  return n;
}

const DEFAULT_PORT = 8080;

/**
 * Serve until SIGINT/SIGTERM, then close the server and the store. The port opens at once and
 * answers 503 (with progress on GET /api/health) while the database opens.
 */
async function serveUntilSignal(
  store: Store,
  port: number,
  host: string,
  token: string | null,
): Promise<void> {
  const t0 = performance.now();
  // Caught from the start: a signal while the database opens stops the server cleanly too.
  let onSignal: () => void = () => undefined;
  const signalled = new Promise<'signal'>((resolve) => (onSignal = () => resolve('signal')));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const unhook = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  let server: RunningServer;
  try {
    server = await startServer(store, {
      port,
      host,
      writeToken: token,
      listenFirst: true,
      // Other processes may ingest into the same database (PostgreSQL, or SQLite on one machine).
      watchMs: 10_000,
      onProgress: (p) => {
        if (p.done === 1) info('confscope: analysing the papers (once; saved in the database)');
        info(`  [${p.done}/${p.total}] ${p.step} done`);
      },
      // Steps of a large corpus's start that take a while (a million papers: minutes).
      onOpen: (p) => {
        if (p.ms >= 1000)
          info(
            `confscope: opening: ${p.step} (${p.papers} papers) in ${(p.ms / 1000).toFixed(1)} s`,
          );
      },
    });
  } catch (e) {
    unhook();
    throw e;
  }
  info(
    `confscope: listening on ${server.url}, opening the database (503 until ready; progress at ${server.url}/api/health)`,
  );
  const stop = async () => {
    info('confscope: shutting down');
    await server.close();
    await store.close();
  };
  let first: 'ready' | 'signal';
  try {
    first = await Promise.race([signalled, server.ready.then(() => 'ready' as const)]);
  } catch (e) {
    // Opening failed: the server is closed already.
    unhook();
    await store.close().catch(() => undefined);
    throw e;
  }
  if (first === 'signal') {
    // Opening cannot be cancelled: with the port and the store closed, the process ends here
    // rather than finish opening a database it will not serve.
    await stop().catch((e: unknown) => info(`confscope: closing: ${(e as Error).message}`));
    process.exit(0);
  }
  info(
    `confscope: serving on ${server.url} (API at ${server.url}/api, ready in ${(performance.now() - t0).toFixed(0)} ms; Ctrl-C stops)`,
  );
  info(
    token === null
      ? 'confscope: read-only (no write token)'
      : 'confscope: write endpoints on: PUT /api/corpora/NAME and POST /api/corpora/NAME/enrich need "Authorization: Bearer <token>"',
  );
  await signalled;
  let code = 0;
  await stop().catch((e: unknown) => {
    info(`confscope: closing: ${(e as Error).message}`);
    code = 1;
  });
  // Work left in the background (the similar-papers index of a large corpus builds in slices
  // for minutes after the start) would keep the process alive after "shutting down".
  process.exit(code);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      info(`error: ${e.message}\n(run with --help for usage)`);
      return 2;
    }
    if (isConfscopeError(e)) {
      info(`confscope: error: ${e.message}`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    info(`confscope: internal error: ${(e as Error).message}`);
    if (process.env['CONFSCOPE_DEBUG']) info((e as Error).stack ?? '');
    return 70;
  }
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});
process.exitCode = await main(process.argv);
