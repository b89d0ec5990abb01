/**
 * The bundled CLI's loader (scripts/cli-loader.cjs) on a bundle of its own making: chunks that
 * share a file (the small ones, packed by scripts/bundle-cli.mjs) still run only when first
 * required, once, each as a module of its own. Packing puts the AWS commands' small chunks in the
 * same file as lint's: a chunk run because its file was read would be a command's code running
 * in another command. In-process, with the code cache off.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { aloneFile, fillLoader, packedFile } from '../../scripts/bundle-format.mjs';
import { withEnv } from './run-cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'amiguard-loader-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A bundle: main.cjs alone (its `run` is `main`), and the chunks `packed` (name: code) in small.cjs. */
function writeBundle(folder: string, main: string, packed: Readonly<Record<string, string>>): void {
  writeFileSync(join(folder, 'main.cjs'), aloneFile('main.cjs', `exports.run = async () => {${main}};`));
  writeFileSync(join(folder, 'small.cjs'), packedFile(Object.entries(packed).map(([name, code]) => ({ name, code }))));
  const files = Object.fromEntries(Object.keys(packed).map((name) => [name, 'small.cjs']));
  writeFileSync(join(folder, 'index.cjs'), fillLoader(readFileSync(join(ROOT, 'scripts/cli-loader.cjs'), 'utf8'), '0123456789abcdef', files));
}

/** Runs the bundle in `folder` with the code cache off; its run's exit code, and what its chunks logged. */
async function runBundle(folder: string): Promise<{ code: number; log: unknown[][] }> {
  const log: unknown[][] = [];
  Reflect.set(globalThis, 'loaderTest', log);
  try {
    const { run } = createRequire(import.meta.url)(join(folder, 'index.cjs')) as { run: (argv: string[]) => Promise<number> };
    return { code: await withEnv({ AMIGUARD_CACHE_DIR: 'off' }, () => run(['lint'])), log };
  } finally {
    Reflect.deleteProperty(globalThis, 'loaderTest');
  }
}

describe('the CLI loader', () => {
  it('runs a packed chunk only when it is first required, once, and never the others in its file', async () => {
    const folder = mkdtempSync(join(scratch, 'bundle-'));
    writeBundle(
      folder,
      `
        const a = require('./a.cjs');
        const again = require('./a.cjs');
        const c = require('./c.cjs');
        globalThis.loaderTest.push(['main', a === again, c.fromA === a, c.url]);
        return 7;
      `,
      {
        'a.cjs': "globalThis.loaderTest.push(['a']); exports.name = 'a';",
        'b.cjs': "globalThis.loaderTest.push(['b']);",
        'c.cjs': "globalThis.loaderTest.push(['c']); exports.fromA = require('./a.cjs'); exports.url = __importMeta.url;",
      },
    );
    const { code, log } = await runBundle(folder);
    assert.equal(code, 7);
    // a runs once (required twice, and by c), b never: it shares the file, not the run.
    assert.deepEqual(log, [['a'], ['c'], ['main', true, true, `file://${folder}/c.cjs`]]);
  });

  it('runs a chunk that threw again when it is required again, as Node does, instead of handing out its half-made exports', async () => {
    const folder = mkdtempSync(join(scratch, 'bundle-'));
    writeBundle(
      folder,
      `
        let first;
        try { require('./d.cjs'); } catch (error) { first = error.message; }
        globalThis.loaderTest.push(['main', first, require('./d.cjs').ready]);
        return 0;
      `,
      { 'd.cjs': "globalThis.loaderTest.push(['d']); if (globalThis.loaderTest.length === 1) throw new Error('not yet'); exports.ready = true;" },
    );
    const { log } = await runBundle(folder);
    assert.deepEqual(log, [['d'], ['d'], ['main', 'not yet', true]]);
  });

  it('the bin exits 2, not 1 (findings), when the bundle itself fails to load or run', () => {
    const install = mkdtempSync(join(scratch, 'install-'));
    mkdirSync(join(install, 'bin'));
    mkdirSync(join(install, 'dist/cli'), { recursive: true });
    copyFileSync(join(ROOT, 'bin/amiguard.cjs'), join(install, 'bin/amiguard.cjs'));
    writeFileSync(join(install, 'dist/cli/index.cjs'), "exports.run = async () => { throw new Error('a chunk is missing'); };\n");
    const result = spawnSync(process.execPath, [join(install, 'bin/amiguard.cjs'), 'lint'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^amiguard: internal error .*\nError: a chunk is missing\n/);
  });
});
