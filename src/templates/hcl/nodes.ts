import type { SourceLocation } from '../../core/index.js';
import type {
  Attribute,
  AttributeExpr,
  BinaryExpr,
  BinaryOperator,
  Block,
  Body,
  CallExpr,
  ConditionalExpr,
  Expr,
  ForObjectExpr,
  ForTupleExpr,
  IndexExpr,
  LiteralExpr,
  ObjectExpr,
  ObjectItem,
  ReferenceExpr,
  SplatExpr,
  SplatStep,
  TemplateExpr,
  TemplateFor,
  TemplateIf,
  TemplatePart,
  TupleExpr,
  UnaryExpr,
  UnsupportedExpr,
} from './syntax.js';

/** Turns a node's span of the text into its location. */
export interface Locator {
  location(start: number, end: number): SourceLocation;
}

/** Every node at one location: an expression parsed out of a string of another file. */
export class FixedLocator implements Locator {
  constructor(private readonly loc: SourceLocation) {}

  location(): SourceLocation {
    return this.loc;
  }
}

/**
 * The nodes the HCL native-syntax readers build (the hand-written parser and the tree-sitter
 * converter). A node keeps the offsets of its span and computes `loc` when it is asked for: a
 * location object per node was a third of the syntax tree of a large file (issue 11), and most
 * locations are never read. For the same reason an expression's `type` is a getter of its class,
 * not a field. The offsets are public so that two readings can be compared.
 */
abstract class Located {
  // Fields are declared, not defined: a defined field is first set to undefined and then to its
  // value, which took twice the time to build a node (issue 11).
  declare readonly start: number;
  declare readonly end: number;
  readonly #locator: Locator;

  constructor(locator: Locator, start: number, end: number) {
    this.start = start;
    this.end = end;
    this.#locator = locator;
  }

  get loc(): SourceLocation {
    return this.#locator.location(this.start, this.end);
  }
}

export class LiteralNode extends Located implements LiteralExpr {
  get type(): 'literal' {
    return 'literal';
  }
  declare readonly value: string | number | boolean | null;

  constructor(locator: Locator, start: number, end: number, value: string | number | boolean | null) {
    super(locator, start, end);
    this.value = value;
  }
}

export class TupleNode extends Located implements TupleExpr {
  get type(): 'tuple' {
    return 'tuple';
  }
  declare readonly items: readonly Expr[];

  constructor(locator: Locator, start: number, end: number, items: readonly Expr[]) {
    super(locator, start, end);
    this.items = items;
  }
}

export class ObjectNode extends Located implements ObjectExpr {
  get type(): 'object' {
    return 'object';
  }
  declare readonly items: readonly ObjectItem[];

  constructor(locator: Locator, start: number, end: number, items: readonly ObjectItem[]) {
    super(locator, start, end);
    this.items = items;
  }
}

export class TemplateNode extends Located implements TemplateExpr {
  get type(): 'template' {
    return 'template';
  }
  declare readonly parts: readonly TemplatePart[];

  constructor(locator: Locator, start: number, end: number, parts: readonly TemplatePart[]) {
    super(locator, start, end);
    this.parts = parts;
  }
}

export class ReferenceNode extends Located implements ReferenceExpr {
  get type(): 'reference' {
    return 'reference';
  }
  declare readonly name: string;

  constructor(locator: Locator, start: number, end: number, name: string) {
    super(locator, start, end);
    this.name = name;
  }
}

/** `target.name`. */
export class GetAttributeNode extends Located implements AttributeExpr {
  get type(): 'attribute' {
    return 'attribute';
  }
  declare readonly target: Expr;
  declare readonly name: string;

  constructor(locator: Locator, start: number, end: number, target: Expr, name: string) {
    super(locator, start, end);
    this.target = target;
    this.name = name;
  }
}

export class IndexNode extends Located implements IndexExpr {
  get type(): 'index' {
    return 'index';
  }
  declare readonly target: Expr;
  declare readonly key: Expr;

  constructor(locator: Locator, start: number, end: number, target: Expr, key: Expr) {
    super(locator, start, end);
    this.target = target;
    this.key = key;
  }
}

export class SplatNode extends Located implements SplatExpr {
  get type(): 'splat' {
    return 'splat';
  }
  declare readonly target: Expr;
  declare readonly steps: readonly SplatStep[];

  constructor(locator: Locator, start: number, end: number, target: Expr, steps: readonly SplatStep[]) {
    super(locator, start, end);
    this.target = target;
    this.steps = steps;
  }
}

export class CallNode extends Located implements CallExpr {
  get type(): 'call' {
    return 'call';
  }
  declare readonly name: string;
  declare readonly args: readonly Expr[];
  declare readonly expandFinal: boolean;

  constructor(locator: Locator, start: number, end: number, name: string, args: readonly Expr[], expandFinal: boolean) {
    super(locator, start, end);
    this.name = name;
    this.args = args;
    this.expandFinal = expandFinal;
  }
}

export class ConditionalNode extends Located implements ConditionalExpr {
  get type(): 'conditional' {
    return 'conditional';
  }
  declare readonly condition: Expr;
  declare readonly whenTrue: Expr;
  declare readonly whenFalse: Expr;

  constructor(locator: Locator, start: number, end: number, condition: Expr, whenTrue: Expr, whenFalse: Expr) {
    super(locator, start, end);
    this.condition = condition;
    this.whenTrue = whenTrue;
    this.whenFalse = whenFalse;
  }
}

export class UnaryNode extends Located implements UnaryExpr {
  get type(): 'unary' {
    return 'unary';
  }
  declare readonly operator: '!' | '-';
  declare readonly operand: Expr;

  constructor(locator: Locator, start: number, end: number, operator: '!' | '-', operand: Expr) {
    super(locator, start, end);
    this.operator = operator;
    this.operand = operand;
  }
}

export class BinaryNode extends Located implements BinaryExpr {
  get type(): 'binary' {
    return 'binary';
  }
  declare readonly operator: BinaryOperator;
  declare readonly left: Expr;
  declare readonly right: Expr;

  constructor(locator: Locator, start: number, end: number, operator: BinaryOperator, left: Expr, right: Expr) {
    super(locator, start, end);
    this.operator = operator;
    this.left = left;
    this.right = right;
  }
}

export class ForTupleNode extends Located implements ForTupleExpr {
  get type(): 'for-tuple' {
    return 'for-tuple';
  }
  declare readonly keyName: string | undefined;
  declare readonly valueName: string;
  declare readonly collection: Expr;
  declare readonly value: Expr;
  declare readonly condition: Expr | undefined;

  constructor(locator: Locator, start: number, end: number, keyName: string | undefined, valueName: string, collection: Expr, value: Expr, condition: Expr | undefined) {
    super(locator, start, end);
    this.keyName = keyName;
    this.valueName = valueName;
    this.collection = collection;
    this.value = value;
    this.condition = condition;
  }
}

export class ForObjectNode extends Located implements ForObjectExpr {
  get type(): 'for-object' {
    return 'for-object';
  }
  declare readonly keyName: string | undefined;
  declare readonly valueName: string;
  declare readonly collection: Expr;
  declare readonly key: Expr;
  declare readonly value: Expr;
  declare readonly grouped: boolean;
  declare readonly condition: Expr | undefined;

  constructor(locator: Locator, start: number, end: number, keyName: string | undefined, valueName: string, collection: Expr, key: Expr, value: Expr, grouped: boolean, condition: Expr | undefined) {
    super(locator, start, end);
    this.keyName = keyName;
    this.valueName = valueName;
    this.collection = collection;
    this.key = key;
    this.value = value;
    this.grouped = grouped;
    this.condition = condition;
  }
}

export class UnsupportedNode extends Located implements UnsupportedExpr {
  get type(): 'unsupported' {
    return 'unsupported';
  }
  declare readonly reason: string;

  constructor(locator: Locator, start: number, end: number, reason: string) {
    super(locator, start, end);
    this.reason = reason;
  }
}

export class TemplateIfNode extends Located implements TemplateIf {
  get type(): 'if' {
    return 'if';
  }
  declare readonly condition: Expr;
  declare readonly then: readonly TemplatePart[];
  declare readonly otherwise: readonly TemplatePart[];

  constructor(locator: Locator, start: number, end: number, condition: Expr, then: readonly TemplatePart[], otherwise: readonly TemplatePart[]) {
    super(locator, start, end);
    this.condition = condition;
    this.then = then;
    this.otherwise = otherwise;
  }
}

export class TemplateForNode extends Located implements TemplateFor {
  get type(): 'for' {
    return 'for';
  }
  declare readonly keyName: string | undefined;
  declare readonly valueName: string;
  declare readonly collection: Expr;
  declare readonly body: readonly TemplatePart[];

  constructor(locator: Locator, start: number, end: number, keyName: string | undefined, valueName: string, collection: Expr, body: readonly TemplatePart[]) {
    super(locator, start, end);
    this.keyName = keyName;
    this.valueName = valueName;
    this.collection = collection;
    this.body = body;
  }
}

/** An attribute of a body: its span runs from the name to the end of the value. */
export class AttributeNode extends Located implements Attribute {
  declare readonly name: string;
  declare readonly expr: Expr;

  constructor(locator: Locator, start: number, end: number, name: string, expr: Expr) {
    super(locator, start, end);
    this.name = name;
    this.expr = expr;
  }
}

/** Reads an expression of a text again, from where it starts to where it ends. */
export interface ExpressionReader {
  expressionAt(start: number, end: number): Expr;
}

/**
 * An attribute whose expression is read again from the text each time it is asked for, as a new
 * tree: the reader keeps the blocks and attributes of a file, not their expressions. The
 * expressions of a large file were most of its syntax tree, all live until the end of the
 * evaluation; read when evaluated, each is garbage once evaluated (issue 11). The text was read
 * once already, so the reading again cannot fail; past the reader's bound on reading again, the
 * expression is an unknown that says evaluation stopped. Read `expr` once where it is used twice.
 */
export class ReReadAttributeNode extends Located implements Attribute {
  declare readonly name: string;
  /** Where the value's expression starts. */
  declare readonly valueStart: number;
  readonly #reader: ExpressionReader;

  constructor(locator: Locator, start: number, end: number, name: string, valueStart: number, reader: ExpressionReader) {
    super(locator, start, end);
    this.name = name;
    this.valueStart = valueStart;
    this.#reader = reader;
  }

  get expr(): Expr {
    return this.#reader.expressionAt(this.valueStart, this.end);
  }
}

/** A block: its span is the header, type and labels. */
export class BlockNode extends Located implements Block {
  declare readonly type: string;
  declare readonly labels: readonly string[];
  declare readonly body: Body;

  constructor(locator: Locator, start: number, end: number, type: string, labels: readonly string[], body: Body) {
    super(locator, start, end);
    this.type = type;
    this.labels = labels;
    this.body = body;
  }
}

/** Where a node read by one of these readers starts: a traversal's span starts with its target. */
export function startOf(expr: Expr): number {
  if (expr instanceof Located) return expr.start;
  throw new TypeError('a node of the native-syntax readers has a span');
}

/**
 * Exactly `items`: an array grown by `push` keeps up to half its length again, plus 16 slots,
 * as spare capacity, which was a fifth of the syntax tree of a large file (issue 11).
 */
export function exact<T>(items: T[]): readonly T[] {
  return items.length === 0 ? NO_ITEMS : items.slice();
}

const NO_ITEMS: readonly never[] = Object.freeze([]);
