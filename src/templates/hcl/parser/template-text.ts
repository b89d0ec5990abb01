import { exact } from '../nodes.js';
import type { Expr, TemplateFor, TemplateIf, TemplatePart } from '../syntax.js';

/** Collects template parts, merging text and applying `~` strip markers. */
export class TemplateBuilder {
  private readonly parts: TemplatePart[] = [];
  private pendingText = '';
  private stripNext = false;

  constructor(readonly decode: (raw: string, atLineStart: boolean) => string) {}

  text(raw: string, atLineStart = false): void {
    let decoded = this.decode(raw, atLineStart);
    if (this.stripNext) {
      decoded = decoded.trimStart();
      this.stripNext = false;
    }
    this.pendingText += decoded;
  }

  interpolation(expr: Expr, stripBefore: boolean, stripAfter: boolean): void {
    if (stripBefore) this.pendingText = this.pendingText.trimEnd();
    this.flush();
    this.parts.push({ type: 'interpolation', expr });
    this.stripNext = stripAfter;
  }

  directive(part: TemplateIf | TemplateFor): void {
    this.flush();
    this.parts.push(part);
  }

  /** A `~` before a directive marker: the text so far loses its trailing white space. */
  trimEnd(): void {
    this.pendingText = this.pendingText.trimEnd();
  }

  /** A `~` after a directive marker: the next text loses its leading white space. */
  stripStart(): void {
    this.stripNext = true;
  }

  finish(): readonly TemplatePart[] {
    this.flush();
    return exact(this.parts);
  }

  private flush(): void {
    if (this.pendingText !== '') this.parts.push({ type: 'text', text: this.pendingText });
    this.pendingText = '';
  }
}

const QUOTED_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([\s\S]))|\$\$\{|%%\{/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Escape sequences of a quoted string, and `$${` / `%%{` for a literal `${` / `%{`. */
export function unescapeQuoted(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('$${') && !raw.includes('%%{')) return raw;
  return raw.replace(QUOTED_ESCAPE, (match, short: string | undefined, long: string | undefined, char: string | undefined) => {
    if (short !== undefined) return String.fromCharCode(Number.parseInt(short, 16));
    if (long !== undefined) {
      const codePoint = Number.parseInt(long, 16);
      return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
    }
    if (char !== undefined) return SIMPLE_ESCAPES[char] ?? char;
    return match.slice(1);
  });
}

/** Heredocs have no backslash escapes, only `$${` and `%%{`. */
export function unescapeTemplateMarkers(raw: string): string {
  if (!raw.includes('$${') && !raw.includes('%%{')) return raw;
  return raw.replaceAll('$${', '${').replaceAll('%%{', '%{');
}

/** The smallest indentation of the lines in `start..end`; lines of white space only do not count, as in HCL. */
export function smallestIndent(text: string, start: number, end: number): number {
  let smallest = Number.POSITIVE_INFINITY;
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let column = lineStart;
    while (column < lineEnd && (text[column] === ' ' || text[column] === '\t')) column += 1;
    if (column < lineEnd && text[column] !== '\r') smallest = Math.min(smallest, column - lineStart);
    lineStart = lineEnd + 1;
  }
  return smallest === Number.POSITIVE_INFINITY ? 0 : smallest;
}

export function removeIndent(raw: string, indent: number, atLineStart: boolean): string {
  const lines = raw.split('\n');
  return lines
    .map((line, index) => {
      if (index === 0 && !atLineStart) return line;
      let cut = 0;
      while (cut < indent && (line[cut] === ' ' || line[cut] === '\t')) cut += 1;
      return line.slice(cut);
    })
    .join('\n');
}
