/**
 * The JSON syntax of HCL (`*.pkr.json`): the same blocks as JSON objects, strings as templates,
 * positions from the JSON text, and mixing with `*.pkr.hcl` files in one configuration.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageNamed, only, options, readFiles, span, values } from './read-config.js';

const CONFIG = `{
  "//": "a comment key, ignored",
  "variable": {
    "groups": { "type": "list(string)", "default": ["all"] },
    "account": { "default": "111122223333" }
  },
  "locals": { "users": ["\${var.account}", "444455556666"] },
  "source": {
    "amazon-ebs": {
      "web": {
        "ami_name": "web-\${lower(\\"X\\")}",
        "ami_groups": "\${var.groups}",
        "ami_users": "\${local.users}",
        "snapshot_users": ["$\${not-a-reference}"],
        "encrypt_boot": true
      }
    }
  },
  "build": [
    { "sources": ["source.amazon-ebs.web"] },
    {
      "name": "second",
      "source": { "amazon-ebs.web": { "name": "renamed", "ami_org_arns": ["arn:aws:organizations::111122223333:organization/o-abcdefghij"] } },
      "post-processor": { "amazon-import": { "ami_groups": ["all"] } }
    }
  ]
}
`;

describe('*.pkr.json', () => {
  it('reads variables, locals, sources and builds, with templates in strings', async () => {
    const result = await readFiles({ 'config.pkr.json': CONFIG });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.images.map((image) => image.name), ['amazon-ebs.web', 'amazon-ebs.renamed', 'amazon-import']);
    const web = imageNamed(result, 'amazon-ebs.web');
    assert.deepEqual(values(web, 'ami_groups'), ['all']);
    assert.deepEqual(values(web, 'ami_users'), ['111122223333', '444455556666']);
    assert.deepEqual(values(web, 'snapshot_users'), ['${not-a-reference}']);
    assert.equal(web.amiName?.kind === 'known' ? web.amiName.value : undefined, 'web-x');
    assert.equal(web.encryptBoot?.kind === 'known' ? web.encryptBoot.value : undefined, true);
    assert.deepEqual(values(imageNamed(result, 'amazon-ebs.renamed'), 'ami_org_arns'), ['arn:aws:organizations::111122223333:organization/o-abcdefghij']);
    assert.deepEqual(values(imageNamed(result, 'amazon-import'), 'ami_groups'), ['all']);
  });

  it('locates values in the JSON text: a template string as a whole, array elements one by one', async () => {
    const result = await readFiles({ 'config.pkr.json': CONFIG });
    const web = imageNamed(result, 'amazon-ebs.web');
    assert.equal(span(web.location), 'config.pkr.json:10:7-10:12');
    assert.equal(span(web.fields.ami_groups?.location), 'config.pkr.json:12:9-12:38');
    const [first, second] = web.fields.ami_users?.items ?? [];
    assert.equal(span(first?.location), 'config.pkr.json:13:22-13:38');
    assert.equal(first?.via, 'var.account');
    assert.equal(span(first?.origin), 'config.pkr.json:5:29-5:43');
    assert.equal(second?.via, 'local.users');
    assert.equal(span(second?.origin), 'config.pkr.json:7:43-7:57');
    assert.equal(span(imageNamed(result, 'amazon-import').fields.ami_groups?.items[0]?.location), 'config.pkr.json:24:61-24:66');
  });

  it('parses a type written as a string, so that --var takes a list expression', async () => {
    const result = await readFiles({ 'config.pkr.json': CONFIG }, options({ variables: [{ kind: 'var', name: 'groups', value: '["x"]' }] }));
    assert.deepEqual(values(imageNamed(result, 'amazon-ebs.web'), 'ami_groups'), ['x']);
  });

  it('forms one configuration with *.pkr.hcl files', async () => {
    const result = await readFiles({
      'vars.pkr.json': '{ "variable": { "groups": { "default": ["all"] } } }',
      'main.pkr.hcl': 'source "amazon-ebs" "x" {\n  ami_groups = var.groups\n}\n',
    });
    const item = only(only(result.images).fields.ami_groups?.items ?? []);
    assert.equal(item.kind === 'known' ? item.value : undefined, 'all');
    assert.equal(span(item.origin), 'vars.pkr.json:1:41-1:46');
  });

  it('reads several blocks of one type given as an array, and amazon-ebsvolume volumes', async () => {
    const text = JSON.stringify({
      source: {
        'amazon-ebsvolume': {
          vols: { ebs_volumes: [{ snapshot_groups: ['all'] }, { snapshot_users: ['111122223333'] }] },
        },
      },
    });
    const result = await readFiles({ 'v.pkr.json': text });
    assert.deepEqual(result.images.map((image) => [image.name, values(image, 'snapshot_groups') ?? values(image, 'snapshot_users')]), [
      ['amazon-ebsvolume.vols ebs_volumes[0]', ['all']],
      ['amazon-ebsvolume.vols ebs_volumes[1]', ['111122223333']],
    ]);
  });

  it('reports a template string that does not parse as an unknown item', async () => {
    const result = await readFiles({ 'e.pkr.json': '{ "source": { "amazon-ebs": { "x": { "ami_groups": ["${var.}"] } } } }' });
    const item = only(only(result.images).fields.ami_groups?.items ?? []);
    assert.equal(item.kind, 'unknown');
    assert.match(item.reason, /^the template is invalid: /);
  });
});
