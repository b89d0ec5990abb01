import type { MemberNode, Node, ObjectNode, ValueNode } from '@humanwhocodes/momoa';
import { sourceLocation, type SourceLocation } from '../../core/index.js';
import type { TemplateProblem } from '../model.js';

/** momoa's positions are 1-based lines and columns with an exclusive end, like SourceLocation. */
export function locationOf(file: string, node: Node): SourceLocation {
  const { start, end } = node.loc;
  return sourceLocation(file, start.line, start.column, end.line, end.column);
}

/**
 * The members of one JSON object, looked up the way Packer decodes them: Go's JSON decoder keeps
 * the last of duplicate keys, and mapstructure falls back to a case-insensitive match when no key
 * matches exactly (so `"AMI_Groups"` still sets `ami_groups`).
 */
export class ObjectIndex {
  readonly node: ObjectNode;
  readonly duplicates: readonly MemberNode[];
  private readonly exact = new Map<string, MemberNode>();
  /** Lower-cased keys, built only when some key is not lower case (rare in templates). */
  private folded: Map<string, MemberNode> | undefined;
  private readonly hasUpperCase: boolean;

  constructor(node: ObjectNode) {
    this.node = node;
    let duplicates: MemberNode[] | undefined;
    let hasUpperCase = false;
    for (const member of node.members) {
      const key = memberName(member);
      if (this.exact.has(key)) (duplicates ??= []).push(member);
      this.exact.set(key, member);
      if (!hasUpperCase && key !== key.toLowerCase()) hasUpperCase = true;
    }
    this.duplicates = duplicates ?? [];
    this.hasUpperCase = hasUpperCase;
  }

  get(key: string): MemberNode | undefined {
    const member = this.exact.get(key);
    if (member !== undefined || !this.hasUpperCase) return member;
    if (this.folded === undefined) {
      this.folded = new Map();
      for (const [name, candidate] of this.exact) this.folded.set(name.toLowerCase(), candidate);
    }
    return this.folded.get(key.toLowerCase());
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

/**
 * The duplicates among `keys` (lower case), as problems: current Packer refuses a template with
 * any duplicate key, older versions used the last one. Duplicates of keys amiguard does not read
 * say nothing about sharing and are left to Packer.
 */
export function duplicateKeyProblems(file: string, index: ObjectIndex, keys: ReadonlySet<string>): TemplateProblem[] {
  return index.duplicates
    .filter((member) => keys.has(memberName(member).toLowerCase()))
    .map((member) => ({
      message: `duplicate key "${memberName(member)}": Packer rejects a template with duplicate keys`,
      location: locationOf(file, member),
    }));
}

export function memberName(member: MemberNode): string {
  return member.name.type === 'String' ? member.name.value : member.name.name;
}

/** `a string`, `a list`, ... for messages about a value of the wrong kind. */
export function describeNode(node: ValueNode): string {
  switch (node.type) {
    case 'String':
      return 'a string';
    case 'Number':
      return 'a number';
    case 'Boolean':
      return 'a boolean';
    case 'Null':
      return 'null';
    case 'Array':
      return 'a list';
    case 'Object':
      return 'an object';
    case 'NaN':
    case 'Infinity':
      return 'not JSON';
  }
}

/**
 * A JSON number as Go's mapstructure turns it into a string (`strconv.FormatFloat(f, 'f', -1, 64)`):
 * the shortest digits that round-trip, never in exponent notation.
 */
export function goNumberString(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign = '', lead = '', fraction = '', exponentText = '0'] = match;
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  if (exponent >= 0) {
    const integerLength = exponent + 1;
    return integerLength >= digits.length
      ? sign + digits + '0'.repeat(integerLength - digits.length)
      : `${sign}${digits.slice(0, integerLength)}.${digits.slice(integerLength)}`;
  }
  return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
}
