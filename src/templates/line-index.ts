import type { SourceLocation } from '../core/index.js';

/**
 * Line and column from a text index. Indices are UTF-16 code units, so columns count as editors
 * and SARIF count them. The line starts are counted before they are stored, in a typed array
 * (4 bytes a line, outside the JS heap, rather than a growing array of numbers). A reader asks
 * in roughly increasing order, so the line of the last answer is tried before a binary search.
 */
export class LineIndex {
  private readonly starts: Uint32Array;
  private last = 0;
  private lastStart = 0;
  private lastEnd = 0;
  private lastLocation: SourceLocation | undefined;

  constructor(
    text: string,
    private readonly file: string,
  ) {
    let count = 1;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', newline + 1)) count += 1;
    this.starts = new Uint32Array(count);
    let line = 1;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', newline + 1)) {
      this.starts[line] = newline + 1;
      line += 1;
    }
  }

  location(start: number, end: number): SourceLocation {
    // An evaluator asks for the same node's location several times in a row: one object for them.
    if (this.lastLocation !== undefined && start === this.lastStart && end === this.lastEnd) return this.lastLocation;
    const line = this.lineOf(start);
    const endLine = end === start ? line : this.lineOf(end);
    const location: SourceLocation = {
      kind: 'source',
      file: this.file,
      line: line + 1,
      column: start - (this.starts[line] ?? 0) + 1,
      endLine: endLine + 1,
      endColumn: end - (this.starts[endLine] ?? 0) + 1,
    };
    this.lastStart = start;
    this.lastEnd = end;
    this.lastLocation = location;
    return location;
  }

  /** The 1-based line and column of `index`. */
  position(index: number): { line: number; column: number } {
    const line = this.lineOf(index);
    return { line: line + 1, column: index - (this.starts[line] ?? 0) + 1 };
  }

  /** The 0-based line holding `index`. */
  private lineOf(index: number): number {
    const last = this.last;
    if ((this.starts[last] ?? 0) <= index && index < (this.starts[last + 1] ?? Number.POSITIVE_INFINITY)) return last;
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    this.last = low;
    return low;
  }
}
