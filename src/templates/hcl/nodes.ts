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
  readonly #locator: Locator;

  constructor(
    locator: Locator,
    readonly start: number,
    readonly end: number,
  ) {
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
  constructor(locator: Locator, start: number, end: number, readonly value: string | number | boolean | null) {
    super(locator, start, end);
  }
}

export class TupleNode extends Located implements TupleExpr {
  get type(): 'tuple' {
    return 'tuple';
  }
  constructor(locator: Locator, start: number, end: number, readonly items: readonly Expr[]) {
    super(locator, start, end);
  }
}

export class ObjectNode extends Located implements ObjectExpr {
  get type(): 'object' {
    return 'object';
  }
  constructor(locator: Locator, start: number, end: number, readonly items: readonly ObjectItem[]) {
    super(locator, start, end);
  }
}

export class TemplateNode extends Located implements TemplateExpr {
  get type(): 'template' {
    return 'template';
  }
  constructor(locator: Locator, start: number, end: number, readonly parts: readonly TemplatePart[]) {
    super(locator, start, end);
  }
}

export class ReferenceNode extends Located implements ReferenceExpr {
  get type(): 'reference' {
    return 'reference';
  }
  constructor(locator: Locator, start: number, end: number, readonly name: string) {
    super(locator, start, end);
  }
}

/** `target.name`. */
export class GetAttributeNode extends Located implements AttributeExpr {
  get type(): 'attribute' {
    return 'attribute';
  }
  constructor(locator: Locator, start: number, end: number, readonly target: Expr, readonly name: string) {
    super(locator, start, end);
  }
}

export class IndexNode extends Located implements IndexExpr {
  get type(): 'index' {
    return 'index';
  }
  constructor(locator: Locator, start: number, end: number, readonly target: Expr, readonly key: Expr) {
    super(locator, start, end);
  }
}

export class SplatNode extends Located implements SplatExpr {
  get type(): 'splat' {
    return 'splat';
  }
  constructor(locator: Locator, start: number, end: number, readonly target: Expr, readonly steps: readonly SplatStep[]) {
    super(locator, start, end);
  }
}

export class CallNode extends Located implements CallExpr {
  get type(): 'call' {
    return 'call';
  }
  constructor(locator: Locator, start: number, end: number, readonly name: string, readonly args: readonly Expr[], readonly expandFinal: boolean) {
    super(locator, start, end);
  }
}

export class ConditionalNode extends Located implements ConditionalExpr {
  get type(): 'conditional' {
    return 'conditional';
  }
  constructor(locator: Locator, start: number, end: number, readonly condition: Expr, readonly whenTrue: Expr, readonly whenFalse: Expr) {
    super(locator, start, end);
  }
}

export class UnaryNode extends Located implements UnaryExpr {
  get type(): 'unary' {
    return 'unary';
  }
  constructor(locator: Locator, start: number, end: number, readonly operator: '!' | '-', readonly operand: Expr) {
    super(locator, start, end);
  }
}

export class BinaryNode extends Located implements BinaryExpr {
  get type(): 'binary' {
    return 'binary';
  }
  constructor(locator: Locator, start: number, end: number, readonly operator: BinaryOperator, readonly left: Expr, readonly right: Expr) {
    super(locator, start, end);
  }
}

export class ForTupleNode extends Located implements ForTupleExpr {
  get type(): 'for-tuple' {
    return 'for-tuple';
  }
  constructor(
    locator: Locator,
    start: number,
    end: number,
    readonly keyName: string | undefined,
    readonly valueName: string,
    readonly collection: Expr,
    readonly value: Expr,
    readonly condition: Expr | undefined,
  ) {
    super(locator, start, end);
  }
}

export class ForObjectNode extends Located implements ForObjectExpr {
  get type(): 'for-object' {
    return 'for-object';
  }
  constructor(
    locator: Locator,
    start: number,
    end: number,
    readonly keyName: string | undefined,
    readonly valueName: string,
    readonly collection: Expr,
    readonly key: Expr,
    readonly value: Expr,
    readonly grouped: boolean,
    readonly condition: Expr | undefined,
  ) {
    super(locator, start, end);
  }
}

export class UnsupportedNode extends Located implements UnsupportedExpr {
  get type(): 'unsupported' {
    return 'unsupported';
  }
  constructor(locator: Locator, start: number, end: number, readonly reason: string) {
    super(locator, start, end);
  }
}

export class TemplateIfNode extends Located implements TemplateIf {
  get type(): 'if' {
    return 'if';
  }
  constructor(locator: Locator, start: number, end: number, readonly condition: Expr, readonly then: readonly TemplatePart[], readonly otherwise: readonly TemplatePart[]) {
    super(locator, start, end);
  }
}

export class TemplateForNode extends Located implements TemplateFor {
  get type(): 'for' {
    return 'for';
  }
  constructor(
    locator: Locator,
    start: number,
    end: number,
    readonly keyName: string | undefined,
    readonly valueName: string,
    readonly collection: Expr,
    readonly body: readonly TemplatePart[],
  ) {
    super(locator, start, end);
  }
}

/** An attribute of a body: its span runs from the name to the end of the value. */
export class AttributeNode extends Located implements Attribute {
  constructor(locator: Locator, start: number, end: number, readonly name: string, readonly expr: Expr) {
    super(locator, start, end);
  }
}

/** A block: its span is the header, type and labels. */
export class BlockNode extends Located implements Block {
  constructor(locator: Locator, start: number, end: number, readonly type: string, readonly labels: readonly string[], readonly body: Body) {
    super(locator, start, end);
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
