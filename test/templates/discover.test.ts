import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dirname } from 'node:path';
import { discoverTemplates as discoverUnits, UNSEARCHED_REASON } from '../../src/templates/discover.js';
import { packerHclFormat } from '../../src/templates/packer-hcl/format.js';
import { packerJsonFormat } from '../../src/templates/packer-json/format.js';

/** The Packer formats' units, shown as legacy templates and HCL configurations (one per folder or named file). */
async function discoverTemplates(paths: readonly string[], cwd: string) {
  const { units, unreadable, skipped } = await discoverUnits(paths, cwd, [packerJsonFormat, packerHclFormat]);
  return {
    jsonTemplates: units.filter((unit) => unit.format === 'packer-json').flatMap((unit) => unit.files),
    hclConfigurations: units
      .filter((unit) => unit.format === 'packer-hcl')
      .map((unit) => ({ dir: dirname(unit.files[0] ?? ''), files: unit.files, autoVarFiles: unit.companions ?? [] })),
    unreadable,
    skipped,
  };
}

const TREE = join(import.meta.dirname, '../fixtures/templates/discover/tree');
const NO_BUILDERS = 'a .json file without a top-level "builders" key';

/**
 * The checked-in tree, copied to a temporary folder and completed with what git cannot hold or
 * ignores: node_modules, symbolic links (to a folder outside, into the tree, and a loop), a binary
 * file and a "builders" key after 100 KB of variables.
 */
let root = '';
let outside = '';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'amiguard-discover-'));
  outside = mkdtempSync(join(tmpdir(), 'amiguard-discover-outside-'));
  writeFileSync(join(outside, 'shared.json'), '{"builders": []}');
  symlinkSync(outside, join(root, 'shared'));
  cpSync(TREE, root, { recursive: true });
  mkdirSync(join(root, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(root, 'node_modules/pkg/template.json'), '{"builders": []}');
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, '.git/template.json'), '{"builders": []}');
  symlinkSync(root, join(root, 'sub/loop'));
  symlinkSync(join(root, 'sub/deeper'), join(root, 'linked'));
  symlinkSync(join(root, 'missing.json'), join(root, 'dangling.json'));
  writeFileSync(join(root, 'binary.json'), Buffer.from([0x7b, 0x22, 0x00, 0x22, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x65, 0x72, 0x73, 0x22]));
  const variables = Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`variable_${index}`, 'x'.repeat(40)]));
  writeFileSync(join(root, 'late.json'), JSON.stringify({ variables, builders: [] }, null, 2));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('discoverTemplates', () => {
  it('finds legacy templates and one HCL configuration per folder under the current folder', async () => {
    const discovered = await discoverTemplates([], root);
    assert.deepEqual(discovered, {
      jsonTemplates: [
        '.hidden/template.json',
        'late.json',
        'legacy.json',
        'shared/shared.json',
        'sub/deeper/template.json',
        'truncated.json',
        'upper-case.json',
      ],
      hclConfigurations: [
        { dir: '.', files: ['app.pkr.hcl', 'extra.pkr.json'], autoVarFiles: ['a.auto.pkrvars.json', 'b.auto.pkrvars.hcl'] },
        { dir: 'sub', files: ['sub/other.pkr.hcl'], autoVarFiles: [] },
      ],
      unreadable: [],
      skipped: [
        { path: '.git', kind: 'excluded', reason: UNSEARCHED_REASON },
        { path: 'binary.json', kind: 'not-a-template', reason: NO_BUILDERS },
        { path: 'dangling.json', kind: 'excluded', reason: 'a symbolic link to nothing' },
        { path: 'escaped-key.json', kind: 'not-a-template', reason: NO_BUILDERS },
        { path: 'linked', kind: 'excluded', reason: 'a symbolic link to sub/deeper, read there or above' },
        { path: 'list.json', kind: 'not-a-template', reason: NO_BUILDERS },
        { path: 'nested.json', kind: 'not-a-template', reason: NO_BUILDERS },
        { path: 'node_modules', kind: 'excluded', reason: UNSEARCHED_REASON },
        { path: 'only-vars/x.auto.pkrvars.hcl', kind: 'not-a-template', reason: 'an auto var-file in a folder without *.pkr.hcl or *.pkr.json' },
        { path: 'sub/loop', kind: 'excluded', reason: 'a symbolic link to ., read there or above' },
        { path: 'text.json', kind: 'not-a-template', reason: NO_BUILDERS },
        { path: 'var-file.json', kind: 'not-a-template', reason: NO_BUILDERS },
      ],
    });
  });

  it('shows the paths below a named folder relative to the working folder', async () => {
    const discovered = await discoverTemplates(['./sub/'], root);
    assert.deepEqual(discovered, {
      jsonTemplates: ['sub/deeper/template.json'],
      hclConfigurations: [{ dir: 'sub', files: ['sub/other.pkr.hcl'], autoVarFiles: [] }],
      unreadable: [],
      skipped: [{ path: 'sub/loop', kind: 'excluded', reason: 'a symbolic link to ., read there or above' }],
    });
    const fromInside = await discoverTemplates(['..'], join(root, 'sub'));
    assert.ok(fromInside.jsonTemplates.includes(`${root}/legacy.json`), 'paths outside the working folder are absolute');
    assert.ok(fromInside.jsonTemplates.includes('deeper/template.json'));
  });

  it('reads named files whatever they hold, and HCL files on their own', async () => {
    const named = ['list.json', 'text.json', 'sub/other.pkr.hcl', 'sub/plain.hcl', 'app.pkr.hcl', 'legacy.json'];
    const discovered = await discoverTemplates(named, root);
    assert.deepEqual(discovered, {
      jsonTemplates: ['legacy.json', 'list.json', 'text.json'],
      hclConfigurations: [
        { dir: '.', files: ['app.pkr.hcl'], autoVarFiles: [] },
        { dir: 'sub', files: ['sub/other.pkr.hcl'], autoVarFiles: [] },
        { dir: 'sub', files: ['sub/plain.hcl'], autoVarFiles: [] },
      ],
      unreadable: [],
      skipped: [],
    });
  });

  it('reads a named file once when its folder is named too', async () => {
    const discovered = await discoverTemplates(['sub', 'sub/other.pkr.hcl', 'sub/deeper/template.json'], root);
    assert.deepEqual(discovered.hclConfigurations, [{ dir: 'sub', files: ['sub/other.pkr.hcl'], autoVarFiles: [] }]);
    assert.deepEqual(discovered.jsonTemplates, ['sub/deeper/template.json']);
  });

  it('reports named paths that are missing, not templates, or variables files', async () => {
    const named = ['nope', 'README.md', 'prod.pkrvars.hcl', 'dangling.json', 'legacy.json/x.json', 'legacy.json'];
    const discovered = await discoverTemplates(named, root);
    assert.deepEqual(discovered.jsonTemplates, ['legacy.json']);
    assert.deepEqual(discovered.unreadable, [
      {
        path: 'README.md',
        reason: 'not a template amiguard reads: it reads *.json files with a top-level "builders" key (Packer legacy JSON); *.pkr.hcl and *.pkr.json files (Packer HCL2)',
      },
      { path: 'dangling.json', reason: 'no such file or folder' },
      { path: 'legacy.json/x.json', reason: 'no such file or folder' },
      { path: 'nope', reason: 'no such file or folder' },
      { path: 'prod.pkrvars.hcl', reason: 'a variables file, not a template: pass it with --var-file' },
    ]);
  });

  it('lists a FIFO named like a template as unreadable, without opening it (which would hang)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-fifo-'));
    try {
      execFileSync('mkfifo', [join(dir, 'pipe.pkr.hcl'), join(dir, 'pipe.json'), join(dir, 'prod.pkrvars.hcl')]);
      writeFileSync(join(dir, 'real.pkr.hcl'), 'source "amazon-ebs" "x" {}\n');
      const discovered = await discoverTemplates([], dir);
      assert.deepEqual(discovered.hclConfigurations, [{ dir: '.', files: ['real.pkr.hcl'], autoVarFiles: [] }]);
      assert.deepEqual(discovered.skipped, [
        { path: 'pipe.json', kind: 'unreadable', reason: 'not a regular file (a FIFO, socket or device), so not read' },
        { path: 'pipe.pkr.hcl', kind: 'unreadable', reason: 'not a regular file (a FIFO, socket or device), so not read' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a named file or folder that cannot be read', { skip: process.getuid?.() === 0 ? 'root reads everything' : false }, async () => {
    const closed = join(root, 'closed.json');
    writeFileSync(closed, '{"builders": []}');
    chmodSync(closed, 0o000);
    try {
      const discovered = await discoverTemplates(['closed.json'], root);
      assert.deepEqual(discovered.unreadable, [{ path: 'closed.json', reason: 'permission denied' }]);
    } finally {
      rmSync(closed);
    }
  });
});
