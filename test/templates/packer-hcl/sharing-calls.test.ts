/**
 * What AWS receives from an HCL configuration: Packer sends each sharing field as one
 * ModifyImageAttribute call, which AWS rejects whole for one bad item.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toImageSubject } from '../../../src/templates/subject.js';
import { only, readFiles, span, values } from './read-config.js';

describe('a field with an item AWS rejects', () => {
  it('grants nothing from that field, reports the bad item, and keeps the other fields', async () => {
    const text = [
      'source "amazon-ebs" "x" {',
      '  ami_users  = ["111111111111", " 222222222222"]',
      '  ami_groups = ["all"]',
      '}',
    ].join('\n');
    const image = only((await readFiles({ 'a.pkr.hcl': text })).images);
    assert.deepEqual(values(image, 'ami_users'), ['111111111111', ' 222222222222']);
    const subject = toImageSubject(image);
    assert.deepEqual(subject.launch.grants.map((grant) => grant.grantee), [{ kind: 'public' }]);
    assert.deepEqual(
      subject.launch.invalid.map((entry) => [entry.raw, entry.problem, entry.location.kind === 'source' ? span(entry.location) : undefined]),
      [
        [
          ' 222222222222',
          '" 222222222222" is not an account id: it has surrounding white space; AWS rejects the whole ami_users change, so none of its 2 values is shared',
          'a.pkr.hcl:2:33-2:48',
        ],
      ],
    );
  });
});

describe('template directives in the JSON syntax', () => {
  it('renders %{ if } in a .pkr.json string like in HCL', async () => {
    const text = JSON.stringify({
      variable: { public: { default: true } },
      source: { 'amazon-ebs': { x: { ami_groups: ['%{ if var.public }all%{ else }none%{ endif }'] } } },
    });
    assert.deepEqual(values(only((await readFiles({ 'a.pkr.json': text })).images), 'ami_groups'), ['all']);
  });
});
