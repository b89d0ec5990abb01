import type { Node } from 'web-tree-sitter';
import type { SourceLocation } from '../../core/index.js';
import type { TemplateProblem } from '../model.js';
import { tokenAt } from './unicode-patterns.js';

const CLOSERS: Readonly<Record<string, string>> = { '}': '{', ']': '[', ')': '(' };

/**
 * Describes the first ERROR or MISSING node of a tree that has errors, in document order. The
 * walk only descends into children that contain an error, so it is cheap even on big files.
 */
export function describeSyntaxError(root: Node, file: string, text: string): TemplateProblem {
  const at = (index: number, length = 1): SourceLocation => locationAt(text, file, index, length);
  // Down to the innermost first error: an ERROR may hold a smaller ERROR that pins the token.
  let node = root;
  descend: for (;;) {
    if (node.isError) {
      const unclosed = unclosedInterpolation(node);
      if (unclosed !== undefined) return { message: "missing '}' to close '${'", location: at(unclosed.startIndex, 2) };
    }
    for (const child of node.children) {
      if (child.isMissing || child.hasError) {
        node = child;
        continue descend;
      }
    }
    break;
  }

  if (node.isMissing) return describeMissing(node, at);
  if (!node.isError) return { message: 'syntax error', location: at(node.startIndex) };

  const children = node.children.filter((child) => child.type !== 'comment');
  const last = children.at(-1);
  // An opening quote that nothing closes swallowed the rest of the file.
  if (last?.type === 'quoted_template_start') {
    return { message: 'missing closing quote: the string that starts here is never closed', location: at(last.startIndex) };
  }
  // The external scanner sometimes leaves a stray heredoc marker where it gave up: that is the
  // token the parser could not place.
  const stray = children.find((child) => child.type === 'heredoc_identifier');
  if (stray !== undefined) return unexpectedAt(text, stray.startIndex, at);
  // A lone token is the unexpected one; a lone complete expression is followed by it.
  const [only] = children;
  if (children.length === 1 && only !== undefined && only.childCount === 0) return unexpectedAt(text, only.startIndex, at);
  if (last !== undefined && nextToken(text, last.endIndex) < node.endIndex) {
    return unexpectedAt(text, nextToken(text, last.endIndex), at);
  }
  return unexpectedAt(text, nextToken(text, node.endIndex), at);
}

/** A `${` among an ERROR's children with no `}` after it. */
function unclosedInterpolation(node: Node): Node | undefined {
  let open: Node | undefined;
  for (const child of node.children) {
    if (child.type === 'template_interpolation_start') open = child;
    else if (child.type === 'template_interpolation_end') open = undefined;
  }
  return open;
}

function describeMissing(node: Node, at: (index: number, length?: number) => SourceLocation): TemplateProblem {
  const parent = node.parent;
  switch (node.type) {
    case 'quoted_template_end': {
      const start = parent?.startIndex ?? node.startIndex;
      return { message: 'missing closing quote: the string that starts here is never closed', location: at(start) };
    }
    case 'template_interpolation_end':
      return { message: "missing '}' to close '${'", location: at(parent?.startIndex ?? node.startIndex, 2) };
    case 'heredoc_identifier': {
      const heredoc = parent?.type === 'heredoc_template' ? parent : undefined;
      const opener = heredoc?.children.find((child) => child.type === 'heredoc_identifier' && !child.isMissing);
      const marker = opener === undefined ? 'marker' : `marker "${opener.text}"`;
      return { message: `missing the heredoc's closing ${marker}`, location: at(heredoc?.startIndex ?? node.startIndex) };
    }
    case 'identifier':
      return { message: 'expected an expression', location: at(node.startIndex, 0) };
    default: {
      const opener = CLOSERS[node.type];
      if (opener === undefined) return { message: `missing '${node.type}'`, location: at(node.startIndex, 0) };
      const container = parent !== null && parent.type.endsWith('_end') ? parent.parent : parent;
      const where = container === null ? '' : ` to close the '${opener}' at ${describePosition(container)}`;
      return { message: `missing '${node.type}'${where}`, location: at(node.startIndex, 0) };
    }
  }
}

function describePosition(node: Node): string {
  const start = node.startPosition;
  return `line ${start.row + 1}, column ${start.column + 1}`;
}

function unexpectedAt(text: string, index: number, at: (index: number, length?: number) => SourceLocation): TemplateProblem {
  if (index >= text.length) return { message: 'unexpected end of file', location: at(text.length, 0) };
  const token = tokenAt(text, index);
  return { message: `unexpected '${token}'`, location: at(index, token.length) };
}

/** The index of the next token at or after `index`, skipping white space and comments. */
function nextToken(text: string, index: number): number {
  let position = index;
  while (position < text.length) {
    const char = text.charAt(position);
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      position += 1;
    } else if (char === '#' || text.startsWith('//', position)) {
      const end = text.indexOf('\n', position);
      position = end === -1 ? text.length : end;
    } else if (text.startsWith('/*', position)) {
      const end = text.indexOf('*/', position + 2);
      position = end === -1 ? text.length : end + 2;
    } else {
      break;
    }
  }
  return position;
}

/** The place of `length` characters at `index` of `text`, counted from the start (for an error, once). */
export function locationAt(text: string, file: string, index: number, length: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let newline = text.indexOf('\n'); newline !== -1 && newline < index; newline = text.indexOf('\n', newline + 1)) {
    line += 1;
    lineStart = newline + 1;
  }
  const column = index - lineStart + 1;
  return { kind: 'source', file, line, column, endLine: line, endColumn: column + length };
}
