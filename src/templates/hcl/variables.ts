import type { SourceLocation } from '../../core/index.js';
import type { SourceFile, TemplateProblem } from '../model.js';
import type { Evaluator } from './evaluate.js';
import { parseHclBody, parseHclExpression, type HclTreeParser, type ParseOutcome } from './hcl-parser.js';
import { parseHclJson } from './json-syntax.js';
import type { Attribute, Body, BodySchema, Expr } from './syntax.js';
import { convert, describeType, DYNAMIC, typeSpec, type TypeSpec } from './types.js';
import { at, str, unknown, withoutSites, type Value } from './value.js';

/** Where a problem with a `--var` goes: it has no file. */
export const COMMAND_LINE: SourceLocation = { kind: 'source', file: '<command line>', line: 1, column: 1, endLine: 1, endColumn: 1 };

/** A var-file is only attributes. */
export const VAR_FILE_SCHEMA: BodySchema = { blocks: new Map() };

export interface VariableDeclaration {
  readonly name: string;
  readonly type: Expr | undefined;
  readonly default: Attribute | undefined;
  /** Packer's older `variables { }` block, whose variables always take their default's type. */
  readonly shorthand: boolean;
  readonly loc: SourceLocation;
}

/** What differs between the tools that read HCL variables. */
export interface VariableConvention {
  /** Named in the messages: `Packer rejects it`. */
  readonly tool: string;
  /** What the tool does with a value it cannot use: `Packer stops before building`. */
  readonly refusal: string;
  /**
   * The type of an untyped variable with a default: Packer takes the default's type (a list
   * default makes a tuple); undefined leaves it `any`, as Terraform does.
   */
  readonly typeOfDefault?: (value: Value, declaration: VariableDeclaration) => TypeSpec;
}

/**
 * One value given to variables, in the order the tool applies them (later wins): a text value
 * (`--var`, an environment variable), a var-file the tool finds itself, a `--var-file`, or a
 * value already evaluated (a Terraform module call's argument).
 */
export type VariableSource =
  | { readonly kind: 'text'; readonly name: string; readonly text: string; readonly from: string }
  | { readonly kind: 'value'; readonly name: string; readonly value: Value; readonly loc: SourceLocation; readonly what: string }
  | { readonly kind: 'file'; readonly file: SourceFile }
  | { readonly kind: 'var-file'; readonly path: string };

export interface VariableInputs {
  readonly parser: HclTreeParser;
  readonly declarations: ReadonlyMap<string, VariableDeclaration>;
  readonly sources: readonly VariableSource[];
  readonly convention: VariableConvention;
  /** Reads a `--var-file`; throws InputError when it cannot. */
  readonly readFile: (path: string) => string;
  readonly problems: TemplateProblem[];
}

/**
 * Resolves HCL input variables from their defaults and then `sources` in order, later winning.
 * Every value is converted to the variable's type when it is given, as Packer and Terraform do:
 * one that does not convert is an error even when a later value overrides it.
 */
export class VariableValues {
  private readonly types = new Map<string, TypeSpec>();
  /** The last value given to each variable, converted to its type. */
  private readonly values = new Map<string, Value>();
  /**
   * Variables whose value is their default, checked but not kept: it is evaluated again when
   * first used. Keeping every default of a large file while nothing else is evaluated made V8
   * allocate all later values and locations straight into the old generation (issue 11).
   */
  private readonly defaults = new Map<string, Attribute>();

  constructor(
    private readonly inputs: VariableInputs,
    private readonly literals: Evaluator,
  ) {
    const { declarations, sources } = inputs;
    for (const declaration of declarations.values()) this.declare(declaration);
    for (const source of sources) {
      switch (source.kind) {
        case 'file':
          this.assignVarFile(source.file.path, source.file.text);
          break;
        case 'var-file':
          this.readVarFile(source.path);
          break;
        case 'value':
          if (declarations.has(source.name)) this.assign(source.name, source.value, source.loc, source.what);
          break;
        case 'text':
          if (!declarations.has(source.name)) {
            this.problem(`${source.from}: no variable "${source.name}" is declared; ${inputs.convention.tool} rejects it`, COMMAND_LINE);
          } else {
            this.assignText(source.name, source.text, source.from);
          }
          break;
      }
    }
  }

  /** A declared variable's value, or undefined when it is not declared. */
  value(name: string): Value | undefined {
    const declaration = this.inputs.declarations.get(name);
    if (declaration === undefined) return undefined;
    const fallback = this.defaults.get(name);
    if (fallback !== undefined) {
      this.defaults.delete(name);
      const expr = fallback.expr;
      this.assign(name, this.literals.evaluate(expr), expr.loc, 'default value');
    }
    return this.values.get(name) ?? at(unknown(`variable "${name}" has no value`), declaration.loc);
  }

  /** The declared type, or else what the convention makes of the default. */
  private declare(declaration: VariableDeclaration): void {
    const typeExpr = declaration.type;
    const declared = typeExpr === undefined ? undefined : this.typeOf(typeExpr);
    if (declaration.default === undefined) {
      this.types.set(declaration.name, declared ?? DYNAMIC);
      return;
    }
    const expr = declaration.default.expr;
    const value = this.literals.evaluate(expr);
    const type = declared ?? this.inputs.convention.typeOfDefault?.(value, declaration) ?? DYNAMIC;
    this.types.set(declaration.name, type);
    if (this.assign(declaration.name, value, expr.loc, 'default value')) {
      this.values.delete(declaration.name);
      this.defaults.set(declaration.name, declaration.default);
    }
  }

  /** Gives a variable its value, or an unknown and a problem when it does not convert; whether it converted. */
  private assign(name: string, value: Value, loc: SourceLocation, what: string): boolean {
    // A later value replaces the default.
    this.defaults.delete(name);
    const type = this.types.get(name) ?? DYNAMIC;
    const converted = convert(value, type);
    if ('mismatch' in converted) {
      this.problem(
        `the ${what} of var.${name} is not compatible with its type ${describeType(type)}: ${converted.mismatch}; ${this.inputs.convention.refusal}`,
        loc,
      );
      this.values.set(name, at(unknown(`the ${what} of var.${name} is not a ${describeType(type)}`), loc));
      return false;
    }
    this.values.set(name, converted.value);
    return true;
  }

  private readVarFile(path: string): void {
    let text: string;
    try {
      text = this.inputs.readFile(path);
    } catch (caught) {
      // The CLI's reader already names the file; another reader's bare reason gets it added.
      const reason = caught instanceof Error ? caught.message : String(caught);
      const message = reason.includes(path) ? reason : `cannot read var-file ${path}: ${reason}`;
      this.problem(message, { ...COMMAND_LINE, file: path });
      return;
    }
    this.assignVarFile(path, text);
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
      // Packer and Terraform skip a value for an undeclared variable (with a warning at most).
      if (!this.inputs.declarations.has(entry.name)) continue;
      const expr = entry.expr;
      this.assign(entry.name, this.literals.evaluate(expr), expr.loc, 'value in the var-file');
    }
  }

  /**
   * Like Packer (expressionFromVariableDefinition) and Terraform (VariableParseLiteral), a text
   * value is a plain string for a string, number or untyped variable, and an HCL expression for
   * the others: a variable typed as a list takes `--var 'ami_groups=["all"]'` as a list.
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
      this.defaults.delete(name);
      this.values.set(name, unknown(`${from} is not a valid HCL expression`));
      return;
    }
    this.assign(name, withoutSites(this.literals.evaluate(parsed.value)), COMMAND_LINE, `value of ${from}`);
  }

  private readonly evaluateDefault = (expr: Expr): Value => this.literals.evaluate(expr);

  private typeOf(expr: Expr): TypeSpec {
    if (expr.type === 'literal' && typeof expr.value === 'string') {
      // The JSON syntax writes the type as a string: "list(string)".
      const parsed = parseHclExpression(this.inputs.parser, expr.value, expr.loc);
      return parsed.ok ? typeSpec(parsed.value, this.evaluateDefault) : DYNAMIC;
    }
    return typeSpec(expr, this.evaluateDefault);
  }

  private problem(message: string, location: SourceLocation): void {
    this.inputs.problems.push({ message, location });
  }
}
