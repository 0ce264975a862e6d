import { describe, expect, it } from 'vitest';
import type { Entities } from '../analysis/entities.js';
import type { TopicAssignment } from '../analysis/topics.js';
import { decodeAnalysis, encodeAnalysis, ANALYSIS_VERSION } from './analysis.js';
import { AuthorTable } from './author-table.js';
import { PaperTable } from './paper-table.js';

const none = (): Entities => ({ codeLinks: [], datasets: [], results: [] });
const naming = (...names: string[]): Entities => ({
  codeLinks: names.includes('code') ? ['https://github.com/x/y'] : [],
  datasets: names.filter((n) => n !== 'code').map((name) => ({ name, mentions: 1 })),
  results: [],
});

describe('PaperTable', () => {
  // Ids in no particular order, with characters JSON escapes; one paper with no map position.
  const entities: [string, Entities][] = [
    ['b"2', naming('CIFAR-10')],
    ['a\\1', none()],
    ['c\u00e9', naming('ImageNet', 'code')],
    ['d', none()],
  ];
  const assignments: [string, TopicAssignment][] = [
    ['a\\1', { fine: 't1.1', broad: 't1', score: 0.5 }],
    ['b"2', { fine: 't1.2', broad: 't1', score: 0.9 }],
    ['c\u00e9', { fine: 't2.1', broad: 't2', score: 0.5 }],
    ['d', { fine: 't1.1', broad: 't1', score: 0.7 }],
  ];
  const coords: [string, [number, number]][] = [
    ['d', [0.25, 0.75]],
    ['a\\1', [0.1, 0.2]],
    ['b"2', [1, 0]],
  ];
  const t = PaperTable.of({ entities, assignments, coords });

  it('gives back each kind as it was given, in the order given', () => {
    expect([...t.entityEntries()]).toEqual(entities);
    expect([...t.assignmentEntries()]).toEqual(assignments);
    expect([...t.coordEntries()]).toEqual(coords);
    expect(t.mapIds()).toEqual(['d', 'a\\1', 'b"2']);
    expect(t.sizes).toEqual({ entities: 4, assignments: 4, coords: 3 });
  });

  it('answers one paper at a time, undefined for what it does not hold', () => {
    expect(t.entities('c\u00e9')).toEqual(entities[2]?.[1]);
    expect(t.entities('a\\1')).toEqual(none());
    expect(t.entities('zzz')).toBeUndefined();
    expect(t.hasEntities('d')).toBe(true);
    expect(t.hasEntities('zzz')).toBe(false);
    expect(t.assignment('d')).toEqual({ fine: 't1.1', broad: 't1', score: 0.7 });
    expect(t.assignment('zzz')).toBeUndefined();
    expect(t.fineTopic('b"2')).toBe('t1.2');
    expect(t.fineTopic('zzz')).toBeUndefined();
    expect(t.coords('b"2')).toEqual([1, 0]);
    expect(t.coords('c\u00e9')).toBeUndefined();
    expect(t.datasetNames('c\u00e9')).toEqual(['ImageNet']);
    expect(t.codeLinks('c\u00e9')).toEqual(['https://github.com/x/y']);
    expect(t.datasetNames('d')).toEqual([]);
    expect(t.codeLinks('zzz')).toEqual([]);
  });

  it('hands out fresh objects for empty entities and assignments, a frozen list for no names', () => {
    const e = t.entities('d');
    e?.datasets.push({ name: 'X', mentions: 1 });
    expect(t.entities('d')).toEqual(none());
    const a = t.assignment('d');
    if (a) a.fine = 'changed';
    expect(t.fineTopic('d')).toBe('t1.1');
    expect(() => (t.datasetNames('d') as string[]).push('X')).toThrow();
  });

  it('lists a topic’s papers by score, ties in the order added; counts broad areas', () => {
    expect(t.papersOf('t1')).toEqual(['b"2', 'd', 'a\\1']);
    expect(t.papersOf('t1.1')).toEqual(['d', 'a\\1']);
    expect(t.papersOf('t2.1')).toEqual(['c\u00e9']);
    expect(t.papersOf('t9')).toEqual([]);
    // The same order as sorting the keyed records (a stable sort), which the server did before.
    const byRecords = assignments
      .filter(([, a]) => a.broad === 't1')
      .sort((x, y) => y[1].score - x[1].score)
      .map(([id]) => id);
    expect(t.papersOf('t1')).toEqual(byRecords);
    expect([...t.broadCounts()].sort()).toEqual([
      ['t1', 3],
      ['t2', 1],
    ]);
  });

  it('a second record of a paper replaces the first, without counting it twice', () => {
    const u = PaperTable.of({ entities: [], assignments: [], coords: [] });
    u.setAssignment('p', { fine: 't1.1', broad: 't1', score: 0.1 });
    u.setAssignment('p', { fine: 't2.1', broad: 't2', score: 0.2 });
    u.setCoords('p', 0, 0);
    u.setCoords('p', 0.5, 0.5);
    u.setEntities('p', naming('MNIST'));
    u.setNoEntities('p');
    expect(u.sizes).toEqual({ entities: 1, assignments: 1, coords: 1 });
    expect(u.assignment('p')).toEqual({ fine: 't2.1', broad: 't2', score: 0.2 });
    expect(u.coords('p')).toEqual([0.5, 0.5]);
    expect(u.entities('p')).toEqual(none());
    expect([...u.nonEmptyEntities()]).toEqual([]);
  });

  it('lists only the papers that name something', () => {
    expect([...t.nonEmptyEntities()].map(([id]) => id)).toEqual(['b"2', 'c\u00e9']);
  });
});

describe('PaperTable columns', () => {
  const t = PaperTable.of({
    entities: [
      ['x', naming('MNIST')],
      ['y', none()],
    ],
    assignments: [['y', { fine: 'f', broad: 'b', score: 0.3 }]],
    coords: [['x', [1, 2]]],
  });

  it('makes the same table again from its columns', () => {
    const c = t.columns();
    const back = PaperTable.fromColumns(structuredClone(c));
    expect([...back.entityEntries()]).toEqual([...t.entityEntries()]);
    expect([...back.assignmentEntries()]).toEqual([...t.assignmentEntries()]);
    expect([...back.coordEntries()]).toEqual([...t.coordEntries()]);
    expect(back.papersOf('b')).toEqual(['y']);
    expect(back.fineTopic('y')).toBe('f');
  });

  it('refuses columns that do not fit together', () => {
    const bad = (change: (c: ReturnType<PaperTable['columns']>) => void) => {
      const c = structuredClone(t.columns());
      change(c);
      return () => PaperTable.fromColumns(c);
    };
    expect(bad((c) => c.fine.pop())).toThrow(/fit together/);
    expect(bad((c) => (c.broad[1] = 7))).toThrow(/fit together/);
    expect(bad((c) => c.order.coords.push(5))).toThrow(/fit together/);
    expect(bad((c) => (c.ids[1] = 'x'))).toThrow(/twice/);
    expect(bad(() => undefined)).not.toThrow();
  });
});

describe('PaperTable in a saved analysis', () => {
  it('reads back what was saved, empty entities included, whatever the ids hold', () => {
    const ids = ['plain', 'q"uote', 'back\\slash', 'caf\u00e9', '\u{1F600}', '123', 'line\nbreak'];
    const papers = PaperTable.of({
      entities: ids.map((id, i): [string, Entities] => [id, i % 2 ? naming('SQuAD') : none()]),
      assignments: ids.map((id, i): [string, TopicAssignment] => [
        id,
        { fine: `t${i % 2}.1`, broad: `t${i % 2}`, score: i / 10 },
      ]),
      coords: ids.map((id, i): [string, [number, number]] => [id, [i / 7, 1 - i / 7]]),
    });
    const data = {
      version: ANALYSIS_VERSION,
      inputHash: 'h',
      builtAt: 'now',
      timings: {},
      similar: {},
      topics: [],
      papers,
      map: { labels: [] },
      authors: AuthorTable.of([]),
      communities: [],
    };
    // Small chunks: lines are never split between two.
    for (const size of [1 << 20, 40]) {
      const back = decodeAnalysis(encodeAnalysis(data, size)).papers;
      expect([...back.entityEntries()]).toEqual([...papers.entityEntries()]);
      expect([...back.assignmentEntries()]).toEqual([...papers.assignmentEntries()]);
      expect([...back.coordEntries()]).toEqual([...papers.coordEntries()]);
      for (const id of ids) expect(back.hasEntities(id)).toBe(true);
    }
  });

  it('refuses an entities line that looks empty but has no id', () => {
    const head = JSON.stringify({ version: ANALYSIS_VERSION, mapLabels: [] });
    const bad = `${head}\n["entities",{"codeLinks":[],"datasets":[],"results":[]}]\n`;
    expect(() => decodeAnalysis([Buffer.from(bad)])).toThrow();
  });
});
