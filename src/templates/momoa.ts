import { createRequire } from 'node:module';
import type * as Momoa from '@humanwhocodes/momoa';

let momoaModule: typeof Momoa | undefined;

/**
 * The located JSON parser, loaded on first use (its CommonJS build, which loads synchronously):
 * a lint of HCL files reads JSON only for `*.pkr.json` and JSON var-files, and loading the parser
 * costs more start-up than reading a small template. Every reader gets it here, so a process
 * holds one copy.
 */
export function momoa(): typeof Momoa {
  momoaModule ??= createRequire(import.meta.url)('@humanwhocodes/momoa') as typeof Momoa;
  return momoaModule;
}
