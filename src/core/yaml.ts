import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let yamlModule: typeof Yaml | undefined;

/**
 * The yaml library, loaded on first use: it takes longer to load than the rest of `amiguard
 * lint` together (about 0.2 s of start-up), and only a policy file or `yamldecode()` needs it.
 */
export function yaml(): typeof Yaml {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yamlModule;
}

/**
 * Nesting deeper than any real file needs: the yaml library overflows its stack near 2,000
 * levels of flow nesting and aborts the process (out of memory in a regular expression) near
 * 10,000, so every reader refuses deep input before the library sees it.
 */
export const MAX_YAML_DEPTH = 128;

/**
 * Where YAML text nests deeper than `maxDepth` (brackets, or indentation and compact `- - -`
 * sequences, a level taking at least one column), found by a scan that never recurses; undefined
 * when it does not.
 */
export function yamlTooDeep(text: string, maxDepth = MAX_YAML_DEPTH): { readonly line: number; readonly column: number } | undefined {
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let quote: string | undefined;
  let comment = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\n') {
      line += 1;
      lineStart = index + 1;
      comment = false;
      if (flow === 0) quote = undefined;
      continue;
    }
    if (comment) continue;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '#' && (index === lineStart || text[index - 1] === ' ' || text[index - 1] === '\t')) comment = true;
    else if (char === '[' || char === '{') {
      flow += 1;
      if (flow > maxDepth) return { line, column: index - lineStart + 1 };
    } else if ((char === ']' || char === '}') && flow > 0) flow -= 1;
    else if (index === lineStart) {
      let end = index;
      while (text[end] === ' ' || text[end] === '-' || text[end] === '\t') end += 1;
      if (end - index > maxDepth * 4) return { line, column: 1 };
    }
  }
  return undefined;
}

/**
 * The first key that a map of the document repeats, with its offset. The library's own check
 * (`uniqueKeys: true`) compares every key with every other: minutes for a map of 40,000 keys.
 */
export function firstDuplicateKey(root: unknown): { readonly key: string; readonly offset: number | undefined } | undefined {
  const library = yaml();
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    // An alias points at a node already visited; a document can hold one node many times.
    if (node === null || node === undefined || seen.has(node)) continue;
    seen.add(node);
    if (library.isDocument(node)) stack.push(node.contents);
    else if (library.isSeq(node)) for (const item of node.items) stack.push(item);
    else if (library.isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        const text = library.isScalar(key) ? String(key.value) : String(key);
        if (keys.has(text)) return { key: text, offset: library.isNode(key) ? key.range?.[0] : undefined };
        keys.add(text);
        stack.push(pair.value);
      }
    }
  }
  return undefined;
}
