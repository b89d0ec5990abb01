import type { ValueNode as JsonNode } from '@humanwhocodes/momoa';
import type { Document, LineCounter, Node as YamlNode, Scalar } from 'yaml';
import { sourceLocation, type SourceLocation } from '../../core/index.js';
import { yaml, yamlTooDeep } from '../../core/yaml.js';
import type { TemplateProblem } from '../model.js';
import { parseJson } from '../packer-json/parse.js';

/**
 * A template as CloudFormation sees it, whether written in YAML or JSON: maps, lists and scalars,
 * each with its place. Short-form tags (`!Ref X`, `!Sub ...`) become the long form
 * (`{ Ref: X }`, `{ 'Fn::Sub': ... }`), so that the evaluator knows one syntax.
 */
export type CfnNode = CfnMap | CfnList | CfnScalar;

export interface CfnMap {
  readonly kind: 'map';
  readonly entries: readonly CfnEntry[];
  readonly location: SourceLocation;
}

export interface CfnEntry {
  readonly key: string;
  readonly keyLocation: SourceLocation;
  readonly value: CfnNode;
}

export interface CfnList {
  readonly kind: 'list';
  readonly items: readonly CfnNode[];
  readonly location: SourceLocation;
}

/** A scalar's text as written (CloudFormation reads `098765432109` as the string it is). */
export interface CfnScalar {
  readonly kind: 'scalar';
  readonly value: string;
  readonly location: SourceLocation;
  /** Where each character of `value` is in the file, for code embedded in it. */
  readonly text: ScalarText;
}

/**
 * Where a scalar's characters sit: a YAML literal block is exact line by line; a JSON string
 * is decoded from its escapes; other scalars map every line to where the scalar starts.
 */
export type ScalarText =
  | { readonly kind: 'lines'; readonly line: number; readonly column: number; readonly indent: number }
  | { readonly kind: 'json'; readonly raw: string; readonly line: number; readonly column: number };

export type TemplateParse = { readonly ok: true; readonly root: CfnNode } | { readonly ok: false; readonly problem: TemplateProblem };

/** The short forms CloudFormation's YAML accepts, and the key each stands for. */
const SHORT_FORMS: ReadonlyMap<string, string> = new Map(
  ['Ref', 'Condition'].map((name): [string, string] => [`!${name}`, name]).concat(
    ['Sub', 'Join', 'If', 'Select', 'Split', 'GetAtt', 'FindInMap', 'Equals', 'Not', 'And', 'Or', 'ImportValue', 'Base64', 'GetAZs', 'Cidr', 'Transform', 'ToJsonString', 'Length']
      .map((name): [string, string] => [`!${name}`, `Fn::${name}`]),
  ),
);

/** Deeper than any real template (a few levels of intrinsics inside a resource's properties); deeper input is refused rather than overflowing the stack. */
export const MAX_DEPTH = 200;

class TooDeep extends Error {}

/** Parses a YAML template with positions. CloudFormation refuses anchors and aliases, so they are a problem, never expanded. */
export function parseYamlTemplate(file: string, text: string): TemplateParse {
  // Deep flow nesting makes the yaml library abort the whole process: refused before it parses.
  if (yamlTooDeep(text, MAX_DEPTH) !== undefined) return { ok: false, problem: tooDeepProblem(file) };
  const lib = yaml();
  const lineCounter = new lib.LineCounter();
  let document: Document.Parsed;
  try {
    // The library's own duplicate-key check compares every key with every other (minutes for a
    // map of 40,000 keys); the converter finds duplicates with a set instead.
    document = lib.parseDocument(text, { lineCounter, schema: 'failsafe', prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problem: tooDeepProblem(file) };
    throw error;
  }
  const [error] = document.errors;
  if (error !== undefined) {
    if (error.message.includes('Maximum call stack size exceeded')) return { ok: false, problem: tooDeepProblem(file) };
    const { line, col: column } = lineCounter.linePos(error.pos[0]);
    const message = (error.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, problem: { message: `invalid YAML: ${message}`, location: sourceLocation(file, line, column) } };
  }
  const converter = new YamlConverter(file, text, lineCounter);
  try {
    const root = converter.convert(document.contents, 0);
    const alias = converter.alias;
    if (alias !== undefined) {
      return { ok: false, problem: { message: 'CloudFormation does not allow YAML aliases (*name): it rejects this template', location: alias } };
    }
    const duplicate = converter.duplicate;
    if (duplicate !== undefined) {
      return { ok: false, problem: { message: `invalid YAML: duplicate key "${duplicate.key}": map keys must be unique`, location: duplicate.location } };
    }
    return { ok: true, root };
  } catch (caught) {
    if (caught instanceof TooDeep || caught instanceof RangeError) return { ok: false, problem: tooDeepProblem(file) };
    throw caught;
  }
}

function tooDeepProblem(file: string): TemplateProblem {
  return {
    message: `nested more than ${MAX_DEPTH} levels deep: not read (a CloudFormation template is a few levels deep)`,
    location: sourceLocation(file, 1, 1),
  };
}

class YamlConverter {
  /** The first alias met: CloudFormation rejects the template. */
  alias: SourceLocation | undefined;
  /** The first key met twice in one map. */
  duplicate: { readonly key: string; readonly location: SourceLocation } | undefined;
  private readonly lib = yaml();

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  convert(node: YamlNode | null | undefined, depth: number): CfnNode {
    if (depth > MAX_DEPTH) throw new TooDeep();
    if (node === null || node === undefined) return this.empty();
    const location = this.locate(node.range);
    let converted: CfnNode;
    if (this.lib.isAlias(node)) {
      this.alias ??= location;
      converted = { kind: 'scalar', value: '', location, text: { kind: 'lines', line: location.line, column: location.column, indent: location.column - 1 } };
    } else if (this.lib.isScalar(node)) {
      converted = this.scalar(node, location);
    } else if (this.lib.isSeq(node)) {
      converted = { kind: 'list', items: node.items.map((item) => this.convert(item as YamlNode | null, depth + 1)), location };
    } else if (this.lib.isMap(node)) {
      const entries: CfnEntry[] = [];
      const keys = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        const keyLocation = key === null ? location : this.locate(key.range);
        const keyText = key !== null && this.lib.isScalar(key) ? String(key.value) : '';
        if (keys.has(keyText)) this.duplicate ??= { key: keyText, location: keyLocation };
        keys.add(keyText);
        entries.push({ key: keyText, keyLocation, value: this.convert(pair.value as YamlNode | null, depth + 1) });
      }
      converted = { kind: 'map', entries, location };
    } else {
      converted = this.empty();
    }
    const long = node.tag === undefined ? undefined : SHORT_FORMS.get(node.tag);
    if (long === undefined) return converted;
    const tagged = this.withTag(location, node.tag ?? '');
    return { kind: 'map', entries: [{ key: long, keyLocation: tagged, value: converted }], location: tagged };
  }

  private empty(): CfnScalar {
    const location = sourceLocation(this.file, 1, 1);
    return { kind: 'scalar', value: '', location, text: { kind: 'lines', line: 1, column: 1, indent: 0 } };
  }

  private scalar(node: Scalar, location: SourceLocation): CfnScalar {
    const value = node.value === null || node.value === undefined ? '' : String(node.value as string);
    if (node.type !== 'BLOCK_LITERAL') {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
      return { kind: 'scalar', value, location, text: { kind: 'lines', line: location.line, column: location.column + quoted, indent: location.column - 1 } };
    }
    // A literal block's content starts on the line after its `|` header, every line indented alike.
    const header = node.range?.[0] ?? 0;
    const contentStart = this.text.indexOf('\n', header) + 1;
    const firstLine = this.lines.linePos(contentStart).line;
    const indent = /^(?:[ ]*\r?\n)*([ ]*)/.exec(this.text.slice(contentStart, contentStart + 4096))?.[1]?.length ?? 0;
    return { kind: 'scalar', value, location, text: { kind: 'lines', line: firstLine, column: indent + 1, indent } };
  }

  private locate(range: readonly [number, number, number] | null | undefined): SourceLocation {
    if (range === null || range === undefined) return sourceLocation(this.file, 1, 1);
    const start = this.lines.linePos(range[0]);
    const end = this.lines.linePos(range[1]);
    return sourceLocation(this.file, start.line, start.col, end.line, end.col);
  }

  /** A tagged node starts at its tag (`!Ref X`), which the YAML library leaves out of the range. */
  private withTag(location: SourceLocation, tag: string): SourceLocation {
    const offset = this.offsetOf(location.line, location.column);
    const before = this.text.lastIndexOf(tag, offset);
    if (before < 0 || this.text.slice(before + tag.length, offset).trim() !== '') return location;
    const start = this.lines.linePos(before);
    return { ...location, line: start.line, column: start.col };
  }

  private offsetOf(line: number, column: number): number {
    return (this.lines.lineStarts[line - 1] ?? 0) + column - 1;
  }
}

/** Parses a JSON template (a CDK synth output, a hand-written one) with positions. */
export function parseJsonTemplate(file: string, text: string): TemplateParse {
  const parsed = parseJson(file, text);
  if (!parsed.ok) {
    const problem = parsed.problem.message.includes('nested too deeply') ? tooDeepProblem(file) : parsed.problem;
    return { ok: false, problem };
  }
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return { ok: true, root: convertJson(file, source, parsed.document.body, 0) };
  } catch (caught) {
    if (caught instanceof TooDeep || caught instanceof RangeError) return { ok: false, problem: tooDeepProblem(file) };
    throw caught;
  }
}

function convertJson(file: string, source: string, node: JsonNode, depth: number): CfnNode {
  if (depth > MAX_DEPTH) throw new TooDeep();
  const { start, end } = node.loc;
  const location = sourceLocation(file, start.line, start.column, end.line, end.column);
  switch (node.type) {
    case 'Object':
      return {
        kind: 'map',
        entries: node.members.map((member) => ({
          key: member.name.type === 'String' ? member.name.value : member.name.name,
          keyLocation: sourceLocation(file, member.name.loc.start.line, member.name.loc.start.column, member.name.loc.end.line, member.name.loc.end.column),
          value: convertJson(file, source, member.value, depth + 1),
        })),
        location,
      };
    case 'Array':
      return { kind: 'list', items: node.elements.map((element) => convertJson(file, source, element.value, depth + 1)), location };
    case 'String':
      return {
        kind: 'scalar',
        value: node.value,
        location,
        text: { kind: 'json', raw: source.slice(start.offset + 1, end.offset - 1), line: start.line, column: start.column + 1 },
      };
    default: {
      // Numbers and booleans as written: CloudFormation passes them on as strings.
      const raw = source.slice(start.offset, end.offset);
      return { kind: 'scalar', value: raw, location, text: { kind: 'lines', line: start.line, column: start.column, indent: start.column - 1 } };
    }
  }
}

/** The line and column of character `offset` of a scalar's value. */
export function scalarPosition(text: ScalarText, value: string, offset: number): { line: number; column: number } {
  if (text.kind === 'lines') {
    const before = value.slice(0, offset);
    const newline = before.lastIndexOf('\n');
    if (newline < 0) return { line: text.line, column: text.column + offset };
    let lines = 0;
    for (let index = before.indexOf('\n'); index >= 0; index = before.indexOf('\n', index + 1)) lines += 1;
    return { line: text.line + lines, column: text.indent + 1 + (offset - newline - 1) };
  }
  // A JSON string is one line; its escapes (`\n`, `\"`, `\u00e9`) take more columns than the characters they stand for.
  let raw = 0;
  for (let decoded = 0; decoded < offset && raw < text.raw.length; decoded += 1) {
    if (text.raw[raw] !== '\\') raw += 1;
    else raw += text.raw[raw + 1] === 'u' ? 6 : 2;
  }
  return { line: text.line, column: text.column + raw };
}

/** The entry of a map, by exact key (CloudFormation's keys are case-sensitive). */
export function entry(node: CfnNode | undefined, key: string): CfnEntry | undefined {
  if (node?.kind !== 'map') return undefined;
  for (let index = node.entries.length - 1; index >= 0; index -= 1) {
    const found = node.entries[index];
    if (found?.key === key) return found;
  }
  return undefined;
}

export function child(node: CfnNode | undefined, key: string): CfnNode | undefined {
  return entry(node, key)?.value;
}
