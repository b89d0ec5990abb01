/**
 * How deep a JSON text nests, checked before a recursive parser sees it: a parser that recurses
 * once per level overflows the stack at a depth that depends on how warm the JIT is (5,000 levels
 * failed in a fresh process and passed in a warm one), so the limit is a number instead, the same
 * on every run. Go's encoding/json stops at 10,000; a template is a few levels deep.
 */
export const MAX_JSON_DEPTH = 1000;

/** Where `text` first opens an array or object deeper than `maxDepth`, or undefined. Strings (with their escapes) are skipped. */
export function jsonTooDeep(text: string, maxDepth = MAX_JSON_DEPTH): { readonly line: number; readonly column: number } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index += 1;
      else if (char === 0x22 /* " */) inString = false;
      else if (char === 0x0a) {
        line += 1;
        lineStart = index + 1;
      }
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      depth += 1;
      if (depth > maxDepth) return { line, column: index - lineStart + 1 };
    } else if ((char === 0x5d /* ] */ || char === 0x7d) /* } */ && depth > 0) depth -= 1;
    else if (char === 0x0a) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return undefined;
}
