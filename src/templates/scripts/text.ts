import type { SourceLocation } from '../../core/index.js';
import { locateEmbedded, type EmbeddedCode } from '../format.js';
import { LineIndex } from '../line-index.js';

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

export function fileLocator(file: string, text: string): Locator {
  const lines = new LineIndex(text, file);
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
  const lines = new LineIndex(code.text, code.file);
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
