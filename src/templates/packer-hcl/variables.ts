import type { Parser } from 'web-tree-sitter';
import type { SourceLocation } from '../../core/index.js';
import type { ReadOptions, SourceFile, TemplateProblem } from '../model.js';
import { VAR_FILE_SCHEMA, type VariableDeclaration } from './configuration.js';
import { toBool, toNumber, type Evaluator } from './evaluate.js';
import { parseHclBody, parseHclExpression, type ParseOutcome } from './hcl-parser.js';
import { parseHclJson } from './json-syntax.js';
import type { Body, Expr } from './syntax.js';
import { at, equal, list, num, object, str, unknown, withoutSites, type Value } from './value.js';

/** Where a problem with a `--var` goes: it has no file. */
const COMMAND_LINE: SourceLocation = { kind: 'source', file: '<command line>', line: 1, column: 1, endLine: 1, endColumn: 1 };

/** A variable's type: declared with `type`, or taken from its default as Packer does. */
export type TypeSpec =
  | { readonly kind: 'dynamic' | 'string' | 'number' | 'bool' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: TypeSpec }
  | { readonly kind: 'tuple'; readonly elements: readonly TypeSpec[] }
  | { readonly kind: 'object'; readonly attributes: ReadonlyMap<string, { readonly type: TypeSpec; readonly optional: boolean }> };

const DYNAMIC: TypeSpec = { kind: 'dynamic' };

export interface VariableInputs {
  readonly parser: Parser;
  readonly declarations: ReadonlyMap<string, VariableDeclaration>;
  readonly autoVarFiles: readonly SourceFile[];
  readonly options: ReadOptions;
  readonly problems: TemplateProblem[];
}

/**
 * Resolves variables in Packer's order (hcl2template collectInputVariableValues), later winning:
 * defaults, `PKR_VAR_x` (with --use-env), the `*.auto.pkrvars.hcl` files then the
 * `*.auto.pkrvars.json` files (each in lexical order), the `--var-file`s in command-line order,
 * and last every `--var`, wherever it stands on the command line. Every value is converted to
 * the variable's type when it is given, as Packer does: one that does not convert is an error
 * even when a later value overrides it.
 */
export class VariableValues {
  private readonly types = new Map<string, TypeSpec>();
  /** The last value given to each variable, converted to its type. */
  private readonly values = new Map<string, Value>();

  constructor(
    private readonly inputs: VariableInputs,
    private readonly literals: Evaluator,
  ) {
    const { declarations, autoVarFiles, options } = inputs;
    for (const declaration of declarations.values()) this.declare(declaration);
    if (options.useEnv) {
      for (const name of declarations.keys()) {
        const text = options.env[`PKR_VAR_${name}`];
        if (text !== undefined) this.assignText(name, text, `PKR_VAR_${name}`);
      }
    }
    const byPath = (a: SourceFile, b: SourceFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    const autoHcl = autoVarFiles.filter((file) => !file.path.endsWith('.json')).sort(byPath);
    const autoJson = autoVarFiles.filter((file) => file.path.endsWith('.json')).sort(byPath);
    for (const file of [...autoHcl, ...autoJson]) this.assignVarFile(file.path, file.text);
    for (const input of options.variables) {
      if (input.kind !== 'var-file') continue;
      let text: string;
      try {
        text = options.readFile(input.path);
      } catch (caught) {
        // The CLI's reader already names the file; another reader's bare reason gets it added.
        const reason = caught instanceof Error ? caught.message : String(caught);
        const message = reason.includes(input.path) ? reason : `cannot read var-file ${input.path}: ${reason}`;
        this.problem(message, { ...COMMAND_LINE, file: input.path });
        continue;
      }
      this.assignVarFile(input.path, text);
    }
    for (const input of options.variables) {
      if (input.kind !== 'var') continue;
      if (!declarations.has(input.name)) {
        this.problem(`--var ${input.name}: no variable "${input.name}" is declared; Packer rejects it`, COMMAND_LINE);
      } else {
        this.assignText(input.name, input.value, `--var ${input.name}`);
      }
    }
  }

  /** A declared variable's value, or undefined when it is not declared. */
  value(name: string): Value | undefined {
    const declaration = this.inputs.declarations.get(name);
    if (declaration === undefined) return undefined;
    return this.values.get(name) ?? at(unknown(`variable "${name}" has no value`), declaration.loc);
  }

  /**
   * The declared type, or else the default's type: a list default makes the variable a tuple of
   * that length, a string default a string. `null`, `[]` and `{}` leave it dynamic, except in
   * the older `variables { }` block, which always takes the default's type.
   */
  private declare(declaration: VariableDeclaration): void {
    const declared = declaration.type === undefined ? undefined : this.typeOf(declaration.type);
    if (declaration.default === undefined) {
      this.types.set(declaration.name, declared ?? DYNAMIC);
      return;
    }
    const value = this.literals.evaluate(declaration.default.expr);
    const type = declared ?? typeOfValue(value, declaration.shorthand);
    this.types.set(declaration.name, type);
    this.assign(declaration.name, value, declaration.default.expr.loc, 'default value');
  }

  private assign(name: string, value: Value, loc: SourceLocation, what: string): void {
    const type = this.types.get(name) ?? DYNAMIC;
    const converted = convert(value, type);
    if ('mismatch' in converted) {
      this.problem(
        `the ${what} of var.${name} is not compatible with its type ${describeType(type)}: ${converted.mismatch}; Packer stops before building`,
        loc,
      );
      this.values.set(name, at(unknown(`the ${what} of var.${name} is not a ${describeType(type)}`), loc));
      return;
    }
    this.values.set(name, converted.value);
  }

  private assignVarFile(path: string, text: string): void {
    const parsed: ParseOutcome<Body> = path.endsWith('.json')
      ? parseHclJson(this.inputs.parser, path, text, VAR_FILE_SCHEMA)
      : parseHclBody(this.inputs.parser, path, text, VAR_FILE_SCHEMA);
    if (!parsed.ok) {
      this.inputs.problems.push(parsed.problem);
      return;
    }
    for (const entry of parsed.value.attributes) {
      // Packer skips a value for an undeclared variable (a warning with -warn-undeclared-var only).
      if (!this.inputs.declarations.has(entry.name)) continue;
      this.assign(entry.name, this.literals.evaluate(entry.expr), entry.expr.loc, 'value in the var-file');
    }
  }

  /**
   * Like Packer (expressionFromVariableDefinition), a `--var` or `PKR_VAR_x` value is a plain
   * string for a string, number or dynamic variable, and an HCL expression for the others: a
   * variable whose default is a list takes `--var 'ami_groups=["all"]'` as a list.
   */
  private assignText(name: string, text: string, from: string): void {
    const kind = this.types.get(name)?.kind ?? 'dynamic';
    if (kind === 'dynamic' || kind === 'string' || kind === 'number') {
      this.assign(name, str(text), COMMAND_LINE, `value of ${from}`);
      return;
    }
    const parsed = parseHclExpression(this.inputs.parser, text, { ...COMMAND_LINE, file: `<value of ${from}>` });
    if (!parsed.ok) {
      this.problem(`${from}: the value is not a valid HCL expression: ${parsed.problem.message}`, COMMAND_LINE);
      this.values.set(name, unknown(`${from} is not a valid HCL expression`));
      return;
    }
    this.assign(name, withoutSites(this.literals.evaluate(parsed.value)), COMMAND_LINE, `value of ${from}`);
  }

  private typeOf(expr: Expr): TypeSpec {
    if (expr.type === 'literal' && typeof expr.value === 'string') {
      // The JSON syntax writes the type as a string: "list(string)".
      const parsed = parseHclExpression(this.inputs.parser, expr.value, expr.loc);
      return parsed.ok ? typeSpec(parsed.value) : DYNAMIC;
    }
    return typeSpec(expr);
  }

  private problem(message: string, location: SourceLocation): void {
    this.inputs.problems.push({ message, location });
  }
}

export function typeSpec(expr: Expr): TypeSpec {
  if (expr.type === 'reference') {
    switch (expr.name) {
      case 'string':
      case 'number':
      case 'bool':
        return { kind: expr.name };
      default:
        return DYNAMIC;
    }
  }
  if (expr.type !== 'call') return DYNAMIC;
  const [argument] = expr.args;
  switch (expr.name) {
    case 'list':
    case 'set':
    case 'map':
      return { kind: expr.name, element: argument === undefined ? DYNAMIC : typeSpec(argument) };
    case 'optional':
      return argument === undefined ? DYNAMIC : typeSpec(argument);
    case 'tuple':
      return argument?.type === 'tuple' ? { kind: 'tuple', elements: argument.items.map(typeSpec) } : DYNAMIC;
    case 'object': {
      if (argument?.type !== 'object') return DYNAMIC;
      const attributes = new Map<string, { type: TypeSpec; optional: boolean }>();
      for (const item of argument.items) {
        const key = item.key.type === 'literal' ? item.key.value : item.key.type === 'reference' ? item.key.name : undefined;
        if (typeof key !== 'string') continue;
        const optional = item.value.type === 'call' && item.value.name === 'optional';
        attributes.set(key, { type: typeSpec(item.value), optional });
      }
      return { kind: 'object', attributes };
    }
    default:
      return DYNAMIC;
  }
}

/** The cty type of a default value, as Packer gives an untyped variable. */
function typeOfValue(value: Value, keepEmpty: boolean): TypeSpec {
  switch (value.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return { kind: value.kind };
    case 'list':
      if (value.items.length === 0 && !keepEmpty) return DYNAMIC;
      return { kind: 'tuple', elements: value.items.map((item) => typeOfValue(item, true)) };
    case 'object': {
      if (value.entries.size === 0 && !keepEmpty) return DYNAMIC;
      const attributes = new Map<string, { type: TypeSpec; optional: boolean }>();
      for (const [key, entry] of value.entries) attributes.set(key, { type: typeOfValue(entry, true), optional: false });
      return { kind: 'object', attributes };
    }
    default:
      return DYNAMIC;
  }
}

/** The type as Packer's messages write it: `tuple([string])`, `list(string)`. */
export function describeType(type: TypeSpec): string {
  switch (type.kind) {
    case 'dynamic':
      return 'any';
    case 'string':
    case 'number':
    case 'bool':
      return type.kind;
    case 'list':
    case 'set':
    case 'map':
      return `${type.kind}(${describeType(type.element)})`;
    case 'tuple':
      return `tuple([${type.elements.map(describeType).join(', ')}])`;
    case 'object':
      return `object({${[...type.attributes].map(([key, attribute]) => `${key} = ${describeType(attribute.type)}`).join(', ')}})`;
  }
}

export type Conversion = { readonly value: Value } | { readonly mismatch: string };

/**
 * Converts a value to a type as cty's convert.Convert does; the mismatch is worded as cty words
 * it (`tuple required`, `element 0: string required`). Unknown values convert to unknowns.
 */
export function convert(value: Value, type: TypeSpec): Conversion {
  if (value.kind === 'unknown' || value.kind === 'error' || value.kind === 'null' || type.kind === 'dynamic') return { value };
  const keep = <T extends Value>(converted: T): Conversion => ({ value: value.site === undefined ? converted : { ...converted, site: value.site } });
  const provenance = { ...(value.origin === undefined ? {} : { origin: value.origin }), ...(value.via === undefined ? {} : { via: value.via }) };
  switch (type.kind) {
    case 'string':
      if (value.kind === 'string') return { value };
      if (value.kind === 'number' || value.kind === 'bool') return { value: { ...value, kind: 'string', value: String(value.value) } };
      return { mismatch: 'string required' };
    case 'number': {
      // cty words a string that is not a number differently from a value of another type.
      if (value.kind !== 'number' && value.kind !== 'string') return { mismatch: 'number required' };
      const converted = toNumber(value);
      return converted === undefined ? { mismatch: 'a number is required' } : keep({ ...num(converted), ...provenance });
    }
    case 'bool': {
      if (value.kind !== 'bool' && value.kind !== 'string') return { mismatch: 'bool required' };
      // cty reads "1" and "0" as bools too.
      const converted = value.kind === 'string' && (value.value === '1' || value.value === '0') ? value.value === '1' : toBool(value);
      return converted === undefined ? { mismatch: 'a bool is required' } : keep({ kind: 'bool', value: converted, ...provenance });
    }
    case 'list':
    case 'set':
    case 'tuple': {
      if (value.kind !== 'list') return { mismatch: type.kind === 'tuple' ? 'tuple required' : `${type.kind} of ${describeType(type.element)} required` };
      if (type.kind === 'tuple' && type.elements.length !== value.items.length) return { mismatch: 'tuple required' };
      const items: Value[] = [];
      for (const [index, item] of value.items.entries()) {
        const elementType = type.kind === 'tuple' ? type.elements[index] : type.element;
        const converted = convert(item, elementType ?? DYNAMIC);
        if ('mismatch' in converted) return { mismatch: `element ${index}: ${converted.mismatch}` };
        items.push(converted.value);
      }
      return keep({ ...list(type.kind === 'set' ? asSet(items) : items), ...provenance });
    }
    case 'map':
    case 'object': {
      if (value.kind !== 'object') return { mismatch: type.kind === 'map' ? `map of ${describeType(type.element)} required` : 'object required' };
      const entries = new Map<string, Value>();
      if (type.kind === 'object') {
        for (const [key, attribute] of type.attributes) {
          if (!value.entries.has(key) && !attribute.optional) return { mismatch: `attribute "${key}" is required` };
        }
      }
      for (const [key, entry] of value.entries) {
        const entryType = type.kind === 'object' ? type.attributes.get(key)?.type : type.element;
        // An object type drops the attributes it does not declare.
        if (entryType === undefined) continue;
        const converted = convert(entry, entryType);
        if ('mismatch' in converted) return { mismatch: `${type.kind === 'map' ? 'element' : 'attribute'} "${key}": ${converted.mismatch}` };
        entries.set(key, converted.value);
      }
      return keep({ ...object(entries), ...provenance });
    }
  }
}

/**
 * A cty set: each value once, in cty's order for primitive elements (strings bytewise, numbers by
 * value, false before true). Sets of other values keep the order they came in.
 */
function asSet(items: readonly Value[]): Value[] {
  const distinct: Value[] = [];
  for (const item of items) if (!distinct.some((seen) => equal(seen, item))) distinct.push(item);
  const kind = distinct[0]?.kind;
  if (!distinct.every((item) => item.kind === kind)) return distinct;
  return distinct.sort((a, b) => {
    if (a.kind === 'string' && b.kind === 'string') return Buffer.compare(Buffer.from(a.value), Buffer.from(b.value));
    if (a.kind === 'number' && b.kind === 'number') return a.value - b.value;
    if (a.kind === 'bool' && b.kind === 'bool') return Number(a.value) - Number(b.value);
    return 0;
  });
}
