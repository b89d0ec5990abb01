import { setV8Flag } from '../core/v8-flags.js';

let initializing: Promise<void> | undefined;

/**
 * Initializes web-tree-sitter once per process. `Parser.init()` replaces the WASM module every
 * time it runs, which would leave the parsers already made (HCL, bash, Python) pointing into
 * the old module's memory: every grammar loads through this one promise. web-tree-sitter itself
 * is imported here, on first use: most runs read no text that needs it.
 */
export function initTreeSitter(): Promise<void> {
  initializing ??= start().catch((error: unknown) => {
    initializing = undefined;
    throw error;
  });
  return initializing;
}

async function start(): Promise<void> {
  // V8 compiles the hot parts of the grammars a second time, optimised, after a small budget of
  // work: for a lint of a few files that costs more CPU (~0.15 s) and memory (~18 MiB) than the
  // parsing itself. A budget 100x V8's default keeps short runs on the baseline code; a lint of
  // thousands of files still tiers up, a few seconds later. Set here, just before the first
  // WebAssembly, not at start-up: changing a V8 flag makes Node compile every built-in module
  // loaded after it without its code cache, which cost every run ~5 ms (issue 11).
  setV8Flag('--wasm-tiering-budget=180000000');
  const { Parser } = await import('web-tree-sitter');
  await Parser.init();
}
