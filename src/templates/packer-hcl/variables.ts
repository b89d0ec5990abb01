import type { Parser } from 'web-tree-sitter';
import type { SourceLocation } from '../../core/index.js';
import type { ReadOptions, SourceFile, TemplateProblem } from '../model.js';
import { VAR_FILE_SCHEMA, type VariableDeclaration } from './configuration.js';
import { toBool, toNumber, type Evaluator } from './evaluate.js';
import { parseHclBody, parseHclExpression, type ParseOutcome } from './hcl-parser.js';
import { parseHclJson } from './json-syntax.js';
import type { Body, Expr } from './syntax.js';
import { at, describeKind, error, list, num, object, str, unknown, withoutSites, type Value } from './value.js';

/** Where a problem with a `--var` goes: it has no file. */
const COMMAND_LINE: SourceLocation = { kind: 'source', file: '<command line>', line: 1, column: 1, endLine: 1, endColumn: 1 };

type TypeSpec =
  | { readonly kind: 'untyped' | 'any' | 'string' | 'number' | 'bool' | 'structural' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: TypeSpec };

/** The value a variable was last given, in Packer's precedence. */
type Assignment =
  | { readonly kind: 'expression'; readonly expr: Expr }
  /** `--var` and `PKR_VAR_x`: no place in a file, so no origin. */
  | { readonly kind: 'command-line'; readonly value: string | Expr };

export interface VariableInputs {
  readonly parser: Parser;
  readonly declarations: ReadonlyMap<string, VariableDeclaration>;
  readonly autoVarFiles: readonly SourceFile[];
  readonly options: ReadOptions;
  readonly problems: TemplateProblem[];
}

/**
 * Resolves variables in Packer's order, later winning: defaults, `PKR_VAR_x` (with --use-env),
 * `*.auto.pkrvars.*` in lexical order, then `--var-file` and `--var` in command-line order.
 * Values are evaluated when first used; `literals` evaluates without variables or locals.
 */
export class VariableValues {
  private readonly assignments = new Map<string, Assignment>();
  private readonly types = new Map<string, TypeSpec>();
  private readonly values = new Map<string, Value>();

  constructor(
    private readonly inputs: VariableInputs,
    private readonly literals: Evaluator,
  ) {
    const { declarations, autoVarFiles, options } = inputs;
    for (const declaration of declarations.values()) {
      this.types.set(declaration.name, this.typeOf(declaration.type));
      if (declaration.default !== undefined) {
        this.assignments.set(declaration.name, { kind: 'expression', expr: declaration.default.expr });
      }
    }
    if (options.useEnv) {
      for (const name of declarations.keys()) {
        const text = options.env[`PKR_VAR_${name}`];
        if (text !== undefined) this.assignCommandLine(name, text, `PKR_VAR_${name}`);
      }
    }
    const sorted = [...autoVarFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const file of sorted) this.assignVarFile(file.path, file.text);
    for (const input of options.variables) {
      if (input.kind === 'var-file') {
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
      } else if (!declarations.has(input.name)) {
        this.problem(`--var ${input.name}: no variable "${input.name}" is declared; Packer rejects it`, COMMAND_LINE);
      } else {
        this.assignCommandLine(input.name, input.value, `--var ${input.name}`);
      }
    }
  }

  /** A declared variable's value, or undefined when it is not declared. */
  value(name: string): Value | undefined {
    const cached = this.values.get(name);
    if (cached !== undefined) return cached;
    const declaration = this.inputs.declarations.get(name);
    if (declaration === undefined) return undefined;
    const value = this.resolve(declaration);
    this.values.set(name, value);
    return value;
  }

  private resolve(declaration: VariableDeclaration): Value {
    const assignment = this.assignments.get(declaration.name);
    const noValue = at(unknown(`variable "${declaration.name}" has no value`), declaration.loc);
    if (assignment === undefined) return noValue;
    const type = this.types.get(declaration.name) ?? { kind: 'untyped' };
    let value: Value;
    if (assignment.kind === 'expression') {
      value = this.literals.evaluate(assignment.expr);
    } else if (typeof assignment.value === 'string') {
      value = str(assignment.value);
    } else {
      value = withoutSites(this.literals.evaluate(assignment.value));
    }
    if (value.kind === 'null') return noValue;
    return convert(value, type, declaration.name);
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
      if (!this.inputs.declarations.has(entry.name)) {
        this.problem(`the var-file sets "${entry.name}", but no variable "${entry.name}" is declared`, entry.loc);
        continue;
      }
      this.assignments.set(entry.name, { kind: 'expression', expr: entry.expr });
    }
  }

  /**
   * Like Packer, a command-line value is a plain string for string, number and untyped
   * variables, and an HCL expression for the others (`--var 'ami_groups=["all"]'`).
   */
  private assignCommandLine(name: string, text: string, from: string): void {
    const kind = this.types.get(name)?.kind ?? 'untyped';
    if (kind === 'untyped' || kind === 'string' || kind === 'number') {
      this.assignments.set(name, { kind: 'command-line', value: text });
      return;
    }
    const parsed = parseHclExpression(this.inputs.parser, text, { ...COMMAND_LINE, file: `<value of ${from}>` });
    if (!parsed.ok) {
      this.problem(`${from}: the value is not a valid HCL expression: ${parsed.problem.message}`, COMMAND_LINE);
      this.assignments.set(name, { kind: 'command-line', value: { type: 'unsupported', reason: `${from} is not a valid HCL expression`, loc: COMMAND_LINE } });
      return;
    }
    this.assignments.set(name, { kind: 'command-line', value: parsed.value });
  }

  private typeOf(expr: Expr | undefined): TypeSpec {
    if (expr === undefined) return { kind: 'untyped' };
    if (expr.type === 'literal' && typeof expr.value === 'string') {
      // The JSON syntax writes the type as a string: "list(string)".
      const parsed = parseHclExpression(this.inputs.parser, expr.value, expr.loc);
      return parsed.ok ? typeSpec(parsed.value) : { kind: 'any' };
    }
    return typeSpec(expr);
  }

  private problem(message: string, location: SourceLocation): void {
    this.inputs.problems.push({ message, location });
  }
}

function typeSpec(expr: Expr): TypeSpec {
  if (expr.type === 'reference') {
    switch (expr.name) {
      case 'string':
      case 'number':
      case 'bool':
      case 'any':
        return { kind: expr.name };
      default:
        return { kind: 'any' };
    }
  }
  if (expr.type === 'call') {
    const [argument] = expr.args;
    switch (expr.name) {
      case 'list':
      case 'set':
      case 'map':
        return { kind: expr.name, element: argument === undefined ? { kind: 'any' } : typeSpec(argument) };
      case 'optional':
        return argument === undefined ? { kind: 'any' } : typeSpec(argument);
      default:
        return { kind: 'structural' };
    }
  }
  return { kind: 'any' };
}

/** Packer converts a value to the declared type; what cannot convert is an error, as in Packer. */
function convert(value: Value, type: TypeSpec, name: string): Value {
  if (value.kind === 'unknown' || value.kind === 'error' || value.kind === 'null') return value;
  const fail = (expected: string): Value => at(error(`variable "${name}" is ${expected}, but is given ${describeKind(value)}`), value.site);
  switch (type.kind) {
    case 'untyped':
    case 'any':
    case 'structural':
      return value;
    case 'string': {
      if (value.kind === 'string') return value;
      if (value.kind === 'number' || value.kind === 'bool') return { ...value, kind: 'string', value: String(value.value) };
      return fail('a string');
    }
    case 'number': {
      const converted = toNumber(value);
      return converted === undefined ? fail('a number') : { ...value, ...num(converted), ...(value.site === undefined ? {} : { site: value.site }) };
    }
    case 'bool': {
      const converted = toBool(value);
      return converted === undefined ? fail('a bool') : { ...value, kind: 'bool', value: converted };
    }
    case 'list':
    case 'set': {
      if (value.kind !== 'list') return fail(`a ${type.kind}`);
      const items = value.items.map((item) => convert(item, type.element, name));
      const failed = items.find((item) => item.kind === 'error');
      return failed ?? { ...value, ...list(items), ...(value.site === undefined ? {} : { site: value.site }) };
    }
    case 'map': {
      if (value.kind !== 'object') return fail('a map');
      const entries = new Map<string, Value>();
      for (const [key, entry] of value.entries) {
        const converted = convert(entry, type.element, name);
        if (converted.kind === 'error') return converted;
        entries.set(key, converted);
      }
      return { ...value, ...object(entries), ...(value.site === undefined ? {} : { site: value.site }) };
    }
  }
}
