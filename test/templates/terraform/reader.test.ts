import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { ImageSubject } from '../../../src/core/index.js';
import { describe as describeSubject, readFolder, type ReadOptions } from './read-module.js';

/** Writes `files` under a fresh folder and returns the folder of the root module (`root/`). */
function tree(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), 'amiguard-tf-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
  }
  return join(base, 'root');
}

async function read(files: Record<string, string>, options: Omit<ReadOptions, 'cwd'> = {}): Promise<{ subjects: readonly ImageSubject[]; problems: string[]; lines: string[] }> {
  const folder = tree(files);
  const result = await readFolder(folder, { ...options, cwd: dirname(folder) });
  return {
    subjects: result.subjects,
    problems: result.problems.map((problem) => `${problem.message}${problem.unevaluated === true ? ' (unevaluated)' : ''}`),
    lines: result.subjects.flatMap((subject) => describeSubject(subject).map((line) => `${subject.name}: ${line}`)),
  };
}

describe('Terraform resources', () => {
  it('makes one subject per aws_ami_launch_permission instance of a count, each one call', async () => {
    const result = await read({
      'root/main.tf': [
        'variable "accounts" {',
        '  default = ["111111111111", "222222222222"]',
        '}',
        'resource "aws_ami_launch_permission" "share" {',
        '  count      = length(var.accounts)',
        '  image_id   = "ami-12345678"',
        '  account_id = var.accounts[count.index]',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.lines, [
      'aws_ami_launch_permission.share[0]: launch account_id=111111111111 @7:16',
      'aws_ami_launch_permission.share[1]: launch account_id=222222222222 @7:16',
    ]);
    const [first] = result.subjects;
    const grant = first?.launch.grants[0];
    assert.equal(grant?.via, 'var.accounts');
    assert.deepEqual(grant?.origin, { kind: 'source', file: 'root/main.tf', line: 2, column: 14, endLine: 2, endColumn: 28 });
  });

  it('names for_each instances by key, over a set of strings and over a map', async () => {
    const result = await read({
      'root/main.tf': [
        'resource "aws_ami_launch_permission" "set" {',
        '  for_each   = toset(["333333333333", "111111111111", "333333333333"])',
        '  image_id   = "ami-12345678"',
        '  account_id = each.value',
        '}',
        'resource "aws_ami_launch_permission" "map" {',
        '  for_each   = { prod = "444444444444", "dev" = "arn:aws:organizations::123456789012:organization/o-abcdefghij" }',
        '  image_id   = "ami-12345678"',
        '  organization_arn = each.key == "dev" ? each.value : null',
        '  account_id = each.key == "prod" ? each.value : null',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.lines, [
      'aws_ami_launch_permission.set["111111111111"]: launch account_id=111111111111 @4:16',
      'aws_ami_launch_permission.set["333333333333"]: launch account_id=333333333333 @4:16',
      'aws_ami_launch_permission.map["dev"]: launch organization_arn=arn:aws:organizations::123456789012:organization/o-abcdefghij @9:42',
      'aws_ami_launch_permission.map["prod"]: launch account_id=444444444444 @10:37',
    ]);
  });

  it('turns what an unknown count may grant into unknowns that may be those values', async () => {
    const result = await read({
      'root/main.tf': [
        'variable "public" {',
        '  type = bool',
        '}',
        'resource "aws_ami_launch_permission" "public" {',
        '  count    = var.public ? 1 : 0',
        '  image_id = "ami-12345678"',
        '  group    = "all"',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.lines, [
      'aws_ami_launch_permission.public: launch unknown group: how many aws_ami_launch_permission.public there are is unknown: variable "public" has no value (may be all) @7:14',
    ]);
  });

  it('reads an Image Builder distribution through dynamic blocks, locals, conditionals and try()', async () => {
    const result = await read({
      'root/main.tf': [
        'variable "public" {',
        '  default = true',
        '}',
        'variable "regions" {',
        '  default = ["us-east-1", "eu-west-1"]',
        '}',
        'variable "permission" {',
        '  default = { user_ids = ["555555555555"] }',
        '}',
        'locals {',
        '  groups = var.public ? ["all"] : []',
        '}',
        'resource "aws_imagebuilder_distribution_configuration" "this" {',
        '  name = "d"',
        '  dynamic "distribution" {',
        '    for_each = var.regions',
        '    content {',
        '      region = distribution.value',
        '      ami_distribution_configuration {',
        '        dynamic "launch_permission" {',
        '          for_each = [var.permission]',
        '          iterator = lp',
        '          content {',
        '            user_groups = local.groups',
        '            user_ids    = try(lp.value["user_ids"], [])',
        '            organization_arns = try(lp.value["organization_arns"], [])',
        '          }',
        '        }',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.problems, []);
    // Both regions grant the same values from the same place: each list is reported once.
    assert.deepEqual(result.lines, [
      'aws_imagebuilder_distribution_configuration.this: launch launch_permission.user_ids=555555555555 @25:31',
      'aws_imagebuilder_distribution_configuration.this: launch launch_permission.user_groups=all @24:27',
    ]);
    assert.deepEqual(result.subjects[0]?.snapshot, { grants: [], invalid: [], unknowns: [] }, 'Image Builder never shares snapshots');
  });

  it('doubts what a dynamic block grants when its for_each is unknown', async () => {
    const result = await read({
      'root/main.tf': [
        'variable "public" {',
        '  type = bool',
        '}',
        'resource "aws_imagebuilder_distribution_configuration" "this" {',
        '  name = "d"',
        '  distribution {',
        '    region = "us-east-1"',
        '    ami_distribution_configuration {',
        '      dynamic "launch_permission" {',
        '        for_each = var.public ? [1] : []',
        '        content {',
        '          user_groups = ["all"]',
        '        }',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.lines, [
      'aws_imagebuilder_distribution_configuration.this: launch unknown launch_permission.user_groups: whether dynamic "launch_permission" makes blocks is unknown: variable "public" has no value (may be all) @12:26',
    ]);
  });

  it('reads a create-volume permission as snapshot sharing of a snapshot subject', async () => {
    const result = await read({
      'root/main.tf': 'resource "aws_snapshot_create_volume_permission" "s" {\n  snapshot_id = "snap-1"\n  account_id  = "666666666666"\n}\n',
    });
    assert.equal(result.subjects[0]?.type, 'snapshot');
    assert.deepEqual(result.lines, ['aws_snapshot_create_volume_permission.s: snapshot account_id=666666666666 @3:17']);
  });

  it('reads the JSON syntax (.tf.json)', async () => {
    const result = await read({
      'root/main.tf.json': JSON.stringify(
        { resource: { aws_ami_launch_permission: { share: { image_id: 'ami-12345678', group: '${var.group}' } } }, variable: { group: { default: 'all' } } },
        null,
        2,
      ),
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.lines, ['aws_ami_launch_permission.share: launch group=all @6:18']);
  });

  it('ties a permission to the AMI resource its image_id names, with that AMI\'s name', async () => {
    const result = await read({
      'root/main.tf': [
        'resource "aws_ami_copy" "golden" {',
        '  name              = "golden-1"',
        '  source_ami_id     = "ami-12345678"',
        '  source_ami_region = "us-east-1"',
        '}',
        'resource "aws_ami_launch_permission" "share" {',
        '  image_id   = aws_ami_copy.golden.id',
        '  account_id = "777777777777"',
        '}',
        '',
      ].join('\n'),
    });
    assert.equal(result.subjects[0]?.name, 'aws_ami_launch_permission.share (aws_ami_copy.golden)');
    assert.equal(result.subjects[0]?.amiName, 'golden-1');
  });
});

describe('Terraform unknowns', () => {
  it('names the data source or the resource a grant depends on', async () => {
    const result = await read({
      'root/main.tf': [
        'data "aws_caller_identity" "current" {}',
        'resource "aws_organizations_account" "acct" {',
        '  name = "x"',
        '}',
        'resource "aws_ami_launch_permission" "a" {',
        '  image_id   = "ami-12345678"',
        '  account_id = data.aws_caller_identity.current.account_id',
        '}',
        'resource "aws_ami_launch_permission" "b" {',
        '  image_id   = "ami-12345678"',
        '  account_id = aws_organizations_account.acct.id',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.lines, [
      'aws_ami_launch_permission.a: launch unknown account_id: data source data.aws_caller_identity.current is read only when Terraform runs @7:16',
      'aws_ami_launch_permission.b: launch unknown account_id: resource aws_organizations_account.acct is known only after terraform apply @11:16',
    ]);
  });

  it('follows a local module with its arguments, and leaves a registry module as an unevaluated problem', async () => {
    const result = await read({
      'modules/share/main.tf': [
        'variable "accounts" {',
        '  type    = list(string)',
        '  default = []',
        '}',
        'resource "aws_ami_launch_permission" "this" {',
        '  for_each   = toset(var.accounts)',
        '  image_id   = "ami-12345678"',
        '  account_id = each.value',
        '}',
        'output "first" {',
        '  value = var.accounts[0]',
        '}',
        '',
      ].join('\n'),
      'root/main.tf': [
        'module "share" {',
        '  source   = "../modules/share"',
        '  accounts = ["888888888888"]',
        '}',
        'module "vpc" {',
        '  source = "terraform-aws-modules/vpc/aws"',
        '}',
        'resource "aws_ami_launch_permission" "again" {',
        '  image_id   = "ami-12345678"',
        '  account_id = module.share.first',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.lines, [
      'aws_ami_launch_permission.again: launch account_id=888888888888 @10:16',
      'module.share.aws_ami_launch_permission.this["888888888888"]: launch account_id=888888888888 @8:16',
    ]);
    assert.deepEqual(result.problems, [
      'module "vpc" comes from "terraform-aws-modules/vpc/aws", which is not a local path: amiguard does not fetch registry or remote modules, so what it shares is not checked (after terraform init, amiguard reads the copy in .terraform/modules) (unevaluated)',
    ]);
  });

  it('reads a registry module from .terraform/modules once terraform init has installed it', async () => {
    const result = await read({
      'root/main.tf': 'module "share" {\n  source  = "example/share/aws"\n  version = "1.0.0"\n  groups  = ["all"]\n}\n',
      'root/.terraform/modules/modules.json': JSON.stringify({
        Modules: [
          { Key: '', Source: '', Dir: '.' },
          { Key: 'share', Source: 'registry.terraform.io/example/share/aws', Version: '1.0.0', Dir: '.terraform/modules/share' },
        ],
      }),
      'root/.terraform/modules/share/main.tf': [
        'variable "groups" {}',
        'resource "aws_ami_launch_permission" "this" {',
        '  for_each = toset(var.groups)',
        '  image_id = "ami-12345678"',
        '  group    = each.value',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.lines, ['module.share.aws_ami_launch_permission.this["all"]: launch group=all @5:14']);
    assert.equal(result.subjects[0]?.file, 'root/.terraform/modules/share/main.tf');
  });

  it('resolves files against the root module\'s folder, with path.module relative to it, as Terraform run there', async () => {
    const result = await read({
      'root/ids.json': '["121212121212"]',
      'root/main.tf': 'module "m" {\n  source = "../modules/m"\n}\nresource "aws_ami_launch_permission" "a" {\n  for_each   = toset(jsondecode(file("${path.module}/ids.json")))\n  account_id = each.value\n}\n',
      'modules/m/groups.tpl': '["%{ if true }all%{ endif }"]',
      'modules/m/main.tf': 'resource "aws_imagebuilder_distribution_configuration" "d" {\n  distribution {\n    ami_distribution_configuration {\n      launch_permission {\n        user_groups = jsondecode(templatefile("${path.module}/groups.tpl", {}))\n      }\n    }\n  }\n}\n',
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.lines, [
      'aws_ami_launch_permission.a["121212121212"]: launch account_id=121212121212 @6:16',
      'module.m.aws_imagebuilder_distribution_configuration.d: launch launch_permission.user_groups=all @5:23',
    ]);
  });

  it('stops at a module that calls itself', async () => {
    const result = await read({ 'root/main.tf': 'module "me" {\n  source = "../root"\n}\n' });
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0] ?? '', /already being read/);
  });

  it('rejects functions Terraform does not have, such as Packer\'s env(), and speaks of Terraform', async () => {
    const result = await read({
      'root/main.tf': 'resource "aws_ami_launch_permission" "a" {\n  image_id   = "ami-12345678"\n  account_id = env("ACCOUNT")\n}\n',
    });
    assert.deepEqual(result.lines, ['aws_ami_launch_permission.a: launch unknown account_id: there is no function named "env" in Terraform @3:16']);
    const home = await read({
      'root/main.tf': 'resource "aws_ami_launch_permission" "a" {\n  image_id   = "ami-12345678"\n  account_id = file("~/account")\n}\n',
    });
    assert.deepEqual(home.lines, ['aws_ami_launch_permission.a: launch unknown account_id: file("~/account") is not evaluated: it names the home directory of the machine that runs Terraform @3:16']);
  });

  it('decides an equality between values of different kinds even with unknown parts, as cty does', async () => {
    const result = await read({
      'root/main.tf': [
        'variable "name" {',
        '  type = string',
        '}',
        'resource "aws_ami_launch_permission" "a" {',
        '  count      = { name = var.name } != "" ? 1 : 0',
        '  image_id   = "ami-12345678"',
        '  account_id = "999999999999"',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.lines, ['aws_ami_launch_permission.a[0]: launch account_id=999999999999 @7:16']);
  });

  it('reports a file that does not parse and reads no grant from its folder', async () => {
    const result = await read({
      'root/main.tf': 'resource "aws_ami_launch_permission" "a" {\n  group = "all"\n}\n',
      'root/broken.tf': 'resource "x" {\n',
    });
    assert.equal(result.subjects.length, 0);
    assert.equal(result.problems.length, 1);
  });
});

describe('Terraform variables', () => {
  const files = {
    'root/main.tf': [
      'variable "account" {',
      '  default = "000000000000"',
      '}',
      'resource "aws_ami_launch_permission" "a" {',
      '  image_id   = "ami-12345678"',
      '  account_id = var.account',
      '}',
      '',
    ].join('\n'),
  };
  const account = async (extra: Record<string, string>, options: Omit<ReadOptions, 'cwd'> = {}): Promise<string | undefined> => {
    const result = await read({ ...files, ...extra }, options);
    assert.deepEqual(result.problems, []);
    const grant = result.subjects[0]?.launch.grants[0]?.grantee;
    return grant?.kind === 'account' ? grant.id : undefined;
  };

  it('applies terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars(.json) in lexical order', async () => {
    assert.equal(await account({}), '000000000000');
    assert.equal(await account({ 'root/terraform.tfvars': 'account = "111111111111"\n' }), '111111111111');
    assert.equal(
      await account({ 'root/terraform.tfvars': 'account = "111111111111"\n', 'root/terraform.tfvars.json': '{"account": "222222222222"}' }),
      '222222222222',
    );
    assert.equal(
      await account({
        'root/terraform.tfvars.json': '{"account": "222222222222"}',
        'root/a.auto.tfvars': 'account = "333333333333"\n',
        'root/b.auto.tfvars.json': '{"account": "444444444444"}',
      }),
      '444444444444',
    );
  });

  it('applies --var and --var-file after the auto files, in command-line order; other formats\' var-files are not applied', async () => {
    const base = tree({ ...files, 'root/a.auto.tfvars': 'account = "333333333333"\n', 'x.tfvars': 'account = "555555555555"\n', 'x.pkrvars.hcl': 'account = "all"\n' });
    const cwd = dirname(base);
    const grantee = async (variables: ReadOptions['variables']): Promise<string | undefined> => {
      const result = await readFolder(base, { cwd, variables: variables ?? [] });
      assert.deepEqual(result.problems, []);
      const found = result.subjects[0]?.launch.grants[0]?.grantee;
      return found?.kind === 'account' ? found.id : undefined;
    };
    assert.equal(await grantee([{ kind: 'var-file', path: 'x.tfvars' }]), '555555555555');
    assert.equal(await grantee([{ kind: 'var', name: 'account', value: '666666666666' }, { kind: 'var-file', path: 'x.tfvars' }]), '555555555555');
    assert.equal(await grantee([{ kind: 'var-file', path: 'x.tfvars' }, { kind: 'var', name: 'account', value: '666666666666' }]), '666666666666');
    assert.equal(await grantee([{ kind: 'var-file', path: 'x.pkrvars.hcl' }]), '333333333333');
    // A --var for a variable this root does not declare is left to the roots that do.
    assert.equal(await grantee([{ kind: 'var', name: 'other', value: 'x' }]), '333333333333');
  });

  it('gives a missing optional() attribute its default, or null, as Terraform does', async () => {
    const result = await read({
      'root/main.tf': [
        'variable "permission" {',
        '  type    = object({ user_ids = optional(list(string)), user_groups = optional(list(string), ["all"]) })',
        '  default = {}',
        '}',
        'resource "aws_imagebuilder_distribution_configuration" "d" {',
        '  name = "d"',
        '  distribution {',
        '    region = "us-east-1"',
        '    ami_distribution_configuration {',
        '      launch_permission {',
        '        user_ids    = var.permission.user_ids',
        '        user_groups = var.permission.user_groups',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.lines, ['aws_imagebuilder_distribution_configuration.d: launch launch_permission.user_groups=all @12:23']);
  });

  it('reads TF_VAR_x only with --use-env', async () => {
    const env = { TF_VAR_account: '777777777777' };
    assert.equal(await account({}, { env }), '000000000000');
    assert.equal(await account({}, { env, useEnv: true }), '777777777777');
  });

  it('parses a --var as an expression for a variable typed as a collection', async () => {
    const result = await read(
      {
        'root/main.tf': [
          'variable "groups" {',
          '  type = list(string)',
          '}',
          'resource "aws_imagebuilder_distribution_configuration" "d" {',
          '  name = "d"',
          '  distribution {',
          '    region = "us-east-1"',
          '    ami_distribution_configuration {',
          '      launch_permission {',
          '        user_groups = var.groups',
          '      }',
          '    }',
          '  }',
          '}',
          '',
        ].join('\n'),
      },
      { variables: [{ kind: 'var', name: 'groups', value: '["all"]' }] },
    );
    assert.deepEqual(result.lines, ['aws_imagebuilder_distribution_configuration.d: launch launch_permission.user_groups=all @10:23']);
  });
});
