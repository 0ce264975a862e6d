// A general English word list (the word-list package, 274k words), loaded on first use: it
// tells a real word the corpus lacks ("prose") from a typo ("nueral").

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let words: Set<string> | undefined;

function load(): Set<string> {
  // word-list exports only the path of its words.txt (as its main module); find the file next to it.
  const require = createRequire(import.meta.url);
  const main = require.resolve('word-list');
  const text = readFileSync(main.replace(/index\.js$/, 'words.txt'), 'utf8');
  return new Set(text.split('\n'));
}

export function isEnglishWord(word: string): boolean {
  words ??= load();
  return words.has(word);
}
