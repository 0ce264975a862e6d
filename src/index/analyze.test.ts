import { describe, expect, it } from 'vitest';
import { fold } from './analyze.js';

/** fold without its ASCII shortcut: what every string went through before. */
const slowFold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/ß/g, 'ss')
    .toLowerCase();

describe('fold', () => {
  it('gives ASCII text what the full normalisation gives, only lower-cased', () => {
    let all = '';
    for (let c = 0; c < 128; c++) all += String.fromCharCode(c);
    for (const s of [all, 'Yoshua Bengio', 'GPT-2: Language Models', 'ResNet50 (v1.5)', ''])
      expect(fold(s)).toBe(slowFold(s));
  });

  it('still strips diacritics and folds special letters outside ASCII', () => {
    expect(fold('Gábor Łukasz Søren Straße')).toBe('gabor lukasz soren strasse');
    expect(fold('ﬁnite ２')).toBe(slowFold('ﬁnite ２'));
    expect(fold('Zoë')).toBe('zoe');
  });
});
