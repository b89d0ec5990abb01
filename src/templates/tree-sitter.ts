let initializing: Promise<void> | undefined;

/**
 * Initializes web-tree-sitter once per process. `Parser.init()` replaces the WASM module every
 * time it runs, which would leave the parsers already made (HCL, bash, Python) pointing into
 * the old module's memory: every grammar loads through this one promise. web-tree-sitter itself
 * is imported here, on first use: most runs read no text that needs it.
 */
export function initTreeSitter(): Promise<void> {
  initializing ??= import('web-tree-sitter').then(({ Parser }) => Parser.init()).catch((error: unknown) => {
    initializing = undefined;
    throw error;
  });
  return initializing;
}
