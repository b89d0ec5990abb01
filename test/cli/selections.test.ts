/**
 * Selections: AMI ids with --regions are searched in every region named; `show --name` that
 * matches nothing is an empty answer (exit 0); `share` with the AMI's own account is refused
 * before any change (exit 2).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SAMPLE_IDS } from '../../src/sandbox/index.js';
import { runInProcess, sampleSandbox } from './run-cli.js';

describe('selections that change nothing', () => {
  const sandbox = sampleSandbox();

  it('says so in text and gives [] in JSON, exit 0; an AMI id that does not exist is still exit 2', async () => {
    const common = ['--regions', 'us-east-1,eu-west-1', '--endpoint-url', sandbox().url, '--region', 'us-east-1'];
    const text = await runInProcess(['show', '--name', 'no-such-image-*', ...common]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, 'No AMI owned by this account matches --name "no-such-image-*".\n');
    const json = await runInProcess(['show', '--name', 'no-such-image-*', '--format', 'json', ...common]);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { images: unknown[] };
    assert.deepEqual(parsed.images, []);
    const missing = await runInProcess(['show', 'ami-0123456789abcdef0', '--endpoint-url', sandbox().url, '--region', 'us-east-1']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /AMI ami-0123456789abcdef0 not found/);
  });

  it('share with the owner\'s own account is refused, and nothing changes', async () => {
    const image = SAMPLE_IDS.images.goldenOrgShared;
    const before = JSON.stringify(sandbox().state.image(image));
    const result = await runInProcess(['share', image, '--account', SAMPLE_IDS.accounts.management, '--endpoint-url', sandbox().url, '--region', 'us-east-1']);
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, new RegExp(`account ${SAMPLE_IDS.accounts.management} owns this AMI and can always launch it: sharing with it changes nothing`));
    assert.equal(JSON.stringify(sandbox().state.image(image)), before);
  });

  it('AMI ids with --regions are searched in every region named, not only the first', async () => {
    const { goldenOrgShared, goldenCopyUnshared } = SAMPLE_IDS.images;
    const result = await runInProcess(['show', goldenOrgShared, goldenCopyUnshared, '--regions', 'us-east-1,eu-west-1', '--format', 'json', '--endpoint-url', sandbox().url, '--region', 'us-east-1']);
    assert.equal(result.code, 0, result.stderr);
    const shown = (JSON.parse(result.stdout) as { images: { id: string; region: string }[] }).images.map((image) => `${image.region}/${image.id}`);
    assert.deepEqual(shown, [`eu-west-1/${goldenCopyUnshared}`, `us-east-1/${goldenOrgShared}`]);
    const missing = await runInProcess(['show', goldenOrgShared, 'ami-0123456789abcdef0', '--regions', 'us-east-1,eu-west-1', '--endpoint-url', sandbox().url, '--region', 'us-east-1']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /AMI ami-0123456789abcdef0 not found in us-east-1, eu-west-1/);
  });
});
