/**
 * Hostile input to the Terraform reader: random text, huge, binary and deeply nested files, a
 * FIFO named like a configuration, counts and modules that would expand without end. Each gives
 * a result or a problem with a place, never an exception, a hang or a stack overflow.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lint } from '../../../src/lint/index.js';
import type { UnitRead } from '../../../src/templates/format.js';
import { readTerraform } from '../../../src/templates/terraform/read.js';
import { MAX_MODULE_DEPTH } from '../../../src/templates/terraform/module.js';
import { describe as describeSubject, memory, readFolder } from './read-module.js';

function wellFormed(read: UnitRead): void {
  for (const problem of read.problems) {
    assert.equal(typeof problem.message, 'string');
    assert.ok(problem.location.line >= 1 && problem.location.column >= 1, 'problems have a 1-based place');
  }
  for (const subject of read.subjects) {
    for (const sharing of [subject.launch, subject.snapshot]) {
      for (const entry of [...sharing.grants, ...sharing.invalid, ...sharing.unknowns]) {
        assert.ok(entry.location.kind === 'source' && entry.location.line >= 1 && entry.location.column >= 1);
      }
    }
  }
}

const alphabet = fc.constantFrom(
  ...'{}[]()"=:,.?!<>%$#*/\\\n \tabcxyz019_-'.split(''),
  'resource ',
  '"aws_ami_launch_permission" ',
  '"aws_imagebuilder_distribution_configuration" ',
  'dynamic ',
  'for_each = ',
  'count = ',
  'module ',
  'source = "./"',
  'launch_permission ',
  'group = ',
  '"all"',
  'var.',
  'each.value',
  'count.index',
  '${',
  '%{',
);

async function readText(text: string, name = 'main.tf'): Promise<UnitRead> {
  return readTerraform([name], [], memory({ [name]: text }));
}

function tree(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), 'amiguard-tf-hostile-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
  }
  return base;
}

describe('the Terraform reader under random input (fast-check)', () => {
  it('any text gives subjects or problems, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 200 }).map((parts) => parts.join('')), async (text) => {
        wellFormed(await readText(text));
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });

  it('any JSON value as a .tf.json resource body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const text = JSON.stringify({ resource: { aws_ami_launch_permission: { x: value }, aws_imagebuilder_distribution_configuration: { y: value } } });
        wellFormed(await readText(text, 'main.tf.json'));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('hostile Terraform files', () => {
  it('a 10 MB configuration is read, with its grant at the right line', async () => {
    const filler = Array.from({ length: 230_000 }, (_, i) => `  tag_${i} = "value-${i}-padding-padding"`).join('\n');
    const text = `locals {\n${filler}\n}\nresource "aws_ami_launch_permission" "x" {\n  image_id = "ami-12345678"\n  group    = "all"\n}\n`;
    assert.ok(text.length > 10_000_000, `${text.length} bytes`);
    const read = await readText(text);
    assert.deepEqual(describeSubject(read.subjects[0] ?? assert.fail('no subject')), ['launch group=all @230005:14']);
  });

  it('deeply nested expressions and JSON give a problem or an unknown, not a stack overflow', async () => {
    const depth = 50_000;
    const brackets = await readText(`resource "aws_ami_launch_permission" "x" {\n  account_id = ${'['.repeat(depth)}"1"${']'.repeat(depth)}\n}\n`);
    wellFormed(brackets);
    assert.ok(brackets.problems.length > 0 || brackets.subjects[0]?.launch.unknowns.length === 1);
    const parens = await readText(`locals {\n  x = ${'('.repeat(depth)}"all"${')'.repeat(depth)}\n}\nresource "aws_ami_launch_permission" "x" {\n  group = local.x\n}\n`);
    wellFormed(parens);
    assert.ok(parens.problems.length > 0 || parens.subjects[0]?.launch.unknowns.length === 1, 'too deep to evaluate: said, not guessed');
    const json = await readText(`{"locals": {"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`, 'main.tf.json');
    assert.ok(json.problems.length > 0);
  });

  it('a huge count or for_each is one instance whose grants are doubtful, not a million subjects', async () => {
    const read = await readText(
      [
        'resource "aws_ami_launch_permission" "many" {',
        '  count    = 100000000',
        '  image_id = "ami-12345678"',
        '  group    = "all"',
        '}',
        'resource "aws_ami_launch_permission" "each" {',
        '  for_each   = toset([for i in range(5000) : tostring(i)])',
        '  image_id   = "ami-12345678"',
        '  account_id = each.value',
        '}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(read.subjects.map((subject) => subject.name), ['aws_ami_launch_permission.many', 'aws_ami_launch_permission.each']);
    assert.match(read.subjects[0]?.launch.unknowns[0]?.reason ?? '', /count is 100000000, more instances than amiguard expands/);
    assert.deepEqual(read.subjects[0]?.launch.unknowns[0]?.mayInclude, ['all']);
    assert.match(read.subjects[1]?.launch.unknowns[0]?.reason ?? '', /for_each has 5000 elements/);
  });

  it('cyclic locals and a module whose input needs its own output are unknowns, not a hang', async () => {
    const base = tree({
      'root/main.tf': [
        'locals {',
        '  a = local.b',
        '  b = local.a',
        '}',
        'module "m" {',
        '  source = "../m"',
        '  x      = module.m.out',
        '}',
        'resource "aws_ami_launch_permission" "x" {',
        '  group = local.a',
        '}',
        '',
      ].join('\n'),
      'm/main.tf': 'variable "x" {}\noutput "out" {\n  value = var.x\n}\nresource "aws_ami_launch_permission" "y" {\n  account_id = var.x\n}\n',
    });
    const read = await readFolder(join(base, 'root'), { cwd: base });
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.subjects.flatMap((subject) => describeSubject(subject).map((line) => `${subject.name}: ${line}`)), [
      'aws_ami_launch_permission.x: launch unknown group: local.a is part of a reference cycle @10:11',
      'module.m.aws_ami_launch_permission.y: launch unknown account_id: module.m.out is not evaluated: the module is not local, or has count or for_each @6:16',
    ]);
  });

  it(`local modules nested deeper than ${MAX_MODULE_DEPTH} are not followed, with a problem that says so`, async () => {
    const files: Record<string, string> = {};
    for (let level = 0; level <= MAX_MODULE_DEPTH + 2; level++) files[`m${level}/main.tf`] = `module "next" {\n  source = "../m${level + 1}"\n}\n`;
    const base = tree(files);
    const read = await readFolder(join(base, 'm0'), { cwd: base });
    assert.equal(read.problems.length, 1);
    assert.equal(read.problems[0]?.unevaluated, true);
    assert.match(read.problems[0]?.message ?? '', /nested more than 16 local modules deep/);
  });

  it('a FIFO named like a configuration, a binary .tf and a missing module folder are findings, not hangs or crashes', async () => {
    const base = tree({
      'binary/main.tf': '\u0000\u0001binary',
      'nomodule/main.tf': 'module "gone" {\n  source = "../nowhere"\n}\n',
      'piped/other.tf': 'module "fifo" {\n  source = "../fifo"\n}\n',
      'fifo/ok.tf': 'variable "x" {\n  default = 1\n}\n',
    });
    execFileSync('mkfifo', [join(base, 'fifo', 'pipe.tf')]);
    const result = await lint({ paths: [], cwd: base, env: {} });
    const rows = result.findings.map((finding) => [finding.ruleId, finding.location.kind === 'source' ? `${finding.location.file}:${finding.location.line}` : '', finding.message]);
    // The FIFO is reported by the walk, and by the module that calls its folder.
    assert.deepEqual(rows, [
      ['parse-error', 'binary/main.tf:1', 'binary file (it contains NUL bytes), not a template'],
      ['parse-error', 'fifo/pipe.tf:1', 'cannot read template: not a regular file: a FIFO (named pipe)'],
      ['parse-error', 'fifo/pipe.tf:1', 'not a regular file (a FIFO, socket or device), so not read'],
      ['parse-error', 'nomodule/main.tf:2', 'module "gone": cannot read its folder nowhere (ENOENT); Terraform rejects the configuration'],
    ]);
  });
});
