import type { SourceFile } from '../model.js';
import { momoa } from '../momoa.js';
import { readHclBody } from './parser/index.js';
import type { BodySchema } from './syntax.js';

const NOTHING: BodySchema = { attributes: new Set(), blocks: new Map() };

/**
 * Bare parse of HCL files (native syntax and JSON) without evaluation, the baseline of `npm run
 * bench:lint` for Packer and Terraform: the parser in use checks the text and keeps nothing.
 */
export function parseHclOnly(files: readonly SourceFile[]): Promise<void> {
  for (const file of files) {
    if (!file.path.endsWith('.json')) {
      readHclBody(file.path, file.text, NOTHING);
      continue;
    }
    try {
      momoa().parse(file.text, { mode: 'json' });
    } catch {
      // Invalid JSON costs its parse all the same; the reader reports it.
    }
  }
  return Promise.resolve();
}
