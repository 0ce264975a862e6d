import { describe, expect, it } from 'vitest';
import { ownedBytes } from './types.js';

describe('ownedBytes', () => {
  it('hands out a Buffer that owns its memory as it is, without copying', () => {
    const b = Buffer.alloc(100_000, 7);
    const u = ownedBytes(b);
    expect(u.buffer).toBe(b.buffer);
    expect(u.byteLength).toBe(100_000);
    b[5] = 9;
    expect(u[5]).toBe(9);
  });

  it('copies a Buffer cut from a shared pool (the pool stays out of reach)', () => {
    const b = Buffer.from('pooled bytes');
    expect(b.buffer.byteLength).toBeGreaterThan(b.byteLength);
    const u = ownedBytes(b);
    expect(u.buffer).not.toBe(b.buffer);
    expect(u.buffer.byteLength).toBe(b.byteLength);
    expect(Buffer.from(u).toString()).toBe('pooled bytes');
  });
});
