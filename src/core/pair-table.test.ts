import { describe, expect, it } from 'vitest';
import { PairTable } from './pair-table.js';
import { mulberry32 } from './random.js';

describe('PairTable', () => {
  it('answers as a Map of "a,b" keys through many growths, in one go or in slices', () => {
    const rand = mulberry32(7);
    const ref = new Map<string, number>();
    const t = new PairTable();
    const sliced = new PairTable();
    let yields = 0;
    for (let i = 0; i < 200_000; i++) {
      // Small and large values, many repeats (re-set to a new id), zeros.
      const a = rand() < 0.5 ? Math.floor(rand() * 300) : Math.floor(rand() * 2 ** 31);
      const b = rand() < 0.5 ? 0 : Math.floor(rand() * 2 ** 31);
      ref.set(`${a},${b}`, i);
      t.set(a, b, i);
      if (!sliced.hasRoom(1)) for (const g = sliced.grow(); !g.next().done;) yields++;
      sliced.set(a, b, i);
    }
    expect(yields).toBeGreaterThan(0);
    for (const [k, v] of ref) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      expect(t.get(a, b)).toBe(v);
      expect(sliced.get(a, b)).toBe(v);
    }
    // Absent pairs (including swapped ones) give -1.
    for (let i = 0; i < 10_000; i++) {
      const a = Math.floor(rand() * 2 ** 31);
      const b = Math.floor(rand() * 2 ** 31);
      if (!ref.has(`${a},${b}`)) expect(t.get(a, b)).toBe(-1);
      if (!ref.has(`${b},${a}`)) expect(t.get(b, a)).toBe(-1);
    }
  });
});
