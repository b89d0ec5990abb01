/**
 * Turns a real configuration (a corpus case) into what `packer console` 1.6.6 can evaluate: only
 * its `variable` and `locals` blocks (1.6.6 knows neither `packer { required_plugins }` nor `data`
 * blocks, and the console does not need sources or builds), plus one local per sharing field
 * holding the field's expression as written; functions 1.6.6 lacks are spelt with older ones.
 */
import type { Node } from 'web-tree-sitter';
import type { SharingField } from '../../../src/templates/model.js';
import { loadHclParser } from '../../../src/templates/hcl/hcl-parser.js';

const KEPT_BLOCKS = new Set(['variable', 'locals']);

/**
 * Functions of current Packer that 1.6.6 lacks, written with functions 1.6.6 has; each gives the
 * same value as long as the second argument is a plain string (no `/.../` regex for replace()).
 */
export const LEGACY_SPELLINGS: ReadonlyMap<string, (args: readonly string[]) => string> = new Map([
  ['startswith', ([x, p]: readonly string[]) => `(substr(${x ?? ''}, 0, length(${p ?? ''})) == ${p ?? ''})`],
  ['endswith', ([x, p]: readonly string[]) => `(strrev(substr(strrev(${x ?? ''}), 0, length(${p ?? ''}))) == ${p ?? ''})`],
  // replace() makes a number a string; so must the other side of the comparison.
  ['strcontains', ([x, p]: readonly string[]) => `(replace(${x ?? ''}, ${p ?? ''}, "") != convert(${x ?? ''}, string))`],
  ['alltrue', ([x]: readonly string[]) => `(!contains(${x ?? ''}, false))`],
  ['anytrue', ([x]: readonly string[]) => `contains(${x ?? ''}, true)`],
]);

/** The node's text with every call of LEGACY_SPELLINGS written the 1.6.6 way. */
function legacyText(node: Node, text: string): string {
  if (node.type === 'function_call') {
    const spell = LEGACY_SPELLINGS.get(node.namedChildren[0]?.text ?? '');
    const args = node.namedChildren.find((child) => child?.type === 'function_arguments');
    if (spell !== undefined && args !== undefined && args !== null) {
      return spell(args.namedChildren.flatMap((arg) => (arg === null ? [] : [legacyText(arg, text)])));
    }
  }
  let result = '';
  let position = node.startIndex;
  for (const child of node.namedChildren) {
    if (child === null) continue;
    result += text.slice(position, child.startIndex) + legacyText(child, text);
    position = child.endIndex;
  }
  return result + text.slice(position, node.endIndex);
}

/** The file with every other top-level block blanked out, line for line (so errors keep their lines). */
export async function variablesAndLocals(text: string): Promise<string> {
  const parser = await loadHclParser();
  const tree = parser.parse(text);
  if (tree === null) throw new Error('the HCL parser gave up');
  try {
    const lines = legacyText(tree.rootNode, text).split('\n');
    const body = tree.rootNode.namedChildren.find((node) => node?.type === 'body');
    for (const block of body?.namedChildren ?? []) {
      if (block === null || block.type !== 'block') continue;
      if (KEPT_BLOCKS.has(block.namedChildren[0]?.text ?? '')) continue;
      for (let row = block.startPosition.row; row <= block.endPosition.row; row += 1) lines[row] = '';
    }
    return lines.join('\n');
  } finally {
    tree.delete();
  }
}

/**
 * The expression of the `field` attribute that starts on `line` (1-based), written so that it can
 * stand in a `locals` block: inside a `dynamic` block's content, the iterator's `.key` and
 * `.value` become those of a `for` over the block's `for_each`, taken at `key`.
 */
export async function fieldExpression(text: string, field: SharingField, line: number, key: string | undefined): Promise<string> {
  const parser = await loadHclParser();
  const tree = parser.parse(text);
  if (tree === null) throw new Error('the HCL parser gave up');
  try {
    const attribute = findAttribute(tree.rootNode, field, line - 1);
    const expression = attribute?.namedChildren.find((child) => child?.type === 'expression');
    if (attribute === undefined || expression === undefined || expression === null) throw new Error(`no ${field} attribute on line ${line}`);
    const dynamic = enclosingDynamic(attribute);
    const written = legacyText(expression, text);
    if (dynamic === undefined) return written;
    if (key === undefined) throw new Error(`${field} on line ${line} is in a dynamic block, but the image has no key`);
    const iterator = JSON.parse(dynamic.namedChildren[1]?.text ?? '""') as string;
    const forEach = attributeOf(dynamic, 'for_each');
    if (forEach === undefined) throw new Error(`the dynamic block around line ${line} has no for_each`);
    const rewritten = written.replace(new RegExp(`\\b${iterator}\\.(key|value)\\b`, 'g'), (_match, part: string) => `amiguard_${part}`);
    return `{ for amiguard_key, amiguard_value in ${forEach} : amiguard_key => ${rewritten} }[${JSON.stringify(key)}]`;
  } finally {
    tree.delete();
  }
}

function findAttribute(node: Node, name: string, row: number): Node | undefined {
  if (node.type === 'attribute' && node.startPosition.row === row && node.namedChildren[0]?.text === name) return node;
  if (node.startPosition.row > row || node.endPosition.row < row) return undefined;
  for (const child of node.namedChildren) {
    const found = child === null ? undefined : findAttribute(child, name, row);
    if (found !== undefined) return found;
  }
  return undefined;
}

function enclosingDynamic(node: Node): Node | undefined {
  for (let parent = node.parent; parent !== null; parent = parent.parent) {
    if (parent.type === 'block' && parent.namedChildren[0]?.text === 'dynamic') return parent;
  }
  return undefined;
}

function attributeOf(block: Node, name: string): string | undefined {
  const body = block.namedChildren.find((child) => child?.type === 'body');
  const attribute = body?.namedChildren.find((child) => child?.type === 'attribute' && child.namedChildren[0]?.text === name);
  return attribute?.namedChildren.find((child) => child?.type === 'expression')?.text;
}
