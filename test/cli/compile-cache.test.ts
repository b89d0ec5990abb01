/**
 * The bundled CLI's code cache (scripts/cli-loader.cjs): a command's first run saves what V8
 * compiled, later runs start from it, and the cache never changes what a run does: a broken
 * cache is compiled past and replaced, a folder another user could write is not used, and
 * AMIGUARD_CACHE_DIR=off turns it off. Spawned: the loader is the process's start.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'amiguard-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const LINT = ['lint', 'examples/legacy-json', '--format', 'json'];

/** The cache files under `root`, by path relative to it. */
function caches(root: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (folder: string, prefix: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name), `${prefix}${entry.name}/`);
      else found.set(`${prefix}${entry.name}`, readFileSync(join(folder, entry.name)));
    }
  };
  if (existsSync(root)) walk(root, '');
  return found;
}

/** Each cache file's inode: a cache written again (to a new file, renamed over it) has a new one. */
function inodes(root: string): Map<string, number> {
  return new Map([...caches(root).keys()].map((file) => [file, statSync(join(root, file)).ino]));
}

describe('the code cache of the bundled CLI', () => {
  it('is written by a command\'s first run, per command, and a run from it prints the same', async () => {
    const root = join(scratch, 'plain');
    const first = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    const written = caches(root);
    assert.ok([...written.keys()].some((file) => /^[0-9a-f]{16}-node[^/]+\/lint\/main\.cjs\.\d+\.\d+$/.test(file)), [...written.keys()].join(', '));
    assert.ok([...written.keys()].every((file) => file.split('/')[1] === 'lint'));
    const inodesBefore = inodes(root);
    const again = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    assert.deepEqual([again.code, again.stdout, again.stderr], [first.code, first.stdout, first.stderr]);
    assert.deepEqual(inodes(root), inodesBefore, 'an accepted cache is used, not written again');
    assert.equal(statSync(root).mode & 0o777, 0o700);

    await runCli(['--version'], { env: { AMIGUARD_CACHE_DIR: root } });
    assert.ok([...caches(root).keys()].some((file) => file.split('/')[1] === '-'), 'an option, not a command, has a cache of its own');
    // A name that is not a command (a typo) leaves no folder of its own.
    const typo = await runCli(['lnt'], { env: { AMIGUARD_CACHE_DIR: root } });
    assert.equal(typo.code, 2);
    assert.deepEqual([...new Set([...caches(root).keys()].map((file) => file.split('/')[1]))].sort(), ['-', 'lint']);
  });

  it('runs the JSON parser from the bundle (and its cache), and only for a run that reads JSON', async () => {
    const root = join(scratch, 'momoa');
    const momoaCaches = (): string[] => [...caches(root).keys()].filter((file) => /\/momoa\.cjs\.\d+\.\d+$/.test(file));
    const hcl = await runCli(['lint', 'examples/public-base', '--format', 'json'], { env: { AMIGUARD_CACHE_DIR: root } });
    assert.equal(hcl.code, 1, hcl.stderr);
    assert.deepEqual(momoaCaches(), [], 'an HCL lint does not load the JSON parser');
    const json = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    assert.ok(json.stdout.includes('"ruleId"'), json.stdout);
    assert.equal(momoaCaches().length, 1, [...caches(root).keys()].join(', '));
  });

  it('grows to what a command\'s runs use: a run that loads a chunk the caches do not cover writes every chunk it loaded', async () => {
    const root = join(scratch, 'union');
    const hclLint = ['lint', 'examples/public-base', '--format', 'json'];
    const hcl = await runCli(hclLint, { env: { AMIGUARD_CACHE_DIR: root } });
    const afterHcl = inodes(root);
    const mainCache = [...afterHcl.keys()].find((file) => /\/lint\/main\.cjs\./.test(file));
    assert.ok(mainCache !== undefined);
    const coveredList = (): string[] => [...caches(root)].filter(([file]) => file.endsWith('/lint/chunks')).flatMap(([, data]) => data.toString().split('\n'));
    assert.ok(coveredList().some((name) => name.startsWith('packer-hcl-')), coveredList().join(', '));

    // A JSON lint loads the JSON reader, which no cache covers: the chunks it shares with the HCL
    // lint (main.cjs) are written again, with what both runs compiled.
    await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    const afterJson = inodes(root);
    assert.notEqual(afterJson.get(mainCache), afterHcl.get(mainCache), 'the shared chunk is written again');
    assert.ok(coveredList().some((name) => name.startsWith('packer-json-')) && coveredList().some((name) => name.startsWith('packer-hcl-')));

    // Now both are covered: neither run writes anything, and each prints what it printed.
    const hclAgain = await runCli(hclLint, { env: { AMIGUARD_CACHE_DIR: root } });
    await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    assert.deepEqual(inodes(root), afterJson);
    assert.deepEqual([hclAgain.code, hclAgain.stdout, hclAgain.stderr], [hcl.code, hcl.stdout, hcl.stderr]);
  });

  it('compiles past a broken cache, prints the same, and replaces it', async () => {
    const root = join(scratch, 'broken');
    const first = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    // The list of covered chunks is left as it is: with it broken too, every chunk would count as
    // uncovered and be written again, whatever the loader made of a cache V8 rejects.
    for (const file of caches(root).keys()) if (!file.endsWith('/chunks')) writeFileSync(join(root, file), Buffer.from('not a V8 code cache'));
    const again = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    assert.deepEqual([again.code, again.stdout, again.stderr], [first.code, first.stdout, first.stderr]);
    for (const [file, data] of caches(root)) assert.notEqual(data.toString(), 'not a V8 code cache', `${file} was replaced`);
  });

  it('reads past a FIFO or an oversized file where a cache or the list of covered chunks should be, without blocking', async () => {
    const root = join(scratch, 'odd');
    const first = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    const [main, other] = [...caches(root).keys()].filter((file) => /\/(main|small)\.cjs\./.test(file));
    const list = [...caches(root).keys()].find((file) => file.endsWith('/lint/chunks'));
    assert.ok(main !== undefined && other !== undefined && list !== undefined);
    for (const fifo of [main, list]) {
      rmSync(join(root, fifo));
      execFileSync('mkfifo', [join(root, fifo)]);
    }
    writeFileSync(join(root, other), Buffer.alloc(17 * 1024 * 1024));
    const again = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root }, process: { timeout: 20_000 } });
    assert.deepEqual([again.code, again.stdout, again.stderr], [first.code, first.stdout, first.stderr]);
  });

  it('does not use a folder that others can write', async () => {
    const root = join(scratch, 'shared');
    const first = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    const planted = caches(root);
    for (const file of planted.keys()) writeFileSync(join(root, file), Buffer.from('planted'));
    chmodSync(root, 0o777);
    const again = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: root } });
    assert.deepEqual([again.code, again.stdout, again.stderr], [first.code, first.stdout, first.stderr]);
    for (const [file, data] of caches(root)) assert.equal(data.toString(), 'planted', `${file} is left alone`);
  });

  it('is not written by a run that changed V8\'s flags (tree-sitter\'s WebAssembly), whose cache V8 would reject', async () => {
    const root = join(scratch, 'flags');
    const first = await runCli(['lint', 'examples/scripts', '--format', 'json'], { env: { AMIGUARD_CACHE_DIR: root } });
    assert.equal(first.code, 1, first.stderr);
    assert.deepEqual([...caches(root).keys()], []);
  });

  it('is off with AMIGUARD_CACHE_DIR=off, and without a usable folder the run is the same', async () => {
    const home = join(scratch, 'home');
    mkdirSync(home);
    const off = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: 'off', HOME: home } });
    assert.deepEqual(readdirSync(home), []);
    const blocked = join(scratch, 'blocked');
    writeFileSync(blocked, 'a file where the folder would be');
    const unusable = await runCli(LINT, { env: { AMIGUARD_CACHE_DIR: join(blocked, 'cache') } });
    assert.deepEqual([unusable.code, unusable.stdout, unusable.stderr], [off.code, off.stdout, off.stderr]);
    assert.equal(off.code, 1);
  });
});
