import type { SearchResult } from '../app/search.js';

// Terminal output helpers for the CLI: stdout for data, stderr for people.

export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export function info(line: string): void {
  process.stderr.write(line + '\n');
}

/** Print warnings on stderr, at most `max`, then how many more there are. */
export function printWarnings(warnings: readonly string[], max = 20): void {
  for (const w of warnings.slice(0, max)) info(`warning: ${w}`);
  if (warnings.length > max)
    info(`warning: … and ${warnings.length - max} more (use --all-warnings to see them)`);
}

export function formatCounts(byTrack: Record<string, number>): string {
  return Object.entries(byTrack)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Mark highlighted ranges: bold on a terminal, «…» otherwise. */
export function mark(
  text: string,
  ranges: readonly { start: number; end: number }[],
  tty: boolean,
): string {
  let out = '';
  let at = 0;
  const [open, close] = tty ? ['\u001b[1m', '\u001b[22m'] : ['«', '»'];
  for (const r of ranges) {
    if (r.start < at) continue;
    out += text.slice(at, r.start) + open + text.slice(r.start, r.end) + close;
    at = r.end;
  }
  return out + text.slice(at);
}

export function formatResultTable(r: SearchResult, tty = process.stdout.isTTY): string {
  const lines: string[] = [];
  const filters = r.filters.map(
    (f) => `${f.negated ? '-' : ''}${f.kind}:${f.value}${f.source === 'inferred' ? '*' : ''}`,
  );
  lines.push(
    `${plural(r.total, 'result')} for ${JSON.stringify(r.query)} (${r.mode}${filters.length ? `; filters ${filters.join(' ')}` : ''}; ${r.tookMs.toFixed(1)} ms)`,
  );
  for (const n of r.notes) lines.push(`note: ${n}`);
  r.hits.forEach((h, i) => {
    const title = h.title === null ? '(untitled)' : mark(h.title, h.titleHighlights, tty);
    const authors = h.authors.slice(0, 4).join(', ') + (h.authors.length > 4 ? ', …' : '');
    lines.push('');
    lines.push(`${String(r.offset + i + 1).padStart(3)}. ${title}  [${h.track ?? '?'}] ${h.id}`);
    lines.push(`     ${authors}`);
    lines.push(`     ${mark(h.snippet, h.snippetHighlights, tty)}`);
    const sem =
      h.explanation.semanticScore === null
        ? ''
        : `, semantic ${h.explanation.semanticScore.toFixed(3)}`;
    lines.push(
      `     score ${h.score.toFixed(3)} (lexical ${h.explanation.lexicalScore.toFixed(2)}${sem}; matched: ${h.explanation.matchedTerms.join(', ') || '—'})`,
    );
  });
  return lines.join('\n') + '\n';
}
