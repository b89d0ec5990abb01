import { createRequire } from 'node:module';
import type * as V8 from 'node:v8';

/**
 * The global mark of a run that changed V8's flags. V8 rejects a code cache made under other
 * flags: the CLI's loader (scripts/cli-loader.cjs) writes no cache at the end of such a run, or
 * every run would compile anew and write it again.
 */
export const V8_FLAGS_CHANGED = Symbol.for('amiguard.v8-flags-changed');

/** Sets a V8 flag for the rest of the process (node:v8 loaded on first use), and marks the run. */
export function setV8Flag(flag: string): void {
  (globalThis as Record<symbol, unknown>)[V8_FLAGS_CHANGED] = true;
  (createRequire(import.meta.url)('node:v8') as typeof V8).setFlagsFromString(flag);
}
