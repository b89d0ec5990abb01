import type { DocumentNode } from '@humanwhocodes/momoa';
import { sourceLocation } from '../../core/index.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../core/json-depth.js';
import type { TemplateProblem } from '../model.js';
import { momoa } from '../momoa.js';

export type JsonParse =
  | { readonly ok: true; readonly document: DocumentNode }
  | { readonly ok: false; readonly problem: TemplateProblem };

const BOM = '\uFEFF';
const TOO_DEEP = `invalid JSON: nested too deeply to read (more than ${MAX_JSON_DEPTH} levels; a Packer template is a few levels deep)`;

/** Parses JSON with positions; a syntax error or nesting too deep for the stack is a problem. */
export function parseJson(file: string, text: string): JsonParse {
  // Editors on Windows save a byte order mark; it is not content, and stripping it keeps columns.
  const source = text.startsWith(BOM) ? text.slice(1) : text;
  const tooDeep = jsonTooDeep(source);
  if (tooDeep !== undefined) return { ok: false, problem: { message: TOO_DEEP, location: sourceLocation(file, tooDeep.line, tooDeep.column + (source === text ? 0 : 1)) } };
  try {
    return { ok: true, document: momoa().parse(source, { mode: 'json', ranges: false }) };
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problem: { message: TOO_DEEP, location: sourceLocation(file, 1, 1) } };
    if (isPositionedError(error)) {
      if (endsEarly(error, source)) {
        const { line, column } = endOf(source);
        return {
          ok: false,
          problem: {
            message: 'invalid JSON: the file ends before the JSON is complete (is it truncated, or missing a "}" or "]"?)',
            location: sourceLocation(file, line, column),
          },
        };
      }
      return {
        ok: false,
        problem: {
          message: `invalid JSON: ${readableMessage(error, source)}`,
          location: sourceLocation(file, error.line, error.column),
        },
      };
    }
    throw error;
  }
}

/** The parse alone, for the benchmark's baseline: what reading a template cannot be faster than. */
export function parseOnly(text: string): void {
  try {
    momoa().parse(text.startsWith(BOM) ? text.slice(1) : text, { mode: 'json', ranges: false });
  } catch {
    // The baseline measures time; an invalid file costs what it costs.
  }
}

interface PositionedError extends Error {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

function isPositionedError(error: unknown): error is PositionedError {
  if (!(error instanceof Error)) return false;
  const { line, column, offset } = error as Partial<PositionedError>;
  return typeof line === 'number' && typeof column === 'number' && typeof offset === 'number';
}

const SENTINEL = ' @';

/**
 * Whether the text stops where the parser still wanted more. momoa reports a text cut inside a
 * list as an unexpected last token; its tokenizer is lazy, so a parse of the text with a sentinel
 * appended fails at the sentinel exactly when the parser needed input past the end.
 */
function endsEarly(error: PositionedError, source: string): boolean {
  if (error.message.startsWith('Unexpected end of input')) return true;
  if (!error.message.startsWith('Unexpected token')) return false;
  try {
    momoa().parse(source + SENTINEL, { mode: 'json', ranges: false });
    return false;
  } catch (retry) {
    return isPositionedError(retry) && retry.offset === source.length + 1;
  }
}

/** The 1-based line and column just past the last character, counting lines as momoa does. */
function endOf(text: string): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (const match of text.matchAll(/\r\n|\r|\n/g)) {
    line += 1;
    lineStart = match.index + match[0].length;
  }
  return { line, column: text.length - lineStart + 1 };
}

const TOKEN_TEXT: Readonly<Record<string, string>> = {
  LBrace: '"{"',
  RBrace: '"}"',
  LBracket: '"["',
  RBracket: '"]"',
  Comma: '","',
  Colon: '":"',
  String: 'a string',
  Number: 'a number',
  Boolean: 'true or false',
  Null: 'null',
};

/** momoa says `Unexpected token RBrace found. (2:7)`; say what is wrong in JSON terms. */
function readableMessage(error: PositionedError, text: string): string {
  const token = /^Unexpected token (\w+) found/.exec(error.message)?.[1];
  if (token !== undefined) {
    const previous = text.slice(0, error.offset).trimEnd().at(-1);
    if ((token === 'RBrace' || token === 'RBracket') && previous === ',') {
      return `unexpected ${TOKEN_TEXT[token] ?? token}: JSON allows no comma after the last element`;
    }
    return `unexpected ${TOKEN_TEXT[token] ?? token}`;
  }
  const char = /^Unexpected character '([\s\S])' found/.exec(error.message)?.[1];
  if (char !== undefined) {
    if (char === '/') return 'unexpected "/": JSON has no comments';
    if (char === "'") return `unexpected "'": JSON strings need double quotes`;
    return `unexpected character ${JSON.stringify(char)}`;
  }
  const word = /^Unexpected identifier '(.*)' found/.exec(error.message)?.[1];
  if (word !== undefined) {
    return `unexpected word "${word}": JSON values are strings in double quotes, numbers, true, false or null`;
  }
  return error.message.replace(/\s*\(\d+:\d+\)$/, '');
}
