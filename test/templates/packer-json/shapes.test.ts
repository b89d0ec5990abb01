import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, only, readFixture, readText, values } from './read-fixture.js';

const FILE = 'ebsvolume-import.json';

describe('readPackerJson: which objects make images', () => {
  const result = readFixture(FILE);

  it('reads one image per ebs volume and per amazon-import, and nothing else', () => {
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.images.map((image) => [image.type, image.name]),
      [
        ['amazon-ebsvolume', 'amazon-ebsvolume ebs_volumes[0]'],
        ['amazon-ebsvolume', 'amazon-ebsvolume ebs_volumes[1]'],
        ['amazon-import', 'amazon-import post-processors[0]'],
        ['amazon-import', 'second'],
        ['amazon-import', 'amazon-import post-processors[2]'],
      ],
    );
  });

  it('reads the snapshot sharing and encryption of each volume at the volume', () => {
    const [first, second] = result.images;
    assert.deepEqual(first?.location, at(FILE, 6, 9, 11, 10));
    assert.deepEqual(values(first, 'snapshot_groups'), ['all']);
    assert.deepEqual(first?.encryptBoot, { kind: 'known', value: false, location: at(FILE, 10, 11, 10, 29) });
    assert.equal(first?.customerKmsKey, undefined);
    assert.deepEqual(second?.location, at(FILE, 12, 9, 17, 10));
    assert.deepEqual(values(second, 'snapshot_users'), ['111122223333']);
    assert.equal(second?.encryptBoot?.kind === 'known' && second.encryptBoot.value, true);
    assert.equal(second?.customerKmsKey?.kind === 'known' && second.customerKmsKey.value, true);
  });

  it('reads amazon-import objects, in sequences too, and a bare type name with no settings', () => {
    const [, , imported, second, bare] = result.images;
    assert.deepEqual(imported?.location, at(FILE, 23, 5, 28, 6));
    assert.deepEqual(values(imported, 'ami_groups'), ['all']);
    assert.deepEqual(values(imported, 'ami_users'), ['111122223333']);
    assert.deepEqual(imported?.encryptBoot, { kind: 'known', value: false, location: at(FILE, 27, 7, 27, 29) });
    assert.deepEqual(values(second, 'ami_org_arns'), ['arn:aws:organizations::111122223333:organization/o-abcdefghij']);
    assert.equal(second?.location.line, 31);
    assert.deepEqual(bare?.location, at(FILE, 33, 5, 33, 20));
    assert.deepEqual(bare?.fields, {});
  });

  it('reads a builder without a type only when it sets sharing, as an untyped fragment', () => {
    const text = JSON.stringify({
      builders: [{ ami_groups: ['all'] }, { source_ami: 'ami-1' }, { name: 'release', snapshot_users: '111122223333' }],
    });
    assert.deepEqual(
      readText('t.json', text).images.map((image) => [image.type, image.name]),
      [
        ['(untyped)', '(untyped)'],
        ['(untyped)', 'release'],
      ],
    );
  });

  it('tells apart images that would share a name by their position', () => {
    const text = JSON.stringify({
      builders: [
        { type: 'amazon-ebs' },
        { type: 'amazon-ebs', name: 'eu' },
        { type: 'amazon-chroot', name: 'amazon-ebs' },
        { type: 'amazon-instance' },
        { type: 'amazon-ebssurrogate', name: '{{user `n`}}' },
      ],
      variables: { n: 'rendered' },
    });
    assert.deepEqual(
      readText('t.json', text).images.map((image) => image.name),
      ['amazon-ebs builders[0]', 'eu', 'amazon-ebs builders[2]', 'amazon-instance', 'rendered'],
    );
  });

  it('reads a file with sharing but no other settings as one image', () => {
    const image = only(readText('t.json', '{"builders":[{"type":"amazon-ebs","ami_groups":"all"}]}').images);
    assert.deepEqual(image.location, at('t.json', 1, 14, 1, 54));
  });
});
