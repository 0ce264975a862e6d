// CLI commands over the analysis: analyze, similar, topics, topic, author, experts, map.

import { relaunchIfLarge } from './heap.js';
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import {
  findAuthors,
  findExperts,
  openAnalysis,
  renderMap,
  similarPapers,
  type Analysis,
} from '../app/analysis.js';
import { ConfscopeError, openStore } from '../app/index.js';
import { info, plural, writeOut } from './output.js';

type Fmt = 'table' | 'json';

async function withAnalysis<T>(
  db: string,
  fn: (a: Analysis) => Promise<T>,
  rebuild = false,
): Promise<T> {
  const store = await openStore(db, { mustExist: true });
  try {
    await relaunchIfLarge(store);
    const a = await openAnalysis(store, {
      rebuild,
      onProgress: (p) => {
        if (p.done === 1)
          info('confscope: analysing the papers (saved in the database for next time)');
        info(`  [${p.done}/${p.total}] ${p.step} done`);
      },
    });
    return await fn(a);
  } finally {
    await store.close();
  }
}

const json = (v: unknown) => writeOut(JSON.stringify(v, null, 2) + '\n');
const fmtOption = () =>
  new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

function titleOf(a: Analysis, id: string): string {
  return a.docs.find((d) => d.id === id)?.title ?? '(untitled)';
}

export function addAnalysisCommands(program: Command, dbOption: () => Option): void {
  program
    .command('analyze')
    .description(
      'compute similar papers, topics, the map, authors and entities (saved in the database)',
    )
    .addOption(dbOption())
    .option('--rebuild', 'recompute even when a saved analysis matches the papers')
    .action(async (o: { db: string; rebuild?: boolean }) => {
      await withAnalysis(
        o.db,
        (a) => {
          const t = a.data.timings;
          const total = Object.values(t).reduce((x, y) => x + y, 0);
          const fine = a.data.topics.filter((x) => x.level === 2).length;
          const broad = a.data.topics.filter((x) => x.level === 1).length;
          info(
            `analysis of ${plural(a.docs.length, 'paper')}: ${broad} areas, ${fine} topics, ${plural(a.data.authors.length, 'author')}, ` +
              `${[...a.data.papers.nonEmptyEntities()].filter(([, e]) => e.datasets.length).length} papers naming datasets; ` +
              `built ${a.data.builtAt} in ${total} ms (${Object.entries(t)
                .map(([k, v]) => `${k} ${v} ms`)
                .join(', ')})`,
          );
          return Promise.resolve();
        },
        o.rebuild,
      );
    });

  program
    .command('similar')
    .description('the papers most like a paper, with the reason')
    .argument('<id>', 'paper id (as in `confscope parse`)')
    .addOption(dbOption())
    .addOption(fmtOption())
    .action(async (id: string, o: { db: string; format: Fmt }) => {
      await withAnalysis(o.db, async (a) => {
        const list = await similarPapers(a, id);
        if (!list)
          throw new ConfscopeError('BAD_ARGUMENT', `no paper with id ${id} in the database`);
        if (o.format === 'json') return json({ id, title: titleOf(a, id), similar: list });
        const lines = [`Papers like "${titleOf(a, id)}" (${id}):`];
        list.forEach((s, i) =>
          lines.push(
            `${String(i + 1).padStart(3)}. ${titleOf(a, s.id)}  ${s.id}`,
            `     score ${s.score.toFixed(3)} (semantic ${s.reason.semantic.toFixed(2)}); shared: ${s.reason.sharedTerms.join(', ') || '—'}`,
          ),
        );
        return writeOut(lines.join('\n') + '\n');
      });
    });

  program
    .command('topics')
    .description('topics with names: broad areas (level 1) or fine topics (level 2)')
    .addOption(dbOption())
    .addOption(new Option('--level <level>', 'topic level').choices(['1', '2']).default('1'))
    .addOption(fmtOption())
    .action(async (o: { db: string; level: string; format: Fmt }) => {
      await withAnalysis(o.db, async (a) => {
        const level = Number(o.level);
        const topics = a.data.topics.filter((t) => t.level === level);
        if (o.format === 'json') return json(topics);
        const lines = topics.map(
          (t) =>
            `${t.id.padEnd(7)} ${String(t.size).padStart(4)}  ${t.label}  —  ${t.terms.slice(0, 6).join(', ')}`,
        );
        return writeOut(
          `${plural(topics.length, level === 1 ? 'area' : 'topic')}\n${lines.join('\n')}\n`,
        );
      });
    });

  program
    .command('topic')
    .description('one topic: label, terms, central papers, top authors, and its papers')
    .argument('<id>', 'topic id, e.g. t1 or t1.2')
    .addOption(dbOption())
    .addOption(fmtOption())
    .action(async (id: string, o: { db: string; format: Fmt }) => {
      await withAnalysis(o.db, async (a) => {
        const t = a.data.topics.find((x) => x.id === id);
        if (!t) {
          throw new ConfscopeError(
            'BAD_ARGUMENT',
            `no topic ${id} (see \`confscope topics --level 1|2\`)`,
          );
        }
        const papers = a.data.papers.papersOf(id);
        if (o.format === 'json') return json({ ...t, papers });
        const lines = [
          `${t.id} ${t.label} (${plural(t.size, 'paper')}${t.parent ? `, in ${t.parent}` : ''})`,
          `terms: ${t.terms.join(', ')}`,
          `top authors: ${t.topAuthors.map((x) => `${x.name} (${x.count})`).join(', ') || '—'}`,
          'central papers:',
          ...t.centralPapers.map((p) => `  ${titleOf(a, p)}  ${p}`),
          `all papers: ${papers.length}`,
          ...papers.map((p) => `  ${titleOf(a, p)}  ${p}`),
        ];
        return writeOut(lines.join('\n') + '\n');
      });
    });

  program
    .command('author')
    .description("an author's papers, co-authors and topics")
    .argument('<name>', 'full or partial name (all words must match)')
    .addOption(dbOption())
    .addOption(fmtOption())
    .action(async (name: string, o: { db: string; format: Fmt }) => {
      await withAnalysis(o.db, async (a) => {
        const { authors: found, total } = await findAuthors(a, name, 20);
        if (!found.length) throw new ConfscopeError('BAD_ARGUMENT', `no author matching "${name}"`);
        const topicLabel = new Map(a.data.topics.map((t) => [t.id, t.label]));
        const rows = found.map((x) => {
          const topics = new Map<string, number>();
          for (const p of x.papers) {
            const f = a.data.papers.fineTopic(p);
            if (f) topics.set(f, (topics.get(f) ?? 0) + 1);
          }
          return {
            ...x,
            topics: [...topics]
              .sort((p, q) => q[1] - p[1])
              .map(([id, count]) => ({ id, label: topicLabel.get(id) ?? id, count })),
          };
        });
        if (o.format === 'json') return json(rows);
        const lines: string[] = [];
        for (const r of rows) {
          lines.push(`${r.name} (${plural(r.papers.length, 'paper')}; key ${r.key})`);
          for (const p of r.papers) lines.push(`  ${titleOf(a, p)}  ${p}`);
          lines.push(
            `  co-authors: ${
              r.coauthors
                .slice(0, 12)
                .map((c) => `${c.name}${c.count > 1 ? ` ×${c.count}` : ''}`)
                .join(', ') || '—'
            }`,
          );
          lines.push(`  topics: ${r.topics.map((t) => `${t.label} (${t.count})`).join('; ')}`);
        }
        if (total > rows.length) lines.push(`… and ${total - rows.length} more authors match`);
        return writeOut(lines.join('\n') + '\n');
      });
    });

  program
    .command('experts')
    .description('who works on X: authors ranked by how well their papers match a query')
    .argument('<query>', 'the query (same language as search)')
    .addOption(dbOption())
    .option('--limit <n>', 'number of authors', '10')
    .addOption(fmtOption())
    .action(async (query: string, o: { db: string; limit: string; format: Fmt }) => {
      await withAnalysis(o.db, async (a) => {
        const experts = await findExperts(
          a,
          query,
          Math.max(1, Math.min(100, Number(o.limit) || 10)),
        );
        if (o.format === 'json') return json(experts);
        const lines = experts.map(
          (e, i) =>
            `${String(i + 1).padStart(3)}. ${e.name}  score ${e.score.toFixed(3)}\n     ${e.papers
              .slice(0, 3)
              .map((p) => titleOf(a, p))
              .join(' | ')}`,
        );
        return writeOut(`Experts for ${JSON.stringify(query)}:\n${lines.join('\n')}\n`);
      });
    });

  program
    .command('map')
    .description('draw the 2D map of the papers with topic labels as PNG and/or SVG')
    .addOption(dbOption())
    .option('--png <file>', 'write a PNG')
    .option('--svg <file>', 'write an SVG')
    .addOption(
      new Option('--level <level>', 'label areas (1) or fine topics (2)')
        .choices(['1', '2'])
        .default('1'),
    )
    .addOption(fmtOption())
    .action(async (o: { db: string; png?: string; svg?: string; level: string; format: Fmt }) => {
      await withAnalysis(o.db, async (a) => {
        const level = o.level === '2' ? 2 : 1;
        if (o.svg) {
          writeFileSync(o.svg, await renderMap(a, { level, format: 'svg' }));
          info(`wrote ${o.svg}`);
        }
        if (o.png) {
          writeFileSync(o.png, await renderMap(a, { level, format: 'png' }));
          info(`wrote ${o.png}`);
        }
        if (!o.png && !o.svg) {
          if (o.format === 'json') return json(a.data.map);
          info(
            'give --png FILE and/or --svg FILE to draw the map (or --format json for coordinates)',
          );
        }
      });
    });
}
