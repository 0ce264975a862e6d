// The reading list's CSV export run directly (in Node, by vitest): spreadsheet formulas in
// titles or keywords are neutralised, and the ids still import back.

import { describe, expect, it } from 'vitest';
import { parseImport, toCSV } from './exporters';

describe('reading-list CSV export', () => {
  it('neutralises cells a spreadsheet would run as a formula, and still round-trips the ids', () => {
    const csv = toCSV([
      {
        id: 'a45ef854a96e',
        title: '=HYPERLINK("http://evil.example","click")',
        authors: ['@SUM(1+1)', 'Ada Lovelace'],
        track: 'Poster',
        keywords: ['+cmd', '-2+3', 'graphs'],
      },
      { id: '0123456789ab', title: 'Plain title', authors: [], track: null },
    ]);
    const cells = csv.split('\r\n')[1] ?? '';
    expect(cells).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(cells).toContain(`'@SUM(1+1); Ada Lovelace`);
    expect(cells).toContain(`'+cmd; -2+3; graphs`);
    // No cell starts with a formula character.
    for (const line of csv.trim().split('\r\n'))
      for (const cell of line.split(','))
        expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
    expect(csv).toContain('Plain title');
    expect(parseImport(csv).ids).toEqual(['a45ef854a96e', '0123456789ab']);
  });
});
