import type { SourceLocation } from '../../core/index.js';
import { locateEmbedded, type EmbeddedCode } from '../format.js';

/**
 * Where a range of the parsed text is in the file the user sees: the text may be the whole file,
 * code embedded in another file (a workflow's `run:`, a Lambda `ZipFile`), or a string inside a
 * script that is itself run as a script.
 */
export interface Locator {
  readonly file: string;
  /** `start` and `end` are UTF-16 indices into the parsed text, as tree-sitter reports them. */
  locate(start: number, end: number): SourceLocation;
}

/** Line starts of a text, to turn an index into a 1-based line and column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) this.starts.push(index + 1);
  }

  position(index: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: index - (this.starts[low] ?? 0) + 1 };
  }
}

export function fileLocator(file: string, text: string): Locator {
  const lines = new LineIndex(text);
  return {
    file,
    locate(start, end) {
      const from = lines.position(start);
      const to = lines.position(end);
      return { kind: 'source', file, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
    },
  };
}

export function embeddedLocator(code: EmbeddedCode): Locator {
  const lines = new LineIndex(code.text);
  return {
    file: code.file,
    locate(start, end) {
      const from = lines.position(start);
      const to = lines.position(end);
      return locateEmbedded(code, from.line, from.column, to.line, to.column);
    },
  };
}

/** The range from the start of `first` to the end of `last`. */
export function span(first: SourceLocation, last: SourceLocation): SourceLocation {
  return { ...first, endLine: last.endLine, endColumn: last.endColumn };
}

/** A condition or command as one line for a message: white space collapsed, long text cut. */
export function oneLine(text: string, limit = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}
