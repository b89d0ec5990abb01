import type * as Yaml from 'yaml';
import { sourceLocation, type SourceLocation } from '../../core/index.js';
import { MAX_YAML_DEPTH, yaml, yamlTooDeep } from '../../core/yaml.js';
import type { TemplateProblem } from '../model.js';

/**
 * A YAML document as plain data with the place of every node, the way Ansible (PyYAML, YAML 1.1)
 * reads it: `yes`/`no` are booleans, `<<` merges, aliases are expanded.
 */
export type YNode = YScalar | YSeq | YMap;

export interface YScalar {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  readonly location: SourceLocation;
}

export interface YSeq {
  readonly kind: 'seq';
  readonly items: readonly YNode[];
  readonly location: SourceLocation;
}

export interface YPair {
  readonly key: string;
  readonly keyLocation: SourceLocation;
  readonly value: YNode;
}

export interface YMap {
  readonly kind: 'map';
  readonly pairs: readonly YPair[];
  readonly location: SourceLocation;
}

export interface ParsedYaml {
  readonly root: YNode | undefined;
  readonly problems: readonly TemplateProblem[];
}

/**
 * Limits that keep hostile YAML from hurting the process: deep input is refused before it is
 * parsed (see MAX_YAML_DEPTH); an alias bomb expands into more nodes than any playbook has.
 */
const MAX_DEPTH = MAX_YAML_DEPTH;
const MAX_NODES = 200_000;

/** Parses one YAML file; a file that does not parse is a problem at the place of the error. */
export function parseYaml(file: string, text: string): ParsedYaml {
  const tooDeep = nestingProblem(file, text);
  if (tooDeep !== undefined) return { root: undefined, problems: [tooDeep] };
  const library = yaml();
  const lineCounter = new library.LineCounter();
  const document = library.parseDocument(text, { version: '1.1', merge: true, lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  const first = document.errors[0];
  if (first !== undefined) {
    const start = at(first.pos[0]);
    const message = first.message.split('\n')[0] ?? first.message;
    return { root: undefined, problems: [{ message: `YAML syntax error: ${message}`, location: sourceLocation(file, start.line, start.col) }] };
  }
  const converter = new Converter(file, document, at);
  try {
    const root = document.contents === null ? undefined : converter.convert(document.contents, 0);
    return { root, problems: [] };
  } catch (error) {
    if (error instanceof YamlLimit) return { root: undefined, problems: [{ message: error.message, location: error.location }] };
    throw error;
  }
}

class YamlLimit extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation,
  ) {
    super(message);
  }
}

class Converter {
  private nodes = 0;

  constructor(
    private readonly file: string,
    private readonly document: Yaml.Document.Parsed,
    private readonly at: (offset: number) => { line: number; col: number },
  ) {}

  convert(node: Yaml.ParsedNode | Yaml.Alias, depth: number): YNode {
    const library = yaml();
    const location = this.locate(node.range);
    this.nodes += 1;
    if (this.nodes > MAX_NODES) throw new YamlLimit(`more than ${MAX_NODES} YAML nodes once aliases are expanded (an alias bomb?): not read`, location);
    if (depth > MAX_DEPTH) throw new YamlLimit(`YAML nested deeper than ${MAX_DEPTH} levels: not read`, location);
    if (library.isAlias(node)) {
      const target = node.resolve(this.document);
      if (target === undefined) return { kind: 'scalar', value: null, location };
      return this.relocated(this.convert(target as Yaml.ParsedNode, depth + 1), location);
    }
    if (library.isScalar(node)) return { kind: 'scalar', value: scalarValue(node.value), location };
    if (library.isSeq(node)) return { kind: 'seq', items: node.items.map((item) => this.convert(item as Yaml.ParsedNode, depth + 1)), location };
    if (library.isMap(node)) {
      const pairs: YPair[] = [];
      const merged: YPair[] = [];
      for (const pair of node.items) {
        const key = pair.key as Yaml.ParsedNode | null;
        const value = pair.value as Yaml.ParsedNode | Yaml.Alias | null;
        const keyLocation = key === null ? location : this.locate(key.range);
        const converted: YNode = value === null ? { kind: 'scalar', value: null, location: keyLocation } : this.convert(value, depth + 1);
        if (key !== null && library.isScalar(key) && key.value === '<<' && key.source === '<<') {
          // YAML 1.1 merge: the explicit keys of this mapping win over merged ones.
          const sources = converted.kind === 'seq' ? converted.items : [converted];
          for (const source of sources) if (source.kind === 'map') merged.push(...source.pairs);
          continue;
        }
        pairs.push({ key: keyText(key), keyLocation, value: converted });
      }
      const explicit = new Set(pairs.map((pair) => pair.key));
      return { kind: 'map', pairs: [...pairs, ...merged.filter((pair) => !explicit.has(pair.key))], location };
    }
    return { kind: 'scalar', value: null, location };
  }

  /** An alias stands where it is written: its nodes keep their own places, the alias node gets the alias's. */
  private relocated(node: YNode, location: SourceLocation): YNode {
    return { ...node, location };
  }

  private locate(range: Yaml.Range | null | undefined): SourceLocation {
    if (range === null || range === undefined) return sourceLocation(this.file, 1, 1);
    const start = this.at(range[0]);
    const end = this.at(range[1]);
    return sourceLocation(this.file, start.line, start.col, end.line, end.col);
  }
}

function scalarValue(value: unknown): string | number | boolean | null {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : String(value);
}

function keyText(key: Yaml.ParsedNode | null): string {
  if (key === null) return '';
  const library = yaml();
  if (library.isScalar(key)) return String(scalarValue(key.value));
  return key.toString();
}

/** Refuses YAML nested deeper than MAX_DEPTH before the parser sees it. */
function nestingProblem(file: string, text: string): TemplateProblem | undefined {
  const at = yamlTooDeep(text, MAX_DEPTH);
  return at === undefined ? undefined : deep(file, at.line, at.column);
}

function deep(file: string, line: number, column: number): TemplateProblem {
  return { message: `YAML nested deeper than ${MAX_DEPTH} levels: not read`, location: sourceLocation(file, line, column) };
}
