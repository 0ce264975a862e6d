// A progress bar with ETA on stderr for long work (embedding, large imports); plain lines when
// stderr is not a terminal, so logs stay readable.

import cliProgress from 'cli-progress';
import { info } from './output.js';

export interface Progress {
  total: number;
  done: number;
}

export function progressBar(label: string): (p: Progress) => void {
  let bar: cliProgress.SingleBar | undefined;
  let lastLogged = -1;
  return (p) => {
    if (!process.stderr.isTTY) {
      const pct = p.total ? Math.floor((100 * p.done) / p.total) : 100;
      if (pct >= lastLogged + 10 || p.done === p.total) {
        info(`${label}: ${p.done}/${p.total} (${pct}%)`);
        lastLogged = pct;
      }
      return;
    }
    if (!bar) {
      bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(p.total, p.done);
    }
    bar.update(p.done);
    if (p.done >= p.total) bar.stop();
  };
}
