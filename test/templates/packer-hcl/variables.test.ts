/**
 * Variable values in Packer's precedence (defaults < PKR_VAR_x < *.auto.pkrvars.* < --var-file
 * and --var in command-line order), their parsing, and the problems of bad inputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TemplateReadResult, VariableInput } from '../../../src/templates/model.js';
import { memoryReader, only, options, readFiles, span, values } from './read-config.js';

const CONFIG = {
  'main.pkr.hcl': [
    'variable "who" {',
    '  type    = list(string)',
    '  default = ["000000000000"]',
    '}',
    'variable "name" {',
    '  default = "from-default"',
    '}',
    'source "amazon-ebs" "x" {',
    '  ami_users = var.who',
    '  ami_name  = var.name',
    '}',
  ].join('\n'),
};

const VAR_FILES: Readonly<Record<string, string>> = {
  'one.pkrvars.hcl': 'who = ["333333333333"]\n',
  'two.pkrvars.json': '{\n  "who": ["444444444444"],\n  "name": "from-json"\n}\n',
  'broken.pkrvars.hcl': 'who = [\n',
  'extra.pkrvars.hcl': 'who = ["666666666666"]\nunknown_one = 1\n',
};

const AUTO: Readonly<Record<string, string>> = {
  // Given out of order: the reader sorts them, the later one wins.
  'b.auto.pkrvars.hcl': 'who = ["222222222222"]\n',
  'a.auto.pkrvars.hcl': 'who = ["111111111111"]\nname = "from-auto"\n',
};

function read(variables: readonly VariableInput[], extra: { auto?: boolean; useEnv?: boolean; env?: Record<string, string> } = {}): Promise<TemplateReadResult> {
  return readFiles(
    CONFIG,
    options({ variables, readFile: memoryReader(VAR_FILES), useEnv: extra.useEnv ?? false, env: extra.env ?? {} }),
    extra.auto === true ? AUTO : {},
  );
}

async function who(variables: readonly VariableInput[], extra: { auto?: boolean; useEnv?: boolean; env?: Record<string, string> } = {}): Promise<string[] | undefined> {
  return values(only((await read(variables, extra)).images), 'ami_users');
}

const varFile = (path: string): VariableInput => ({ kind: 'var-file', path });
const cliVar = (name: string, value: string): VariableInput => ({ kind: 'var', name, value });

describe('variable precedence', () => {
  it('uses the default when nothing else is given', async () => {
    assert.deepEqual(await who([]), ['000000000000']);
  });

  it('PKR_VAR_x beats the default, only with --use-env', async () => {
    const env = { PKR_VAR_who: '["555555555555"]' };
    assert.deepEqual(await who([], { env }), ['000000000000']);
    assert.deepEqual(await who([], { env, useEnv: true }), ['555555555555']);
  });

  it('auto var-files beat PKR_VAR_x and each other in lexical order', async () => {
    assert.deepEqual(await who([], { auto: true, useEnv: true, env: { PKR_VAR_who: '["555555555555"]' } }), ['222222222222']);
    const image = only((await read([], { auto: true })).images);
    assert.deepEqual(image.amiName?.kind === 'known' ? image.amiName.value : undefined, 'from-auto');
    assert.equal(span(image.fields.ami_users?.items[0]?.origin), 'b.auto.pkrvars.hcl:1:8-1:22');
  });

  it('--var-file beats the auto var-files', async () => {
    assert.deepEqual(await who([varFile('one.pkrvars.hcl')], { auto: true }), ['333333333333']);
  });

  it('applies every --var after every --var-file, whatever their order on the command line', async () => {
    assert.deepEqual(await who([varFile('one.pkrvars.hcl'), cliVar('who', '["777777777777"]')], { auto: true }), ['777777777777']);
    assert.deepEqual(await who([cliVar('who', '["777777777777"]'), varFile('one.pkrvars.hcl')], { auto: true }), ['777777777777']);
  });

  it('applies the --var-files among themselves in command-line order', async () => {
    assert.deepEqual(await who([varFile('one.pkrvars.hcl'), varFile('two.pkrvars.json')]), ['444444444444']);
    assert.deepEqual(await who([varFile('two.pkrvars.json'), varFile('one.pkrvars.hcl')]), ['333333333333']);
  });

  it('reads every *.auto.pkrvars.hcl before every *.auto.pkrvars.json, then the --var-files', async () => {
    const auto = {
      'a.auto.pkrvars.json': '{"who": ["888888888888"]}',
      'b.auto.pkrvars.hcl': 'who = ["222222222222"]\n',
    };
    const readWith = async (variables: readonly VariableInput[]): Promise<TemplateReadResult> =>
      readFiles(CONFIG, options({ variables, readFile: memoryReader(VAR_FILES) }), auto);
    const image = only((await readWith([])).images);
    assert.deepEqual(values(image, 'ami_users'), ['888888888888']);
    assert.equal(span(image.fields.ami_users?.items[0]?.origin), 'a.auto.pkrvars.json:1:10-1:24');
    assert.deepEqual(values(only((await readWith([varFile('one.pkrvars.hcl')])).images), 'ami_users'), ['333333333333']);
  });

  it('reads JSON var-files with positions', async () => {
    const image = only((await read([varFile('two.pkrvars.json')])).images);
    assert.equal(span(image.fields.ami_users?.items[0]?.origin), 'two.pkrvars.json:2:11-2:25');
    assert.equal(image.amiName?.kind === 'known' ? image.amiName.value : undefined, 'from-json');
  });
});

describe('--var values', () => {
  it('is a plain string for an untyped or string variable, even when it looks like an expression', async () => {
    const image = only((await read([cliVar('name', '["a", "b"]')])).images);
    assert.deepEqual(image.amiName?.kind === 'known' ? image.amiName.value : undefined, '["a", "b"]');
  });

  it('is an HCL expression for a list variable', async () => {
    assert.deepEqual(await who([cliVar('who', '["111122223333", "444455556666"]')]), ['111122223333', '444455556666']);
  });

  it('reports an expression that does not parse, and shares nothing: Packer stops there', async () => {
    const result = await read([cliVar('who', '["unclosed"')]);
    assert.match(only(result.problems).message, /^--var who: the value is not a valid HCL expression/);
    assert.deepEqual(result.images, []);
  });

  it('reports a --var for an undeclared variable', async () => {
    const result = await read([cliVar('nope', 'x')]);
    assert.deepEqual(result.problems.map((problem) => problem.message), ['--var nope: no variable "nope" is declared; Packer rejects it']);
  });

  it('reports a value of the wrong type as an error naming the type', async () => {
    const result = await read([cliVar('who', '"all"')]);
    const problem = only(result.problems);
    assert.equal(problem.message, 'the value of --var who of var.who is not compatible with its type list(string): list of string required; Packer stops before building');
    assert.equal(span(problem.location), '<command line>:1:1-1:1');
    assert.deepEqual(result.images, []);
  });
});

describe('var-file problems', () => {
  it('turns an unreadable var-file into a problem, not an exception', async () => {
    const result = await read([varFile('missing.pkrvars.hcl')]);
    const problem = only(result.problems);
    assert.equal(problem.message, 'cannot read var-file missing.pkrvars.hcl: ENOENT');
    assert.equal(problem.location.file, 'missing.pkrvars.hcl');
    assert.deepEqual(result.images, []);
  });

  it('reports a var-file with a syntax error at its position', async () => {
    const result = await read([varFile('broken.pkrvars.hcl')]);
    const problem = only(result.problems);
    assert.equal(problem.location.file, 'broken.pkrvars.hcl');
    assert.equal(problem.location.line, 2);
  });

  it('skips a var-file value for an undeclared variable, as Packer does, and applies the rest', async () => {
    const result = await read([varFile('extra.pkrvars.hcl')]);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(values(only(result.images), 'ami_users'), ['666666666666']);
  });
});

describe('variables without a value', () => {
  it('treats a missing default as no value, and default = null as the known value null: nothing shared', async () => {
    const text = [
      'variable "a" {',
      '  type = list(string)',
      '}',
      'variable "b" {',
      '  type    = list(string)',
      '  default = null',
      '}',
      'variable "c" {',
      '  default = null',
      '}',
      'source "amazon-ebs" "x" {',
      '  ami_users  = var.a',
      '  ami_groups = var.b',
      '  ami_org_arns = [var.c]',
      '  snapshot_users = var.undeclared',
      '}',
    ].join('\n');
    const image = only((await readFiles({ 'x.pkr.hcl': text })).images);
    assert.deepEqual(values(image, 'ami_users'), ['?variable "a" has no value']);
    assert.deepEqual(values(image, 'ami_groups'), []);
    assert.deepEqual(values(image, 'ami_org_arns'), []);
    assert.deepEqual(values(image, 'snapshot_users'), ['?variable "undeclared" is not declared']);
  });

  it('reads env() in a default only with --use-env, and an unset variable as empty', async () => {
    const text = 'variable "g" {\n  default = env("AMI_GROUPS")\n}\nsource "amazon-ebs" "x" {\n  ami_groups = [var.g]\n}\n';
    const without = only((await readFiles({ 'x.pkr.hcl': text }, options({ env: { AMI_GROUPS: 'all' } }))).images);
    assert.deepEqual(values(without, 'ami_groups'), ['?env("AMI_GROUPS") is not read without --use-env']);
    const withEnv = only((await readFiles({ 'x.pkr.hcl': text }, options({ useEnv: true, env: { AMI_GROUPS: 'all' } }))).images);
    assert.deepEqual(values(withEnv, 'ami_groups'), ['all']);
    const unset = only((await readFiles({ 'x.pkr.hcl': text }, options({ useEnv: true, env: {} }))).images);
    assert.deepEqual(values(unset, 'ami_groups'), ['']);
  });

  it('reads the older `variables { }` block as untyped variables with defaults', async () => {
    const text = 'variables {\n  groups = ["all"]\n}\nsource "amazon-ebs" "x" {\n  ami_groups = var.groups\n}\n';
    assert.deepEqual(values(only((await readFiles({ 'x.pkr.hcl': text })).images), 'ami_groups'), ['all']);
  });

  it('reports a variable declared twice: Packer refuses the configuration, nothing is shared', async () => {
    const result = await readFiles({
      'a.pkr.hcl': 'variable "g" {\n  default = ["all"]\n}\n',
      'b.pkr.hcl': 'variable "g" {\n  default = []\n}\nsource "amazon-ebs" "x" {\n  ami_groups = var.g\n}\n',
    });
    assert.match(only(result.problems).message, /^variable "g" is declared twice \(first at a\.pkr\.hcl:1:1\)/);
    assert.deepEqual(result.images, []);
  });
});

describe('variable types', () => {
  const UNTYPED = [
    'variable "groups" {',
    '  default = ["111111111111"]',
    '}',
    'variable "flag" {',
    '  type    = bool',
    '  default = false',
    '}',
    'variable "id" {',
    '  type    = string',
    '  default = 222222222222',
    '}',
    'source "amazon-ebs" "x" {',
    '  ami_users    = var.groups',
    '  snapshot_users = [var.id]',
    '  encrypt_boot = var.flag',
    '}',
  ].join('\n');

  const readUntyped = (variables: readonly VariableInput[], varFiles: Record<string, string> = {}): Promise<TemplateReadResult> =>
    readFiles({ 'main.pkr.hcl': UNTYPED }, options({ variables, readFile: memoryReader(varFiles) }));

  it('gives an untyped variable the type of its list default: a --var value is an HCL expression', async () => {
    const result = await readUntyped([cliVar('groups', '["333333333333"]')]);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(values(only(result.images), 'ami_users'), ['333333333333']);
  });

  it('refuses a --var list of another length than the default, naming the type', async () => {
    const result = await readUntyped([cliVar('groups', '["333333333333", "444444444444"]')]);
    const problem = only(result.problems);
    assert.equal(
      problem.message,
      'the value of --var groups of var.groups is not compatible with its type tuple([string]): tuple required; Packer stops before building',
    );
    assert.deepEqual(result.images, []);
  });

  it('reports a var-file value that does not convert at the value, naming the type', async () => {
    const result = await readUntyped([varFile('v.pkrvars.hcl')], { 'v.pkrvars.hcl': 'flag = "yes"\ngroups = "all"\n' });
    assert.deepEqual(
      result.problems.map((problem) => `${span(problem.location)} ${problem.message}`),
      [
        'v.pkrvars.hcl:1:8-1:13 the value in the var-file of var.flag is not compatible with its type bool: a bool is required; Packer stops before building',
        'v.pkrvars.hcl:2:10-2:15 the value in the var-file of var.groups is not compatible with its type tuple([string]): tuple required; Packer stops before building',
      ],
    );
  });

  it('converts values as HCL does: "true" to a bool, a number to a string', async () => {
    const result = await readUntyped([cliVar('flag', 'true')], { 'v.pkrvars.hcl': 'flag = "false"\n' });
    const image = only(result.images);
    assert.deepEqual(image.encryptBoot?.kind === 'known' ? image.encryptBoot.value : undefined, true);
    assert.deepEqual(values(image, 'snapshot_users'), ['222222222222']);
    const fromFile = only((await readUntyped([varFile('v.pkrvars.hcl')], { 'v.pkrvars.hcl': 'flag = "true"\nid = 333333333333\n' })).images);
    assert.deepEqual(fromFile.encryptBoot?.kind === 'known' ? fromFile.encryptBoot.value : undefined, true);
    assert.deepEqual(values(fromFile, 'snapshot_users'), ['333333333333']);
  });

  it('reports a default that does not convert to the declared type at the default', async () => {
    const text = 'variable "who" {\n  type    = list(string)\n  default = "all"\n}\nsource "amazon-ebs" "x" {\n  ami_users = var.who\n}\n';
    const result = await readFiles({ 'x.pkr.hcl': text });
    assert.deepEqual(
      result.problems.map((problem) => `${span(problem.location)} ${problem.message}`),
      ['x.pkr.hcl:3:13-3:18 the default value of var.who is not compatible with its type list(string): list of string required; Packer stops before building'],
    );
  });
});
