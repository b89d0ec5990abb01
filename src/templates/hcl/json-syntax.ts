import type { MemberNode, Node, ObjectNode, ValueNode } from '@humanwhocodes/momoa';
import { momoa } from '../momoa.js';
import type { SourceLocation } from '../../core/index.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../core/json-depth.js';
import { MAX_EXPRESSION_DEPTH } from './limits.js';
import { parseHclTemplate, type HclTreeParser, type ParseOutcome } from './hcl-parser.js';
import type { Attribute, Block, Body, BodySchema, Expr, ObjectItem } from './syntax.js';
import { EVALUATION_STOPPED } from './value.js';

const TOO_DEEP = `the JSON is nested too deeply to read (more than ${MAX_JSON_DEPTH} levels)`;

/**
 * Reads HCL's JSON syntax (`*.pkr.json`, `*.pkrvars.json`) into the same syntax tree as the
 * native syntax. The schema says which keys are blocks; every other key is an attribute. Strings
 * are templates, as in HCL: `"${var.x}"` is a reference.
 */
export function parseHclJson(parser: HclTreeParser, file: string, text: string, schema: BodySchema): ParseOutcome<Body> {
  let root: ValueNode;
  const tooDeep = jsonTooDeep(text);
  if (tooDeep !== undefined) return { ok: false, problem: { message: TOO_DEEP, location: { kind: 'source', file, line: tooDeep.line, column: tooDeep.column, endLine: tooDeep.line, endColumn: tooDeep.column + 1 } } };
  try {
    root = momoa().parse(text, { mode: 'json' }).body;
  } catch (caught) {
    return { ok: false, problem: jsonProblem(file, caught) };
  }
  if (root.type !== 'Object') {
    return { ok: false, problem: { message: `expected a JSON object at the top, found ${describeJson(root)}`, location: locationOf(file, root) } };
  }
  return { ok: true, value: new JsonConverter(parser, file).body(root, schema) };
}

class JsonConverter {
  constructor(
    private readonly parser: HclTreeParser,
    private readonly file: string,
  ) {}

  body(node: ObjectNode, schema: BodySchema): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    for (const member of node.members) {
      const name = memberName(member);
      // HCL's JSON syntax uses "//" keys for comments.
      if (name === '//') continue;
      const blockSchema = schema.blocks.get(name);
      if (blockSchema !== undefined) {
        this.blocks(name, member.value, [], blockSchema.labels, member, blockSchema.body, blocks);
      } else if (schema.attributes === undefined || schema.attributes.has(name)) {
        attributes.push({ name, expr: this.expression(member.value, 0), loc: locationOf(this.file, member) });
      }
    }
    return { attributes, blocks };
  }

  /** A block type's value: label keys nested `remaining` deep, an array meaning several blocks. */
  private blocks(
    type: string,
    value: ValueNode,
    labels: readonly string[],
    remaining: number,
    header: MemberNode,
    bodySchema: (labels: readonly string[]) => BodySchema | undefined,
    into: Block[],
  ): void {
    if (value.type === 'Array') {
      for (const element of value.elements) this.blocks(type, element.value, labels, remaining, header, bodySchema, into);
      return;
    }
    if (value.type !== 'Object') return;
    if (remaining > 0) {
      for (const member of value.members) {
        this.blocks(type, member.value, [...labels, memberName(member)], remaining - 1, member, bodySchema, into);
      }
      return;
    }
    const schema = bodySchema(labels);
    if (schema === undefined) return;
    into.push({ type, labels, body: this.body(value, schema), loc: locationOf(this.file, header.name) });
  }

  expression(node: ValueNode, depth: number): Expr {
    const loc = locationOf(this.file, node);
    if (depth >= MAX_EXPRESSION_DEPTH) {
      return { type: 'unsupported', reason: `${EVALUATION_STOPPED}the value is nested more than amiguard's budget of ${MAX_EXPRESSION_DEPTH} levels`, loc };
    }
    switch (node.type) {
      case 'String':
        return this.string(node.value, loc);
      case 'Number':
      case 'Boolean':
        return { type: 'literal', value: node.value, loc };
      case 'Null':
        return { type: 'literal', value: null, loc };
      case 'Array':
        return { type: 'tuple', items: node.elements.map((element) => this.expression(element.value, depth + 1)), loc };
      case 'Object': {
        const items: ObjectItem[] = node.members.map((member) => ({
          key: { type: 'literal', value: memberName(member), loc: locationOf(this.file, member.name) },
          value: this.expression(member.value, depth + 1),
        }));
        return { type: 'object', items, loc };
      }
      default:
        return { type: 'unsupported', reason: `${describeJson(node)} is not JSON`, loc };
    }
  }

  private string(value: string, loc: SourceLocation): Expr {
    if (!value.includes('${') && !value.includes('%{')) return { type: 'literal', value, loc };
    const parsed = parseHclTemplate(this.parser, value, loc);
    return parsed.ok ? parsed.value : { type: 'unsupported', reason: `the template is invalid: ${parsed.problem.message}`, loc };
  }
}

function memberName(member: MemberNode): string {
  return member.name.type === 'String' ? member.name.value : member.name.name;
}

function locationOf(file: string, node: Node): SourceLocation {
  const { start, end } = node.loc;
  return { kind: 'source', file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

function describeJson(node: Node): string {
  switch (node.type) {
    case 'Array':
      return 'an array';
    case 'String':
      return 'a string';
    case 'Number':
      return 'a number';
    case 'Boolean':
      return 'a boolean';
    case 'Null':
      return 'null';
    default:
      return node.type.toLowerCase();
  }
}

/** momoa's errors carry the line and column; anything else (a stack overflow) does not. */
function jsonProblem(file: string, caught: unknown): { message: string; location: SourceLocation } {
  const at = (line: number, column: number): SourceLocation => ({ kind: 'source', file, line, column, endLine: line, endColumn: column + 1 });
  if (caught instanceof RangeError) return { message: TOO_DEEP, location: at(1, 1) };
  if (caught instanceof Error) {
    const details = caught as Error & { line?: unknown; column?: unknown };
    const line = typeof details.line === 'number' ? details.line : 1;
    const column = typeof details.column === 'number' ? details.column : 1;
    return { message: `invalid JSON: ${caught.message.replace(/\s*\(\d+:\d+\)$/, '')}`, location: at(line, column) };
  }
  return { message: 'invalid JSON', location: at(1, 1) };
}
