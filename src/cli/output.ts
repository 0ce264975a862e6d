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
