import type { SourceLocation } from '../../core/index.js';
import { span } from './text.js';
import { unknownValue, type MapEntry, type Value } from './values.js';

/** What a script does not show: a variable set at run time, a command's output. */
export interface Hole {
  readonly reason: string;
  readonly location: SourceLocation;
  readonly mayInclude?: readonly string[];
  readonly via?: string;
}

/** Where one character of an evaluated word came from; a character from a variable's value carries it. */
export interface Origin {
  readonly via: string;
  /** Where the value is written; none for a value given on the command line or by the environment. */
  readonly origin?: SourceLocation;
}

interface Char {
  readonly location: SourceLocation;
  readonly hole?: Hole;
  readonly from?: Origin;
}

/** Stands for a hole in `text`; a private-use character no script writes. */
export const HOLE = '\uE000';

/**
 * A shell word as it is evaluated: its text, each character located where the user wrote it
 * (after quotes and escapes are removed), and holes for what is not known. The CLI's argument
 * syntaxes (shorthand, JSON) are parsed from it, so each value keeps its place in the file.
 */
export class LocatedText {
  private constructor(
    readonly text: string,
    private readonly chars: readonly Char[],
    /** Where the whole word is: the location of an empty word, and of a word made of holes. */
    readonly location: SourceLocation,
  ) {}

  static empty(location: SourceLocation): LocatedText {
    return new LocatedText('', [], location);
  }

  static literal(text: string, locations: readonly SourceLocation[], location: SourceLocation): LocatedText {
    return new LocatedText(text, locations.map((at) => ({ location: at })), location);
  }

  static hole(hole: Hole): LocatedText {
    return new LocatedText(HOLE, [{ location: hole.location, hole }], hole.location);
  }

  static concat(parts: readonly LocatedText[], location: SourceLocation): LocatedText {
    return new LocatedText(
      parts.map((part) => part.text).join(''),
      parts.flatMap((part) => part.chars),
      location,
    );
  }

  /** A variable's value used at `location`: every character is placed at the use, and remembers the definition. */
  relocated(location: SourceLocation, from: Origin): LocatedText {
    return new LocatedText(this.text, this.chars.map((char) => (char.hole === undefined ? { location, from } : { ...char, location })), location);
  }

  get known(): boolean {
    return !this.text.includes(HOLE);
  }

  get holes(): Hole[] {
    return this.chars.flatMap((char) => (char.hole === undefined ? [] : [char.hole]));
  }

  slice(start: number, end: number): LocatedText {
    return new LocatedText(this.text.slice(start, end), this.chars.slice(start, end), this.rangeLocation(start, end));
  }

  rangeLocation(start: number, end: number): SourceLocation {
    const first = this.chars[start];
    const last = this.chars[end - 1];
    if (first === undefined || last === undefined || end <= start) return this.location;
    return span(first.location, last.location);
  }

  /** The characters `start`..`end` as one value: a located string, or unknown when a hole is in it. */
  value(start: number, end: number, decoded?: string): Value {
    const location = this.rangeLocation(start, end);
    const text = this.text.slice(start, end);
    const holes = this.chars.slice(start, end).flatMap((char) => (char.hole === undefined ? [] : [char.hole]));
    if (holes.length === 0) {
      const from = this.chars.slice(start, end).find((char) => char.from !== undefined)?.from;
      return {
        kind: 'string',
        value: decoded ?? text,
        location,
        ...(from === undefined ? {} : { via: from.via }),
        ...(from?.origin === undefined ? {} : { origin: from.origin }),
      };
    }
    const reasons = [...new Set(holes.map((hole) => hole.reason))];
    const only = holes.length === 1 ? holes[0] : undefined;
    const mayInclude = only?.mayInclude?.map((candidate) => text.replace(HOLE, candidate));
    const unknown = unknownValue(reasons.join('; '), location, mayInclude);
    return only?.via === undefined ? unknown : { ...unknown, via: only.via };
  }
}

/**
 * Parses the value of a structure option (`--launch-permission`, `--cli-input-json`): JSON when
 * it starts with `{` or `[`, otherwise the CLI's shorthand (`Add=[{Group=all}]`). A file
 * (`file://perm.json`) or a value made at run time is unknown; text the CLI would reject is
 * unknown too, with the reason, rather than read as nothing.
 */
export function parseStructure(input: LocatedText, option: string): Value {
  const trimmedStart = input.text.length - input.text.trimStart().length;
  const trimmed = input.text.trim();
  const all = input.value(0, input.text.length);
  // A value made at run time, whole: `--launch-permission "$PERMISSION"`.
  if (trimmed.startsWith(HOLE) && !/[=[{]/.test(trimmed)) return all;
  if (/^fileb?:\/\//.test(trimmed)) {
    return unknownValue(`${option} is read from ${trimmed.replace(HOLE, '…')} when the script runs`, all.location);
  }
  try {
    const parser = new StructureParser(input, trimmedStart);
    const value = trimmed.startsWith('{') || trimmed.startsWith('[') ? parser.json() : parser.shorthand();
    parser.end();
    return value;
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error;
    // Text that only parses once its run-time parts are known: unknown for their reason.
    if (!input.known) return all;
    return unknownValue(`${option} is not valid ${trimmed.startsWith('{') ? 'JSON' : 'shorthand syntax'} (${error.message}); the CLI would refuse it, but amiguard cannot read what it grants`, all.location);
  }
}

class SyntaxProblem extends Error {}

const MAX_DEPTH = 64;

class StructureParser {
  private depth = 0;

  constructor(
    private readonly input: LocatedText,
    private position: number,
  ) {}

  private get text(): string {
    return this.input.text;
  }

  private skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position] ?? '')) this.position++;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.position];
  }

  private expect(char: string): void {
    if (this.peek() !== char) throw new SyntaxProblem(`expected "${char}" at character ${this.position + 1}`);
    this.position++;
  }

  /** Items separated by commas up to `close` (none when it comes first), which is consumed. */
  private commaSeparated(close: string, item: () => void): void {
    if (this.peek() === close) {
      this.position++;
      return;
    }
    for (;;) {
      item();
      if (this.peek() !== ',') break;
      this.position++;
    }
    this.expect(close);
  }

  end(): void {
    if (this.peek() !== undefined) throw new SyntaxProblem(`unexpected "${this.text[this.position] ?? ''}" at character ${this.position + 1}`);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new SyntaxProblem('nested too deeply');
  }

  json(): Value {
    this.enter();
    try {
      const start = this.position;
      const char = this.peek();
      if (char === '{') {
        const begin = this.position;
        this.position++;
        const entries: MapEntry[] = [];
        this.commaSeparated('}', () => {
          const key = this.jsonKey();
          this.expect(':');
          entries.push({ key, value: this.json() });
        });
        return { kind: 'map', entries, location: this.input.rangeLocation(begin, this.position) };
      }
      if (char === '[') {
        const begin = this.position;
        this.position++;
        const items: Value[] = [];
        this.commaSeparated(']', () => items.push(this.json()));
        return { kind: 'list', items, location: this.input.rangeLocation(begin, this.position) };
      }
      if (char === '"') return this.jsonString();
      if (char === HOLE) {
        this.position++;
        return this.input.value(this.position - 1, this.position);
      }
      const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(this.text.slice(this.position));
      if (literal === null) throw new SyntaxProblem(`unexpected "${char ?? 'end'}" at character ${start + 1}`);
      this.position += literal[0].length;
      const location = this.input.rangeLocation(start, this.position);
      return literal[0] === 'null' ? { kind: 'none', location } : { kind: 'string', value: literal[0], location };
    } finally {
      this.depth--;
    }
  }

  private jsonKey(): string | undefined {
    const key = this.jsonString();
    return key.kind === 'string' ? key.value : undefined;
  }

  private jsonString(): Value {
    this.expect('"');
    const start = this.position;
    let decoded = '';
    let escaped = false;
    while (this.position < this.text.length) {
      const char = this.text[this.position] ?? '';
      if (char === '"') {
        const value = this.input.value(start, this.position, escaped ? decoded : undefined);
        this.position++;
        return value;
      }
      if (char === '\\') {
        escaped = true;
        const next = this.text[this.position + 1] ?? '';
        decoded += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'u' ? String.fromCharCode(parseInt(this.text.slice(this.position + 2, this.position + 6), 16)) : next;
        this.position += next === 'u' ? 6 : 2;
        continue;
      }
      decoded += char;
      this.position++;
    }
    throw new SyntaxProblem('a string is not closed');
  }

  /** `Key=value,Key=[v1,v2],Key={K=v}` (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-shorthand.html). */
  shorthand(closing?: string): Value {
    this.enter();
    try {
      const begin = this.position;
      const entries: MapEntry[] = [];
      for (;;) {
        this.skipSpace();
        if (closing !== undefined && this.peek() === closing) break;
        const keyStart = this.position;
        while (this.position < this.text.length && !/[=,\]}[{]/.test(this.text[this.position] ?? '')) this.position++;
        const keyValue = this.input.value(keyStart, this.position);
        const key = keyValue.kind === 'string' ? keyValue.value.trim() : undefined;
        this.expect('=');
        entries.push({ key, value: this.shorthandValue(closing) });
        if (this.peek() === ',') {
          this.position++;
          continue;
        }
        break;
      }
      return { kind: 'map', entries, location: this.input.rangeLocation(begin, this.position) };
    } finally {
      this.depth--;
    }
  }

  private shorthandValue(closing: string | undefined): Value {
    this.enter();
    try {
      const char = this.peek();
      if (char === '[') {
        const begin = this.position;
        this.position++;
        const items: Value[] = [];
        this.commaSeparated(']', () => items.push(this.shorthandValue(']')));
        return { kind: 'list', items, location: this.input.rangeLocation(begin, this.position) };
      }
      if (char === '{') {
        this.position++;
        const value = this.shorthand('}');
        this.expect('}');
        return value;
      }
      if (char === '"' || char === "'") {
        this.position++;
        const start = this.position;
        const end = this.text.indexOf(char, start);
        if (end === -1) throw new SyntaxProblem('a quoted value is not closed');
        this.position = end + 1;
        return this.input.value(start, end);
      }
      const start = this.position;
      const stops = closing === undefined ? /[,]/ : closing === ']' ? /[,\]]/ : /[,}]/;
      while (this.position < this.text.length && !stops.test(this.text[this.position] ?? '')) this.position++;
      let end = this.position;
      while (end > start && /\s/.test(this.text[end - 1] ?? '')) end--;
      return this.input.value(start, end);
    } finally {
      this.depth--;
    }
  }
}
