/**
 * Start-up: main.ts lists the commands without loading them, and `lint` (with `--version` and
 * the overview) must not load the AWS SDK or the sandbox, which cost more start-up than the rest
 * of amiguard together (issue 11). Checked on the source's static import graph: a runtime import
 * (anything but `import type`) pulls a module in when its importer loads; dynamic `import()` in
 * main.ts's registry loads only the command that runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS, run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

const ROOT = resolve(import.meta.dirname, '../..');

function fakeIo(): { io: Io; stdout: () => string } {
  let out = '';
  const io: Io = { cwd: ROOT, env: {}, stdout: { write: (text) => (out += text), isTTY: false }, stderr: { write: () => undefined, isTTY: false } };
  return { io, stdout: () => out };
}

/** Module specifiers a file loads when it is loaded: static imports and re-exports that are not type-only. */
function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  // No `(` in the clause: `export function f() { ... '.' ... }` is not a re-export.
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";(]*?)\s*(?:from\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(statement)) {
    const [, , typeOnly, , specifier = ''] = match;
    if (typeOnly === undefined) specifiers.push(specifier);
  }
  return specifiers;
}

/** Every file and package the entry files load at run time, following relative imports. */
function importGraph(entries: readonly string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.map((entry) => resolve(ROOT, entry));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        assert.ok(existsSync(target), `${relative(ROOT, file)} imports ${specifier}, which does not exist`);
        pending.push(target);
      } else if (specifier.startsWith('node:')) {
        packages.add(specifier);
      } else {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier));
      }
    }
  }
  return { files, packages };
}

/** The packages a run of the installed CLI (the bundle, through bin/amiguard.cjs) resolves, as scripts/package-watch.cjs sees them. */
function packagesOfRun(args: readonly string[]): string[] {
  const result = spawnSync(process.execPath, ['--require', resolve(ROOT, 'scripts/package-watch.cjs'), resolve(ROOT, 'bin/amiguard.cjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, AMIGUARD_CACHE_DIR: 'off', NO_COLOR: '1' },
  });
  assert.ok(result.status === 0 || result.status === 1, result.stderr);
  return [...new Set(result.stderr.split('\n').filter((line) => line.startsWith('PACKAGE ')).map((line) => line.slice(8)))].sort();
}

describe('start-up', () => {
  it('the built CLI: a lint of HCL and of legacy JSON resolves no package, an AWS command the SDK (so the watch sees packages)', () => {
    const corpus = resolve(ROOT, '../shared/corpus/packer');
    assert.deepEqual(packagesOfRun(['lint', join(corpus, '039-packer-plugin-amazon-example-negative/build.pkr.hcl')]), []);
    assert.deepEqual(packagesOfRun(['lint', join(corpus, '017-govuk-ami-json-public-literal/ami.json')]), []);
    assert.ok(packagesOfRun(['show', '--help']).some((name) => name.startsWith('@aws-sdk/')));
  });

  it('lint, --version and the overview load no AWS SDK, sandbox or YAML module', () => {
    const { files, packages } = importGraph(['src/cli/main.ts', 'src/cli/commands/lint.ts']);
    const loaded = [...files].map((file) => relative(ROOT, file));
    assert.ok(loaded.includes('src/lint/index.ts') && loaded.includes('src/rules/index.ts'), 'the graph walk follows imports');
    assert.deepEqual(loaded.filter((file) => /^src\/(aws|sandbox|audit|remediate|manage)\//.test(file)), []);
    assert.deepEqual([...packages].filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/') || name === 'yaml'), []);
  });

  it('lint and the HCL readers load web-tree-sitter (for nesting too deep for their parser), the JSON parser, node:crypto and the HTML and SARIF writers only on demand', () => {
    const { files, packages } = importGraph(['src/cli/main.ts', 'src/cli/commands/lint.ts', 'src/templates/packer-hcl/index.ts', 'src/templates/terraform/read.ts']);
    assert.ok(files.has(resolve(ROOT, 'src/templates/hcl/json-syntax.ts')) && files.has(resolve(ROOT, 'src/report/formats.ts')), 'the graph walk follows imports');
    // Nor the HTML and SARIF writers (loaded for their --format), nor what reads a tree-sitter tree.
    const onDemand = ['src/report/html.ts', 'src/report/sarif.ts', 'src/templates/hcl/hcl-convert.ts'];
    assert.deepEqual(onDemand.filter((file) => files.has(resolve(ROOT, file))), []);
    assert.ok(packages.has('node:fs'), 'the graph walk sees built-in modules');
    assert.deepEqual([...packages].filter((name) => ['web-tree-sitter', '@humanwhocodes/momoa', 'node:crypto'].includes(name)), []);
  });

  it('the import graph walk sees what a file loads', () => {
    assert.deepEqual(
      runtimeImports(`import type { A } from './a.js';\nimport { b, type B } from './b.js';\nexport * from './c.js';\nexport type * from './d.js';\nimport './e.js';\nexport { f } from 'f';\nexport function g(x = ['.']) {}\n`),
      ['./b.js', './c.js', './e.js', 'f'],
    );
    // An AWS command does load the SDK, so the walk would catch a lint module that imports one.
    assert.ok(importGraph(['src/cli/commands/show.ts']).packages.has('@aws-sdk/client-ec2'));
  });

  it('keeps each command\'s name and summary in main.ts equal to the command\'s own', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(command.summary, entry.summary, `${entry.name}: main.ts's summary differs from the command's`);
    }
  });

  it('loads a command for its --help and for help COMMAND, and lists them all in the overview', async () => {
    for (const argv of [['show', '--help'], ['help', 'show']]) {
      const io = fakeIo();
      assert.equal(await run(argv, io.io), 0);
      assert.match(io.stdout(), /^Usage: amiguard show/);
    }
    const io = fakeIo();
    assert.equal(await run(['--help'], io.io), 0);
    for (const entry of COMMANDS) assert.ok(io.stdout().includes(`  ${entry.name}`), entry.name);
  });
});
