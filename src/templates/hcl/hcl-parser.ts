import { createRequire } from 'node:module';
import type { Parser, Tree, TreeCursor } from 'web-tree-sitter';
import type { SourceLocation } from '../../core/index.js';
import type { TemplateProblem } from '../model.js';
import { initTreeSitter } from '../tree-sitter.js';
import { readHclBody, readHclWrapped } from './parser/index.js';
import type { HclConverter } from './hcl-convert.js';
import { describeSyntaxError } from './syntax-error.js';
import type { Body, BodySchema, Expr } from './syntax.js';

export type ParseOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: TemplateProblem };

/**
 * What reads the texts the hand-written parser hands over: tree-sitter's HCL parser, or (until a
 * read needs it) a stand-in that notes that it was asked.
 */
export interface HclTreeParser {
  parse(text: string): Tree | null;
}

let loading: Promise<Parser> | undefined;
let loaded: Parser | undefined;
/** What reads a tree-sitter tree, loaded with tree-sitter: a read without it never compiles it. */
let treeReaders: { HclConverter: typeof HclConverter } | undefined;

/** The parser and the grammar are loaded once per process and shared by every read. */
export function loadHclParser(): Promise<Parser> {
  loading ??= createParser().then(
    (parser) => (loaded = parser),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

async function createParser(): Promise<Parser> {
  const [converter] = await Promise.all([import('./hcl-convert.js'), initTreeSitter()]);
  treeReaders = { HclConverter: converter.HclConverter };
  const treeSitter = await import('web-tree-sitter');
  const wasm = createRequire(import.meta.url).resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm');
  const language = await treeSitter.Language.load(wasm);
  const parser = new treeSitter.Parser();
  parser.setLanguage(language);
  return parser;
}

/** Stands in for tree-sitter before it is loaded: gives no tree, and remembers that it was asked. */
class NotLoaded implements HclTreeParser {
  asked = false;

  parse(): null {
    this.asked = true;
    return null;
  }
}

/**
 * Runs a read of HCL texts with tree-sitter as the fallback for nesting too deep for the
 * hand-written parser. Loading web-tree-sitter and its grammar costs more than the whole lint of
 * a small file, and only such nesting needs it: until it is loaded, `read` runs with a stand-in,
 * and when the stand-in was asked for a tree, that result is dropped and `read` runs again with
 * tree-sitter. The read must depend only on its inputs, so that running it twice is running it once.
 */
export async function withHclParser<T>(read: (parser: HclTreeParser) => T): Promise<T> {
  if (loaded !== undefined) return read(loaded);
  const standIn = new NotLoaded();
  const result = read(standIn);
  return standIn.asked ? read(await loadHclParser()) : result;
}

/**
 * Parses a native-syntax HCL file into the blocks and attributes `schema` keeps, with the
 * hand-written parser (several times the speed of tree-sitter and a fraction of its memory: see
 * `npm run bench:hcl`). Tree-sitter reads only what nests too deep for recursive descent.
 */
export function parseHclBody(parser: HclTreeParser, file: string, text: string, schema: BodySchema): ParseOutcome<Body> {
  return readHclBody(file, text, schema) ?? parseHclBodyWithTreeSitter(parser, file, text, schema);
}

/** The tree-sitter reading: the fallback for deep nesting, and the reference the parser is compared with. */
export function parseHclBodyWithTreeSitter(parser: HclTreeParser, file: string, text: string, schema: BodySchema): ParseOutcome<Body> {
  return withTree(parser, file, text, (converter, cursor) => {
    // Comments before the first block are siblings of the body.
    if (cursor.gotoFirstChild()) {
      do {
        if (cursor.nodeType === 'body') return converter.body(schema);
      } while (cursor.gotoNextSibling());
    }
    return { attributes: [], blocks: [] };
  });
}

/** Parses only, for the benchmark's baseline: the tree is built and freed. */
export function parseHclTree(parser: Parser, text: string): void {
  parser.parse(text)?.delete();
}

const EXPRESSION_PREFIX = '__amiguard = ';
const TEMPLATE_MARKER = '__AMIGUARD_TEMPLATE_END__';

/**
 * Parses one expression (a `--var` value, a variable type written as a JSON string). Every node
 * gets `loc`, since the text is not where the user wrote it.
 */
export function parseHclExpression(parser: HclTreeParser, text: string, loc: SourceLocation): ParseOutcome<Expr> {
  return parseWrapped(parser, `${EXPRESSION_PREFIX}${text}\n`, loc, (expr) => expr);
}

/**
 * Parses a string of the JSON syntax as a template: it is written as a heredoc, which takes the
 * text as it is, and the heredoc's final newline is dropped again.
 */
export function parseHclTemplate(parser: HclTreeParser, text: string, loc: SourceLocation): ParseOutcome<Expr> {
  const source = `${EXPRESSION_PREFIX}<<${TEMPLATE_MARKER}\n${text}\n${TEMPLATE_MARKER}\n`;
  return parseWrapped(parser, source, loc, (expr) => {
    if (expr.type !== 'template') return expr;
    const last = expr.parts.at(-1);
    if (last?.type !== 'text' || !last.text.endsWith('\n')) return expr;
    const trimmed = last.text.slice(0, -1);
    const parts = trimmed === '' ? expr.parts.slice(0, -1) : [...expr.parts.slice(0, -1), { type: 'text' as const, text: trimmed }];
    // Not a spread: a node's `loc` is computed by its class (nodes.ts), not an own property.
    return { type: 'template', parts, loc: expr.loc };
  });
}

function parseWrapped(
  parser: HclTreeParser,
  source: string,
  loc: SourceLocation,
  adjust: (expr: Expr) => Expr,
): ParseOutcome<Expr> {
  const outcome = readHclWrapped(source, loc) ?? withTree(
    parser,
    loc.file,
    source,
    (converter, cursor) => {
      if (!cursor.gotoFirstChild() || !cursor.gotoFirstChild() || !cursor.gotoFirstChild()) return undefined;
      while (cursor.nodeType !== 'expression') {
        if (!cursor.gotoNextSibling()) return undefined;
      }
      return converter.expression();
    },
    loc,
  );
  if (!outcome.ok) return { ok: false, problem: { message: outcome.problem.message, location: loc } };
  if (outcome.value === undefined) return { ok: false, problem: { message: 'not an expression', location: loc } };
  return { ok: true, value: adjust(outcome.value) };
}

function withTree<T>(
  parser: HclTreeParser,
  file: string,
  text: string,
  read: (converter: HclConverter, cursor: TreeCursor) => T,
  fixedLoc?: SourceLocation,
): ParseOutcome<T> {
  const tree = parser.parse(text);
  if (tree === null) {
    return { ok: false, problem: { message: 'the HCL parser gave up on this file', location: { kind: 'source', file, line: 1, column: 1, endLine: 1, endColumn: 1 } } };
  }
  try {
    // A tree comes only from the parser loadHclParser() made, with the converter.
    if (treeReaders === undefined) throw new Error('a tree-sitter tree without the converter loadHclParser() loads');
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, problem: describeSyntaxError(root, file, text) };
    const cursor = tree.walk();
    try {
      return { ok: true, value: read(new treeReaders.HclConverter(cursor, text, file, fixedLoc), cursor) };
    } finally {
      cursor.delete();
    }
  } finally {
    tree.delete();
  }
}
