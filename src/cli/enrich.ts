// `confscope enrich`: join another source to a stored corpus and print the match table.

import { Option, type Command } from 'commander';
import { INPUT_FORMATS, openStore, validateCorpusName, type InputFormat } from '../app/index.js';
import { enrichCorpus, type EnrichReport } from '../app/enrich.js';
import { info, plural, writeOut } from './output.js';

const counts = (m: Record<string, number>): string =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

/** The match table a person reads after an enrichment. */
export function formatEnrichReport(r: EnrichReport, corpus: string): string {
  const matched = r.corpusRecords - r.unmatched.length;
  const lines = [
    `corpus "${corpus}" + source "${r.source}": ${matched} of ${plural(r.corpusRecords, 'paper')} matched`,
    '',
    '| matched by | papers |',
    '|---|---:|',
    `| OpenReview / arXiv / DOI id | ${r.matched.id} |`,
    `| normalised title | ${r.matched.title} |`,
    `| authors + abstract similarity | ${r.matched.similarity} |`,
    `| not matched | ${r.unmatched.length} |`,
    '',
    `source records matched: ${r.sourceRecords - r.sourceUnmatched} of ${r.sourceRecords}`,
    `filled: ${counts(r.filled)}`,
    `disagreements (the corpus's value kept${r.disagreements['keywords'] ? '; keywords counted only' : ''}; ` +
      `see the records' warnings): ${counts(r.disagreements)}`,
  ];
  const notable = r.matches.filter((m) => m.method === 'similarity' || m.filled.includes('title'));
  if (notable.length) {
    lines.push('', 'matched without the same title:');
    for (const m of notable)
      lines.push(
        `  ${m.id}  ${m.method} ${m.score.toFixed(3)}  ${m.title === null ? '(title lost)' : JSON.stringify(m.title)} → ${JSON.stringify(m.sourceTitle)}${m.filled.includes('title') ? ' [title recovered]' : ''}`,
      );
  }
  if (r.unmatched.length) {
    lines.push('', 'not matched:');
    for (const u of r.unmatched.slice(0, 50))
      lines.push(`  ${u.id}  ${u.title === null ? '(untitled)' : JSON.stringify(u.title)}`);
    if (r.unmatched.length > 50) lines.push(`  … and ${r.unmatched.length - 50} more`);
  }
  return lines.join('\n') + '\n';
}

export function addEnrichCommand(program: Command, dbOption: () => Option): void {
  program
    .command('enrich')
    .description(
      'join another source (virtual site, OpenReview, paperlists, …) to a stored corpus: fill what it lacks, never overwrite it; re-ingesting the corpus keeps the enrichment',
    )
    .requiredOption('--corpus <name>', 'the stored corpus to enrich')
    .requiredOption('--from <file>', 'the other source, in any input format')
    .addOption(dbOption())
    .addOption(
      new Option('--input-format <format>', 'format of --from (detected when omitted)').choices([
        ...INPUT_FORMATS,
      ]),
    )
    .option('--source <name>', 'name cited in provenance and warnings (default: the file name)')
    .option('--dry-run', 'print the match table, change nothing')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(
      async (o: {
        corpus: string;
        from: string;
        db: string;
        inputFormat?: InputFormat;
        source?: string;
        dryRun?: boolean;
        format: 'table' | 'json';
      }) => {
        const corpus = validateCorpusName(o.corpus);
        const store = await openStore(o.db, { mustExist: true });
        try {
          const t0 = performance.now();
          const { report, summary } = await enrichCorpus(store, corpus, o.from, {
            ...(o.inputFormat ? { format: o.inputFormat } : {}),
            ...(o.source !== undefined ? { source: o.source } : {}),
            dryRun: o.dryRun === true,
          });
          await writeOut(
            o.format === 'json'
              ? JSON.stringify(report, null, 2) + '\n'
              : formatEnrichReport(report, corpus),
          );
          info(
            summary
              ? `enriched "${corpus}" from ${o.from}: ${summary.updated} records updated, ${summary.unchanged} unchanged in ${(performance.now() - t0).toFixed(0)} ms`
              : `dry run: nothing changed`,
          );
        } finally {
          await store.close();
        }
      },
    );
}
