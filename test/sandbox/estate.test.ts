import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DescribeImagesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { AmiguardError } from '../../src/core/index.js';
import type { Estate } from '../../src/sandbox/index.js';
import { SAMPLE_ESTATE, generateEstate, loadEstate, startSandbox, validateEstate } from '../../src/sandbox/index.js';
import { ec2 } from './helpers.js';

const FIXTURES = 'test/fixtures/sandbox';
const ESTATE_MODULE = join(import.meta.dirname, '../../src/sandbox/estate.ts');

function rejectsEstate(estate: unknown, message: RegExp): void {
  assert.throws(
    () => validateEstate(estate, 'test'),
    (error: unknown) => error instanceof AmiguardError && error.code === 'SANDBOX' && message.test(error.message),
  );
}

describe('estate files', () => {
  it('reads the same estate from YAML and JSON', () => {
    const yaml = loadEstate(`${FIXTURES}/small-estate.yaml`);
    const json = loadEstate(`${FIXTURES}/small-estate.json`);
    assert.deepEqual(yaml, json);
    assert.equal(yaml.accounts.length, 2);
  });

  it('names the file and the field of a problem', () => {
    assert.throws(
      () => loadEstate(`${FIXTURES}/bad-account-id.yaml`),
      (error: unknown) =>
        error instanceof AmiguardError &&
        error.code === 'SANDBOX' &&
        error.message === `${FIXTURES}/bad-account-id.yaml: accounts[0].id: "1234-5678-9012" is not an account id of 12 digits`,
    );
    assert.throws(
      () => loadEstate(`${FIXTURES}/bad-launch-permission.yaml`),
      /accounts\[0\]\.images\[0\]\.launchPermissions\[0\]\.organizationArn: "arn:aws:organizations::123456789012:account\/o-abcdefghij" is not/,
    );
  });

  it('reports unreadable and unparsable files as SANDBOX errors', () => {
    assert.throws(() => loadEstate(`${FIXTURES}/missing.yaml`), (error: unknown) => error instanceof AmiguardError && /cannot read/.test(error.message));
    assert.throws(() => loadEstate(`${FIXTURES}/not-yaml.yaml`), (error: unknown) => error instanceof AmiguardError && /not valid YAML/.test(error.message));
  });

  it('refuses a FIFO, /dev/zero and an estate over the limit, without hanging or filling memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-estate-'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    writeFileSync(join(dir, 'huge.yaml'), Buffer.alloc(65 * 1024 * 1024, 0x20));
    const cases: [string, RegExp][] = [
      [join(dir, 'pipe.yaml'), /cannot read the estate file .*pipe\.yaml: not a regular file: a FIFO \(named pipe\)$/],
      ['/dev/zero', /cannot read the estate file \/dev\/zero: not a regular file: a character device$/],
      [join(dir, 'huge.yaml'), /cannot read the estate file .*huge\.yaml: 65 MB, over the 64 MB limit$/],
    ];
    for (const [path, message] of cases) {
      // In a child process with a kill timer: on a blocking read the timer (a safety net, not a timing assertion) ends it and the test fails.
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', `import { loadEstate } from ${JSON.stringify(ESTATE_MODULE)}; try { loadEstate(${JSON.stringify(path)}); } catch (error) { console.log(error.message); }`],
        { encoding: 'utf8', timeout: 60_000 },
      );
      assert.equal(child.status, 0, `${path}: ${child.stderr}`);
      assert.match(child.stdout.trim(), message);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks references, formats and unknown fields', () => {
    const base = { regions: [{ name: 'us-east-1' }] };
    rejectsEstate({ ...base, accounts: [{ id: '123456789012', name: 'a', colour: 'red' }] }, /accounts\[0\]\.colour: unknown field/);
    rejectsEstate(
      { ...base, accounts: [{ id: '123456789012', name: 'a', images: [{ region: 'us-east-1', name: 'x-image', id: 'ami-123' }] }] },
      /images\[0\]\.id: "ami-123" is not ami- followed by 8 or 17 hex characters/,
    );
    rejectsEstate(
      {
        ...base,
        accounts: [
          {
            id: '123456789012',
            name: 'a',
            images: [{ region: 'us-east-1', name: 'x-image', blockDevices: [{ deviceName: '/dev/xvda', snapshotId: 'snap-0123456789abcdef0' }] }],
          },
        ],
      },
      /blockDevices\[0\]\.snapshotId: snap-0123456789abcdef0 is not a snapshot of this account/,
    );
    rejectsEstate({ ...base, accounts: [{ id: '123456789012', name: 'a', images: [{ region: 'eu-west-9', name: 'x-image' }] }] }, /images\[0\]\.region: eu-west-9 is not one of the estate's regions/);
    rejectsEstate(
      { ...base, accounts: [{ id: '123456789012', name: 'a', snapshots: [{ id: 'snap-0123456789abcdef0', region: 'us-east-1', kmsKeyId: 'aws/ebs' }] }] },
      /snapshots\[0\]\.kmsKeyId: a KMS key needs encrypted: true/,
    );
    rejectsEstate(
      { ...base, accounts: [{ id: '123456789012', name: 'a' }], organization: { id: 'o-abcdefghij', managementAccountId: '123456789012', rootId: 'r-abcd', organizationalUnits: [{ id: 'ou-wxyz-abcdefgh', name: 'x' }] } },
      /organizationalUnits\[0\]\.id: an OU id starts with ou-abcd-/,
    );
    rejectsEstate({ regions: [], accounts: [] }, /regions: at least one region is needed/);
  });

  it('accepts the sample estate', () => {
    assert.equal(validateEstate(SAMPLE_ESTATE), SAMPLE_ESTATE);
    const images = SAMPLE_ESTATE.accounts.flatMap((account) => account.images ?? []);
    assert.equal(images.length, 15);
  });
});

describe('generated ids and estates', () => {
  it('gives images without an id a valid long id, the same for the same seed', async () => {
    const estate = loadEstate(`${FIXTURES}/small-estate.yaml`);
    const ids: string[] = [];
    for (const seed of [7, 7, 8]) {
      const sandbox = await startSandbox({ estate, seed });
      try {
        const client = ec2(sandbox, sandbox.credentials('123456789012'));
        const { Images = [] } = await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
        assert.equal(Images.length, 1);
        const id = Images[0]?.ImageId ?? '';
        assert.match(id, /^ami-[0-9a-f]{17}$/);
        ids.push(id);
      } finally {
        await sandbox.close();
      }
    }
    assert.equal(ids[0], ids[1]);
    assert.notEqual(ids[0], ids[2]);
  });

  it('lets an account use the opt-in regions it enabled', async () => {
    const sandbox = await startSandbox({ estate: loadEstate(`${FIXTURES}/small-estate.yaml`) });
    try {
      const member = ec2(sandbox, sandbox.credentials('210987654321'), 'af-south-1');
      const { Regions = [] } = await member.send(new DescribeRegionsCommand({}));
      assert.deepEqual(Regions.map((region) => [region.RegionName, region.OptInStatus]), [
        ['us-east-1', 'opt-in-not-required'],
        ['eu-west-1', 'opt-in-not-required'],
        ['af-south-1', 'opted-in'],
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it('generates a large valid estate deterministically', () => {
    const options = { accounts: 10, regions: 4, amisPerRegion: 250, seed: 3 };
    const estate: Estate = generateEstate(options);
    validateEstate(estate);
    const images = estate.accounts.flatMap((account) => account.images ?? []);
    assert.equal(images.length, 10_000);
    assert.equal(new Set(images.map((image) => image.id)).size, 10_000);
    assert.ok(images.some((image) => image.launchPermissions?.some((entry) => 'group' in entry)));
    assert.ok(images.some((image) => image.launchPermissions?.some((entry) => 'organizationalUnitArn' in entry)));
    assert.deepEqual(generateEstate(options).accounts[3]?.images?.[17], estate.accounts[3]?.images?.[17]);
    assert.notDeepEqual(generateEstate({ ...options, seed: 4 }).accounts[3]?.images?.[17], estate.accounts[3]?.images?.[17]);
  });
});
