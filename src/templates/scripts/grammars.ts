import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';
import { initTreeSitter } from '../tree-sitter.js';

export type Grammar = 'bash' | 'python';

const loading = new Map<Grammar, Promise<Parser>>();

/**
 * The parser of one grammar, loaded on first use and shared by every read: a lint run that
 * meets no script never loads either grammar (start-up time, issue 11).
 */
export function loadGrammar(grammar: Grammar): Promise<Parser> {
  let parser = loading.get(grammar);
  if (parser === undefined) {
    parser = createParser(grammar).catch((error: unknown) => {
      loading.delete(grammar);
      throw error;
    });
    loading.set(grammar, parser);
  }
  return parser;
}

async function createParser(grammar: Grammar): Promise<Parser> {
  await initTreeSitter();
  const wasm = createRequire(import.meta.url).resolve(`tree-sitter-${grammar}/tree-sitter-${grammar}.wasm`);
  const parser = new Parser();
  parser.setLanguage(await Language.load(wasm));
  return parser;
}

/** Parses `text` and hands the tree to `read`, freeing it after; undefined when the parser gives up. */
export function withTree<T>(parser: Parser, text: string, read: (tree: Tree) => T): T | undefined {
  const tree = parser.parse(text);
  if (tree === null) return undefined;
  try {
    return read(tree);
  } finally {
    tree.delete();
  }
}

/** The first ERROR or MISSING node in document order, without recursion (deeply nested input). */
export function firstError(root: Node): Node | undefined {
  if (!root.hasError) return undefined;
  const cursor = root.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) return node;
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return root;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Where a syntax error is: an ERROR node often starts with the complete statements before the
 * token the parser could not place, so the place is its first child that is a bare token, a
 * missing one, or an error itself.
 */
export function errorPlace(root: Node): { start: number; end: number; text: string } | undefined {
  const error = firstError(root);
  if (error === undefined) return undefined;
  const token = error.isError ? error.children.find((child) => !child.isNamed || child.isError || child.isMissing) : undefined;
  const node = token ?? error;
  return { start: node.startIndex, end: Math.max(node.startIndex + 1, Math.min(node.endIndex, node.startIndex + 40)), text: node.text };
}

/** Every node of the tree whose type is in `types`, in document order, without recursion. */
export function nodesOfType(root: Node, types: ReadonlySet<string>): Node[] {
  const found: Node[] = [];
  const cursor = root.walk();
  try {
    for (;;) {
      if (types.has(cursor.nodeType)) found.push(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return found;
      }
    }
  } finally {
    cursor.delete();
  }
}
