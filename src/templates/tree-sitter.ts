import { Parser } from 'web-tree-sitter';

let initializing: Promise<void> | undefined;

/**
 * Initializes web-tree-sitter once per process. `Parser.init()` replaces the WASM module every
 * time it runs, which would leave the parsers already made (HCL, bash, Python) pointing into
 * the old module's memory: every grammar loads through this one promise.
 */
export function initTreeSitter(): Promise<void> {
  initializing ??= Parser.init().catch((error: unknown) => {
    initializing = undefined;
    throw error;
  });
  return initializing;
}
