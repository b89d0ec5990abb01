import type { MemberNode, ValueNode } from '@humanwhocodes/momoa';
import { sourceLocation, type SourceLocation, type SuppressionDirective } from '../core/index.js';
import { parseJson } from '../templates/packer-json/parse.js';

/**
 * How a file is written: HCL native syntax, HCL's JSON syntax (`*.pkr.json`, `*.tf.json`), a legacy
 * Packer template, a file whose comments start with `#` (YAML, shell, Python), or one without comments.
 */
export type DirectiveSyntax = 'hcl' | 'hcl-json' | 'packer-json' | 'hash' | 'none';

const MARKER = 'amiguard-ignore';
/** Legacy JSON has no comments; Packer ignores root-level keys that start with `_` if their value is a string. */
const JSON_KEY = `_${MARKER}`;

/**
 * The `amiguard-ignore` directives of one template. Most files have none, and are only searched
 * for the marker, so that linting a large tree costs no second parse.
 */
export function scanDirectives(file: string, text: string, syntax: DirectiveSyntax): SuppressionDirective[] {
  if (!text.includes(MARKER)) return [];
  switch (syntax) {
    case 'hcl':
      return scanHcl(file, text);
    case 'hcl-json':
      return scanHclJson(file, text);
    case 'packer-json':
      return scanPackerJson(file, text);
    case 'hash':
      return scanHash(file, text);
    case 'none':
      return [];
  }
}

/**
 * `#` comments (YAML, shell, Python): one that starts a line or follows a blank. A comment after
 * code covers its own line; a comment alone covers the next line of code and, when the lines after
 * that are indented deeper (a YAML mapping, a Python block, a continued shell command), them too.
 */
function scanHash(file: string, text: string): SuppressionDirective[] {
  const lines = text.split(/\r?\n/);
  const directives: SuppressionDirective[] = [];
  const indentOf = (line: string): number => line.length - line.trimStart().length;
  const isCode = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');
  lines.forEach((line, index) => {
    const match = /(^|\s)#(.*)$/.exec(line);
    if (match === null) return;
    const written = markerText(match[2] ?? '');
    if (written === undefined) return;
    const hashColumn = match.index + (match[1] ?? '').length + 1;
    const location = sourceLocation(file, index + 1, hashColumn, index + 1, line.length + 1);
    const trailing = line.slice(0, hashColumn - 1).trim() !== '';
    let target = index;
    if (!trailing) {
      target = index + 1;
      while (target < lines.length && !isCode(lines[target] ?? '')) target++;
    }
    const indent = indentOf(lines[target] ?? '');
    let end = target;
    for (let next = target + 1; next < lines.length; next++) {
      const candidate = lines[next] ?? '';
      if (candidate.trim() === '') continue;
      if (indentOf(candidate) <= indent) break;
      end = next;
    }
    directives.push(parseDirective(written, location, { from: target + 1, to: end + 1 }));
  });
  return directives;
}

interface Comment {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly body: string;
  /** Code comes before it on its line: it covers that line, not the next. */
  readonly trailing: boolean;
}

/**
 * HCL native syntax: `#`, `//` and `/* *\/` comments. A comment after code covers its own line;
 * a comment alone on its lines covers the next line of code. When the covered line opens a block
 * (`source "amazon-ebs" "x" {`), the directive covers the whole block.
 */
function scanHcl(file: string, text: string): SuppressionDirective[] {
  const { comments, codeLines, blockEnds } = lexHcl(text);
  const directives: SuppressionDirective[] = [];
  for (const comment of comments) {
    const written = markerText(comment.body);
    if (written === undefined) continue;
    let target = comment.line;
    if (!comment.trailing) {
      target = comment.endLine + 1;
      while (target <= codeLines.length && codeLines[target] !== true) target++;
    }
    const location = sourceLocation(file, comment.line, comment.column, comment.endLine, comment.endColumn);
    directives.push(parseDirective(written, location, { from: target, to: blockEnds.get(target) ?? target }));
  }
  return directives;
}

/** HCL's JSON syntax: a `"//"` property is a comment; one naming amiguard-ignore covers its object. */
function scanHclJson(file: string, text: string): SuppressionDirective[] {
  const parsed = parseJson(file, text);
  if (!parsed.ok) return [];
  const directives: SuppressionDirective[] = [];
  const visit = (node: ValueNode): void => {
    if (node.type === 'Object') {
      for (const member of node.members) {
        if (member.name.type === 'String' && member.name.value === '//' && member.value.type === 'String') {
          const written = markerText(member.value.value);
          if (written !== undefined) {
            directives.push(parseDirective(written, memberLocation(file, member), { from: node.loc.start.line, to: node.loc.end.line }));
          }
        }
        visit(member.value);
      }
    } else if (node.type === 'Array') {
      for (const element of node.elements) visit(element.value);
    }
  };
  visit(parsed.document.body);
  return directives;
}

/**
 * Legacy JSON: a root-level `"_amiguard-ignore"` key (or `"_amiguard-ignore-2"`, and so on, as
 * keys must be unique) whose string value is the directive; it covers the whole file. Packer
 * refuses unknown keys inside a builder, and a root-level `_` key whose value is not a string.
 */
function scanPackerJson(file: string, text: string): SuppressionDirective[] {
  const parsed = parseJson(file, text);
  if (!parsed.ok || parsed.document.body.type !== 'Object') return [];
  const directives: SuppressionDirective[] = [];
  for (const member of parsed.document.body.members) {
    if (member.name.type !== 'String' || !member.name.value.startsWith(JSON_KEY)) continue;
    const location = memberLocation(file, member);
    if (member.value.type !== 'String') {
      directives.push({ location, text: member.name.value, rules: [], reason: '', lines: 'file', problem: { kind: 'notString' } });
    } else {
      directives.push(parseDirective(member.value.value.replace(/^\s*amiguard-ignore\b/, ''), location, 'file'));
    }
  }
  return directives;
}

function memberLocation(file: string, member: MemberNode): SourceLocation {
  const { start, end } = member.loc;
  return sourceLocation(file, start.line, start.column, end.line, end.column);
}

/** The text after the marker, when a comment starts with it. */
function markerText(body: string): string | undefined {
  const match = /^\s*amiguard-ignore(?![\w-])(.*)$/s.exec(body);
  return match?.[1];
}

/**
 * `RULE[, RULE...] [until YYYY-MM-DD]: reason`. Whether the rules exist is checked later, against
 * the rule registry (see `checkRuleIds`).
 */
export function parseDirective(
  written: string,
  location: SourceLocation,
  lines: SuppressionDirective['lines'],
): SuppressionDirective {
  const text = written.replace(/\s+/g, ' ').trim();
  const colon = text.indexOf(':');
  const head = colon === -1 ? text : text.slice(0, colon);
  const reason = colon === -1 ? '' : text.slice(colon + 1).trim();
  const words = head.split(/[\s,]+/).filter((word) => word !== '');
  const untilAt = words.indexOf('until');
  const rules = untilAt === -1 ? words : words.slice(0, untilAt);
  const until = untilAt === -1 ? undefined : words.slice(untilAt + 1).join(' ');
  const base = { location, text, rules, reason, lines, ...(until === undefined ? {} : { until }) };
  if (rules.length === 0) return { ...base, problem: { kind: 'noRule' } };
  if (reason === '') return { ...base, problem: { kind: 'noReason' } };
  if (until !== undefined && !isIsoDate(until)) return { ...base, problem: { kind: 'badExpiry', text: until } };
  return base;
}

/** Marks directives that name a rule amiguard does not have: they suppress nothing. */
export function checkRuleIds(directives: readonly SuppressionDirective[], known: readonly string[]): SuppressionDirective[] {
  return directives.map((directive) => {
    if (directive.problem !== undefined) return directive;
    const unknown = directive.rules.find((rule) => !known.includes(rule));
    return unknown === undefined ? directive : { ...directive, problem: { kind: 'unknownRule', rule: unknown } };
  });
}

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

interface HclLex {
  readonly comments: readonly Comment[];
  /** Index by line number: true where the line has code (anything but blanks and comments). */
  readonly codeLines: readonly boolean[];
  /** The line of the bracket that closes the first block, object, list or call opened on a line. */
  readonly blockEnds: ReadonlyMap<number, number>;
}

/**
 * Just enough of HCL's lexical structure to tell comments from strings: quoted strings with
 * `${...}` and `%{...}` templates (which may hold strings themselves), heredocs, and the three
 * comment forms; brackets outside strings are matched to find where blocks and values spanning
 * several lines (`ami_groups = [` ... `]`) end.
 */
function lexHcl(text: string): HclLex {
  const comments: Comment[] = [];
  const codeLines: boolean[] = [];
  const blockEnds = new Map<number, number>();
  const braces: number[] = [];
  // Nested contexts: a string, or a template interpolation inside one (with its brace depth).
  const stack: ({ kind: 'string' } | { kind: 'template'; depth: number })[] = [];
  let line = 1;
  let column = 1;
  let i = 0;
  const advance = (count: number): void => {
    for (let k = 0; k < count && i < text.length; k++, i++) {
      if (text.charAt(i) === '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
  };
  while (i < text.length) {
    const char = text.charAt(i);
    const next = text.charAt(i + 1);
    const top = stack.at(-1);
    if (top?.kind === 'string') {
      if (char === '\\') advance(2);
      else if (char === '"') {
        stack.pop();
        advance(1);
      } else if ((char === '$' || char === '%') && next === '{') {
        stack.push({ kind: 'template', depth: 0 });
        advance(2);
      } else advance(1);
      continue;
    }
    if (char === '\n') {
      advance(1);
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      advance(1);
      continue;
    }
    if (char === '#' || (char === '/' && (next === '/' || next === '*'))) {
      const block = char === '/' && next === '*';
      const start = { line, column };
      const trailing = codeLines[line] === true;
      const end = block ? text.indexOf('*/', i + 2) : text.indexOf('\n', i);
      const stop = end === -1 ? text.length : block ? end + 2 : end;
      const body = text.slice(i + (char === '#' ? 1 : 2), block && end !== -1 ? end : stop);
      advance(stop - i);
      comments.push({ line: start.line, column: start.column, endLine: line, endColumn: column, body, trailing });
      continue;
    }
    codeLines[line] = true;
    if (char === '"') {
      stack.push({ kind: 'string' });
      advance(1);
    } else if (char === '<' && next === '<' && top === undefined) {
      const heredoc = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (heredoc === null) {
        advance(2);
        continue;
      }
      const marker = heredoc[1] ?? '';
      const close = new RegExp(`^[ \\t]*${marker}[ \\t]*\\r?$`, 'm');
      advance(heredoc[0].length);
      const rest = text.slice(i);
      const found = close.exec(rest);
      const skip = found === null ? rest.length : found.index + found[0].length;
      // The heredoc's lines are code: a comment before it covers the attribute.
      const from = line;
      advance(skip);
      for (let covered = from; covered <= line; covered++) codeLines[covered] = true;
    } else if (top?.kind === 'template' && (char === '{' || char === '}')) {
      if (char === '{') top.depth++;
      else if (top.depth === 0) stack.pop();
      else top.depth--;
      advance(1);
    } else if (top === undefined && (char === '{' || char === '[' || char === '(')) {
      braces.push(line);
      advance(1);
    } else if (top === undefined && (char === '}' || char === ']' || char === ')')) {
      const opened = braces.pop();
      // The first bracket opened on a line closes last: keep the furthest close.
      if (opened !== undefined && (blockEnds.get(opened) ?? 0) < line) blockEnds.set(opened, line);
      advance(1);
    } else {
      advance(1);
    }
  }
  return { comments, codeLines, blockEnds };
}
