import type { SourceLocation } from '../../core/index.js';
import { callFunction, type FunctionSet } from './functions.js';
import type { Attribute, BinaryExpr, Expr, ForObjectExpr, ForTupleExpr, SplatStep, TemplateExpr, TemplatePart } from './syntax.js';
import { convert, DYNAMIC, describeType, typeOf, typeSpec, unify, type TypeSpec } from './types.js';
import {
  asString,
  BUDGET_EXHAUSTED,
  at,
  bool,
  collectStrings,
  describeKind,
  equal,
  error,
  EVALUATION_STOPPED,
  firstUnknown,
  list,
  NULL,
  num,
  object,
  sortedEntries,
  str,
  throughReference,
  unknown,
  type Budget,
  type UnknownValue,
  type Value,
} from './value.js';

/** Evaluation nesting (expressions and the references they follow) beyond which we stop. */
const MAX_EVALUATION_DEPTH = 400;
const TOO_DEEP = `${EVALUATION_STOPPED}expressions and the references they follow nest more than amiguard's budget of ${MAX_EVALUATION_DEPTH} levels`;

/** A name bound by a `for` expression, a `dynamic` block, or the `source` accessor. */
export interface Scope {
  readonly name: string;
  readonly value: Value;
  readonly parent: Scope | undefined;
  /**
   * A reference to a traced name is a `via` of its own, like `var.x` (a dynamic block's iterator:
   * its values are defined in `for_each`). A `for` iterator is not: its values stay as they are.
   */
  readonly traced: boolean;
}

export function bind(name: string, value: Value, parent: Scope | undefined, traced = true): Scope {
  return { name, value, parent, traced };
}

/** What references resolve to; the configuration supplies variables and locals. */
export interface EvaluationEnvironment {
  readonly useEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The configuration's folder, relative to `cwd` as it was given: file functions resolve relative paths against it. */
  readonly pathRoot: string;
  /** The working directory; file functions resolve `pathRoot` against it. */
  readonly cwd: string;
  /**
   * Parses a `templatefile()` template (an expression, or a syntax error's message); inside a
   * template, `templatefile` may not be called again.
   */
  readonly parseTemplate?: ((text: string, loc: SourceLocation) => Expr | string) | 'inside-templatefile';
  readonly budget: Budget;
  /** A declared variable's value (unknown when it has none); undefined when not declared. */
  variable(name: string): Value | undefined;
  /**
   * Locals, as the attributes that define them: undefined when they may not be referenced
   * (variable defaults, var-files). A local's expression is read when it is evaluated.
   */
  readonly locals: ReadonlyMap<string, Attribute> | undefined;
  /** The format's namespaces (`var`, `local`, `path`, Packer's `source`, Terraform's resource types), by root name. */
  namespace(root: string): Namespace | undefined;
  /** The format's functions. */
  readonly functions: FunctionSet;
}

/**
 * A root name whose attributes are references: `var.x`, `local.y`, `data.aws_ami.z`. The format
 * says what each resolves to.
 */
export interface Namespace {
  /** How many names one reference takes after the root: 1 for `var.x`, 2 for `data.aws_ami.x`. */
  readonly depth: 1 | 2;
  /** The value of `root.names...` (fewer names than `depth` when the reference stops early). */
  resolve(names: readonly string[], loc: SourceLocation, evaluator: Evaluator): Resolved;
}

export interface Resolved {
  readonly value: Value;
  /** The reference a definition's value was reached through (`var.x`), which items name as `via`. */
  readonly via?: string;
}

/** `var.x`: the environment's variables. */
export const VARIABLE_NAMESPACE: Namespace = {
  depth: 1,
  resolve: ([name = ''], loc, evaluator) => {
    const value = evaluator.variable(name);
    if (value === undefined) return { value: at(unknown(`variable "${name}" is not declared`), loc) };
    return { value, via: `var.${name}` };
  },
};

/** `local.x`: the environment's locals, each evaluated once. */
export const LOCAL_NAMESPACE: Namespace = {
  depth: 1,
  resolve: ([name = ''], loc, evaluator) => {
    const value = evaluator.local(name);
    if (value === undefined) return { value: at(unknown(`local.${name} is not defined`), loc) };
    return { value, via: `local.${name}` };
  },
};

/** A namespace whose every reference is an unknown, worded by `reason` from the names. */
export function unknownNamespace(depth: 1 | 2, reason: (names: readonly string[]) => string): Namespace {
  return { depth, resolve: (names, loc) => ({ value: at(unknown(reason(names)), loc) }) };
}

/**
 * Evaluates HCL expressions as Packer and Terraform would, to values that keep unknowns explicit,
 * with the namespaces and functions of the format's environment. Locals are evaluated lazily and
 * once; a local met again while it is being evaluated is a cycle.
 */
export class Evaluator {
  private readonly localValues = new Map<string, Value>();
  /** The locals being evaluated, innermost last. */
  private readonly localsInProgress: string[] = [];
  /** Locals found to be part of a cycle: their value is unknown, whatever came out. */
  private readonly cyclic = new Map<string, string>();
  private depth = 0;

  constructor(private readonly environment: EvaluationEnvironment) {}

  evaluate(expr: Expr, scope: Scope | undefined = undefined): Value {
    if (this.depth >= MAX_EVALUATION_DEPTH) {
      return at(unknown(TOO_DEEP), expr.loc);
    }
    const budget = this.environment.budget;
    budget.spend(1);
    if (budget.exhausted) return at(unknown(BUDGET_EXHAUSTED), expr.loc);
    this.depth += 1;
    try {
      return this.evaluateNode(expr, scope);
    } finally {
      this.depth -= 1;
    }
  }

  private evaluateNode(expr: Expr, scope: Scope | undefined): Value {
    switch (expr.type) {
      case 'literal':
        return this.literal(expr.value, expr.loc);
      case 'tuple': {
        const items: Value[] = [];
        for (const item of expr.items) {
          const value = this.evaluate(item, scope);
          if (value.kind === 'error') return value;
          items.push(value);
        }
        return list(items, expr.loc);
      }
      case 'object': {
        const entries = new Map<string, Value>();
        for (const item of expr.items) {
          const key = this.evaluate(item.key, scope);
          if (key.kind === 'error' || key.kind === 'unknown') return at(key, expr.loc);
          const name = asString(key);
          if (name === undefined) return at(error(`an object key must be a string, found ${describeKind(key)}`), item.key.loc);
          const value = this.evaluate(item.value, scope);
          if (value.kind === 'error') return value;
          entries.set(name, value);
        }
        return object(entries, expr.loc);
      }
      case 'template':
        return this.template(expr, scope);
      case 'reference':
      case 'attribute':
      case 'index':
      case 'splat':
        return this.traversal(expr, scope);
      case 'call': {
        // convert()'s second argument is a type expression (`set(string)`), not a value.
        const [converted, type] = expr.args;
        if (expr.name === 'convert' && this.environment.functions.specs.has('convert') && expr.args.length === 2 && !expr.expandFinal && converted !== undefined && type !== undefined) {
          return this.convertCall(this.evaluate(converted, scope), typeSpec(type), expr.loc);
        }
        const args: Value[] = [];
        for (const arg of expr.args) args.push(this.evaluate(arg, scope));
        return callFunction(expr.name, args, { loc: expr.loc, expandFinal: expr.expandFinal, environment: this.environment });
      }
      case 'conditional':
        return this.conditional(expr.condition, expr.whenTrue, expr.whenFalse, expr.loc, scope);
      case 'unary': {
        const operand = this.evaluate(expr.operand, scope);
        if (operand.kind === 'error' || operand.kind === 'unknown') return propagate(operand, expr.loc);
        if (expr.operator === '!') {
          const value = toBool(operand);
          return value === undefined ? at(error(`"!" needs a bool, found ${describeKind(operand)}`), expr.loc) : bool(!value);
        }
        const value = toNumber(operand);
        return value === undefined ? at(error(`"-" needs a number, found ${describeKind(operand)}`), expr.loc) : num(-value, expr.loc);
      }
      case 'binary':
        return this.binary(expr, scope);
      case 'for-tuple':
        return this.forTuple(expr, scope);
      case 'for-object':
        return this.forObject(expr, scope);
      case 'unsupported':
        return at(unknown(expr.reason), expr.loc);
    }
  }

  private literal(value: string | number | boolean | null, loc: SourceLocation): Value {
    if (value === null) return at(NULL, loc);
    if (typeof value === 'string') return str(value, loc);
    if (typeof value === 'number') return num(value, loc);
    return at(bool(value), loc);
  }

  /** A template that is exactly one interpolation keeps the value's type, as in HCL. */
  private template(expr: TemplateExpr, scope: Scope | undefined): Value {
    const [only] = expr.parts;
    if (expr.parts.length === 1 && only?.type === 'interpolation') {
      const value = this.evaluate(only.expr, scope);
      return value.site === undefined ? at(value, expr.loc) : value;
    }
    const rendered = this.render(expr.parts, scope, expr.loc);
    if (rendered.kind !== 'rendered') return rendered;
    return renderedString(rendered.text, expr.loc, rendered.provenance);
  }

  /**
   * Template parts to text: `%{ if }` renders the branch its condition picks, `%{ for }` its body
   * once per element. What is unknown makes the whole text unknown; an error ends it.
   */
  private render(parts: readonly TemplatePart[], scope: Scope | undefined, loc: SourceLocation): Rendered | Value {
    let text = '';
    let pending: Value | undefined;
    let provenance: Value | undefined;
    const add = (piece: Rendered | Value): Value | undefined => {
      if (piece.kind === 'error') return piece;
      if (piece.kind !== 'rendered') {
        pending ??= piece;
        return undefined;
      }
      text += piece.text;
      provenance ??= piece.provenance;
      return undefined;
    };
    for (const part of parts) {
      let failed: Value | undefined;
      switch (part.type) {
        case 'text':
          text += part.text;
          break;
        case 'interpolation':
          failed = add(this.interpolate(part.expr, scope));
          break;
        case 'if': {
          const test = this.evaluate(part.condition, scope);
          if (test.kind === 'error' || test.kind === 'unknown') {
            failed = add(test);
            break;
          }
          const value = toBool(test);
          if (value === undefined) return at(error(`a condition must be a bool, found ${describeKind(test)}`), part.condition.loc);
          failed = add(this.render(value ? part.then : part.otherwise, scope, part.loc));
          break;
        }
        case 'for': {
          const pairs = this.iterate(part.collection, scope, part.loc);
          if (!Array.isArray(pairs)) {
            failed = add(pairs);
            break;
          }
          for (const [key, element] of pairs) {
            failed = add(this.render(part.body, this.bindIterators(part.keyName, part.valueName, key, element, scope), part.loc));
            if (failed !== undefined) break;
          }
          break;
        }
      }
      if (failed !== undefined) return failed;
    }
    if (pending !== undefined) return propagate(pending, loc);
    return provenance === undefined ? { kind: 'rendered', text } : { kind: 'rendered', text, provenance };
  }

  private interpolate(expr: Expr, scope: Scope | undefined): Rendered | Value {
    const value = this.evaluate(expr, scope);
    if (value.kind === 'error' || value.kind === 'unknown') return value;
    const piece = asString(value);
    if (piece === undefined) return at(error(`a string template cannot include ${describeKind(value)}`), expr.loc);
    return value.via === undefined ? { kind: 'rendered', text: piece } : { kind: 'rendered', text: piece, provenance: value };
  }

  /** `convert(value, type)` as cty converts: a set is distinct and ordered, a mismatch is an error. */
  private convertCall(value: Value, type: TypeSpec, loc: SourceLocation): Value {
    if (value.kind === 'error') return value;
    const converted = convert(value, type);
    if ('mismatch' in converted) return at(error(`function convert(): the value is not a ${describeType(type)}: ${converted.mismatch}`), loc);
    return converted.value;
  }

  /**
   * `c ? a : b` as HCL evaluates it: both arms are evaluated and unified to one type (cty's
   * UnifyUnsafe), and the chosen one is converted to it: a set arm and a tuple arm make a set.
   * Arms with no type in common are an error whatever the condition; an error in the arm not
   * chosen is not one, but its type still counts.
   */
  private conditional(condition: Expr, whenTrue: Expr, whenFalse: Expr, loc: SourceLocation, scope: Scope | undefined): Value {
    const test = this.evaluate(condition, scope);
    if (test.kind === 'error') return test;
    const a = this.evaluate(whenTrue, scope);
    const b = this.evaluate(whenFalse, scope);
    // An untyped null, or a value of unknown type, takes the other arm's type (hclsyntax
    // ConditionalExpr); a typed null (a `list(string)` variable set to null) has its own.
    const type = a.kind === 'null' && a.type === undefined ? typeOf(b) : b.kind === 'null' && b.type === undefined ? typeOf(a) : bothTyped(typeOf(a), typeOf(b));
    if (type === undefined) {
      return at(error(`inconsistent conditional result types: the true and false results must have consistent types (${describeType(typeOf(a))} and ${describeType(typeOf(b))})`), whenTrue.loc);
    }
    if (test.kind === 'unknown') {
      if (a.kind !== 'error' && b.kind !== 'error' && firstUnknown(a) === undefined && firstUnknown(b) === undefined && equal(a, b)) {
        return a;
      }
      const candidates = new Set<string>();
      if (a.kind !== 'error') collectStrings(a, candidates);
      if (b.kind !== 'error') collectStrings(b, candidates);
      return mayBe(test, loc, candidates);
    }
    const value = toBool(test);
    if (value === undefined) return at(error(`a condition must be a bool, found ${describeKind(test)}`), condition.loc);
    const chosen = value ? a : b;
    if (chosen.kind === 'error') return chosen;
    const converted = convert(chosen, type);
    if ('mismatch' in converted) {
      return at(error(`inconsistent conditional result types: the ${value ? 'true' : 'false'} result value has the wrong type: ${converted.mismatch}`), (value ? whenTrue : whenFalse).loc);
    }
    return converted.value;
  }

  private binary(expr: BinaryExpr, scope: Scope | undefined): Value {
    const left = this.evaluate(expr.left, scope);
    const right = this.evaluate(expr.right, scope);
    if (left.kind === 'error') return left;
    if (right.kind === 'error') return right;
    const { operator, loc } = expr;

    if (operator === '&&' || operator === '||') {
      const a = left.kind === 'unknown' ? undefined : toBool(left);
      const b = right.kind === 'unknown' ? undefined : toBool(right);
      if ((left.kind !== 'unknown' && a === undefined) || (right.kind !== 'unknown' && b === undefined)) {
        return at(error(`"${operator}" needs bools`), loc);
      }
      // A known operand can decide the result alone: false && unknown is false.
      const decisive = operator === '&&' ? false : true;
      if (a === decisive || b === decisive) return at(bool(decisive), loc);
      if (left.kind === 'unknown') return propagate(left, loc);
      if (right.kind === 'unknown') return propagate(right, loc);
      return at(bool(decisive === true ? a === true || b === true : a === true && b === true), loc);
    }

    const pendingLeft = firstUnknown(left);
    const pendingRight = firstUnknown(right);
    if ((operator === '==' || operator === '!=') && cannotBeEqual(left, right, pendingLeft, pendingRight)) return at(bool(operator === '!='), loc);
    if (pendingLeft !== undefined) return propagate(pendingLeft, loc);
    if (pendingRight !== undefined) return propagate(pendingRight, loc);

    if (operator === '==') return at(bool(equal(left, right)), loc);
    if (operator === '!=') return at(bool(!equal(left, right)), loc);

    const a = toNumber(left);
    const b = toNumber(right);
    if (a === undefined || b === undefined) {
      return at(error(`"${operator}" needs numbers, found ${describeKind(a === undefined ? left : right)}`), loc);
    }
    switch (operator) {
      case '<':
        return at(bool(a < b), loc);
      case '>':
        return at(bool(a > b), loc);
      case '<=':
        return at(bool(a <= b), loc);
      case '>=':
        return at(bool(a >= b), loc);
      case '+':
        return num(a + b, loc);
      case '-':
        return num(a - b, loc);
      case '*':
        return num(a * b, loc);
      case '/':
        return b === 0 ? at(error('division by zero'), loc) : num(a / b, loc);
      case '%':
        return b === 0 ? at(error('modulo by zero'), loc) : num(a % b, loc);
    }
  }

  private forTuple(expr: ForTupleExpr, scope: Scope | undefined): Value {
    const pairs = this.iterate(expr.collection, scope, expr.loc);
    if (!Array.isArray(pairs)) return pairs;
    const items: Value[] = [];
    for (const [key, element] of pairs) {
      if (element.kind === 'unknown' && element.spread === true) {
        items.push(element);
        continue;
      }
      const inner = this.bindIterators(expr.keyName, expr.valueName, key, element, scope);
      const value = this.evaluate(expr.value, inner);
      if (value.kind === 'error') return value;
      if (expr.condition !== undefined) {
        const test = this.evaluate(expr.condition, inner);
        if (test.kind === 'error') return test;
        if (test.kind === 'unknown') {
          // The element may or may not be there.
          items.push(mayBe(test, value.site ?? expr.loc, collectStrings(value), true));
          continue;
        }
        const keep = toBool(test);
        if (keep === undefined) return at(error(`a for condition must be a bool, found ${describeKind(test)}`), expr.condition.loc);
        if (!keep) continue;
      }
      items.push(value);
    }
    return list(items, expr.loc);
  }

  private forObject(expr: ForObjectExpr, scope: Scope | undefined): Value {
    const pairs = this.iterate(expr.collection, scope, expr.loc);
    if (!Array.isArray(pairs)) return pairs;
    const entries = new Map<string, Value>();
    const groups = new Map<string, Value[]>();
    for (const [key, element] of pairs) {
      if (element.kind === 'unknown' && element.spread === true) return propagate(element, expr.loc);
      const inner = this.bindIterators(expr.keyName, expr.valueName, key, element, scope);
      if (expr.condition !== undefined) {
        const test = this.evaluate(expr.condition, inner);
        if (test.kind === 'error' || test.kind === 'unknown') return propagate(test, expr.loc);
        const keep = toBool(test);
        if (keep === undefined) return at(error(`a for condition must be a bool, found ${describeKind(test)}`), expr.condition.loc);
        if (!keep) continue;
      }
      const keyValue = this.evaluate(expr.key, inner);
      if (keyValue.kind === 'error' || keyValue.kind === 'unknown') return propagate(keyValue, expr.loc);
      const name = asString(keyValue);
      if (name === undefined) return at(error(`an object key must be a string, found ${describeKind(keyValue)}`), expr.key.loc);
      const value = this.evaluate(expr.value, inner);
      if (value.kind === 'error') return value;
      if (expr.grouped) {
        const group = groups.get(name) ?? [];
        group.push(value);
        groups.set(name, group);
      } else if (entries.has(name)) {
        return at(error(`duplicate key "${name}" in a for expression (use "..." to group)`), expr.key.loc);
      } else {
        entries.set(name, value);
      }
    }
    for (const [name, group] of groups) entries.set(name, list(group, expr.loc));
    return object(entries, expr.loc);
  }

  /** The key and element pairs of a collection, or why they cannot be known. */
  iterate(collectionExpr: Expr, scope: Scope | undefined, loc: SourceLocation): [Value, Value][] | Value {
    const collection = this.evaluate(collectionExpr, scope);
    if (collection.kind === 'error' || collection.kind === 'unknown') return propagate(collection, loc);
    // A set's elements have no index: each one is its own key.
    if (collection.kind === 'list') return collection.items.map((item, index) => [collection.collection === 'set' ? item : num(index), item]);
    if (collection.kind === 'object') return sortedEntries(collection).map(([key, value]) => [str(key), value]);
    return at(error(`cannot iterate over ${describeKind(collection)}`), collectionExpr.loc);
  }

  private bindIterators(keyName: string | undefined, valueName: string, key: Value, element: Value, scope: Scope | undefined): Scope {
    const withKey = keyName === undefined ? scope : bind(keyName, key, scope, false);
    return bind(valueName, element, withKey, false);
  }

  /**
   * A reference with its attributes, indexes and splats. The value moves to the use site once,
   * at the outermost step, so that elements are located where the user wrote the reference.
   */
  private traversal(expr: Expr, scope: Scope | undefined): Value {
    const { value, via } = this.traverse(expr, scope);
    if (via === undefined) return value;
    return throughReference(value, expr.loc, via, this.environment.budget);
  }

  private traverse(expr: Expr, scope: Scope | undefined): Traversed {
    switch (expr.type) {
      case 'reference': {
        const bound = lookupScope(scope, expr.name);
        if (bound !== undefined) return bound.traced ? { value: bound.value, via: expr.name, extends: true } : { value: bound.value };
        if (this.environment.namespace(expr.name) !== undefined) {
          return { value: at(error(`"${expr.name}" must be followed by an attribute, e.g. ${expr.name}.name`), expr.loc) };
        }
        return { value: at(error(`there is no variable named "${expr.name}"`), expr.loc) };
      }
      case 'attribute': {
        const target = expr.target;
        if (target.type === 'reference' && lookup(scope, target.name) === undefined) {
          const namespace = this.environment.namespace(target.name);
          if (namespace !== undefined) return namespace.resolve([expr.name], expr.loc, this);
        }
        if (target.type === 'attribute' && target.target.type === 'reference' && lookup(scope, target.target.name) === undefined) {
          const namespace = this.environment.namespace(target.target.name);
          if (namespace?.depth === 2) return namespace.resolve([target.name, expr.name], expr.loc, this);
        }
        const base = this.traverseTarget(target, scope);
        const value = getAttribute(base.value, expr.name, expr.loc);
        // `source.value.ami_users` names an iterator's path better than `source` alone.
        if (base.via === undefined) return { value };
        return base.extends === true ? { value, via: `${base.via}.${expr.name}`, extends: true } : { value, via: base.via };
      }
      case 'index': {
        const base = this.traverseTarget(expr.target, scope);
        const key = this.evaluate(expr.key, scope);
        return { value: getIndex(base.value, key, expr.loc), ...(base.via === undefined ? {} : { via: base.via }) };
      }
      case 'splat': {
        const base = this.traverseTarget(expr.target, scope);
        return { value: this.splat(base.value, expr.steps, expr.loc, scope), ...(base.via === undefined ? {} : { via: base.via }) };
      }
      default:
        return { value: this.evaluate(expr, scope) };
    }
  }

  private traverseTarget(expr: Expr, scope: Scope | undefined): Traversed {
    if (this.depth >= MAX_EVALUATION_DEPTH) {
      return { value: at(unknown(TOO_DEEP), expr.loc) };
    }
    this.depth += 1;
    try {
      return this.traverse(expr, scope);
    } finally {
      this.depth -= 1;
    }
  }

  /** The configuration's folder (`path.root` in Packer) and the working directory. */
  get pathRoot(): string {
    return this.environment.pathRoot;
  }

  get cwd(): string {
    return this.environment.cwd;
  }

  /** A declared variable's value; undefined when it is not declared. */
  variable(name: string): Value | undefined {
    return this.environment.variable(name);
  }

  /**
   * A local's value, evaluated once; undefined when it is not defined. With `keep` false, a
   * local not evaluated yet is evaluated without keeping its value (the locals it references are
   * kept): checking every local for errors then holds no value nobody uses (issue 11).
   */
  local(name: string, keep = true): Value | undefined {
    const cached = this.localValues.get(name);
    if (cached !== undefined) return cached;
    const locals = this.environment.locals;
    if (locals === undefined) return at(unknown('locals cannot be used here'), undefined);
    const expr = locals.get(name)?.expr;
    if (expr === undefined) return undefined;
    const reentered = this.localsInProgress.indexOf(name);
    if (reentered !== -1) {
      const reason = `local.${name} is part of a reference cycle`;
      for (const member of this.localsInProgress.slice(reentered)) this.cyclic.set(member, reason);
      return unknown(reason);
    }
    this.localsInProgress.push(name);
    let value: Value;
    try {
      value = this.evaluate(expr);
    } finally {
      this.localsInProgress.pop();
    }
    const cycle = this.cyclic.get(name);
    if (cycle !== undefined) value = at(unknown(cycle), expr.loc);
    if (keep) this.localValues.set(name, value);
    return value;
  }

  private splat(target: Value, steps: readonly SplatStep[], loc: SourceLocation, scope: Scope | undefined): Value {
    if (target.kind === 'error' || target.kind === 'unknown') return target;
    // A splat on a single value works on a list of that one value; on null, on an empty list.
    const elements = target.kind === 'list' ? target.items : target.kind === 'null' ? [] : [target];
    const keys = steps.map((step) => (step.type === 'index' ? this.evaluate(step.key, scope) : undefined));
    const items: Value[] = [];
    for (const element of elements) {
      let value = element;
      steps.forEach((step, index) => {
        const key = keys[index];
        value = step.type === 'attribute' ? getAttribute(value, step.name, loc) : getIndex(value, key ?? NULL, loc);
      });
      if (value.kind === 'error') return value;
      items.push(value);
    }
    return list(items, loc);
  }
}

/** A template's text so far, with the first value that came through a reference. */
interface Rendered {
  readonly kind: 'rendered';
  readonly text: string;
  readonly provenance?: Value;
}

interface Traversed {
  readonly value: Value;
  /** The reference the value was reached through, when it comes from a definition. */
  readonly via?: string;
  /** Attribute steps extend `via` (iterators), rather than stopping at `var.x`. */
  readonly extends?: boolean;
}

function lookupScope(scope: Scope | undefined, name: string): Scope | undefined {
  for (let current = scope; current !== undefined; current = current.parent) {
    if (current.name === name) return current;
  }
  return undefined;
}

function lookup(scope: Scope | undefined, name: string): Value | undefined {
  return lookupScope(scope, name)?.value;
}

function getAttribute(target: Value, name: string, loc: SourceLocation): Value {
  if (target.kind === 'error' || target.kind === 'unknown') return target;
  if (target.kind !== 'object') return at(error(`cannot read attribute "${name}" of ${describeKind(target)}`), loc);
  const value = target.entries.get(name);
  return value ?? at(error(`the object has no attribute "${name}"`), loc);
}

function getIndex(target: Value, key: Value, loc: SourceLocation): Value {
  if (target.kind === 'error' || target.kind === 'unknown') return target;
  if (key.kind === 'error') return key;
  if (key.kind === 'unknown') return propagate(key, loc);
  if (target.kind === 'list' && target.collection === 'set') {
    return at(error('invalid index: elements of a set are identified only by their value and have no index or key to select with'), loc);
  }
  if (target.kind === 'list') {
    const index = toNumber(key);
    if (index === undefined || !Number.isInteger(index)) return at(error(`a list index must be a whole number, found ${describeKind(key)}`), loc);
    const spreadAt = target.items.findIndex((item) => item.kind === 'unknown' && item.spread === true);
    if (spreadAt !== -1 && spreadAt <= index) return propagate(target.items[spreadAt] ?? unknown('an unknown element'), loc);
    const value = target.items[index];
    return value ?? at(error(`index ${index} is out of range for a list of ${target.items.length}`), loc);
  }
  if (target.kind === 'object') {
    const name = asString(key);
    if (name === undefined) return at(error(`an object key must be a string, found ${describeKind(key)}`), loc);
    return target.entries.get(name) ?? at(error(`the object has no key "${name}"`), loc);
  }
  return at(error(`cannot index ${describeKind(target)}`), loc);
}

/**
 * An unknown or error of an operand as the result of an operation at `site`: the reason and the
 * provenance stay, what the operand may have been (`mayInclude`, `spread`) does not.
 */
function propagate(value: Value, site: SourceLocation): Value {
  if (value.kind === 'error') return value.site === undefined ? at(value, site) : value;
  if (value.kind !== 'unknown') return value;
  const result: { -readonly [K in keyof UnknownValue]: UnknownValue[K] } = { kind: 'unknown', reason: value.reason, site };
  if (value.via !== undefined) result.via = value.via;
  if (value.origin !== undefined) result.origin = value.origin;
  return result;
}

/** An unknown that may turn out to be one of `candidates` (both arms of a conditional). */
function mayBe(value: Value, site: SourceLocation, candidates: ReadonlySet<string>, spread = false): Value {
  const base = propagate(value, site);
  if (base.kind !== 'unknown') return base;
  return {
    ...base,
    ...(candidates.size > 0 ? { mayInclude: [...candidates] } : {}),
    ...(spread ? { spread: true } : {}),
  };
}

/** A template's text at `site`, with the provenance of the first value that came through a reference. */
function renderedString(text: string, site: SourceLocation, source: Value | undefined): Value {
  if (source?.via === undefined) return str(text, site);
  return source.origin === undefined ? { kind: 'string', value: text, site, via: source.via } : { kind: 'string', value: text, site, origin: source.origin, via: source.via };
}

/**
 * Whether two values with unknown parts cannot be equal whatever those parts turn out to be, as
 * cty's Equals decides it: null against a value that is not null, or values of different kinds
 * (`{ name = var.unset } != ""` is true). Wholly unknown operands stay unknown.
 */
function cannotBeEqual(left: Value, right: Value, pendingLeft: Value | undefined, pendingRight: Value | undefined): boolean {
  if (pendingLeft === undefined && pendingRight === undefined) return false;
  if (pendingLeft?.kind === 'error' || pendingRight?.kind === 'error') return false;
  if (left.kind === 'unknown' || right.kind === 'unknown') return false;
  return left.kind !== right.kind;
}

/** The type two arms unify to; `any` when either arm's type is not known, as HCL passes those through. */
function bothTyped(a: TypeSpec, b: TypeSpec): TypeSpec | undefined {
  return a.kind === 'dynamic' || b.kind === 'dynamic' ? DYNAMIC : unify([a, b]);
}

/** HCL converts the strings "true" and "false" to bools. */
export function toBool(value: Value): boolean | undefined {
  if (value.kind === 'bool') return value.value;
  if (value.kind === 'string' && (value.value === 'true' || value.value === 'false')) return value.value === 'true';
  return undefined;
}

/** HCL converts numeric strings to numbers. */
export function toNumber(value: Value): number | undefined {
  if (value.kind === 'number') return value.value;
  if (value.kind === 'string' && value.value.trim() !== '' && Number.isFinite(Number(value.value))) return Number(value.value);
  return undefined;
}
