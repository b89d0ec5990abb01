/**
 * The bundled CLI's loader (scripts/cli-loader.cjs) on a bundle of its own making: chunks that
 * share a file (the small ones, packed by scripts/bundle-cli.mjs) still run only when first
 * required, once, each as a module of its own. Packing puts the AWS commands' small chunks in the
 * same file as lint's: a chunk run because its file was read would be a command's code running
 * in another command. In-process, with the code cache off.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { setEnv } from './run-cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PARAMETERS = '(exports, require, module, __filename, __dirname, __importMeta)';
const scratch = mkdtempSync(join(tmpdir(), 'amiguard-loader-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A bundle: main.cjs alone, and a.cjs, b.cjs, c.cjs packed in small.cjs. */
function writeBundle(folder: string): void {
  const chunk = (name: string, code: string): string => `${JSON.stringify(name)}:function ${PARAMETERS} {${code}\n}`;
  writeFileSync(
    join(folder, 'main.cjs'),
    `({"main.cjs":(function ${PARAMETERS} {
      exports.run = async () => {
        const a = require('./a.cjs');
        const again = require('./a.cjs');
        const c = require('./c.cjs');
        globalThis.loaderTest.push(['main', a === again, c.fromA === a, c.url]);
        return 7;
      };
    \n})})`,
  );
  writeFileSync(
    join(folder, 'small.cjs'),
    `({${[
      chunk('a.cjs', "globalThis.loaderTest.push(['a']); exports.name = 'a';"),
      chunk('b.cjs', "globalThis.loaderTest.push(['b']);"),
      chunk('c.cjs', "globalThis.loaderTest.push(['c']); exports.fromA = require('./a.cjs'); exports.url = __importMeta.url;"),
    ].join(',\n')}})`,
  );
  const packed = { 'a.cjs': 'small.cjs', 'b.cjs': 'small.cjs', 'c.cjs': 'small.cjs' };
  const loader = readFileSync(join(ROOT, 'scripts/cli-loader.cjs'), 'utf8').replace("'__AMIGUARD_PACKED__'", JSON.stringify(packed)).replace('__AMIGUARD_BUILD__', '0123456789abcdef');
  writeFileSync(join(folder, 'index.cjs'), loader);
}

describe('the CLI loader', () => {
  it('runs a packed chunk only when it is first required, once, and never the others in its file', async () => {
    const folder = mkdtempSync(join(scratch, 'bundle-'));
    writeBundle(folder);
    const restore = setEnv({ AMIGUARD_CACHE_DIR: 'off' });
    const log: unknown[][] = [];
    Reflect.set(globalThis, 'loaderTest', log);
    try {
      const { run } = createRequire(import.meta.url)(join(folder, 'index.cjs')) as { run: (argv: string[]) => Promise<number> };
      assert.equal(await run(['lint']), 7);
    } finally {
      restore();
      Reflect.deleteProperty(globalThis, 'loaderTest');
    }
    // a runs once (required twice, and by c), b never: it shares the file, not the run.
    assert.deepEqual(log, [['a'], ['c'], ['main', true, true, `file://${folder}/c.cjs`]]);
  });
});
