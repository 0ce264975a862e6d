// A strict JSON parser that remembers where things are: every object and array gets its
// 1-based line span, and a syntax error names `file:line:column` and, for a file cut short,
// the line where the unclosed object or string began. Linear time; depth-limited (no stack
// overflow on `[[[[…`); objects have no prototype, so a `__proto__` key is just a key.

import { ConfscopeError } from '../core/errors.js';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export interface Span {
  line: number;
  endLine: number;
}

export interface ParsedJson {
  value: Json;
  /** Where an object or array of the document starts and ends (1-based lines). */
  spanOf(v: Json | undefined): Span | undefined;
  /** The line where item `i` of an array, or member `key` of an object, starts. */
  lineOf(container: Json | undefined, at: number | string): number | undefined;
}

const MAX_DEPTH = 256;

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "an object", "an array", "a string"… for messages. */
export function kindOf(v: Json | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** Parse one JSON document; `what` names the expected content in error messages. */
export function parseJson(text: string, path: string, what = 'JSON'): ParsedJson {
  const p = new Parser(text, path, what);
  const value = p.document();
  const { spans, itemLines, keyLines } = p;
  return {
    value,
    spanOf: (v) => (typeof v === 'object' && v !== null ? spans.get(v) : undefined),
    lineOf: (c, at) => {
      if (typeof c !== 'object' || c === null) return undefined;
      if (typeof at === 'number') return itemLines.get(c)?.[at];
      return keyLines.get(c)?.get(at);
    },
  };
}

class Parser {
  pos = 0;
  line = 1;
  lineStart = 0;
  depth = 0;
  readonly spans = new WeakMap<object, Span>();
  readonly itemLines = new WeakMap<object, number[]>();
  readonly keyLines = new WeakMap<object, Map<string, number>>();
  constructor(
    readonly text: string,
    readonly path: string,
    readonly what: string,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = this.lineStart = 1;
  }

  fail(msg: string, line = this.line, col = this.pos - this.lineStart + 1): never {
    throw new ConfscopeError(
      'NOT_A_LISTING',
      `${this.path}:${line}:${col}: invalid ${this.what}: ${msg}`,
    );
  }

  document(): Json {
    this.ws();
    if (this.pos >= this.text.length) this.fail('the file has no JSON value');
    const v = this.value();
    this.ws();
    if (this.pos < this.text.length) {
      this.fail(
        `unexpected ${this.show()} after the end of the JSON value (several JSON values, one a line? that is JSON Lines)`,
      );
    }
    return v;
  }

  show(): string {
    if (this.pos >= this.text.length) return 'end of file';
    const cp = this.text.codePointAt(this.pos) ?? 0;
    return JSON.stringify(String.fromCodePoint(cp));
  }

  ws(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9) this.pos++;
      else if (c === 10 || c === 13) {
        this.pos++;
        if (c === 13 && t.charCodeAt(this.pos) === 10) this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else return;
    }
  }

  value(): Json {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, v] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    if (this.pos >= this.text.length) this.fail('the file ends where a value was expected');
    return this.fail(`unexpected ${this.show()} where a value was expected`);
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
  }

  object(): JsonObject {
    this.enter();
    const startLine = this.line;
    const startCol = this.pos - this.lineStart + 1;
    const obj = Object.create(null) as JsonObject;
    const keys = new Map<string, number>();
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
    } else {
      for (;;) {
        this.ws();
        if (this.text.charCodeAt(this.pos) !== 0x22) {
          if (this.pos >= this.text.length) this.unclosed('object', startLine, startCol);
          this.fail(`expected a quoted key, found ${this.show()}`);
        }
        const keyLine = this.line;
        const key = this.string();
        keys.set(key, keyLine);
        this.ws();
        if (this.text.charCodeAt(this.pos) !== 0x3a) {
          if (this.pos >= this.text.length) this.unclosed('object', startLine, startCol);
          this.fail(
            `expected ":" after key ${JSON.stringify(key.slice(0, 60))}, found ${this.show()}`,
          );
        }
        this.pos++;
        this.ws();
        if (this.pos >= this.text.length) this.unclosed('object', startLine, startCol);
        obj[key] = this.value();
        this.ws();
        const c = this.text.charCodeAt(this.pos);
        if (c === 0x2c) {
          this.pos++;
          continue;
        }
        if (c === 0x7d) {
          this.pos++;
          break;
        }
        if (this.pos >= this.text.length) this.unclosed('object', startLine, startCol);
        this.fail(
          `expected "," or "}" in the object opened at line ${startLine}, found ${this.show()}`,
        );
      }
    }
    this.depth--;
    this.spans.set(obj, { line: startLine, endLine: this.line });
    this.keyLines.set(obj, keys);
    return obj;
  }

  array(): Json[] {
    this.enter();
    const startLine = this.line;
    const startCol = this.pos - this.lineStart + 1;
    const arr: Json[] = [];
    const lines: number[] = [];
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
    } else {
      for (;;) {
        this.ws();
        if (this.pos >= this.text.length) this.unclosed('array', startLine, startCol);
        lines.push(this.line);
        arr.push(this.value());
        this.ws();
        const c = this.text.charCodeAt(this.pos);
        if (c === 0x2c) {
          this.pos++;
          continue;
        }
        if (c === 0x5d) {
          this.pos++;
          break;
        }
        if (this.pos >= this.text.length) this.unclosed('array', startLine, startCol);
        this.fail(
          `expected "," or "]" in the array opened at line ${startLine}, found ${this.show()}`,
        );
      }
    }
    this.depth--;
    this.spans.set(arr, { line: startLine, endLine: this.line });
    this.itemLines.set(arr, lines);
    return arr;
  }

  unclosed(kind: string, line: number, col: number): never {
    return this.fail(
      `the file ends inside the ${kind} opened at line ${line}, column ${col} (truncated?)`,
    );
  }

  string(): string {
    const t = this.text;
    const startCol = this.pos - this.lineStart + 1;
    let i = this.pos + 1;
    let escaped = false;
    for (;;) {
      if (i >= t.length) {
        this.pos = i;
        this.fail(
          `the file ends inside the string opened at line ${this.line}, column ${startCol} (truncated?)`,
        );
      }
      const c = t.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.pos = i;
        this.fail(
          `unescaped control character U+${c.toString(16).padStart(4, '0')} inside a string (a string opened at column ${startCol} is not closed on its line?)`,
        );
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      escaped = true;
      const e = t[i + 1];
      if (e !== undefined && ESCAPES[e] !== undefined) {
        i += 2;
      } else if (e === 'u') {
        const hex = t.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.pos = i;
          this.fail(`bad \\u escape ${JSON.stringify(t.slice(i, i + 6))}`);
        }
        i += 6;
      } else {
        this.pos = i;
        this.fail(`bad escape ${JSON.stringify(t.slice(i, i + 2))} inside a string`);
      }
    }
    // Escapes checked above; the built-in decodes them (appending piece by piece made a
    // string of 100k escapes a rope of 200k parts: garbage-collector bound, super-linear).
    const raw = t.slice(this.pos, i + 1);
    this.pos = i + 1;
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  number(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail(`malformed number`);
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: [string, Json][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
