import type { TreeCursor } from 'web-tree-sitter';
import { MAX_EXPRESSION_DEPTH } from './limits.js';
import type { SourceLocation } from '../../core/index.js';
import type {
  Attribute,
  BinaryOperator,
  Block,
  Body,
  BodySchema,
  Expr,
  ObjectItem,
  SplatStep,
} from './syntax.js';
import { LineIndex } from '../line-index.js';
import {
  AttributeNode,
  BinaryNode,
  BlockNode,
  CallNode,
  ConditionalNode,
  exact,
  FixedLocator,
  ForObjectNode,
  ForTupleNode,
  GetAttributeNode,
  IndexNode,
  LiteralNode,
  type Locator,
  ObjectNode,
  ReferenceNode,
  SplatNode,
  startOf,
  TemplateForNode,
  TemplateIfNode,
  TemplateNode,
  TupleNode,
  UnaryNode,
  UnsupportedNode,
} from './nodes.js';
import { removeIndent, smallestIndent, TemplateBuilder, unescapeQuoted, unescapeTemplateMarkers } from './parser/template-text.js';
import { EVALUATION_STOPPED } from './value.js';

const EMPTY_BODY: Body = { attributes: [], blocks: [] };

const TOO_DEEP = `${EVALUATION_STOPPED}the expression is nested more than amiguard's budget of ${MAX_EXPRESSION_DEPTH} levels`;

const BINARY_OPERATORS: ReadonlySet<string> = new Set([
  '==', '!=', '<', '>', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%',
]);

/**
 * Turns a tree-sitter HCL tree into the syntax tree of syntax.ts with one cursor walk. Text is
 * sliced from the source by index (tree-sitter reports UTF-16 indices and columns for a JS
 * string input), never re-read through the tree.
 */
export class HclConverter {
  private depth = 0;
  private currentType: string | undefined;
  private readonly locator: Locator;

  constructor(
    private readonly cursor: TreeCursor,
    private readonly text: string,
    file: string,
    /** Every node gets this location (an expression parsed out of a JSON string). */
    fixedLoc?: SourceLocation,
  ) {
    this.locator = fixedLoc === undefined ? new LineIndex(text, file) : new FixedLocator(fixedLoc);
  }

  /** Cursor on a `body` node. */
  body(schema: BodySchema): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    if (this.firstChild()) {
      do {
        const type = this.nodeType();
        if (type === 'attribute') {
          const converted = this.attribute(schema);
          if (converted !== undefined) attributes.push(converted);
        } else if (type === 'block') {
          const converted = this.block(schema);
          if (converted !== undefined) blocks.push(converted);
        }
      } while (this.nextSibling());
      this.parent();
    }
    return { attributes: exact(attributes), blocks: exact(blocks) };
  }

  /** Cursor on an `expression` node. */
  expression(): Expr {
    if (this.depth >= MAX_EXPRESSION_DEPTH) return tooDeep(this.locator, this.cursor.startIndex, this.cursor.endIndex);
    this.depth += 1;
    try {
      this.firstChild();
      const expr = this.nodeType() === 'conditional' ? this.conditional() : this.term().expr;
      this.parent();
      return expr;
    } finally {
      this.depth -= 1;
    }
  }

  /** Skipped attributes cost only their name: every cursor read is a call into WebAssembly. */
  private attribute(schema: BodySchema): Attribute | undefined {
    this.firstChild();
    const start = this.cursor.startIndex;
    const name = this.text.slice(start, this.cursor.endIndex);
    let result: Attribute | undefined;
    if (schema.attributes === undefined || schema.attributes.has(name)) {
      while (this.nextSibling()) {
        if (this.nodeType() === 'expression') {
          const expr = this.expression();
          result = new AttributeNode(this.locator, start, this.cursor.endIndex, name, expr);
          break;
        }
      }
    }
    this.parent();
    return result;
  }

  private block(schema: BodySchema): Block | undefined {
    this.firstChild();
    const start = this.cursor.startIndex;
    const type = this.text.slice(start, this.cursor.endIndex);
    const blockSchema = schema.blocks.get(type);
    let result: Block | undefined;
    if (blockSchema !== undefined) {
      const labels: string[] = [];
      let headerEnd = this.cursor.endIndex;
      let body = EMPTY_BODY;
      let bodySchema: BodySchema | undefined;
      while (this.nextSibling()) {
        const childType = this.nodeType();
        if (childType === 'string_lit' || childType === 'identifier') {
          labels.push(childType === 'identifier' ? this.nodeText() : this.stringLiteral());
          headerEnd = this.cursor.endIndex;
        } else if (childType === 'block_start') {
          bodySchema = blockSchema.body(labels);
          if (bodySchema === undefined) break;
        } else if (childType === 'body' && bodySchema !== undefined) {
          body = this.body(bodySchema);
        }
      }
      if (bodySchema !== undefined) {
        result = new BlockNode(this.locator, start, headerEnd, type, exact(labels), body);
      }
    }
    this.parent();
    return result;
  }

  private conditional(): Expr {
    const start = this.cursor.startIndex;
    const end = this.cursor.endIndex;
    this.firstChild();
    const parts: Expr[] = [];
    do {
      if (this.nodeType() === 'expression') parts.push(this.expression());
    } while (this.nextSibling());
    this.parent();
    const [condition, whenTrue, whenFalse] = parts;
    if (condition === undefined || whenTrue === undefined || whenFalse === undefined) {
      return unsupported('an incomplete conditional expression', this.locator, start, end);
    }
    return new ConditionalNode(this.locator, start, end, condition, whenTrue, whenFalse);
  }

  /**
   * Cursor on the first node of a term: a term node or `(`, followed by index, attribute and
   * splat nodes (the grammar's `_expr_term` is hidden, so they are siblings). Leaves the cursor
   * on the first node after the term when `more` is true.
   */
  private term(): { expr: Expr; more: boolean } {
    let expr: Expr;
    if (this.nodeType() === '(') {
      this.nextSibling();
      expr = this.expression();
      this.nextSibling();
    } else {
      expr = this.termNode();
    }
    while (this.nextSibling()) {
      const type = this.nodeType();
      if (type === 'get_attr' || type === 'index' || type === 'splat') {
        expr = this.postfix(expr, type);
      } else {
        return { expr, more: true };
      }
    }
    return { expr, more: false };
  }

  private termNode(): Expr {
    const start = this.cursor.startIndex;
    const end = this.cursor.endIndex;
    if (this.depth >= MAX_EXPRESSION_DEPTH) return tooDeep(this.locator, start, end);
    this.depth += 1;
    const type = this.nodeType();
    try {
      switch (type) {
        case 'variable_expr':
          return new ReferenceNode(this.locator, start, end, this.text.slice(start, end));
        case 'literal_value':
          return literal(this.text.slice(start, end), this.locator, start, end);
        case 'template_expr':
          return this.inFirstChild(() =>
            this.nodeType() === 'heredoc_template' ? this.heredoc(start, end) : this.quotedTemplate(start, end),
          );
        case 'collection_value':
          return this.inFirstChild(() => (this.nodeType() === 'tuple' ? this.tuple(start, end) : this.object(start, end)));
        case 'function_call':
          return this.call(start, end);
        case 'for_expr':
          return this.inFirstChild(() => this.forExpression(start, end));
        case 'operation':
          return this.inFirstChild(() =>
            this.nodeType() === 'unary_operation' ? this.unary(start, end) : this.binary(start, end),
          );
        default:
          return unsupported(`the syntax "${type}"`, this.locator, start, end);
      }
    } finally {
      this.depth -= 1;
    }
  }

  /** Cursor on a `string_lit`: a quoted string without interpolation. */
  private stringLiteral(): string {
    return unescapeQuoted(this.nodeText().slice(1, -1));
  }

  private tuple(start: number, end: number): Expr {
    const items: Expr[] = [];
    this.firstChild();
    do {
      if (this.nodeType() === 'expression') items.push(this.expression());
    } while (this.nextSibling());
    this.parent();
    return new TupleNode(this.locator, start, end, exact(items));
  }

  private object(start: number, end: number): Expr {
    const items: ObjectItem[] = [];
    this.firstChild();
    do {
      if (this.nodeType() === 'object_elem') {
        this.firstChild();
        const key = this.objectKey();
        let value: Expr | undefined;
        while (this.nextSibling()) {
          if (this.nodeType() === 'expression') value = this.expression();
        }
        this.parent();
        if (value !== undefined) items.push({ key, value });
      }
    } while (this.nextSibling());
    this.parent();
    return new ObjectNode(this.locator, start, end, exact(items));
  }

  /** A bare identifier key is the literal name; anything else (`(k)`, `"${k}"`) is evaluated. */
  private objectKey(): Expr {
    const start = this.cursor.startIndex;
    const end = this.cursor.endIndex;
    this.firstChild();
    if (this.nodeType() === 'variable_expr' && !this.nextSibling()) {
      const name = this.nodeText();
      this.parent();
      return new LiteralNode(this.locator, start, end, name);
    }
    this.parent();
    return this.expression();
  }

  private call(start: number, end: number): Expr {
    this.firstChild();
    const name = this.nodeText();
    const args: Expr[] = [];
    let expandFinal = false;
    while (this.nextSibling()) {
      if (this.nodeType() !== 'function_arguments') continue;
      this.firstChild();
      do {
        const type = this.nodeType();
        if (type === 'expression') args.push(this.expression());
        else if (type === 'ellipsis') expandFinal = true;
      } while (this.nextSibling());
      this.parent();
    }
    this.parent();
    return new CallNode(this.locator, start, end, name, exact(args), expandFinal);
  }

  private forExpression(start: number, end: number): Expr {
    const isObject = this.nodeType() === 'for_object_expr';
    const names: string[] = [];
    const bodies: Expr[] = [];
    let collection: Expr | undefined;
    let condition: Expr | undefined;
    let grouped = false;
    this.firstChild();
    do {
      switch (this.nodeType()) {
        case 'for_intro':
          this.firstChild();
          do {
            const type = this.nodeType();
            if (type === 'identifier') names.push(this.nodeText());
            else if (type === 'expression') collection = this.expression();
          } while (this.nextSibling());
          this.parent();
          break;
        case 'expression':
          bodies.push(this.expression());
          break;
        case 'ellipsis':
          grouped = true;
          break;
        case 'for_cond':
          this.firstChild();
          do {
            if (this.nodeType() === 'expression') condition = this.expression();
          } while (this.nextSibling());
          this.parent();
          break;
      }
    } while (this.nextSibling());
    this.parent();

    const [first, second] = names;
    const keyName = second === undefined ? undefined : first;
    const valueName = second ?? first;
    const [body, objectValue] = bodies;
    if (valueName === undefined || collection === undefined || body === undefined) {
      return unsupported('an incomplete for expression', this.locator, start, end);
    }
    if (!isObject) {
      return new ForTupleNode(this.locator, start, end, keyName, valueName, collection, body, condition);
    }
    if (objectValue === undefined) return unsupported('an incomplete for expression', this.locator, start, end);
    return new ForObjectNode(this.locator, start, end, keyName, valueName, collection, body, objectValue, grouped, condition);
  }

  private unary(start: number, end: number): Expr {
    this.firstChild();
    const operator = this.nodeType() === '!' ? '!' : '-';
    this.nextSibling();
    const operand = this.term().expr;
    this.parent();
    return new UnaryNode(this.locator, start, end, operator, operand);
  }

  private binary(start: number, end: number): Expr {
    this.firstChild();
    const left = this.term();
    const operator = this.nodeType();
    let right: Expr | undefined;
    if (left.more && this.nextSibling()) right = this.term().expr;
    this.parent();
    if (right === undefined || !isBinaryOperator(operator)) {
      return unsupported(`the operator "${operator}"`, this.locator, start, end);
    }
    return new BinaryNode(this.locator, start, end, operator, left.expr, right);
  }

  /** Cursor on a `get_attr`, `index` or `splat` node following `target`. */
  private postfix(target: Expr, type: 'get_attr' | 'index' | 'splat'): Expr {
    const start = startOf(target);
    const end = this.cursor.endIndex;
    if (type === 'get_attr') {
      return new GetAttributeNode(this.locator, start, end, target, this.inFirstChild(() => this.identifierAfter()));
    }
    if (type === 'index') {
      return new IndexNode(this.locator, start, end, target, this.inFirstChild(() => this.indexKey()));
    }
    const steps: SplatStep[] = [];
    this.firstChild();
    this.firstChild();
    while (this.nextSibling()) {
      const stepType = this.nodeType();
      if (stepType === 'get_attr') {
        steps.push({ type: 'attribute', name: this.inFirstChild(() => this.identifierAfter()) });
      } else if (stepType === 'index') {
        steps.push({ type: 'index', key: this.inFirstChild(() => this.indexKey()) });
      }
    }
    this.parent();
    this.parent();
    return new SplatNode(this.locator, start, end, target, exact(steps));
  }

  /** Cursor on the `.` of a `get_attr`: the name that follows. */
  private identifierAfter(): string {
    while (this.nodeType() !== 'identifier' && this.nextSibling());
    return this.nodeText();
  }

  /** Cursor on `new_index` (`[expr]`) or `legacy_index` (`.0`). */
  private indexKey(): Expr {
    const start = this.cursor.startIndex;
    const end = this.cursor.endIndex;
    if (this.nodeType() === 'legacy_index') {
      return new LiteralNode(this.locator, start, end, Number(this.nodeText().slice(1)));
    }
    this.firstChild();
    let key: Expr = unsupported('an empty index', this.locator, start, end);
    do {
      if (this.nodeType() === 'expression') key = this.expression();
    } while (this.nextSibling());
    this.parent();
    return key;
  }

  private quotedTemplate(start: number, end: number): Expr {
    const builder = new TemplateBuilder(unescapeQuoted);
    this.firstChild();
    let position = this.cursor.endIndex;
    while (this.nextSibling()) {
      const type = this.nodeType();
      if (type === 'template_interpolation' || type === 'template_directive') {
        builder.text(this.text.slice(position, this.cursor.startIndex));
        this.templatePart(builder, type);
        position = this.cursor.endIndex;
      } else if (type === 'quoted_template_end') {
        builder.text(this.text.slice(position, this.cursor.startIndex));
      }
    }
    this.parent();
    return new TemplateNode(this.locator, start, end, builder.finish());
  }

  /**
   * The content runs from the line after `<<EOF` to the start of the closing marker's line, so it
   * keeps its final newline, as in HCL. `<<-EOF` removes the smallest indentation of its lines.
   */
  private heredoc(start: number, end: number): Expr {
    this.firstChild();
    const flush = this.nodeText() === '<<-';
    this.nextSibling();
    const openerEnd = this.cursor.endIndex;
    const newline = this.text.indexOf('\n', openerEnd);
    const contentStart = newline === -1 ? this.text.length : newline + 1;
    const parts: { start: number; end: number; type: 'template_interpolation' | 'template_directive' }[] = [];
    let closerStart = this.text.length;
    while (this.nextSibling()) {
      const type = this.nodeType();
      if (type === 'heredoc_identifier') closerStart = this.cursor.startIndex;
      else if (type === 'template_interpolation' || type === 'template_directive') {
        parts.push({ start: this.cursor.startIndex, end: this.cursor.endIndex, type });
      }
    }
    const contentEnd = Math.max(contentStart, this.text.lastIndexOf('\n', closerStart - 1) + 1);
    const indent = flush ? smallestIndent(this.text, contentStart, contentEnd) : 0;
    const builder = new TemplateBuilder((raw, atLineStart) =>
      unescapeTemplateMarkers(indent > 0 ? removeIndent(raw, indent, atLineStart) : raw),
    );

    // A second pass over the parts: converting them needs the cursor on each part node.
    this.parent();
    this.firstChild();
    let position = contentStart;
    for (const part of parts) {
      while (this.cursor.startIndex !== part.start && this.nextSibling());
      builder.text(this.text.slice(position, part.start), position === contentStart);
      this.templatePart(builder, part.type);
      position = part.end;
    }
    builder.text(this.text.slice(position, contentEnd), position === contentStart);
    this.parent();
    return new TemplateNode(this.locator, start, end, builder.finish());
  }

  private templatePart(builder: TemplateBuilder, type: 'template_interpolation' | 'template_directive'): void {
    const start = this.cursor.startIndex;
    const end = this.cursor.endIndex;
    if (type === 'template_directive') {
      this.directive(builder, start, end);
      return;
    }
    let expr: Expr | undefined;
    let stripBefore = false;
    let stripAfter = false;
    this.firstChild();
    while (this.nextSibling()) {
      const childType = this.nodeType();
      if (childType === 'strip_marker') {
        if (expr === undefined) stripBefore = true;
        else stripAfter = true;
      } else if (childType === 'expression') {
        expr = this.expression();
      }
    }
    this.parent();
    builder.interpolation(expr ?? unsupported('an empty interpolation', this.locator, start, end), stripBefore, stripAfter);
  }

  /**
   * `%{ if }` or `%{ for }`, on its template_directive node. Each marker (`%{ if c }`, `%{ else }`,
   * `%{ endif }`) may carry `~` on either side: the one before strips the white space that ends
   * the text before it, the one after the white space that starts the text after it.
   */
  private directive(outer: TemplateBuilder, start: number, end: number): void {
    if (this.depth >= MAX_EXPRESSION_DEPTH) {
      outer.interpolation(tooDeep(this.locator, start, end), false, false);
      return;
    }
    this.depth += 1;
    try {
      this.firstChild();
      const isFor = this.nodeType() === 'template_for';
      this.firstChild();
      const intro = this.marker();
      if (intro.stripBefore) outer.trimEnd();
      const branches = [new TemplateBuilder(outer.decode)];
      let current = branches[0] ?? new TemplateBuilder(outer.decode);
      if (intro.stripAfter) current.stripStart();
      let position = this.cursor.endIndex;
      let stripAfterEnd = false;
      while (this.nextSibling()) {
        const type = this.nodeType();
        if (type === 'template_literal') continue;
        current.text(this.text.slice(position, this.cursor.startIndex));
        position = this.cursor.endIndex;
        if (type === 'template_interpolation' || type === 'template_directive') {
          this.templatePart(current, type);
        } else if (type === 'template_else_intro' || type === 'template_if_end' || type === 'template_for_end') {
          const marker = this.marker();
          if (marker.stripBefore) current.trimEnd();
          if (type === 'template_else_intro') {
            current = new TemplateBuilder(outer.decode);
            branches.push(current);
            if (marker.stripAfter) current.stripStart();
          } else {
            stripAfterEnd = marker.stripAfter;
          }
        }
      }
      this.parent();
      this.parent();
      const [first, second] = branches.map((branch) => branch.finish());
      const condition = intro.expression ?? unsupported('a directive without its expression', this.locator, start, end);
      if (isFor) {
        const [keyOrValue, value] = intro.names;
        const keyName = value === undefined ? undefined : keyOrValue;
        outer.directive(new TemplateForNode(this.locator, start, end, keyName, value ?? keyOrValue ?? '', condition, first ?? exact([])));
      } else {
        outer.directive(new TemplateIfNode(this.locator, start, end, condition, first ?? exact([]), second ?? exact([])));
      }
      if (stripAfterEnd) outer.stripStart();
    } finally {
      this.depth -= 1;
    }
  }

  /** A directive marker's strip markers, expression and `for` names, on the marker's node. */
  private marker(): { stripBefore: boolean; stripAfter: boolean; expression: Expr | undefined; names: string[] } {
    const result = { stripBefore: false, stripAfter: false, expression: undefined as Expr | undefined, names: [] as string[] };
    let previous = '';
    this.firstChild();
    do {
      const type = this.nodeType();
      if (type === 'strip_marker') {
        if (previous === 'template_directive_start') result.stripBefore = true;
        else result.stripAfter = true;
      } else if (type === 'expression') {
        result.expression = this.expression();
      } else if (type === 'identifier') {
        result.names.push(this.nodeText());
      }
      previous = type;
    } while (this.nextSibling());
    this.parent();
    return result;
  }

  private inFirstChild<T>(read: () => T): T {
    this.firstChild();
    const result = read();
    this.parent();
    return result;
  }

  /** Comments are extras: they may appear between any two children. */
  private firstChild(): boolean {
    if (!this.cursor.gotoFirstChild()) return false;
    this.currentType = this.cursor.nodeType;
    while (this.currentType === 'comment') {
      if (!this.cursor.gotoNextSibling()) return true;
      this.currentType = this.cursor.nodeType;
    }
    return true;
  }

  private nextSibling(): boolean {
    do {
      if (!this.cursor.gotoNextSibling()) return false;
      this.currentType = this.cursor.nodeType;
    } while (this.currentType === 'comment');
    return true;
  }

  private parent(): void {
    this.cursor.gotoParent();
    this.currentType = undefined;
  }

  /**
   * The current node's type, read once per move: every read is a call into WebAssembly. A method,
   * not the property, since TypeScript would keep a narrowed type across cursor moves.
   */
  private nodeType(): string {
    this.currentType ??= this.cursor.nodeType;
    return this.currentType;
  }

  private nodeText(): string {
    return this.text.slice(this.cursor.startIndex, this.cursor.endIndex);
  }

}

/**
 * A `literal_value` read from its text, without descending: in a tree without errors a string
 * literal is a complete quoted string with no interpolation.
 */
function literal(text: string, locator: Locator, start: number, end: number): Expr {
  if (text.startsWith('"')) return new LiteralNode(locator, start, end, unescapeQuoted(text.slice(1, -1)));
  if (text === 'true' || text === 'false') return new LiteralNode(locator, start, end, text === 'true');
  if (text === 'null') return new LiteralNode(locator, start, end, null);
  return new LiteralNode(locator, start, end, text.startsWith('0x') ? Number.parseInt(text.slice(2), 16) : Number(text));
}

function isBinaryOperator(operator: string): operator is BinaryOperator {
  return BINARY_OPERATORS.has(operator);
}

function unsupported(what: string, locator: Locator, start: number, end: number): Expr {
  return new UnsupportedNode(locator, start, end, `${what} is not supported`);
}

function tooDeep(locator: Locator, start: number, end: number): Expr {
  return new UnsupportedNode(locator, start, end, TOO_DEEP);
}
