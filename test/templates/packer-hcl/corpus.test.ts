/**
 * Every HCL case of ../shared/corpus/packer, read with readPackerHcl: the evaluated items must
 * be as the notes describe for the cases they single out. Every case's label is checked end to
 * end by test/corpus/packer-corpus.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CORPUS, loadManifest } from '../../corpus/manifest.js';
import type { ReadOptions, TemplateReadResult, VariableInput } from '../../../src/templates/model.js';
import { readPackerHcl } from '../../../src/templates/packer-hcl/index.js';
import { imageNamed, only, options, span, values } from './read-config.js';

const manifest = loadManifest();
const hclCases = manifest.filter((entry) => entry.format === 'hcl');

function readCase(id: string, extra: readonly VariableInput[] = [], overrides: Partial<ReadOptions> = {}): Promise<TemplateReadResult> {
  const entry = hclCases.find((candidate) => candidate.id.startsWith(id));
  if (entry === undefined) throw new Error(`no HCL corpus case ${id}`);
  const dir = join(CORPUS, entry.id);
  const templates = entry.files
    .filter((file) => file.role === 'template')
    .map((file) => ({ path: file.file, text: readFileSync(join(dir, file.file), 'utf8') }));
  const variables: VariableInput[] = [...entry.var_files_applied.map((path): VariableInput => ({ kind: 'var-file', path })), ...extra];
  return readPackerHcl(templates, [], options({ variables, readFile: (path) => readFileSync(join(dir, path), 'utf8'), ...overrides }));
}

describe('the HCL corpus', () => {
  it('has HCL cases to check', () => {
    assert.ok(hclCases.length >= 18, `found ${hclCases.length} HCL cases in ${CORPUS}`);
  });

});

describe('corpus cases in detail', () => {
  it('035: a dynamic source over local.aws_regions shares with the 18 accounts of concat(internal, external) in every region', async () => {
    const result = await readCase('035');
    assert.deepEqual(
      result.images.map((image) => image.name),
      ['eu-west-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map((region) => `amazon-ebs.weka-eks[${region}]`),
    );
    for (const image of result.images) {
      assert.equal(image.fields.ami_users?.items.length, 18);
      assert.equal(span(image.fields.ami_users?.location), 'packer-template.pkr.hcl:64:7-64:45');
    }
    const items = imageNamed(result, 'amazon-ebs.weka-eks[us-east-2]').fields.ami_users?.items ?? [];
    const [first] = items;
    const last = items.at(-1);
    assert.equal(first?.kind, 'known');
    assert.equal(first.value, '303605160296');
    // Located at the override's use of the iterator, defined in locals.internal_users.
    assert.equal(span(first.location), 'packer-template.pkr.hcl:64:23-64:45');
    assert.equal(span(first.origin), 'packer-template.pkr.hcl:11:21-11:35');
    assert.equal(first.via, 'local.internal_users');
    assert.equal(last?.kind === 'known' ? last.value : undefined, '591822521499');
    assert.equal(span(last?.origin), 'packer-template.pkr.hcl:12:37-12:51');
    assert.equal(last?.via, 'local.external_users');
  });

  it('036: the same structure with the ids commented out shares with nobody', async () => {
    const result = await readCase('036');
    const image = only(result.images);
    assert.equal(image.name, 'amazon-ebs.weka-eks[eu-west-1]');
    assert.deepEqual(values(image, 'ami_users'), []);
  });

  it('027 with prod.pkrvars.hcl: ami_groups is unknown, may include "all", because var.version has no value', async () => {
    const result = await readCase('027');
    const image = only(result.images);
    assert.equal(image.name, 'amazon-ebs.velda');
    assert.deepEqual(values(image, 'ami_users'), []);
    const item = only(image.fields.ami_groups?.items ?? []);
    assert.equal(item.kind, 'unknown');
    assert.equal(item.reason, 'variable "version" has no value');
    assert.deepEqual(item.mayInclude, ['all']);
    assert.equal(span(item.location), 'sources.pkr.hcl:35:29-35:45');
    assert.equal(span(item.origin), 'common.pkr.hcl:27:1-27:19');
  });

  it('027: the build block overrides the source without touching its sharing fields', async () => {
    const result = await readCase('027');
    const image = only(result.images);
    // The image is located at the build's source block, its fields in the source declaration.
    assert.equal(span(image.location), 'velda-agent.pkr.hcl:4:3-4:28');
    assert.equal(image.fields.ami_groups?.location.file, 'sources.pkr.hcl');
    assert.equal(image.amiName?.kind, 'unknown');
  });

  it('027 with --var version=1.0: a release build is public', async () => {
    const result = await readCase('027', [{ kind: 'var', name: 'version', value: '1.0' }]);
    assert.deepEqual(values(only(result.images), 'ami_groups'), ['all']);
  });

  it('022: ["all"] comes from the default of var.aws_ami_groups in variables.pkr.hcl', async () => {
    const result = await readCase('022');
    const image = only(result.images);
    assert.equal(image.name, 'amazon-ebs.elemental');
    const item = only(image.fields.ami_groups?.items ?? []);
    assert.equal(item.kind, 'known');
    assert.equal(item.value, 'all');
    assert.equal(span(item.location), 'images.json.pkr.hcl:5:21-5:39');
    assert.equal(span(item.origin), 'variables.pkr.hcl:39:14-39:19');
    assert.equal(item.via, 'var.aws_ami_groups');
    assert.deepEqual(image.amiName, { kind: 'known', value: 'elemental-undefined', location: image.amiName?.location });
  });

  it('030: the amazon-import post-processor makes the imported AMI public', async () => {
    const result = await readCase('030');
    const image = only(result.images);
    assert.equal(image.type, 'amazon-import');
    assert.equal(image.name, 'amazon-import');
    assert.equal(span(image.location), 'test_ami_upload.pkr.hcl:62:5-62:35');
    assert.deepEqual(values(image, 'ami_groups'), ['all']);
    assert.equal(span(image.fields.ami_groups?.items[0]?.location), 'test_ami_upload.pkr.hcl:67:30-67:35');
  });

  it('012: private by default, public with --var ami_public=true (a bool, parsed as an expression)', async () => {
    const byDefault = only((await readCase('012')).images);
    assert.deepEqual(values(byDefault, 'ami_groups'), []);
    const released = only((await readCase('012', [{ kind: 'var', name: 'ami_public', value: 'true' }])).images);
    assert.deepEqual(values(released, 'ami_groups'), ['all']);
    assert.deepEqual(values(released, 'ami_users'), []);
  });

  it('021: a release version given with --var makes local.ami_groups public', async () => {
    const released = only((await readCase('021', [{ kind: 'var', name: 'release_version', value: '1.2.3' }])).images);
    const item = only(released.fields.ami_groups?.items ?? []);
    assert.equal(item.kind === 'known' ? item.value : item.reason, 'all');
    assert.equal(item.via, 'local.ami_groups');
    assert.equal(span(item.origin), 'cassandra.pkr.hcl:49:45-49:50');
  });

  it('033: literal ami_groups, ami_users and snapshot_users are located element by element', async () => {
    const image = only((await readCase('033')).images);
    assert.deepEqual(values(image, 'ami_users'), ['684062674729', '679593333241']);
    assert.deepEqual(
      image.fields.ami_users?.items.map((item) => span(item.location)),
      ['ce.pkr.hcl:104:22-104:36', 'ce.pkr.hcl:104:38-104:52'],
    );
    assert.equal(image.fields.ami_users?.items[0]?.origin, undefined);
  });

  it('038: a source renamed by its build override is named as Packer names the build', async () => {
    const result = await readCase('038');
    const image = only(result.images);
    assert.equal(image.name, 'amazon-ebs.ubuntu');
    assert.deepEqual(image.fields, {});
  });

  it('008: env() in a variable default is read only with --use-env', async () => {
    const without = only((await readCase('008')).images);
    assert.equal(without.amiName?.kind, 'unknown');
    assert.match(without.amiName.kind === 'unknown' ? without.amiName.reason : '', /env\("DRONE_BUILD_NUMBER"\) is not read without --use-env/);
    const withEnv = only((await readCase('008', [], { useEnv: true, env: { DRONE_BUILD_NUMBER: '42' } })).images);
    assert.equal(withEnv.amiName?.kind, 'known');
  });
});
