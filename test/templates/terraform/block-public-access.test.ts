/**
 * `aws_ec2_image_block_public_access`: which launch permissions of the configuration it covers
 * (`publicLaunchBlocked`), by provider configuration and region, and when it claims nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { readFolder } from './read-module.js';

/** Reads `files` (the root module in `root/`) and gives each subject's name with the block that covers it, if any. */
async function blocked(files: Record<string, string>): Promise<string[]> {
  const base = mkdtempSync(join(tmpdir(), 'amiguard-tf-bpa-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
  }
  const result = await readFolder(join(base, 'root'), { cwd: base });
  assert.deepEqual(result.problems.map((problem) => problem.message), []);
  return result.subjects.map(({ name, publicLaunchBlocked: block }) => {
    if (block === undefined) return `${name}: not blocked`;
    return `${name}: blocked by ${block.via} @${block.location.file}:${block.location.line}:${block.location.column}`;
  });
}

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

const BLOCK = lines('resource "aws_ec2_image_block_public_access" "this" {', '  state = "block-new-sharing"', '}');
const PUBLIC = lines('resource "aws_ami_launch_permission" "public" {', '  image_id = "ami-12345678"', '  group    = "all"', '}');

describe('Terraform: aws_ec2_image_block_public_access', () => {
  it('covers the launch permissions of the same default provider; not distributions or snapshot permissions, which name no region of theirs', async () => {
    assert.deepEqual(
      await blocked({
        'root/bpa.tf': BLOCK,
        'root/main.tf': lines(
          PUBLIC,
          'resource "aws_snapshot_create_volume_permission" "snap" {',
          '  snapshot_id = "snap-1"',
          '  account_id  = "666666666666"',
          '}',
          'resource "aws_imagebuilder_distribution_configuration" "d" {',
          '  distribution {',
          '    region = "us-east-1"',
          '    ami_distribution_configuration {',
          '      launch_permission {',
          '        user_groups = ["all"]',
          '      }',
          '    }',
          '  }',
          '}',
        ),
      }),
      [
        'aws_ami_launch_permission.public: blocked by aws_ec2_image_block_public_access.this @root/bpa.tf:1:1',
        'aws_snapshot_create_volume_permission.snap: not blocked',
        'aws_imagebuilder_distribution_configuration.d: not blocked',
      ],
    );
  });

  it('claims nothing when the state is unblocked, or unknown (a variable with no default)', async () => {
    const unblocked = lines('resource "aws_ec2_image_block_public_access" "this" {', '  state = "unblocked"', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': unblocked + PUBLIC }), ['aws_ami_launch_permission.public: not blocked']);
    const unknown = lines('variable "bpa_state" {}', 'resource "aws_ec2_image_block_public_access" "this" {', '  state = var.bpa_state', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': unknown + PUBLIC }), ['aws_ami_launch_permission.public: not blocked']);
    // One instance that may leave sharing unblocked is enough to claim nothing, even beside one that blocks.
    const second = lines('variable "bpa_state" {}', 'resource "aws_ec2_image_block_public_access" "maybe" {', '  state = var.bpa_state', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': BLOCK + second + PUBLIC }), ['aws_ami_launch_permission.public: not blocked']);
  });

  it('follows count and for_each: each instance by its key, none for count = 0 or an unknown count', async () => {
    const counted = (count: string): string =>
      lines('variable "enabled" {}', 'resource "aws_ec2_image_block_public_access" "this" {', `  count = ${count}`, '  state = "block-new-sharing"', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': counted('1') + PUBLIC }), [
      'aws_ami_launch_permission.public: blocked by aws_ec2_image_block_public_access.this[0] @root/main.tf:2:1',
    ]);
    assert.deepEqual(await blocked({ 'root/main.tf': counted('0') + PUBLIC }), ['aws_ami_launch_permission.public: not blocked']);
    assert.deepEqual(await blocked({ 'root/main.tf': counted('var.enabled ? 1 : 0') + PUBLIC }), ['aws_ami_launch_permission.public: not blocked']);
    const each = (states: string): string =>
      lines('resource "aws_ec2_image_block_public_access" "this" {', `  for_each = ${states}`, '  state    = each.value', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': each('{ main = "block-new-sharing" }') + PUBLIC }), [
      'aws_ami_launch_permission.public: blocked by aws_ec2_image_block_public_access.this["main"] @root/main.tf:1:1',
    ]);
    assert.deepEqual(await blocked({ 'root/main.tf': each('{ a = "block-new-sharing", b = "unblocked" }') + PUBLIC }), ['aws_ami_launch_permission.public: not blocked']);
  });

  it('matches provider aliases: the same alias, or both default', async () => {
    const providers = lines('provider "aws" {', '  region = "us-east-1"', '}', 'provider "aws" {', '  alias  = "west"', '  region = "us-west-2"', '}');
    const westBlock = lines('resource "aws_ec2_image_block_public_access" "west" {', '  provider = aws.west', '  state    = "block-new-sharing"', '}');
    const westPublic = lines('resource "aws_ami_launch_permission" "west" {', '  provider = aws.west', '  image_id = "ami-12345678"', '  group    = "all"', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': providers + westBlock + PUBLIC + westPublic }), [
      'aws_ami_launch_permission.public: not blocked',
      'aws_ami_launch_permission.west: blocked by aws_ec2_image_block_public_access.west @root/main.tf:8:1',
    ]);
  });

  it('reads the provider as a string in the JSON syntax', async () => {
    const json = {
      provider: { aws: [{ region: 'us-east-1' }, { alias: 'west', region: 'us-west-2' }] },
      resource: {
        aws_ec2_image_block_public_access: { west: { provider: 'aws.west', state: 'block-new-sharing' } },
        aws_ami_launch_permission: { west: { provider: 'aws.west', image_id: 'ami-12345678', group: 'all' }, main: { image_id: 'ami-12345678', group: 'all' } },
      },
    };
    assert.deepEqual(await blocked({ 'root/main.tf.json': JSON.stringify(json, null, 2) }), [
      'aws_ami_launch_permission.west: blocked by aws_ec2_image_block_public_access.west @root/main.tf.json:15:7',
      'aws_ami_launch_permission.main: not blocked',
    ]);
  });

  it('compares the region argument (AWS provider 6) when either resource has one, and only known values', async () => {
    const regional = (region: string): string =>
      lines('resource "aws_ami_launch_permission" "public" {', `  region   = ${region}`, '  image_id = "ami-12345678"', '  group    = "all"', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': BLOCK + regional('"eu-west-1"') }), ['aws_ami_launch_permission.public: not blocked']);
    const regionalBlock = lines('resource "aws_ec2_image_block_public_access" "eu" {', '  region = "eu-west-1"', '  state  = "block-new-sharing"', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': regionalBlock + regional('"eu-west-1"') }), [
      'aws_ami_launch_permission.public: blocked by aws_ec2_image_block_public_access.eu @root/main.tf:1:1',
    ]);
    assert.deepEqual(await blocked({ 'root/main.tf': regionalBlock + regional('"eu-central-1"') }), ['aws_ami_launch_permission.public: not blocked']);
    const unknownRegion = lines('variable "region" {}', regional('var.region'));
    assert.deepEqual(await blocked({ 'root/main.tf': regionalBlock + unknownRegion }), ['aws_ami_launch_permission.public: not blocked']);
  });

  it('covers local modules through the default provider they inherit or the providers map of their call', async () => {
    const module = lines('resource "aws_ami_launch_permission" "p" {', '  image_id = "ami-12345678"', '  group    = "all"', '}');
    const providers = lines('provider "aws" {}', 'provider "aws" {', '  alias = "west"', '}');
    const westBlock = lines('resource "aws_ec2_image_block_public_access" "west" {', '  provider = aws.west', '  state    = "block-new-sharing"', '}');
    assert.deepEqual(
      await blocked({
        'root/main.tf': lines(
          providers,
          westBlock,
          'module "inherits" {',
          '  source = "../share"',
          '}',
          'module "west" {',
          '  source    = "../share"',
          '  providers = { aws = aws.west }',
          '}',
        ),
        'share/main.tf': module,
      }),
      ['module.inherits.aws_ami_launch_permission.p: not blocked', 'module.west.aws_ami_launch_permission.p: blocked by aws_ec2_image_block_public_access.west @root/main.tf:6:1'],
    );
    // The block may sit in a module too, on the configuration its caller passes.
    assert.deepEqual(
      await blocked({ 'root/main.tf': lines(PUBLIC, 'module "guard" {', '  source = "../guard"', '}'), 'guard/main.tf': BLOCK }),
      ['aws_ami_launch_permission.public: blocked by module.guard.aws_ec2_image_block_public_access.this @guard/main.tf:1:1'],
    );
  });

  it('when a module\'s provider cannot be told, claims the block only with a single AWS provider configuration', async () => {
    const module = lines('resource "aws_ami_launch_permission" "p" {', '  image_id = "ami-12345678"', '  group    = "all"', '}');
    // A providers map that does not pass `aws`: which configuration the module uses is not shown.
    const call = lines('module "share" {', '  source    = "../share"', '  providers = {}', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': BLOCK + call, 'share/main.tf': module }), [
      'module.share.aws_ami_launch_permission.p: blocked by aws_ec2_image_block_public_access.this @root/main.tf:1:1',
    ]);
    const aliased = lines('provider "aws" {', '  alias = "west"', '}');
    assert.deepEqual(await blocked({ 'root/main.tf': aliased + BLOCK + call, 'share/main.tf': module }), ['module.share.aws_ami_launch_permission.p: not blocked']);
    // A module with its own provider configuration is another region for all amiguard knows.
    const own = lines('provider "aws" {', '  region = "eu-west-1"', '}') + module;
    assert.deepEqual(await blocked({ 'root/main.tf': BLOCK + lines('module "share" {', '  source = "../share"', '}'), 'share/main.tf': own }), [
      'module.share.aws_ami_launch_permission.p: not blocked',
    ]);
  });
});
