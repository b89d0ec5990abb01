import type { SourceLocation } from '../../core/index.js';
import { child, type CfnMap, type CfnNode } from './tree.js';

/**
 * A value as CloudFormation would compute it when it creates the stack, as far as the template
 * and the given parameter values tell: a string, a list, or an unknown that says why (a parameter
 * with no value, a resource's attribute, the deploying account).
 */
export type CfnValue = CfnString | CfnListValue | CfnUnknown | { readonly kind: 'no-value' } | { readonly kind: 'object'; readonly node: CfnMap };

export interface CfnString {
  readonly kind: 'string';
  readonly value: string;
  /** The definition it came from (a parameter's `Default`), when not written in place. */
  readonly origin?: SourceLocation;
  readonly via?: string;
  /** Exactly the deploying account's id (given with `--var AWS::AccountId=...`): a grant to it is the owner's own. */
  readonly owner?: true;
}

export interface CfnListValue {
  readonly kind: 'list';
  readonly items: readonly CfnValue[];
}

export interface CfnUnknown {
  readonly kind: 'unknown';
  readonly reason: string;
  readonly mayInclude?: readonly string[];
  /** Exactly the deploying account's id (`!Ref AWS::AccountId`): a grant to it is the owner's own. */
  readonly owner?: true;
  readonly via?: string;
}

/** A parameter's value as given (`--var`, a parameters file) or its `Default`. */
export interface ParameterValue {
  readonly value: string;
  /** Where it is written, when in a file amiguard reports on (the template's `Default`). */
  readonly origin?: SourceLocation;
  /** `--var AppAccountId`, `parameters.json`. */
  readonly source: string;
}

export type ConditionValue = boolean | { readonly unknown: string };

/** Evaluation stops after this many steps: a template's sharing takes a few dozen. */
const MAX_STEPS = 100_000;
const MAX_DEPTH = 64;

const OWNER_REASON = 'AWS::AccountId is the account that deploys the stack, known only then (give it with --var AWS::AccountId=...)';

/** Pseudo parameters with a value amiguard assumes unless told otherwise with `--var AWS::Partition=aws-cn`. */
const ASSUMED_PSEUDO: Readonly<Record<string, string>> = { 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };

class Exhausted extends Error {}

export class Evaluator {
  private steps = 0;
  private readonly conditions = new Map<string, ConditionValue | 'pending'>();

  constructor(
    private readonly template: CfnNode,
    private readonly parameterValue: (name: string) => ParameterValue | undefined,
    private readonly parameterDefinition: (name: string) => CfnNode | undefined,
  ) {}

  /** The value of a node; an expression too costly to evaluate is an unknown saying so. */
  value(node: CfnNode): CfnValue {
    try {
      return this.evaluate(node, 0);
    } catch (caught) {
      if (caught instanceof Exhausted) return { kind: 'unknown', reason: 'the expression is too large for amiguard to evaluate' };
      throw caught;
    }
  }

  /** Whether a named condition of `Conditions` holds. */
  condition(name: string): ConditionValue {
    try {
      return this.namedCondition(name, 0);
    } catch (caught) {
      if (caught instanceof Exhausted) return { unknown: `condition ${name} is too large for amiguard to evaluate` };
      throw caught;
    }
  }

  /** `Fn::If` written where a property or list element goes: the branch taken, or both with why it is undecided. */
  choose(node: CfnNode): { readonly branches: readonly CfnNode[]; readonly undecided?: string } {
    const intrinsic = intrinsicOf(node);
    if (intrinsic?.name !== 'Fn::If' || intrinsic.argument.kind !== 'list') return { branches: [node] };
    const [test, whenTrue, whenFalse] = intrinsic.argument.items;
    if (test?.kind !== 'scalar' || whenTrue === undefined || whenFalse === undefined) return { branches: [node] };
    const holds = this.condition(test.value);
    const kept = (branch: CfnNode): CfnNode[] => (this.isNoValue(branch) ? [] : [branch]);
    if (holds === true) return { branches: kept(whenTrue).flatMap((branch) => this.choose(branch).branches) };
    if (holds === false) return { branches: kept(whenFalse).flatMap((branch) => this.choose(branch).branches) };
    return { branches: [...kept(whenTrue), ...kept(whenFalse)], undecided: `it depends on condition ${test.value}: ${holds.unknown}` };
  }

  isNoValue(node: CfnNode): boolean {
    const intrinsic = intrinsicOf(node);
    return intrinsic?.name === 'Ref' && intrinsic.argument.kind === 'scalar' && intrinsic.argument.value === 'AWS::NoValue';
  }

  private step(depth: number): void {
    this.steps += 1;
    if (this.steps > MAX_STEPS || depth > MAX_DEPTH) throw new Exhausted();
  }

  private evaluate(node: CfnNode, depth: number): CfnValue {
    this.step(depth);
    if (node.kind === 'scalar') return { kind: 'string', value: node.value };
    if (node.kind === 'list') return { kind: 'list', items: node.items.map((item) => this.evaluate(item, depth + 1)) };
    const intrinsic = intrinsicOf(node);
    if (intrinsic === undefined) return { kind: 'object', node };
    const { name, argument } = intrinsic;
    const items = argument.kind === 'list' ? argument.items : [];
    switch (name) {
      case 'Ref':
        return argument.kind === 'scalar' ? this.ref(argument.value) : unknown(`a Ref to ${describe(argument)} is not valid`);
      case 'Fn::Sub':
        return this.sub(argument, depth);
      case 'Fn::Join':
        return this.join(items, depth);
      case 'Fn::Select':
        return this.select(items, depth);
      case 'Fn::Split':
        return this.split(items, depth);
      case 'Fn::If':
        return this.ifValue(items, depth);
      case 'Fn::FindInMap':
        return this.findInMap(items, depth);
      case 'Fn::Base64': {
        const text = this.evaluate(argument, depth + 1);
        return text.kind === 'string' ? { kind: 'string', value: Buffer.from(text.value, 'utf8').toString('base64') } : unknownOf(text);
      }
      case 'Fn::GetAtt': {
        const target = argument.kind === 'scalar' ? argument.value : items.map((item) => (item.kind === 'scalar' ? item.value : '?')).join('.');
        return unknown(`${target} is an attribute of a resource, known only once the stack is deployed`);
      }
      case 'Fn::ImportValue':
        return unknown('Fn::ImportValue reads an export of another stack');
      case 'Fn::GetAZs':
        return unknown("Fn::GetAZs lists the region's availability zones when the stack is deployed");
      default:
        return unknown(`${name} is not evaluated by amiguard`);
    }
  }

  private ref(name: string): CfnValue {
    if (name === 'AWS::AccountId') {
      const account = this.parameterValue(name);
      return account === undefined
        ? { kind: 'unknown', reason: OWNER_REASON, owner: true, via: name }
        : { kind: 'string', value: account.value, owner: true, via: name };
    }
    if (name === 'AWS::NoValue') return { kind: 'no-value' };
    if (name.startsWith('AWS::')) {
      const given = this.parameterValue(name);
      if (given !== undefined) return { kind: 'string', value: given.value, via: name };
      const assumed = ASSUMED_PSEUDO[name];
      if (assumed !== undefined) return { kind: 'string', value: assumed, via: name };
      return unknown(`${name} is known only when the stack is deployed`, name);
    }
    const definition = this.parameterDefinition(name);
    if (definition !== undefined) return this.parameter(name, definition);
    if (child(child(this.template, 'Resources'), name) !== undefined) {
      return unknown(`Ref ${name} is the id of a resource, known only once the stack is deployed`, name);
    }
    return unknown(`Ref ${name} names no parameter or resource of this template (CloudFormation rejects it)`, name);
  }

  private parameter(name: string, definition: CfnNode): CfnValue {
    const type = scalarText(child(definition, 'Type')) ?? 'String';
    const given = this.parameterValue(name);
    if (given === undefined) return unknown(`parameter ${name} has no Default and no value was given (--var ${name}=...)`, `parameter ${name}`);
    if (type.startsWith('AWS::SSM::Parameter::Value<')) {
      return unknown(`parameter ${name} is read from the SSM parameter "${given.value}" when the stack is deployed`, `parameter ${name}`);
    }
    const origin = given.origin === undefined ? {} : { origin: given.origin };
    const via = given.origin !== undefined ? `parameter ${name}` : given.source === '--var' ? `--var ${name}` : `parameter ${name} in ${given.source}`;
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
      // CloudFormation trims the spaces around each member of a comma-delimited list.
      const members = given.value === '' ? [] : given.value.split(',').map((member) => member.trim());
      return { kind: 'list', items: members.map((value): CfnString => ({ kind: 'string', value, ...origin, via })) };
    }
    return { kind: 'string', value: given.value, ...origin, via };
  }

  private sub(argument: CfnNode, depth: number): CfnValue {
    let template: CfnNode | undefined = argument;
    let variables: CfnNode | undefined;
    if (argument.kind === 'list') [template, variables] = argument.items;
    if (template?.kind !== 'scalar') return unknown('Fn::Sub needs a string to substitute into');
    const parts: CfnValue[] = [];
    const text = template.value;
    let last = 0;
    for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
      parts.push({ kind: 'string', value: text.slice(last, match.index) });
      last = match.index + match[0].length;
      const name = (match[1] ?? '').trim();
      if (name.startsWith('!')) {
        parts.push({ kind: 'string', value: `\${${name.slice(1)}}` });
        continue;
      }
      const bound = child(variables, name);
      if (bound !== undefined) parts.push(this.evaluate(bound, depth + 1));
      else if (name.includes('.') && !name.startsWith('AWS::')) parts.push(unknown(`${name} is an attribute of a resource, known only once the stack is deployed`));
      else parts.push(this.ref(name));
    }
    parts.push({ kind: 'string', value: text.slice(last) });
    return concatenate(parts.filter((part) => part.kind !== 'string' || part.value !== ''), 'Fn::Sub');
  }

  private join(items: readonly CfnNode[], depth: number): CfnValue {
    const [delimiterNode, listNode] = items;
    if (delimiterNode === undefined || listNode === undefined) return unknown('Fn::Join needs a delimiter and a list');
    const delimiter = this.evaluate(delimiterNode, depth + 1);
    const list = this.evaluate(listNode, depth + 1);
    if (delimiter.kind !== 'string') return unknownOf(delimiter);
    if (list.kind !== 'list') return unknownOf(list);
    const parts: CfnValue[] = [];
    list.items
      .filter((item) => item.kind !== 'no-value')
      .forEach((item, index) => {
        if (index > 0 && delimiter.value !== '') parts.push({ kind: 'string', value: delimiter.value });
        parts.push(item);
      });
    return concatenate(parts, 'Fn::Join');
  }

  private select(items: readonly CfnNode[], depth: number): CfnValue {
    const [indexNode, listNode] = items;
    if (indexNode === undefined || listNode === undefined) return unknown('Fn::Select needs an index and a list');
    const index = this.evaluate(indexNode, depth + 1);
    const list = this.evaluate(listNode, depth + 1);
    if (index.kind !== 'string') return unknownOf(index);
    if (list.kind !== 'list') return unknownOf(list);
    const chosen = /^\d+$/.test(index.value) ? list.items[Number(index.value)] : undefined;
    return chosen ?? unknown(`Fn::Select index ${index.value} is outside the list (CloudFormation rejects it)`);
  }

  private split(items: readonly CfnNode[], depth: number): CfnValue {
    const [delimiterNode, sourceNode] = items;
    if (delimiterNode === undefined || sourceNode === undefined) return unknown('Fn::Split needs a delimiter and a string');
    const delimiter = this.evaluate(delimiterNode, depth + 1);
    const source = this.evaluate(sourceNode, depth + 1);
    if (delimiter.kind !== 'string') return unknownOf(delimiter);
    if (source.kind !== 'string') return unknownOf(source);
    const provenance = { ...(source.origin === undefined ? {} : { origin: source.origin }), ...(source.via === undefined ? {} : { via: source.via }) };
    return { kind: 'list', items: source.value.split(delimiter.value).map((value): CfnString => ({ kind: 'string', value, ...provenance })) };
  }

  private ifValue(items: readonly CfnNode[], depth: number): CfnValue {
    const [test, whenTrue, whenFalse] = items;
    if (test?.kind !== 'scalar' || whenTrue === undefined || whenFalse === undefined) return unknown('Fn::If needs a condition name and two values');
    const holds = this.namedCondition(test.value, depth + 1);
    if (holds === true) return this.evaluate(whenTrue, depth + 1);
    if (holds === false) return this.evaluate(whenFalse, depth + 1);
    const branches = [this.evaluate(whenTrue, depth + 1), this.evaluate(whenFalse, depth + 1)];
    return {
      kind: 'unknown',
      reason: `it depends on condition ${test.value}: ${holds.unknown}`,
      mayInclude: [...new Set(branches.flatMap(knownStrings))],
    };
  }

  private findInMap(items: readonly CfnNode[], depth: number): CfnValue {
    const [mapNode, topNode, secondNode] = items;
    if (mapNode === undefined || topNode === undefined || secondNode === undefined) return unknown('Fn::FindInMap needs a map name and two keys');
    const keys = [mapNode, topNode, secondNode].map((key) => this.evaluate(key, depth + 1));
    let level: CfnNode | undefined = child(this.template, 'Mappings');
    const candidates: CfnNode[] = [];
    for (const key of keys) {
      if (key.kind !== 'string') {
        // Every value the map could give: enough to tell whether one of them is "all".
        collectLeaves(level, candidates, 0);
        const reason = key.kind === 'unknown' ? key.reason : 'a key of Fn::FindInMap is not a string';
        const mayInclude = candidates.flatMap((leaf) => knownStrings(this.evaluate(leaf, depth + 1)));
        return { kind: 'unknown', reason: `Fn::FindInMap key: ${reason}`, mayInclude: [...new Set(mayInclude)] };
      }
      level = child(level, key.value);
      if (level === undefined) return unknown(`Fn::FindInMap finds no ${keys.map((k) => (k.kind === 'string' ? k.value : '?')).join('.')} in Mappings (CloudFormation rejects it)`);
    }
    return level === undefined ? unknown('Fn::FindInMap finds nothing') : this.evaluate(level, depth + 1);
  }

  private namedCondition(name: string, depth: number): ConditionValue {
    const cached = this.conditions.get(name);
    if (cached === 'pending') return { unknown: `condition ${name} refers to itself` };
    if (cached !== undefined) return cached;
    const definition = child(child(this.template, 'Conditions'), name);
    if (definition === undefined) return { unknown: `condition ${name} is not defined in Conditions` };
    this.conditions.set(name, 'pending');
    const result = this.conditionValue(definition, depth + 1);
    this.conditions.set(name, result);
    return result;
  }

  private conditionValue(node: CfnNode, depth: number): ConditionValue {
    this.step(depth);
    const intrinsic = intrinsicOf(node);
    if (node.kind === 'scalar') {
      if (node.value === 'true') return true;
      if (node.value === 'false') return false;
    }
    if (intrinsic === undefined) return { unknown: `${describe(node)} is not a condition` };
    const items = intrinsic.argument.kind === 'list' ? intrinsic.argument.items : [intrinsic.argument];
    switch (intrinsic.name) {
      case 'Condition':
        return intrinsic.argument.kind === 'scalar' ? this.namedCondition(intrinsic.argument.value, depth + 1) : { unknown: 'Condition needs a name' };
      case 'Fn::Equals': {
        const [left, right] = items.map((item) => this.evaluate(item, depth + 1));
        if (left?.kind === 'string' && right?.kind === 'string') return left.value === right.value;
        const undecided = [left, right].find((side) => side?.kind === 'unknown');
        return { unknown: undecided?.kind === 'unknown' ? undecided.reason : 'Fn::Equals compares values amiguard cannot compare' };
      }
      case 'Fn::Not': {
        const [inner] = items;
        if (inner === undefined) return { unknown: 'Fn::Not needs a condition' };
        const value = this.conditionValue(inner, depth + 1);
        return typeof value === 'boolean' ? !value : value;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const decisive = intrinsic.name === 'Fn::Or';
        let undecided: ConditionValue | undefined;
        for (const item of items) {
          const value = this.conditionValue(item, depth + 1);
          if (value === decisive) return decisive;
          if (typeof value !== 'boolean') undecided ??= value;
        }
        return undecided ?? !decisive;
      }
      default:
        return { unknown: `${intrinsic.name} is not a condition function` };
    }
  }
}

/** The intrinsic function a one-key map calls (`{ Ref: X }`, `{ 'Fn::Join': [...] }`). */
export function intrinsicOf(node: CfnNode): { readonly name: string; readonly argument: CfnNode } | undefined {
  if (node.kind !== 'map' || node.entries.length !== 1) return undefined;
  const [only] = node.entries;
  if (only === undefined || !(only.key === 'Ref' || only.key === 'Condition' || only.key.startsWith('Fn::'))) return undefined;
  return { name: only.key, argument: only.value };
}

function unknown(reason: string, via?: string): CfnUnknown {
  return { kind: 'unknown', reason, ...(via === undefined ? {} : { via }) };
}

function unknownOf(value: CfnValue): CfnUnknown {
  if (value.kind === 'unknown') return value;
  return unknown(value.kind === 'list' ? 'a list where a string is expected' : value.kind === 'no-value' ? 'AWS::NoValue where a value is expected' : 'an object where a value is expected');
}

/** A string built from parts: known when every part is, otherwise an unknown naming each unknown part. */
function concatenate(parts: readonly CfnValue[], how: string): CfnValue {
  const [only] = parts;
  if (parts.length === 1 && only !== undefined) return only.kind === 'list' ? unknownOf(only) : only;
  const reasons = new Set<string>();
  let value = '';
  let traced: CfnString | undefined;
  for (const part of parts) {
    if (part.kind === 'string') {
      value += part.value;
      if (part.origin !== undefined) traced = traced === undefined ? part : undefined;
      continue;
    }
    reasons.add(part.kind === 'unknown' ? part.reason : unknownOf(part).reason);
  }
  if (reasons.size > 0) return { kind: 'unknown', reason: `it is built with ${how} from a value amiguard cannot know: ${[...reasons].join('; ')}` };
  return { kind: 'string', value, ...(traced?.origin === undefined ? {} : { origin: traced.origin }), ...(traced?.via === undefined ? {} : { via: traced.via }) };
}

function knownStrings(value: CfnValue): string[] {
  if (value.kind === 'string') return [value.value];
  if (value.kind === 'list') return value.items.flatMap(knownStrings);
  if (value.kind === 'unknown') return [...(value.mayInclude ?? [])];
  return [];
}

function collectLeaves(node: CfnNode | undefined, into: CfnNode[], depth: number): void {
  if (node === undefined || depth > 3) return;
  if (node.kind === 'map') for (const item of node.entries) collectLeaves(item.value, into, depth + 1);
  else into.push(node);
}

export function scalarText(node: CfnNode | undefined): string | undefined {
  return node?.kind === 'scalar' ? node.value : undefined;
}

function describe(node: CfnNode): string {
  return node.kind === 'scalar' ? `"${node.value}"` : node.kind === 'list' ? 'a list' : 'an object';
}
