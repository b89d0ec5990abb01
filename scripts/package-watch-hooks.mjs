// The ESM half of scripts/package-watch.cjs: a package an import resolves.
import { writeSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const match = /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(resolved.url);
  if (match) writeSync(2, `PACKAGE ${match[1]}\n`);
  return resolved;
}
