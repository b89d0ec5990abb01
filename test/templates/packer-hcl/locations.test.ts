/**
 * Exact positions: of items written in place, of items reached through variables and locals
 * (use site, origin and via), of fields and images, with UTF-16 columns after non-ASCII text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvaluatedItem } from '../../../src/templates/model.js';
import { only, readFiles, readFixture, span } from './read-config.js';

interface Placed {
  readonly value: string;
  readonly location: string | undefined;
  readonly origin?: string | undefined;
  readonly via?: string | undefined;
}

function placed(items: readonly EvaluatedItem[] | undefined): Placed[] {
  return (items ?? []).map((item) => ({
    value: item.kind === 'known' ? item.value : `?${item.reason}`,
    location: span(item.location),
    origin: span(item.origin),
    via: item.via,
  }));
}

describe('locations in the provenance fixture', () => {
  it('locates the image at the source block header and each field at its attribute', async () => {
    const image = only((await readFixture('provenance')).images);
    assert.equal(image.name, 'amazon-ebs.web');
    assert.equal(span(image.location), 'main.pkr.hcl:5:1-5:26');
    assert.equal(span(image.fields.ami_users?.location), 'main.pkr.hcl:7:3-7:58');
    assert.equal(image.file, 'main.pkr.hcl');
  });

  it('locates elements written in place at the element, and variable elements at the reference with their origin', async () => {
    const image = only((await readFixture('provenance')).images);
    assert.deepEqual(placed(image.fields.ami_users?.items), [
      { value: '444455556666', location: 'main.pkr.hcl:7:28-7:42', origin: undefined, via: undefined },
      { value: '111122223333', location: 'main.pkr.hcl:7:45-7:57', origin: 'variables.pkr.hcl:9:5-9:19', via: 'var.accounts' },
    ]);
    assert.deepEqual(placed(image.fields.ami_groups?.items), [
      { value: 'all', location: 'main.pkr.hcl:8:20-8:34', origin: 'variables.pkr.hcl:3:14-3:19', via: 'var.ami_groups' },
    ]);
  });

  it('keeps the first definition a value went through: a variable inside a local', async () => {
    const image = only((await readFixture('provenance')).images);
    assert.deepEqual(placed(image.fields.snapshot_users?.items), [
      { value: '111122223333', location: 'main.pkr.hcl:10:20-10:43', origin: 'variables.pkr.hcl:9:5-9:19', via: 'var.accounts' },
      { value: '222233334444', location: 'main.pkr.hcl:10:20-10:43', origin: 'main.pkr.hcl:2:45-2:59', via: 'local.snapshot_accounts' },
    ]);
  });

  it('counts columns in UTF-16 code units after non-ASCII text on the same line', async () => {
    const image = only((await readFixture('provenance')).images);
    assert.deepEqual(placed(image.fields.ami_ou_arns?.items), [
      {
        value: 'arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-abcdefgh',
        location: 'main.pkr.hcl:11:35-11:105',
        origin: undefined,
        via: undefined,
      },
    ]);
  });

  it('gives a variable without a value one unknown item whose origin is the variable block', async () => {
    const image = only((await readFixture('provenance')).images);
    assert.deepEqual(placed(image.fields.ami_org_arns?.items), [
      { value: '?variable "org_arns" has no value', location: 'main.pkr.hcl:9:20-9:32', origin: 'variables.pkr.hcl:13:1-13:20', via: 'var.org_arns' },
    ]);
  });

  it('evaluates ami_name, encrypt_boot and the customer key at their attributes', async () => {
    const image = only((await readFixture('provenance')).images);
    assert.equal(image.amiName?.kind === 'known' ? image.amiName.value : undefined, 'web-111122223333');
    assert.equal(span(image.amiName?.location), 'main.pkr.hcl:6:3-6:44');
    assert.deepEqual(image.encryptBoot, { kind: 'known', value: true, location: image.encryptBoot?.location });
    assert.equal(span(image.encryptBoot?.location), 'main.pkr.hcl:12:3-12:24');
    // An empty kms_key_id names no key: the default key is used.
    assert.equal(image.customerKmsKey?.kind === 'known' ? image.customerKmsKey.value : undefined, false);
    assert.equal(span(image.customerKmsKey?.location), 'main.pkr.hcl:13:3-13:22');
  });

  it('takes origins from the var-file when a --var-file sets the variable', async () => {
    const result = await readFixture('provenance', { variables: [{ kind: 'var-file', path: 'prod.pkrvars.hcl' }] });
    const image = only(result.images);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(placed(image.fields.ami_users?.items).slice(1), [
      { value: '555566667777', location: 'main.pkr.hcl:7:45-7:57', origin: 'prod.pkrvars.hcl:1:13-1:27', via: 'var.accounts' },
      { value: '888899990000', location: 'main.pkr.hcl:7:45-7:57', origin: 'prod.pkrvars.hcl:1:29-1:43', via: 'var.accounts' },
    ]);
    assert.equal(image.amiName?.kind === 'known' ? image.amiName.value : undefined, 'web-555566667777');
  });

  it('gives --var values no origin, only the reference', async () => {
    const result = await readFixture('provenance', { variables: [{ kind: 'var', name: 'accounts', value: '["999988887777"]' }] });
    assert.deepEqual(placed(only(result.images).fields.ami_users?.items).slice(1), [
      { value: '999988887777', location: 'main.pkr.hcl:7:45-7:57', origin: undefined, via: 'var.accounts' },
    ]);
  });
});

describe('locations of expressions', () => {
  it('locates a multi-line list element by element, and a heredoc as one value', async () => {
    const text = [
      'source "amazon-ebs" "x" {', //                                         1
      '  ami_users = [', //                                                   2
      '    "111122223333", # first', //                                       3
      '    "444455556666",', //                                               4
      '  ]', //                                                               5
      '  snapshot_groups = [<<-EOT', //                                       6
      '    all', //                                                           7
      '    EOT', //                                                           8
      '  ]', //                                                               9
      '}',
    ].join('\n');
    const image = only((await readFiles({ 'x.pkr.hcl': text })).images);
    assert.deepEqual(placed(image.fields.ami_users?.items).map((item) => item.location), ['x.pkr.hcl:3:5-3:19', 'x.pkr.hcl:4:5-4:19']);
    assert.equal(span(image.fields.ami_users?.location), 'x.pkr.hcl:2:3-5:4');
    assert.deepEqual(placed(image.fields.snapshot_groups?.items), [
      { value: 'all\n', location: 'x.pkr.hcl:6:22-8:8', origin: undefined, via: undefined },
    ]);
  });

  it('locates a value computed by a function at the call, with the provenance of its input', async () => {
    const text = 'variable "g" {\n  default = "ALL"\n}\nsource "amazon-ebs" "x" {\n  ami_groups = [lower(var.g)]\n}\n';
    const image = only((await readFiles({ 'x.pkr.hcl': text })).images);
    assert.deepEqual(placed(image.fields.ami_groups?.items), [
      { value: 'all', location: 'x.pkr.hcl:5:17-5:29', origin: 'x.pkr.hcl:2:13-2:18', via: 'var.g' },
    ]);
  });

  it('locates a value selected from a map at the whole traversal', async () => {
    const text = 'locals {\n  m = { prod = ["all"] }\n}\nsource "amazon-ebs" "x" {\n  ami_groups = local.m["prod"]\n}\n';
    const image = only((await readFiles({ 'x.pkr.hcl': text })).images);
    assert.deepEqual(placed(image.fields.ami_groups?.items), [
      { value: 'all', location: 'x.pkr.hcl:5:16-5:31', origin: 'x.pkr.hcl:2:17-2:22', via: 'local.m' },
    ]);
  });
});
