// `node dist/bench/quality/main.js [--trec DIR]`: the search-quality benchmark as markdown on
// stdout; with --trec, also TREC run files (one per system) and qrels.txt in DIR.

import { cpus } from 'node:os';
import { confscopeSystems } from './confscope.js';
import { runQuality } from './run.js';
import { pgPeers } from './pg-fts.js';
import { stopBenchPgServer } from '../pg-cluster.js';

function parseArgs(argv: string[]): { trecDir?: string } {
  const opts: { trecDir?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--trec') {
      const dir = argv[++i];
      if (!dir) throw new Error('--trec needs a directory');
      opts.trecDir = dir;
    } else if (a?.startsWith('--trec=')) {
      opts.trecDir = a.slice('--trec='.length);
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node dist/bench/quality/main.js [--trec DIR]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a ?? ''} (usage: main.js [--trec DIR])`);
      process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
console.log(
  `# confscope search quality — node ${process.version}, ${cpus().length} cores, ${new Date().toISOString()}\n`,
);
console.log(await runQuality([...(await pgPeers()), ...confscopeSystems()], opts));
await stopBenchPgServer();
if (opts.trecDir) console.error(`TREC run files and qrels.txt written to ${opts.trecDir}`);
