import type { SourceLocation } from '../../core/index.js';

/**
 * The syntax tree the evaluator works on, shared by the native HCL reader (tree-sitter) and the
 * JSON reader (momoa). Only the blocks and attributes the AMI reader needs are kept.
 */
export type Expr =
  | LiteralExpr
  | TupleExpr
  | ObjectExpr
  | TemplateExpr
  | ReferenceExpr
  | AttributeExpr
  | IndexExpr
  | SplatExpr
  | CallExpr
  | ConditionalExpr
  | UnaryExpr
  | BinaryExpr
  | ForTupleExpr
  | ForObjectExpr
  | UnsupportedExpr;

export interface LiteralExpr {
  readonly type: 'literal';
  readonly value: string | number | boolean | null;
  readonly loc: SourceLocation;
}

export interface TupleExpr {
  readonly type: 'tuple';
  readonly items: readonly Expr[];
  readonly loc: SourceLocation;
}

export interface ObjectItem {
  /** A bare identifier key (`{ a = 1 }`) is a literal string, not a reference. */
  readonly key: Expr;
  readonly value: Expr;
}

export interface ObjectExpr {
  readonly type: 'object';
  readonly items: readonly ObjectItem[];
  readonly loc: SourceLocation;
}

/** Literal text (strip markers already applied), an interpolation, or a `%{ }` directive. */
export type TemplatePart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'interpolation'; readonly expr: Expr }
  | TemplateIf
  | TemplateFor;

/** `%{ if condition }then%{ else }otherwise%{ endif }`. */
export interface TemplateIf {
  readonly type: 'if';
  readonly condition: Expr;
  readonly then: readonly TemplatePart[];
  readonly otherwise: readonly TemplatePart[];
  readonly loc: SourceLocation;
}

/** `%{ for key, value in collection }body%{ endfor }`. */
export interface TemplateFor {
  readonly type: 'for';
  readonly keyName: string | undefined;
  readonly valueName: string;
  readonly collection: Expr;
  readonly body: readonly TemplatePart[];
  readonly loc: SourceLocation;
}

export interface TemplateExpr {
  readonly type: 'template';
  readonly parts: readonly TemplatePart[];
  readonly loc: SourceLocation;
}

/** A bare name: `var`, `local`, a `for` iterator, a `dynamic` iterator. */
export interface ReferenceExpr {
  readonly type: 'reference';
  readonly name: string;
  readonly loc: SourceLocation;
}

export interface AttributeExpr {
  readonly type: 'attribute';
  readonly target: Expr;
  readonly name: string;
  readonly loc: SourceLocation;
}

export interface IndexExpr {
  readonly type: 'index';
  readonly target: Expr;
  readonly key: Expr;
  readonly loc: SourceLocation;
}

/** A traversal step applied to each element after `[*]` or `.*`. */
export type SplatStep =
  | { readonly type: 'attribute'; readonly name: string }
  | { readonly type: 'index'; readonly key: Expr };

export interface SplatExpr {
  readonly type: 'splat';
  readonly target: Expr;
  readonly steps: readonly SplatStep[];
  readonly loc: SourceLocation;
}

export interface CallExpr {
  readonly type: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  /** `f(list...)`: the last argument's elements are passed as separate arguments. */
  readonly expandFinal: boolean;
  readonly loc: SourceLocation;
}

export interface ConditionalExpr {
  readonly type: 'conditional';
  readonly condition: Expr;
  readonly whenTrue: Expr;
  readonly whenFalse: Expr;
  readonly loc: SourceLocation;
}

export interface UnaryExpr {
  readonly type: 'unary';
  readonly operator: '!' | '-';
  readonly operand: Expr;
  readonly loc: SourceLocation;
}

export type BinaryOperator = '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr {
  readonly type: 'binary';
  readonly operator: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
  readonly loc: SourceLocation;
}

export interface ForTupleExpr {
  readonly type: 'for-tuple';
  readonly keyName: string | undefined;
  readonly valueName: string;
  readonly collection: Expr;
  readonly value: Expr;
  readonly condition: Expr | undefined;
  readonly loc: SourceLocation;
}

export interface ForObjectExpr {
  readonly type: 'for-object';
  readonly keyName: string | undefined;
  readonly valueName: string;
  readonly collection: Expr;
  readonly key: Expr;
  readonly value: Expr;
  /** `k => v...`: values with the same key are grouped into a list. */
  readonly grouped: boolean;
  readonly condition: Expr | undefined;
  readonly loc: SourceLocation;
}

/** Something the reader did not turn into an expression, e.g. nesting beyond the depth limit. */
export interface UnsupportedExpr {
  readonly type: 'unsupported';
  readonly reason: string;
  readonly loc: SourceLocation;
}

export interface Attribute {
  readonly name: string;
  readonly expr: Expr;
  /** From the name to the end of the value. */
  readonly loc: SourceLocation;
}

export interface Block {
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: Body;
  /** The block header: type and labels. */
  readonly loc: SourceLocation;
}

export interface Body {
  readonly attributes: readonly Attribute[];
  readonly blocks: readonly Block[];
}

/**
 * Which attributes and nested blocks of a body to keep. Reading only what the evaluator needs is
 * what keeps a full read close to the cost of a bare parse: provisioners and other builders are
 * skipped without being converted.
 */
export interface BodySchema {
  /** `undefined` keeps every attribute. */
  readonly attributes?: ReadonlySet<string>;
  /** Nested block types to keep; any other block is skipped. */
  readonly blocks: ReadonlyMap<string, BlockSchema>;
}

export interface BlockSchema {
  /** How many labels the block has (the JSON syntax needs it to tell labels from the body). */
  readonly labels: number;
  /** The schema of the block's body, or undefined to skip a block with these labels. */
  readonly body: (labels: readonly string[]) => BodySchema | undefined;
}

export function attribute(body: Body, name: string): Attribute | undefined {
  return body.attributes.find((candidate) => candidate.name === name);
}
