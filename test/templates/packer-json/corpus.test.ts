/**
 * Every legacy JSON case of ../shared/corpus/packer, read with readPackerJson alone: the evaluated
 * items must be as the notes describe for the cases they single out. Every case's label is checked
 * end to end by test/corpus/packer-corpus.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CORPUS, loadManifest } from '../../corpus/manifest.js';
import type { TemplateImage, TemplateReadResult } from '../../../src/templates/model.js';
import { describeItem, fileReader, options, readText, values, varFiles } from './read-fixture.js';

const manifest = loadManifest();
const jsonCases = manifest.filter((entry) => entry.format === 'json');

function readCase(id: string): TemplateReadResult {
  const entry = jsonCases.find((candidate) => candidate.id === id);
  if (entry === undefined) throw new Error(`no JSON corpus case ${id}`);
  const dir = join(CORPUS, entry.id);
  const templates = entry.files.filter((file) => file.role === 'template');
  const [template] = templates;
  if (template === undefined || templates.length !== 1) throw new Error(`case ${id} should hold one template`);
  return readText(
    template.file,
    readFileSync(join(dir, template.file), 'utf8'),
    options({ variables: varFiles(...entry.var_files_applied), readFile: fileReader(dir) }),
  );
}

function named(images: readonly TemplateImage[], name: string): TemplateImage {
  const image = images.find((candidate) => candidate.name === name);
  if (image === undefined) throw new Error(`no image named ${name}: ${images.map((i) => i.name).join(', ')}`);
  return image;
}

describe('legacy JSON cases of the Packer corpus', () => {
  it('finds the corpus and its JSON cases', () => {
    assert.ok(jsonCases.length >= 20, `expected the JSON cases of ${CORPUS}, found ${jsonCases.length}`);
  });


  it('001: ami_groups and snapshot_groups come from variables defaulting to "all"', () => {
    const image = readCase('001-image-builder-capi-ami-json').images[0];
    assert.deepEqual(values(image, 'ami_groups'), ['all']);
    assert.deepEqual(values(image, 'snapshot_groups'), ['all']);
    assert.deepEqual(values(image, 'ami_users'), []);
    assert.deepEqual(values(image, 'snapshot_users'), []);
    const group = image?.fields.ami_groups?.items[0];
    assert.equal(group?.via, '{{user `ami_groups`}}');
    assert.equal(group?.origin?.file, 'packer.json');
  });

  it('004: without its var-file, the required ami_users variable is unknown', () => {
    const dir = join(CORPUS, '004-eks-ami-al2023-json-with-varfile');
    const result = readText('template.json', readFileSync(join(dir, 'template.json'), 'utf8'), options());
    assert.deepEqual(values(result.images[0], 'ami_users'), ['?variable "ami_users" has no default and no value was given']);
    const withVarFile = readCase('004-eks-ami-al2023-json-with-varfile');
    const item = withVarFile.images[0]?.fields.ami_users;
    assert.deepEqual(item?.items, []);
  });

  it('014: exactly five of the eight amazon-ebs builders are public', () => {
    const { images } = readCase('014-cloudbreak-json-mixed-public-builders');
    assert.equal(images.length, 8);
    const isPublic = (image: TemplateImage) => values(image, 'ami_groups')?.includes('all') === true;
    assert.deepEqual(images.filter(isPublic).map((image) => image.name), [
      'aws-amazonlinux',
      'aws-rhel7',
      'aws-amazonlinux2',
      'aws-sles12sp3',
      'aws-ubuntu16',
    ]);
    assert.deepEqual(values(named(images, 'aws-rhel7'), 'snapshot_groups'), ['all']);
    assert.equal(named(images, 'aws-centos7').fields.ami_groups, undefined);
  });

  it('015: sharing read from the environment is unknown, naming the environment variable', () => {
    const { images } = readCase('015-cloudbreak-json-env-var-sharing');
    const image = named(images, 'aws-gov-redhat8');
    assert.deepEqual(values(image, 'ami_groups'), ['?{{env `AWS_AMI_GROUPS`}} is not read without --use-env']);
    assert.deepEqual(values(image, 'ami_org_arns'), ['?{{env `AWS_AMI_ORG_ARN`}} is not read without --use-env']);
    assert.equal(image.fields.ami_groups?.items[0]?.via, '{{user `aws_ami_groups`}}');
    assert.equal(images.filter((candidate) => candidate.fields.snapshot_users !== undefined).length, 4);
  });

  it('015: with --use-env and the variables unset, nothing is shared', () => {
    const dir = join(CORPUS, '015-cloudbreak-json-env-var-sharing');
    const result = readText('packer.json', readFileSync(join(dir, 'packer.json'), 'utf8'), options({ useEnv: true, env: {} }));
    const image = named(result.images, 'aws-gov-redhat8');
    assert.deepEqual(values(image, 'ami_groups'), []);
    assert.deepEqual(values(image, 'snapshot_users'), []);
  });

  it('024: a user variable missing from "variables" is unknown, saying so', () => {
    const image = readCase('024-scylla-json-undeclared-user-var').images[0];
    assert.deepEqual(values(image, 'ami_users'), ['?user variable "ami_users" is not declared in "variables"']);
  });

  it('025: ten ami_users entries, each unknown from the environment', () => {
    const { images } = readCase('025-rosco-aws-multi-chroot-json-env-accounts');
    const image = images[0];
    assert.equal(image?.type, 'amazon-chroot');
    const items = image?.fields.ami_users?.items ?? [];
    assert.equal(items.length, 10);
    assert.deepEqual(new Set(items.map(describeItem)), new Set(['?{{env `SPINNAKER_AWS_DEFAULT_ACCOUNT`}} is not read without --use-env']));
    assert.deepEqual(items.map((item) => item.via), Array.from({ length: 10 }, (_, index) => `{{user \`share_with_${index + 1}\`}}`));
  });

  it('028: the builder fragment without a type is read, and public', () => {
    const { images } = readCase('028-tarmak-releases-json-fragment-public');
    assert.equal(images.length, 1);
    assert.equal(images[0]?.type, '(untyped)');
    assert.deepEqual(values(images[0], 'ami_groups'), ['all']);
  });
});
