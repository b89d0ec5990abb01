import type { SourceLocation } from '../../../core/index.js';
import { MAX_EXPRESSION_DEPTH } from '../limits.js';
import { idContinuePattern, idStartPattern, tokenAt } from '../unicode-patterns.js';
import type { Attribute, BinaryOperator, Block, Body, BodySchema, Expr, ObjectItem, SplatStep } from '../syntax.js';
import {
  BinaryNode,
  BlockNode,
  CallNode,
  ConditionalNode,
  exact,
  type ExpressionReader,
  FixedLocator,
  ForObjectNode,
  ForTupleNode,
  GetAttributeNode,
  IndexNode,
  LiteralNode,
  type Locator,
  ObjectNode,
  ReferenceNode,
  ReReadAttributeNode,
  SplatNode,
  startOf,
  TemplateForNode,
  TemplateIfNode,
  TemplateNode,
  TupleNode,
  UnaryNode,
  UnsupportedNode,
} from '../nodes.js';
import { Budget, EVALUATION_STOPPED } from '../value.js';
import { LineIndex } from '../../line-index.js';
import { removeIndent, smallestIndent, TemplateBuilder, unescapeQuoted, unescapeTemplateMarkers } from './template-text.js';

/**
 * A hand-written parser for HCL's native syntax (hashicorp/hcl, hclsyntax/spec.md) that builds
 * the syntax tree of syntax.ts in one pass over the text, with no token list and no concrete
 * tree in between. It accepts what the tree-sitter grammar it replaces accepts (new lines are
 * white space, as there) and gives every node the same location and the same nesting budget.
 */

/** A syntax error: the message and the span it is about. */
export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly index: number,
    readonly length: number,
  ) {
    super(message);
  }
}

/**
 * Nesting beyond what recursive descent can take without risking the JS stack (thousands of
 * `(((`): the caller reads such a text with a parser that does not recurse.
 */
export class NestingTooDeep extends Error {}

/** Recursive calls of the parser (each level of nesting costs one to three). */
const MAX_NESTING = 1000;

/**
 * Characters read again beyond the text's own length. Only a subtree close to the depth budget
 * is read again at another depth, but nesting near the budget would be read again at every
 * level: past this, the text goes to the parser that does not recurse.
 */
const MAX_REREAD = 100_000;

/**
 * Characters of a file its attributes may read again when evaluated (ExpressionText): a base,
 * and a share per character. The base is of the order of the evaluation budget (500,000 steps,
 * a node each, a few characters a node), so that a large `count` or `for_each`, which reads its
 * attributes once per instance, meets the evaluation budget first; 8 MB is ~0.4 s of reading.
 */
const REREAD_BASE = 8_000_000;
const REREAD_PER_CHARACTER = 8;
const TOO_MUCH_REREAD =
  `${EVALUATION_STOPPED}the configuration's expressions are read again, once per use, more than amiguard's budget ` +
  `(${REREAD_BASE} characters plus ${REREAD_PER_CHARACTER} per character of the file)`;

/** Longer strings are seldom repeated. */
const MAX_SHARED_LENGTH = 32;

const SKIP_ALL: BodySchema = { attributes: new Set(), blocks: new Map() };

const TOO_DEEP = `${EVALUATION_STOPPED}the expression is nested more than amiguard's budget of ${MAX_EXPRESSION_DEPTH} levels`;

const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

const SPACE = /\s/u;

const enum Char {
  Tab = 9,
  Newline = 10,
  CarriageReturn = 13,
  Space = 32,
  Bang = 33,
  Quote = 34,
  Hash = 35,
  Dollar = 36,
  Percent = 37,
  Ampersand = 38,
  OpenParen = 40,
  CloseParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Less = 60,
  Equals = 61,
  Greater = 62,
  Question = 63,
  UpperA = 65,
  UpperZ = 90,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  Underscore = 95,
  LowerA = 97,
  LowerX = 120,
  LowerZ = 122,
  OpenBrace = 123,
  Pipe = 124,
  CloseBrace = 125,
  Tilde = 126,
}

/** A binary operand or operation, before its depth in the tree is known. */
type ChainNode =
  | { readonly kind: 'operand'; readonly expr: Expr; readonly start: number; readonly end: number; readonly depth: number; readonly reached: number }
  | { readonly kind: 'operation'; readonly operator: BinaryOperator; readonly left: ChainNode; readonly right: ChainNode; readonly start: number; readonly end: number };

/** Where a directive body stopped: the marker that closed it. */
interface Marker {
  readonly keyword: 'else' | 'endif' | 'endfor';
  readonly start: number;
  readonly stripBefore: boolean;
  readonly stripAfter: boolean;
}

/** How template text is read: quoted (escapes, ends at `"`) or heredoc (no escapes). */
interface TemplateMode {
  readonly quoted: boolean;
  readonly decode: (raw: string, atLineStart: boolean) => string;
}

const QUOTED: TemplateMode = { quoted: true, decode: unescapeQuoted };

export class NativeParser {
  private pos = 0;
  /** The end of the last token read: where a node that ends with it ends. */
  private lastEnd = 0;
  /** The depth the tree-sitter converter would be at: the same nodes become "too deep". */
  private depth = 0;
  /** The deepest depth checked since it was last reset: whether a subtree read at one depth is the same at another. */
  private reached = 0;
  private nesting = 0;
  private reread = 0;
  /** Names and labels read so far (see `slice`); made on first use, as a reading again of an expression never uses it. */
  private shared: Map<string, string> | undefined;
  /**
   * Inside an attribute or a block the schema drops: the text is checked, but no text is
   * decoded, as the tree-sitter converter never visited it.
   */
  private skipping = false;

  /** A kept attribute's expression is read again from here when it is asked for. */
  private readonly reader: ExpressionReader;

  private constructor(
    private readonly text: string,
    private readonly locator: Locator,
    reader?: ExpressionReader,
  ) {
    this.reader = reader ?? new ExpressionText(text, locator);
  }

  /** A parser of `text`; `fixedLoc` gives every node that location (an expression parsed out of a JSON string). */
  static of(text: string, file: string, fixedLoc?: SourceLocation): NativeParser {
    return new NativeParser(text, fixedLoc === undefined ? new LineIndex(text, file) : new FixedLocator(fixedLoc));
  }

  /** The expression that starts at `start` (after white space), read as a body's attribute is. */
  static expressionAt(text: string, locator: Locator, reader: ExpressionReader, start: number): Expr {
    const parser = new NativeParser(text, locator, reader);
    parser.pos = start;
    return parser.expression();
  }

  /** The whole file as a body. A file that is one object (a var-file written as `{ ... }`) has no body. */
  file(schema: BodySchema): Body {
    if (this.skip() === Char.OpenBrace) {
      this.expression();
      if (this.skip() !== -1) this.unexpected(this.pos);
      return { attributes: [], blocks: [] };
    }
    return this.body(schema, undefined);
  }

  // ---- bodies -------------------------------------------------------------------------------

  /** Up to the `}` that closes the block starting at `blockStart` (not consumed), or to the end of the file. */
  private body(schema: BodySchema, blockStart: number | undefined): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    for (;;) {
      const c = this.skip();
      if (c === -1) {
        if (blockStart === undefined) return { attributes: exact(attributes), blocks: exact(blocks) };
        throw this.missingCloser('}', '{', blockStart);
      }
      if (c === Char.CloseBrace && blockStart !== undefined) return { attributes: exact(attributes), blocks: exact(blocks) };
      const start = this.pos;
      const nameEnd = this.identifierEnd(start);
      if (nameEnd === start) this.unexpected(start);
      const name = this.slice(start, nameEnd);
      this.consume(nameEnd);
      const next = this.skip();
      // A name cut off at the end of the file: the name is what cannot stand there (as tree-sitter mostly says).
      if (next === -1) this.unexpected(start);
      if (next === Char.Equals && !this.at(this.pos + 1, Char.Equals) && !this.at(this.pos + 1, Char.Greater)) {
        this.consume(this.pos + 1);
        if (schema.attributes === undefined || schema.attributes.has(name)) {
          // Read to check it, and read again when it is evaluated (ReReadAttributeNode).
          const valueStart = this.skipToToken();
          this.expression();
          attributes.push(new ReReadAttributeNode(this.locator, start, this.lastEnd, name, valueStart, this.reader));
        } else {
          this.skipped(() => this.expression());
        }
      } else {
        const block = this.block(schema, name, start);
        if (block !== undefined) blocks.push(block);
      }
    }
  }

  /** After the block type: labels, `{`, body, `}`. */
  private block(schema: BodySchema, type: string, start: number): Block | undefined {
    const labels: string[] = [];
    let headerEnd = this.lastEnd;
    for (;;) {
      const c = this.skip();
      if (c === Char.OpenBrace) break;
      if (c === Char.Quote) {
        const label = this.quoted();
        if (label.type !== 'literal' || typeof label.value !== 'string') this.unexpected(this.stringStart);
        labels.push(String(label.value));
      } else {
        const end = this.identifierEnd(this.pos);
        if (end === this.pos) this.unexpected(this.pos);
        labels.push(this.slice(this.pos, end));
        this.consume(end);
      }
      headerEnd = this.lastEnd;
    }
    this.consume(this.pos + 1);
    const blockSchema = schema.blocks.get(type);
    const bodySchema = blockSchema?.body(labels);
    if (bodySchema === undefined) {
      this.skipped(() => this.body(SKIP_ALL, start));
      this.consume(this.pos + 1);
      return undefined;
    }
    const body = this.body(bodySchema, start);
    this.consume(this.pos + 1);
    return new BlockNode(this.locator, start, headerEnd, type, exact(labels), body);
  }

  // ---- expressions --------------------------------------------------------------------------

  /** An expression node: a conditional or a term (a binary chain); `condition` reads a conditional's first part. */
  expression(condition = false): Expr {
    this.enter();
    const start = this.skipToToken();
    const depth = this.depth;
    this.check(depth);
    this.depth = depth + 1;
    const saved = this.reached;
    this.reached = 0;
    let expr = this.chain();
    if (!condition && this.skip() === Char.Question) {
      // The condition is an expression node of its own, one level deeper than a bare term.
      if (this.reached + 1 >= MAX_EXPRESSION_DEPTH) {
        this.readAgain(this.lastEnd - start);
        this.pos = start;
        expr = this.expression(true);
      }
      this.consume(this.pos + 1);
      const whenTrue = this.expression();
      if (this.skip() !== Char.Colon) this.unexpected(this.pos);
      this.consume(this.pos + 1);
      const whenFalse = this.expression();
      expr = new ConditionalNode(this.locator, start, this.lastEnd, expr, whenTrue, whenFalse);
    }
    this.reached = Math.max(saved, this.reached);
    this.depth = depth;
    this.nesting -= 1;
    return depth >= MAX_EXPRESSION_DEPTH ? tooDeep(this.locator, start, this.lastEnd) : expr;
  }

  /**
   * Operands and binary operators by precedence, all left-associative. An operand's depth in the
   * tree is known only once the chain is read, so operands are read one level below the chain
   * and read again in the rare case where the difference reaches the budget.
   */
  private chain(): Expr {
    const base = this.depth;
    const saved = this.reached;
    this.reached = 0;
    const start = this.skipToToken();
    const expr = this.operand();
    const reached = this.reached;
    this.reached = Math.max(saved, reached);
    let operator = this.binaryOperator();
    if (operator === undefined) return expr;
    const first: ChainNode = { kind: 'operand', expr, start, end: this.lastEnd, depth: base, reached };
    const operands: ChainNode[] = [first];
    const operators: BinaryOperator[] = [];
    const reduce = (): void => {
      const right = operands.pop();
      const left = operands.pop();
      const op = operators.pop();
      if (left === undefined || right === undefined || op === undefined) return;
      operands.push({ kind: 'operation', operator: op, left, right, start: left.start, end: right.end });
    };
    while (operator !== undefined) {
      const operatorStart = this.pos;
      this.consume(this.pos + operator.length);
      const precedence = PRECEDENCE[operator];
      for (let top = operators.at(-1); top !== undefined && PRECEDENCE[top] >= precedence; top = operators.at(-1)) reduce();
      operators.push(operator);
      if (!this.startsOperand(this.skip())) {
        if (this.pos >= this.text.length) this.unexpected(this.pos);
        throw new HclSyntaxError(`unexpected '${operator}'`, operatorStart, operator.length);
      }
      operands.push(this.chainOperand(base + 1));
      operator = this.binaryOperator();
    }
    while (operators.length > 0) reduce();
    const [root] = operands;
    return root === undefined ? expr : this.finishChain(root, base);
  }

  private chainOperand(depth: number): Extract<ChainNode, { kind: 'operand' }> {
    const saved = this.reached;
    const savedDepth = this.depth;
    this.reached = 0;
    this.depth = depth;
    const start = this.skipToToken();
    const expr = this.operand();
    this.depth = savedDepth;
    const node = { kind: 'operand' as const, expr, start, end: this.lastEnd, depth, reached: this.reached };
    this.reached = Math.max(saved, this.reached);
    return node;
  }

  private finishChain(node: ChainNode, depth: number): Expr {
    if (node.kind === 'operand') {
      this.reached = Math.max(this.reached, node.reached + depth - node.depth);
      if (depth === node.depth || node.reached + depth - node.depth < MAX_EXPRESSION_DEPTH) return node.expr;
      const pos = this.pos;
      const lastEnd = this.lastEnd;
      const savedDepth = this.depth;
      this.readAgain(node.end - node.start);
      this.pos = node.start;
      this.depth = depth;
      const expr = this.operand();
      this.depth = savedDepth;
      this.pos = pos;
      this.lastEnd = lastEnd;
      return expr;
    }
    this.check(depth);
    if (depth >= MAX_EXPRESSION_DEPTH) return tooDeep(this.locator, node.start, node.end);
    const left = this.finishChain(node.left, depth + 1);
    const right = this.finishChain(node.right, depth + 1);
    return new BinaryNode(this.locator, node.start, node.end, node.operator, left, right);
  }

  /** At an operator's first character: the operator, not consumed. */
  private binaryOperator(): BinaryOperator | undefined {
    const c = this.skip();
    const next = this.text.charCodeAt(this.pos + 1);
    switch (c) {
      case Char.Plus:
        return '+';
      case Char.Minus:
        return '-';
      case Char.Star:
        return '*';
      case Char.Slash:
        return '/';
      case Char.Percent:
        return '%';
      case Char.Equals:
        return next === Char.Equals ? '==' : undefined;
      case Char.Bang:
        return next === Char.Equals ? '!=' : undefined;
      case Char.Less:
        return next === Char.Equals ? '<=' : '<';
      case Char.Greater:
        return next === Char.Equals ? '>=' : '>';
      case Char.Ampersand:
        return next === Char.Ampersand ? '&&' : undefined;
      case Char.Pipe:
        return next === Char.Pipe ? '||' : undefined;
      default:
        return undefined;
    }
  }

  private startsOperand(c: number): boolean {
    return (
      c === Char.Quote ||
      c === Char.OpenBracket ||
      c === Char.OpenBrace ||
      c === Char.OpenParen ||
      c === Char.Minus ||
      c === Char.Bang ||
      (c >= Char.Zero && c <= Char.Nine) ||
      (c === Char.Less && this.at(this.pos + 1, Char.Less)) ||
      this.identifierEnd(this.pos) > this.pos
    );
  }

  /** A unary operation, or a term with its traversal (`.a`, `[i]`, splats). */
  private operand(): Expr {
    this.enter();
    const c = this.skip();
    const depth = this.depth;
    let expr: Expr;
    if (c === Char.Minus || c === Char.Bang) {
      const start = this.pos;
      this.consume(start + 1);
      this.check(depth);
      this.depth = depth + 1;
      const operand = this.operand();
      this.depth = depth;
      expr =
        depth >= MAX_EXPRESSION_DEPTH
          ? tooDeep(this.locator, start, this.lastEnd)
          : new UnaryNode(this.locator, start, this.lastEnd, c === Char.Bang ? '!' : '-', operand);
      this.nesting -= 1;
      return expr;
    }
    if (c === Char.OpenParen) {
      const open = this.pos;
      this.consume(open + 1);
      expr = this.expression();
      this.expect(Char.CloseParen, ')', '(', open);
    } else {
      expr = this.term();
    }
    expr = this.traversal(expr);
    this.nesting -= 1;
    return expr;
  }

  /** A term node: literal, template, collection, reference, call or `for`. */
  private term(): Expr {
    const start = this.pos;
    const depth = this.depth;
    this.check(depth);
    this.depth = depth + 1;
    const c = this.text.charCodeAt(start);
    let expr: Expr;
    if (c === Char.Quote) {
      expr = this.quoted();
    } else if (c === Char.OpenBracket) {
      expr = this.tuple(start);
    } else if (c === Char.OpenBrace) {
      expr = this.object(start);
    } else if (c === Char.Less && this.at(start + 1, Char.Less)) {
      expr = this.heredoc(start);
    } else if (c >= Char.Zero && c <= Char.Nine) {
      expr = this.number(start);
    } else {
      const end = this.identifierEnd(start);
      if (end === start) this.unexpected(start);
      const name = this.slice(start, end);
      this.consume(end);
      if (name === 'true' || name === 'false') {
        expr = new LiteralNode(this.locator, start, end, name === 'true');
      } else if (name === 'null') {
        expr = new LiteralNode(this.locator, start, end, null);
      } else if (this.skip() === Char.OpenParen) {
        expr = this.call(name, start);
      } else {
        expr = new ReferenceNode(this.locator, start, end, name);
      }
    }
    this.depth = depth;
    return depth >= MAX_EXPRESSION_DEPTH ? tooDeep(this.locator, start, this.lastEnd) : expr;
  }

  private number(start: number): Expr {
    const text = this.text;
    let end = start;
    if (text.charCodeAt(start) === Char.Zero && text.charCodeAt(start + 1) === Char.LowerX && isAlphanumeric(text.charCodeAt(start + 2))) {
      end = start + 2;
      while (isAlphanumeric(text.charCodeAt(end))) end += 1;
      this.consume(end);
      return new LiteralNode(this.locator, start, end, Number.parseInt(text.slice(start + 2, end), 16));
    }
    while (isDigit(text.charCodeAt(end))) end += 1;
    if (text.charCodeAt(end) === Char.Dot && isDigit(text.charCodeAt(end + 1))) {
      end += 2;
      while (isDigit(text.charCodeAt(end))) end += 1;
      const e = text.charCodeAt(end);
      if (e === 0x45 || e === 0x65) {
        let exponent = end + 1;
        const sign = text.charCodeAt(exponent);
        if (sign === Char.Plus || sign === Char.Minus) exponent += 1;
        if (isDigit(text.charCodeAt(exponent))) {
          end = exponent;
          while (isDigit(text.charCodeAt(end))) end += 1;
        }
      }
    }
    this.consume(end);
    return new LiteralNode(this.locator, start, end, Number(text.slice(start, end)));
  }

  /** `.name`, `.0`, `[key]`, `.*` and `[*]` after a term, at the term's depth. */
  private traversal(target: Expr): Expr {
    let expr = target;
    for (;;) {
      const c = this.skip();
      const next = this.text.charCodeAt(this.pos + 1);
      if (c === Char.Dot && next === Char.Star) {
        this.consume(this.pos + 2);
        expr = this.splat(expr);
      } else if (c === Char.OpenBracket && next === Char.Star && this.at(this.pos + 2, Char.CloseBracket)) {
        this.consume(this.pos + 3);
        expr = this.splat(expr);
      } else if (c === Char.Dot && next !== Char.Dot) {
        expr = this.stepOn(expr);
      } else if (c === Char.OpenBracket) {
        expr = this.stepOn(expr);
      } else {
        return expr;
      }
    }
  }

  /** After `.*` or `[*]`: every attribute and index step that follows. */
  private splat(target: Expr): Expr {
    const steps: SplatStep[] = [];
    for (;;) {
      const c = this.skip();
      const next = this.text.charCodeAt(this.pos + 1);
      const isStep =
        (c === Char.Dot && next !== Char.Star && next !== Char.Dot) ||
        (c === Char.OpenBracket && !(next === Char.Star && this.at(this.pos + 2, Char.CloseBracket)));
      if (!isStep) break;
      steps.push(this.step());
    }
    return new SplatNode(this.locator, startOf(target), this.lastEnd, target, exact(steps));
  }

  /** At `.` or `[` after `target`: the attribute or index of it. */
  private stepOn(target: Expr): Expr {
    const step = this.step();
    const start = startOf(target);
    return step.type === 'attribute'
      ? new GetAttributeNode(this.locator, start, this.lastEnd, target, step.name)
      : new IndexNode(this.locator, start, this.lastEnd, target, step.key);
  }

  /** At `.` or `[`: one attribute or index step. */
  private step(): SplatStep {
    const start = this.pos;
    if (this.text.charCodeAt(start) === Char.OpenBracket) {
      this.consume(start + 1);
      const key = this.expression();
      this.expect(Char.CloseBracket, ']', '[', start);
      return { type: 'index', key };
    }
    this.consume(start + 1);
    const c = this.skip();
    if (isDigit(c)) {
      let end = this.pos;
      while (isDigit(this.text.charCodeAt(end))) end += 1;
      const digits = this.text.slice(this.pos, end);
      this.consume(end);
      return { type: 'index', key: new LiteralNode(this.locator, start, end, Number(digits)) };
    }
    const end = this.identifierEnd(this.pos);
    if (end === this.pos) this.unexpected(this.pos);
    const name = this.slice(this.pos, end);
    this.consume(end);
    return { type: 'attribute', name };
  }

  private tuple(start: number): Expr {
    this.consume(start + 1);
    if (this.atKeyword('for')) return this.forExpression(start, false);
    const items: Expr[] = [];
    for (;;) {
      const c = this.skip();
      if (c === Char.CloseBracket) break;
      if (c === -1) throw this.missingCloser(']', '[', start);
      items.push(this.expression());
      const after = this.skip();
      if (after === Char.Comma) {
        this.consume(this.pos + 1);
        if (this.skip() === -1) this.unexpected(this.pos);
      } else if (after === -1) {
        throw this.missingCloser(']', '[', start);
      } else if (after !== Char.CloseBracket) {
        this.unexpected(this.pos);
      }
    }
    this.consume(this.pos + 1);
    return new TupleNode(this.locator, start, this.lastEnd, exact(items));
  }

  private object(start: number): Expr {
    this.consume(start + 1);
    if (this.atKeyword('for')) return this.forExpression(start, true);
    const items: ObjectItem[] = [];
    for (;;) {
      const c = this.skip();
      if (c === Char.CloseBrace) break;
      if (c === -1) throw this.missingCloser('}', '{', start);
      const key = this.objectKey();
      const separator = this.skip();
      if ((separator !== Char.Equals && separator !== Char.Colon) || this.at(this.pos + 1, Char.Equals)) this.unexpected(this.pos);
      this.consume(this.pos + 1);
      const value = this.expression();
      items.push({ key, value });
      if (this.skip() === Char.Comma) this.consume(this.pos + 1);
    }
    this.consume(this.pos + 1);
    return new ObjectNode(this.locator, start, this.lastEnd, exact(items));
  }

  /** A bare name is the literal key, read without a depth check, as the converter does; anything else is evaluated. */
  private objectKey(): Expr {
    const start = this.pos;
    const end = this.identifierEnd(start);
    if (end > start) {
      const name = this.slice(start, end);
      const after = this.skipFrom(end);
      const c = this.text.charCodeAt(after);
      const bare = name !== 'true' && name !== 'false' && name !== 'null' && (c === Char.Colon || (c === Char.Equals && this.text.charCodeAt(after + 1) !== Char.Equals));
      if (bare) {
        this.consume(end);
        return new LiteralNode(this.locator, start, end, name);
      }
    }
    return this.expression();
  }

  private call(name: string, start: number): Expr {
    const open = this.pos;
    this.consume(open + 1);
    const args: Expr[] = [];
    let expandFinal = false;
    for (;;) {
      const c = this.skip();
      if (c === Char.CloseParen) break;
      if (c === -1) throw this.missingCloser(')', '(', start);
      args.push(this.expression());
      const after = this.skip();
      if (after === Char.Comma) {
        this.consume(this.pos + 1);
        if (this.skip() === -1) this.unexpected(this.pos);
      } else if (after === Char.Dot && this.text.startsWith('...', this.pos)) {
        this.consume(this.pos + 3);
        expandFinal = true;
        this.expect(Char.CloseParen, ')', '(', start);
        return new CallNode(this.locator, start, this.lastEnd, name, exact(args), expandFinal);
      } else if (after === -1) {
        throw this.missingCloser(')', '(', start);
      } else if (after !== Char.CloseParen) {
        this.unexpected(this.pos);
      }
    }
    this.consume(this.pos + 1);
    return new CallNode(this.locator, start, this.lastEnd, name, exact(args), expandFinal);
  }

  /** After `[for` or `{for`. */
  private forExpression(start: number, isObject: boolean): Expr {
    this.consume(this.pos + 3);
    const [keyName, valueName] = this.forNames();
    const collection = this.expression();
    if (this.skip() !== Char.Colon) this.unexpected(this.pos);
    this.consume(this.pos + 1);
    const first = this.expression();
    let value: Expr | undefined;
    let grouped = false;
    if (isObject) {
      if (!(this.skip() === Char.Equals && this.at(this.pos + 1, Char.Greater))) this.unexpected(this.pos);
      this.consume(this.pos + 2);
      value = this.expression();
      if (this.skip() === Char.Dot && this.text.startsWith('...', this.pos)) {
        this.consume(this.pos + 3);
        grouped = true;
      }
    }
    let condition: Expr | undefined;
    if (this.atKeyword('if')) {
      this.consume(this.pos + 2);
      condition = this.expression();
    }
    this.expect(isObject ? Char.CloseBrace : Char.CloseBracket, isObject ? '}' : ']', isObject ? '{' : '[', start);
    if (value === undefined) return new ForTupleNode(this.locator, start, this.lastEnd, keyName, valueName, collection, first, condition);
    return new ForObjectNode(this.locator, start, this.lastEnd, keyName, valueName, collection, first, value, grouped, condition);
  }

  /** `k, v in` or `v in`: the key name (if any) and the value name. */
  private forNames(): [string | undefined, string] {
    const first = this.name();
    let second: string | undefined;
    if (this.skip() === Char.Comma) {
      this.consume(this.pos + 1);
      second = this.name();
    }
    if (!this.atKeyword('in')) this.unexpected(this.pos);
    this.consume(this.pos + 2);
    return second === undefined ? [undefined, first] : [first, second];
  }

  private name(): string {
    this.skip();
    const end = this.identifierEnd(this.pos);
    if (end === this.pos) this.unexpected(this.pos);
    const name = this.slice(this.pos, end);
    this.consume(end);
    return name;
  }

  // ---- templates ----------------------------------------------------------------------------

  /** Where the last quoted string started (for an error about a label). */
  private stringStart = 0;

  /** A quoted string: a literal when it has no interpolation or directive, else a template. */
  private quoted(): Expr {
    const start = this.pos;
    this.stringStart = start;
    const text = this.text;
    let index = start + 1;
    for (let c = text.charCodeAt(index); c !== Char.Quote; c = text.charCodeAt(index)) {
      if (c === Char.Backslash || c === Char.Dollar || c === Char.Percent || Number.isNaN(c)) break;
      index += 1;
    }
    if (text.charCodeAt(index) === Char.Quote) {
      // No escape and no template: the common string.
      this.consume(index + 1);
      return new LiteralNode(this.locator, start, index + 1, this.skipping ? '' : this.slice(start + 1, index));
    }
    const builder = new TemplateBuilder(unescapeQuoted);
    const contentStart = start + 1;
    const closed = this.templateText(builder, QUOTED, contentStart, undefined, start);
    const end = this.pos + 1;
    this.consume(end);
    if (closed.parts === 0) return new LiteralNode(this.locator, start, end, unescapeQuoted(this.text.slice(contentStart, end - 1)));
    return new TemplateNode(this.locator, start, end, builder.finish());
  }

  /**
   * A heredoc. The content runs from the line after `<<EOF` to the start of the closing marker's
   * line, so it keeps its final newline, as in HCL. `<<-EOF` removes the smallest indentation of
   * its lines. The closing marker is the first thing on its line and the last.
   */
  private heredoc(start: number): Expr {
    const flush = this.text.charCodeAt(start + 2) === Char.Minus;
    const idStart = this.skipSpace(start + (flush ? 3 : 2));
    let idEnd = idStart;
    while (isHeredocMarkerChar(this.text.charCodeAt(idEnd))) idEnd += 1;
    if (idEnd === idStart) {
      throw new HclSyntaxError("expected a heredoc marker after '<<'", start, flush ? 3 : 2);
    }
    const marker = this.text.slice(idStart, idEnd);
    // As in HCL, the marker ends its line (tree-sitter read text after it as the template's start).
    let lineEnd = idEnd;
    while (this.text.charCodeAt(lineEnd) !== Char.Newline && isSpace(this.text.charCodeAt(lineEnd))) lineEnd += 1;
    if (lineEnd < this.text.length && this.text.charCodeAt(lineEnd) !== Char.Newline) {
      throw new HclSyntaxError(`unexpected text after the heredoc marker "${marker}": the template starts on the next line`, lineEnd, 1);
    }
    const newline = this.text.indexOf('\n', idEnd);
    const contentStart = newline === -1 ? this.text.length : newline + 1;
    const closerStart = this.heredocCloser(marker, contentStart, start);
    const contentEnd = Math.max(contentStart, this.text.lastIndexOf('\n', closerStart - 1) + 1);
    const indent = flush && !this.skipping ? smallestIndent(this.text, contentStart, contentEnd) : 0;
    const mode: TemplateMode = {
      quoted: false,
      decode: this.skipping ? () => '' : (raw, atLineStart) => unescapeTemplateMarkers(indent > 0 ? removeIndent(raw, indent, atLineStart) : raw),
    };
    const builder = new TemplateBuilder(mode.decode);
    this.templateText(builder, mode, contentStart, contentEnd, start);
    this.consume(closerStart + marker.length);
    return new TemplateNode(this.locator, start, this.lastEnd, builder.finish());
  }

  /**
   * The start of the closing marker: the first line whose first token is the marker alone,
   * outside interpolations and directives. Marker-like text inside them is skipped by
   * scanning them as the template reader will.
   */
  private heredocCloser(marker: string, contentStart: number, heredocStart: number): number {
    const text = this.text;
    let index = contentStart;
    let lineStart = true;
    let depth = 0;
    for (;;) {
      if (index >= text.length) throw new HclSyntaxError(`missing the heredoc's closing marker "${marker}"`, heredocStart, 1);
      const c = text.charCodeAt(index);
      if (c === Char.Newline) {
        lineStart = true;
        index += 1;
        continue;
      }
      if (isSpace(c)) {
        index += 1;
        continue;
      }
      if ((c === Char.Dollar || c === Char.Percent) && text.charCodeAt(index + 1) === Char.OpenBrace) {
        // Find where this part ends by reading it: a `}` inside a string or an object must not end it.
        const saved = this.pos;
        const savedEnd = this.lastEnd;
        const savedDepth = this.depth;
        const savedReached = this.reached;
        this.pos = index;
        if (c === Char.Dollar) this.interpolation(new TemplateBuilder(unescapeTemplateMarkers));
        else {
          const marker = this.directiveMarker();
          if (marker.keyword === 'if' || marker.keyword === 'for') depth += 1;
          else if (marker.keyword === 'endif' || marker.keyword === 'endfor') depth -= 1;
        }
        // Read twice (here and by the template reader): heredocs nested in heredocs would double it at every level.
        this.readAgain(this.pos - index);
        index = this.pos;
        this.pos = saved;
        this.lastEnd = savedEnd;
        this.depth = savedDepth;
        this.reached = savedReached;
        lineStart = false;
        continue;
      }
      if ((c === Char.Dollar || c === Char.Percent) && text.charCodeAt(index + 1) === c && text.charCodeAt(index + 2) === Char.OpenBrace) {
        index += 3;
        lineStart = false;
        continue;
      }
      if (lineStart && depth <= 0 && text.startsWith(marker, index)) {
        let after = index + marker.length;
        while (after < text.length && text.charCodeAt(after) !== Char.Newline && isSpace(text.charCodeAt(after))) after += 1;
        if (text.charCodeAt(after) === Char.Newline) return index;
      }
      lineStart = false;
      index += 1;
    }
  }

  /**
   * Template text from `from`, with its interpolations and directives, up to the end: the closing
   * quote (left unread at `pos`) or `end` for a heredoc. Returns how many parts it held.
   */
  private templateText(builder: TemplateBuilder, mode: TemplateMode, from: number, end: number | undefined, start: number): { parts: number } {
    const { marker, parts } = this.sequence(builder, mode, from, end, start, true);
    if (marker !== undefined) throw new HclSyntaxError(`unexpected '%{ ${marker.keyword} }'`, marker.start, 2);
    return { parts };
  }

  /**
   * Reads template text and parts from `from` into `builder` until the template's end, or (in a
   * directive body) until an `else`, `endif` or `endfor` marker, which it returns.
   */
  private sequence(builder: TemplateBuilder, mode: TemplateMode, from: number, end: number | undefined, start: number, top: boolean): { marker: Marker | undefined; parts: number } {
    const text = this.text;
    let index = from;
    let textStart = from;
    let atLineStart = top && !mode.quoted;
    let parts = 0;
    const limit = end ?? text.length;
    for (;;) {
      if (index >= limit) {
        if (end !== undefined && top) {
          builder.text(text.slice(textStart, end), atLineStart && textStart === from);
          this.pos = end;
          return { marker: undefined, parts };
        }
        if (mode.quoted) throw new HclSyntaxError('missing closing quote: the string that starts here is never closed', start, 1);
        throw new HclSyntaxError(`missing '%{ end }' to close the directive at ${this.describe(start)}`, start, 2);
      }
      const c = text.charCodeAt(index);
      if (c === Char.Quote && mode.quoted && top) {
        builder.text(text.slice(textStart, index));
        this.pos = index;
        return { marker: undefined, parts };
      }
      if (c === Char.Backslash && mode.quoted) {
        index = this.escape(index);
        continue;
      }
      if ((c === Char.Dollar || c === Char.Percent) && text.charCodeAt(index + 1) === Char.OpenBrace) {
        const chunk = text.slice(textStart, index);
        this.pos = index;
        if (c === Char.Dollar) {
          builder.text(chunk, atLineStart && textStart === from);
          this.interpolation(builder);
        } else {
          const marker = this.directiveMarker();
          if (marker.keyword === 'if' || marker.keyword === 'for') {
            builder.text(chunk, atLineStart && textStart === from);
            this.directive(builder, mode, marker, end);
          } else {
            if (top) throw new HclSyntaxError(`unexpected '%{ ${marker.keyword} }'`, index, 2);
            builder.text(chunk, atLineStart && textStart === from);
            return { marker: { keyword: marker.keyword, start: index, stripBefore: marker.stripBefore, stripAfter: marker.stripAfter }, parts };
          }
        }
        parts += 1;
        index = this.pos;
        textStart = index;
        atLineStart = false;
        continue;
      }
      if ((c === Char.Dollar || c === Char.Percent) && text.charCodeAt(index + 1) === c && text.charCodeAt(index + 2) === Char.OpenBrace) {
        index += 3;
        continue;
      }
      index += 1;
    }
  }

  /** At a backslash in a quoted string: the index after the escape sequence. */
  private escape(index: number): number {
    const next = this.text.charAt(index + 1);
    if (next === '"' || next === 'n' || next === 'r' || next === 't' || next === '\\') return index + 2;
    const digits = next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const hex = this.text.slice(index + 2, index + 2 + digits);
    if (digits > 0 && hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
      return index + 2 + digits;
    }
    throw new HclSyntaxError(`invalid escape sequence '\\${next}': use \\n, \\r, \\t, \\", \\\\, \\uNNNN or \\UNNNNNNNN`, index, 1);
  }

  /** At `${`: the interpolation, into `builder`; leaves `pos` after its `}`. */
  private interpolation(builder: TemplateBuilder): void {
    const start = this.pos;
    this.consume(start + 2);
    let stripBefore = false;
    let stripAfter = false;
    let expr: Expr | undefined;
    if (this.skip() === Char.Tilde) {
      stripBefore = true;
      this.consume(this.pos + 1);
    }
    const c = this.skip();
    if (c !== Char.CloseBrace && c !== Char.Tilde) expr = this.expression();
    if (this.skip() === Char.Tilde) {
      if (expr === undefined) stripBefore = true;
      else stripAfter = true;
      this.consume(this.pos + 1);
    }
    if (this.skip() !== Char.CloseBrace) throw new HclSyntaxError("missing '}' to close '${'", start, 2);
    this.consume(this.pos + 1);
    builder.interpolation(expr ?? unsupported('an empty interpolation', this.locator, start, this.lastEnd), stripBefore, stripAfter);
  }

  /** At `%{`: the marker's keyword, strip markers, and for `if` and `for` the expression and names. */
  private directiveMarker(): {
    keyword: 'if' | 'for' | 'else' | 'endif' | 'endfor';
    start: number;
    stripBefore: boolean;
    stripAfter: boolean;
    expression: Expr | undefined;
    names: [string | undefined, string] | undefined;
  } {
    const start = this.pos;
    this.consume(start + 2);
    let stripBefore = false;
    if (this.skip() === Char.Tilde) {
      stripBefore = true;
      this.consume(this.pos + 1);
    }
    this.skip();
    const end = this.identifierEnd(this.pos);
    const keyword = this.text.slice(this.pos, end);
    if (keyword !== 'if' && keyword !== 'for' && keyword !== 'else' && keyword !== 'endif' && keyword !== 'endfor') {
      if (end === this.pos) this.unexpected(this.pos);
      throw new HclSyntaxError(`unknown directive '${keyword}': expected if, else, endif, for or endfor`, this.pos, end - this.pos);
    }
    this.consume(end);
    let expression: Expr | undefined;
    let names: [string | undefined, string] | undefined;
    if (keyword === 'for') names = this.forNames();
    if (keyword === 'if' || keyword === 'for') expression = this.expression();
    let stripAfter = false;
    if (this.skip() === Char.Tilde) {
      stripAfter = true;
      this.consume(this.pos + 1);
    }
    if (this.skip() !== Char.CloseBrace) this.unexpected(this.pos);
    this.consume(this.pos + 1);
    return { keyword, start, stripBefore, stripAfter, expression, names };
  }

  /**
   * `%{ if }` or `%{ for }` after its opening marker (read): the body up to `%{ endif }` or
   * `%{ endfor }`. Each marker may carry `~` on either side: the one before strips the white
   * space that ends the text before it, the one after the white space that starts the text after it.
   */
  private directive(outer: TemplateBuilder, mode: TemplateMode, intro: ReturnType<NativeParser['directiveMarker']>, end: number | undefined): void {
    this.enter();
    const depth = this.depth;
    this.check(depth);
    this.depth = depth + 1;
    const isFor = intro.keyword === 'for';
    const branches = [new TemplateBuilder(outer.decode)];
    let current = branches[0] ?? new TemplateBuilder(outer.decode);
    if (intro.stripAfter) current.stripStart();
    let closer: Marker | undefined;
    for (;;) {
      closer = this.sequence(current, mode, this.pos, end, intro.start, false).marker;
      if (closer === undefined) throw new HclSyntaxError(`missing '%{ end${intro.keyword} }' to close the directive at ${this.describe(intro.start)}`, intro.start, 2);
      if (closer.stripBefore) current.trimEnd();
      if (closer.keyword === 'else' && !isFor && branches.length === 1) {
        current = new TemplateBuilder(outer.decode);
        branches.push(current);
        if (closer.stripAfter) current.stripStart();
        continue;
      }
      if (closer.keyword !== (isFor ? 'endfor' : 'endif')) throw new HclSyntaxError(`unexpected '%{ ${closer.keyword} }'`, closer.start, 2);
      break;
    }
    this.depth = depth;
    this.nesting -= 1;
    const start = intro.start;
    const directiveEnd = this.lastEnd;
    if (depth >= MAX_EXPRESSION_DEPTH) {
      outer.interpolation(tooDeep(this.locator, start, directiveEnd), false, false);
      return;
    }
    if (intro.stripBefore) outer.trimEnd();
    const [first, second] = branches.map((branch) => branch.finish());
    const condition = intro.expression ?? unsupported('a directive without its expression', this.locator, start, directiveEnd);
    if (isFor) {
      const [keyName, valueName] = intro.names ?? [undefined, ''];
      outer.directive(new TemplateForNode(this.locator, start, directiveEnd, keyName, valueName, condition, first ?? exact([])));
    } else {
      outer.directive(new TemplateIfNode(this.locator, start, directiveEnd, condition, first ?? exact([]), second ?? exact([])));
    }
    if (closer.stripAfter) outer.stripStart();
  }

  // ---- characters ---------------------------------------------------------------------------

  /** Skips white space and comments; the character code at the next token, or -1 at the end. */
  private skip(): number {
    this.pos = this.skipFrom(this.pos);
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  private skipToToken(): number {
    this.skip();
    return this.pos;
  }

  private skipFrom(from: number): number {
    const text = this.text;
    let index = from;
    for (;;) {
      const c = text.charCodeAt(index);
      if (c === Char.Space || c === Char.Newline || c === Char.Tab || c === Char.CarriageReturn) {
        index += 1;
      } else if (c === Char.Hash || (c === Char.Slash && text.charCodeAt(index + 1) === Char.Slash)) {
        const newline = text.indexOf('\n', index);
        index = newline === -1 ? text.length : newline;
      } else if (c === Char.Slash && text.charCodeAt(index + 1) === Char.Star) {
        const close = text.indexOf('*/', index + 2);
        if (close === -1) throw new HclSyntaxError('unclosed comment: the comment that starts here has no */', index, 2);
        index = close + 2;
      } else if (c > 127 || c === 11 || c === 12) {
        if (!isSpace(c)) return index;
        index += 1;
      } else {
        return index;
      }
    }
  }

  /** White space other than newlines and comments, from `from`. */
  private skipSpace(from: number): number {
    let index = from;
    while (isSpace(this.text.charCodeAt(index))) index += 1;
    return index;
  }

  /** The end of the identifier at `start` (`start` itself when there is none). */
  private identifierEnd(start: number): number {
    const text = this.text;
    const first = text.charCodeAt(start);
    if (!((first >= Char.LowerA && first <= Char.LowerZ) || (first >= Char.UpperA && first <= Char.UpperZ) || first === Char.Underscore)) {
      if (first <= 127 || Number.isNaN(first)) return start;
      const char = String.fromCodePoint(text.codePointAt(start) ?? 0);
      if (!idStartPattern().test(char)) return start;
      return this.identifierRest(start + char.length);
    }
    return this.identifierRest(start + 1);
  }

  private identifierRest(from: number): number {
    const text = this.text;
    let index = from;
    for (;;) {
      const c = text.charCodeAt(index);
      if ((c >= Char.LowerA && c <= Char.LowerZ) || (c >= Char.UpperA && c <= Char.UpperZ) || (c >= Char.Zero && c <= Char.Nine) || c === Char.Underscore || c === Char.Minus) {
        index += 1;
      } else if (c === Char.Colon && text.charCodeAt(index + 1) === Char.Colon) {
        index += 2;
      } else if (c > 127) {
        const char = String.fromCodePoint(text.codePointAt(index) ?? 0);
        if (!idContinuePattern().test(char)) return index;
        index += char.length;
      } else {
        return index;
      }
    }
  }

  /** Whether the next token is the keyword (a whole identifier). */
  private atKeyword(keyword: string): boolean {
    this.skip();
    return this.text.startsWith(keyword, this.pos) && this.identifierEnd(this.pos) === this.pos + keyword.length;
  }

  /**
   * The text from `start` to `end`, as the string read before when it is a short name or label
   * of a body: a large file repeats the same names (`type`, `default`, `"amazon-ebs"`) thousands
   * of times. Inside an expression (nesting above 0) the strings are the expression's, read
   * again each time it is evaluated (ReReadAttributeNode) and garbage after.
   */
  private slice(start: number, end: number): string {
    const text = this.text.slice(start, end);
    if (end - start > MAX_SHARED_LENGTH || this.skipping || this.nesting > 0) return text;
    this.shared ??= new Map();
    const known = this.shared.get(text);
    if (known !== undefined) return known;
    this.shared.set(text, text);
    return text;
  }

  private at(index: number, c: number): boolean {
    return this.text.charCodeAt(index) === c;
  }

  private consume(end: number): void {
    this.pos = end;
    this.lastEnd = end;
  }

  /** The closing bracket of a construct that starts at `start`. */
  private expect(c: number, closer: string, opener: string, start: number): void {
    const next = this.skip();
    if (next === c) {
      this.consume(this.pos + 1);
      return;
    }
    if (next === -1) throw this.missingCloser(closer, opener, start);
    this.unexpected(this.pos);
  }

  private missingCloser(closer: string, opener: string, start: number): HclSyntaxError {
    return new HclSyntaxError(`missing '${closer}' to close the '${opener}' at ${this.describe(start)}`, this.text.length, 0);
  }

  private describe(index: number): string {
    const loc = new LineIndex(this.text, '').location(index, index);
    return `line ${loc.line}, column ${loc.column}`;
  }

  private unexpected(index: number): never {
    if (index >= this.text.length) throw new HclSyntaxError('unexpected end of file', this.text.length, 0);
    const token = tokenAt(this.text, index);
    throw new HclSyntaxError(`unexpected '${token}'`, index, token.length);
  }

  private check(depth: number): void {
    if (depth > this.reached) this.reached = depth;
  }

  private skipped(read: () => unknown): void {
    const was = this.skipping;
    this.skipping = true;
    read();
    this.skipping = was;
  }

  private readAgain(length: number): void {
    this.reread += length;
    if (this.reread > this.text.length + MAX_REREAD) throw new NestingTooDeep();
  }

  private enter(): void {
    this.nesting += 1;
    if (this.nesting > MAX_NESTING) throw new NestingTooDeep();
  }
}

function isDigit(c: number): boolean {
  return c >= Char.Zero && c <= Char.Nine;
}

function isAlphanumeric(c: number): boolean {
  return isDigit(c) || (c >= Char.LowerA && c <= Char.LowerZ) || (c >= Char.UpperA && c <= Char.UpperZ);
}

function isHeredocMarkerChar(c: number): boolean {
  return isAlphanumeric(c) || c === Char.Underscore || c === Char.Minus;
}

function isSpace(c: number): boolean {
  if (c === Char.Space || c === Char.Tab || c === Char.Newline || c === Char.CarriageReturn || c === 11 || c === 12) return true;
  return c > 127 && SPACE.test(String.fromCharCode(c));
}

function unsupported(what: string, locator: Locator, start: number, end: number): Expr {
  return new UnsupportedNode(locator, start, end, `${what} is not supported`);
}

function tooDeep(locator: Locator, start: number, end: number): Expr {
  return new UnsupportedNode(locator, start, end, TOO_DEEP);
}

/**
 * What a file's attributes read their expression again from: its text and locator, not the
 * parser that read it first. How much it reads again is bounded, as evaluation is: an attribute
 * is read each time it is evaluated (a source used by many builds, once per build), and without a
 * bound a file could make a large expression be read for every one of many uses. A file of the
 * corpus reads again at most 0.6 times its size, the 10 MB benchmark file 0.33 times. Past the
 * bound an expression is an unknown that says evaluation stopped, which a sharing field reports
 * as not known, never as nothing shared.
 */
class ExpressionText implements ExpressionReader {
  private readonly budget: Budget;

  constructor(
    private readonly text: string,
    private readonly locator: Locator,
  ) {
    this.budget = new Budget(REREAD_BASE + REREAD_PER_CHARACTER * text.length);
  }

  expressionAt(start: number, end: number): Expr {
    this.budget.spend(end - start);
    if (this.budget.exhausted) return new UnsupportedNode(this.locator, start, end, TOO_MUCH_REREAD);
    return NativeParser.expressionAt(this.text, this.locator, this, start);
  }
}
