// `npm run bench`: every speed benchmark, printed as tables. Rerun for fresh numbers; machines
// are noisy, so read medians and ratios, not single runs.

import { cpus } from 'node:os';
import { benchIngest } from './ingest.js';
import { benchSearchSpeed } from './search-speed.js';
import { benchStoreBackends } from './store-backends.js';
import { stopBenchPgServer } from './pg-cluster.js';
import { benchAnalysis } from './analysis.js';
import { benchApiLoad } from './api-load.js';
import { benchWeb } from './web.js';
import { benchImport } from './import.js';
import { benchUse } from './embed-use.js';
import { benchTopics } from './topics-quality.js';
import { benchSimilarAgreement } from './similar-agreement.js';

console.log(
  `# confscope benchmarks — node ${process.version}, ${cpus().length} cores, ${new Date().toISOString()}\n`,
);
console.log(await benchIngest());
console.log('');
console.log(await benchImport());
console.log('');
console.log(await benchSearchSpeed());
console.log('');
console.log(await benchStoreBackends());
console.log('');
console.log(benchAnalysis());
console.log('');
console.log(await benchApiLoad());
console.log('');
console.log(await benchWeb());
console.log('');
console.log(await benchUse());
console.log('');
console.log(await benchTopics());
console.log('');
console.log(await benchSimilarAgreement());
await stopBenchPgServer();
