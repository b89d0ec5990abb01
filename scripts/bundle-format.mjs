// The format of the bundled CLI's files, which scripts/cli-loader.cjs reads: written by
// scripts/bundle-cli.mjs, and by test/cli/cli-loader.test.ts for bundles of its own making.

/** The parameters of every chunk's function: scripts/cli-loader.cjs calls it with these. */
export const PARAMETERS = '(exports, require, module, __filename, __dirname, __importMeta)';

/**
 * A file of one chunk: an object of it by name, the function parenthesised, which V8 compiles at
 * once (a chunk alone in its file always runs).
 */
export function aloneFile(name, code) {
  return `({${JSON.stringify(name)}:(function ${PARAMETERS} {${code}\n})})`;
}

/** A file of several chunks, by name: each function compiles when it first runs. */
export function packedFile(chunks) {
  return `({${chunks.map(({ name, code }) => `${JSON.stringify(name)}:function ${PARAMETERS} {${code}\n}`).join(',\n')}})`;
}

/** The loader's source with the build's id and the packed chunks' files (by chunk) filled in. */
export function fillLoader(source, build, packedNames) {
  if (!source.includes("'__AMIGUARD_PACKED__'") || !source.includes('__AMIGUARD_BUILD__')) throw new Error('scripts/cli-loader.cjs lost a placeholder the build fills in');
  return source.replace("'__AMIGUARD_PACKED__'", JSON.stringify(packedNames)).replace('__AMIGUARD_BUILD__', build);
}
