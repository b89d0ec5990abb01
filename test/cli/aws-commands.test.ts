/**
 * The AWS commands, run as a user would (the built binary) against the sandbox through the real
 * SDK. Every test asserts the state read back from the sandbox, and that the command called
 * only AWS operations its iam-policy declares.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadCommand } from '../../src/cli/main.js';
import { AWS_OPERATIONS } from '../../src/aws/operations.js';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { AwsSession } from '../../src/aws/session.js';
import { describeImagesById } from '../../src/aws/images.js';
import { shareImage, unshareImage } from '../../src/manage/change.js';
import { runCli, runInProcess, withEnv, type CliResult } from './run-cli.js';

const IMAGES = SAMPLE_IDS.images;
const SNAPSHOTS = SAMPLE_IDS.snapshots;
const { management: MANAGEMENT, prod: PROD, dev: DEV, outsider: OUTSIDER } = SAMPLE_IDS.accounts;
const ORG_ARN = SAMPLE_IDS.organization.arn;
const PROD_OU_ARN = SAMPLE_IDS.organization.prodOuArn;

let sandbox: Sandbox;

async function aws(args: readonly string[], who: keyof typeof SAMPLE_CREDENTIALS = 'management'): Promise<CliResult> {
  sandbox.stats.reset();
  const env = {
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: SAMPLE_CREDENTIALS[who].accessKeyId,
    AWS_SECRET_ACCESS_KEY: SAMPLE_CREDENTIALS[who].secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  // In-process: the commands' logic is under test, not the process boundary (the spawned smoke
  // tests do that). The SDK reads credentials from process.env, so they are set there too.
  const result = await withEnv(env, () => runInProcess(args, { env }));
  // iam-policy must cover every call the command made.
  const command = await loadCommand(args[0]);
  const declared = new Set<string>(command?.operations ?? []);
  for (const action of Object.keys(sandbox.stats.byAction)) {
    assert.ok(action in AWS_OPERATIONS && declared.has(action), `${args[0] ?? ''} called ${action}, which its iam-policy does not declare`);
  }
  return result;
}

function launch(imageId: string): string[] {
  return (sandbox.state.image(imageId)?.launchPermissions ?? []).map((permission) => JSON.stringify(permission)).sort();
}
function volume(snapshotId: string): string[] {
  return (sandbox.state.snapshot(snapshotId)?.createVolumePermissions ?? []).map((permission) => JSON.stringify(permission)).sort();
}
function everything(): string {
  return JSON.stringify({
    images: sandbox.state.images().map((image) => [image.id, image.launchPermissions]),
    snapshots: Object.values(SNAPSHOTS).map((id) => [id, sandbox.state.snapshot(id)?.createVolumePermissions]),
    bpa: ['us-east-1', 'eu-west-1', 'ap-southeast-2'].map((region) => sandbox.state.imageBlockPublicAccess(MANAGEMENT, region)),
  });
}

describe('AWS commands against the sandbox', () => {
  before(async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Infinity });
  });
  after(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    await sandbox.close();
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Infinity });
  });

  it('show: launch and snapshot permissions, BPA and warnings, in JSON across regions', async () => {
    const result = await aws(['show', '--name', '*', '--regions', 'all', '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const shown = JSON.parse(result.stdout) as { images: { id: string; public: boolean; launchPermissions: { kind: string }[]; warnings: string[] }[] };
    assert.deepEqual(shown.images.map((image) => image.id).sort(), [IMAGES.goldenOrgShared, IMAGES.goldenCopyUnshared, IMAGES.goldenCopyOrgShared, IMAGES.publicDemo, IMAGES.marketplace].sort());
    const demo = shown.images.find((image) => image.id === IMAGES.publicDemo);
    assert.deepEqual(demo?.launchPermissions, [{ kind: 'public' }]);
    assert.ok(demo?.warnings.some((warning) => warning.includes('public: every AWS account')));
    assert.ok(demo?.warnings.some((warning) => warning.includes(`snapshot ${SNAPSHOTS.publicDemo} is public`)));
  });

  it('show: text for one AMI, naming a private AMI\'s public snapshot', async () => {
    const result = await aws(['show', IMAGES.privateWithPublicSnapshot], 'dev');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`${IMAGES.privateWithPublicSnapshot} .*us-east-1`));
    assert.match(result.stdout, /launch permission: no one but the owner/);
    assert.match(result.stdout, /! snapshot snap-\w+ is public: .*although the AMI is private/);
  });

  it('share: accounts, an organization and an OU, with snapshots; re-running changes nothing', async () => {
    const args = ['share', IMAGES.goldenCopyUnshared, '--region', 'eu-west-1', '--account', PROD, '--org', ORG_ARN, '--ou', PROD_OU_ARN, '--with-snapshots'];
    const first = await aws(args);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(launch(IMAGES.goldenCopyUnshared), [
      JSON.stringify({ organizationArn: ORG_ARN }),
      JSON.stringify({ organizationalUnitArn: PROD_OU_ARN }),
      JSON.stringify({ userId: PROD }),
    ].sort());
    const snapshotId = sandbox.state.image(IMAGES.goldenCopyUnshared)?.snapshotIds[0] ?? '';
    assert.deepEqual(volume(snapshotId), [JSON.stringify({ userId: PROD })], 'accounts carry over to snapshots; orgs cannot');
    assert.match(first.stderr, /snapshots cannot be shared with an organization or OU/);
    const before = everything();
    const second = await aws(args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /nothing to change/);
    assert.equal(everything(), before);
  });

  it('share --dry-run asks AWS and changes nothing', async () => {
    const before = everything();
    const result = await aws(['share', IMAGES.goldenOrgShared, '--account', DEV, '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /would add account 333333333333 \(dry run/);
    assert.equal(everything(), before);
  });

  it('unshare: one account, then public only, then everyone', async () => {
    assert.equal((await aws(['unshare', IMAGES.marketplace, '--account', PROD])).code, 0);
    assert.deepEqual(launch(IMAGES.marketplace), []);
    const publicOnly = await aws(['unshare', IMAGES.publicDemo, '--public', '--with-snapshots']);
    assert.equal(publicOnly.code, 0, publicOnly.stderr);
    assert.deepEqual(launch(IMAGES.publicDemo), []);
    assert.deepEqual(volume(SNAPSHOTS.publicDemo), []);
    assert.equal((await aws(['unshare', IMAGES.goldenOrgShared, '--everyone'])).code, 0);
    assert.deepEqual(launch(IMAGES.goldenOrgShared), []);
  });

  it('share prints each AMI as it is done: a later failure leaves the earlier changes listed, with a summary', async () => {
    // prod's AMIs, by region: ap-southeast-2 (changed), then eu-west-1's default-key AMI, which AWS refuses.
    const result = await aws(['share', '--name', '*', '--regions', 'all', '--account', OUTSIDER], 'prod');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stdout, new RegExp(`^${SAMPLE_IDS.images.prodPublicOld} \\(ap-southeast-2\\): add account ${OUTSIDER}; now: `, 'm'));
    assert.match(result.stdout, new RegExp(`^${SAMPLE_IDS.images.defaultKeyEncrypted} \\(eu-west-1\\): FAILED: `, 'm'));
    assert.match(result.stdout, /^AMIs: changed 1, unchanged 0, failed 1, not attempted 3$/m);
    assert.match(result.stderr, /encrypted with the AWS managed key aws\/ebs/);
    assert.ok(launch(SAMPLE_IDS.images.prodPublicOld).includes(JSON.stringify({ userId: OUTSIDER })));
    assert.ok(!launch(SAMPLE_IDS.images.prodOuShared).includes(JSON.stringify({ userId: OUTSIDER })), 'not attempted');

    const json = await aws(['share', '--name', '*', '--regions', 'all', '--account', DEV, '--format', 'json'], 'prod');
    assert.equal(json.code, 2);
    const parsed = JSON.parse(json.stdout) as { changes: { imageId: string }[]; failed: { imageId: string }[]; notAttempted: string[] };
    assert.deepEqual(parsed.changes.map((change) => change.imageId), [SAMPLE_IDS.images.prodPublicOld]);
    assert.deepEqual(parsed.failed.map((failure) => failure.imageId), [SAMPLE_IDS.images.defaultKeyEncrypted]);
    assert.equal(parsed.notAttempted.length, 3);
  });

  it('make-private removes only the public grant', async () => {
    assert.equal((await aws(['share', IMAGES.publicDemo, '--account', DEV])).code, 0);
    const result = await aws(['make-private', IMAGES.publicDemo]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(launch(IMAGES.publicDemo), [JSON.stringify({ userId: DEV })]);
  });

  it('make-public: refused without the flag (nothing changes), done with it', async () => {
    const before = everything();
    const refused = await aws(['make-public', IMAGES.goldenOrgShared]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /would become launchable by every AWS account/);
    assert.match(refused.stderr, /refusing to make this AMI public without --i-understand-this-is-public/);
    assert.equal(everything(), before);
    const done = await aws(['make-public', IMAGES.goldenOrgShared, '--i-understand-this-is-public']);
    assert.equal(done.code, 0, done.stderr);
    assert.ok(launch(IMAGES.goldenOrgShared).includes(JSON.stringify({ group: 'all' })));
    assert.ok(sandbox.state.snapshot(sandbox.state.image(IMAGES.goldenOrgShared)?.snapshotIds[0] ?? '')?.createVolumePermissions.length === 0, 'snapshots stay private');
  });

  it('block-public-access: enable blocks make-public with an explanation; disable lifts it', async () => {
    const enabled = await aws(['block-public-access', 'enable', '--regions', 'us-east-1', '--images']);
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.equal(sandbox.state.imageBlockPublicAccess(MANAGEMENT, 'us-east-1').state, 'block-new-sharing');
    const blocked = await aws(['make-public', IMAGES.goldenOrgShared, '--i-understand-this-is-public']);
    assert.equal(blocked.code, 2);
    assert.match(blocked.stderr, /block public access for AMIs is on in us-east-1/);
    assert.match(blocked.stderr, /hint: .*block-public-access disable --images --regions us-east-1/);
    assert.ok(!launch(IMAGES.goldenOrgShared).includes(JSON.stringify({ group: 'all' })));
    assert.equal((await aws(['block-public-access', 'disable', '--regions', 'us-east-1', '--images'])).code, 0);
    assert.equal(sandbox.state.imageBlockPublicAccess(MANAGEMENT, 'us-east-1').state, 'unblocked');
  });

  it('block-public-access: status for all regions; a declarative policy setting is reported, not changed', async () => {
    const status = await aws(['block-public-access', 'status', '--regions', 'all'], 'dev');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /ap-southeast-2\s+block-new-sharing \(declarative-policy\)/);
    const enable = await aws(['block-public-access', 'disable', '--regions', 'ap-southeast-2', '--images'], 'dev');
    assert.equal(enable.code, 2);
    assert.match(enable.stdout, /managed by a declarative policy; not changeable from the account/);
    assert.equal(sandbox.state.imageBlockPublicAccess(DEV, 'ap-southeast-2').state, 'block-new-sharing');
  });

  it('bad input: a clear message, exit 2, and nothing changed', async () => {
    const cases: [string[], RegExp, keyof typeof SAMPLE_CREDENTIALS][] = [
      [['share', 'ami-123', '--account', PROD], /"ami-123" is not an AMI id/, 'management'],
      [['share', IMAGES.goldenOrgShared, '--account', '12345'], /--account: "12345" is not an account id: it has 5 digits/, 'management'],
      [['share', IMAGES.goldenOrgShared, '--org', `arn:aws:organizations::${MANAGEMENT}:account/o-sandbox0001`], /":account\/o-" where AWS expects ":organization\/o-"/, 'management'],
      [['share', IMAGES.goldenOrgShared, '--ou', ORG_ARN], /is an organization ARN: it belongs in/, 'management'],
      [['show', '--name', '*', '--regions', 'mars-north-1'], /unknown region: mars-north-1/, 'management'],
      [['share', IMAGES.goldenOrgShared, '--region', 'eu-west-1', '--account', PROD], /not found in eu-west-1/, 'management'],
      [['share', IMAGES.marketplace, '--account', OUTSIDER], /owned by account 111111111111, not by 222222222222/, 'prod'],
      [['share', IMAGES.goldenOrgShared], /say who to share with/, 'management'],
      [['make-public', IMAGES.marketplace, '--i-understand-this-is-public'], /Marketplace product code/, 'management'],
      [['share', SAMPLE_IDS.images.defaultKeyEncrypted, '--region', 'eu-west-1', '--account', DEV], /encrypted with the AWS managed key aws\/ebs, which AWS does not let anyone share/, 'prod'],
    ];
    const before = everything();
    for (const [args, message, who] of cases) {
      const result = await aws(args, who);
      assert.equal(result.code, 2, `${args.join(' ')} -> ${result.code}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(everything(), before);
  });

  it('no credentials: says so, with a hint, exit 2', async () => {
    const result = await runCli(['show', IMAGES.goldenOrgShared], { env: { AWS_ENDPOINT_URL: sandbox.url, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no usable AWS credentials/);
    assert.match(result.stderr, /hint: .*amiguard sandbox/);
  });
});

describe('amiguard iam-policy', () => {
  it('prints exactly the actions a command declares', async () => {
    const result = await runCli(['iam-policy', 'show']);
    assert.equal(result.code, 0);
    const policy = JSON.parse(result.stdout) as { Version: string; Statement: { Action: string[] }[] };
    assert.equal(policy.Version, '2012-10-17');
    assert.deepEqual(policy.Statement[0]?.Action, [
      'ec2:DescribeImageAttribute',
      'ec2:DescribeImages',
      'ec2:DescribeRegions',
      'ec2:DescribeSnapshotAttribute',
      'ec2:DescribeSnapshots',
      'ec2:GetImageBlockPublicAccessState',
      'ec2:GetSnapshotBlockPublicAccessState',
      // Whether an account a snapshot is shared with reaches the AMI through an organization or OU.
      'organizations:DescribeOrganization',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListRoots',
    ]);
    assert.ok(!policy.Statement[0]?.Action.includes('ec2:ModifyImageAttribute'), 'show changes nothing');
  });
  it('refuses a command that does not call AWS', async () => {
    const result = await runCli(['iam-policy', 'lint']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"lint" does not call AWS/);
  });
});

describe('a change AWS accepts but does not apply', () => {
  it('is a failure when read back, for share and unshare, AMIs and snapshots', async () => {
    const local = await startSandbox({ estate: SAMPLE_ESTATE, speed: Infinity });
    const session = new AwsSession({ endpoint: local.url, region: 'us-east-1', credentials: SAMPLE_CREDENTIALS.management });
    try {
      // Every permission change is answered "done" without reaching the endpoint.
      const ec2 = session.ec2('us-east-1');
      ec2.middlewareStack.add(
        (next, context) => async (args) =>
          context.commandName === 'ModifyImageAttributeCommand' || context.commandName === 'ModifySnapshotAttributeCommand'
            ? { output: { $metadata: {} }, response: {} } as Awaited<ReturnType<typeof next>>
            : next(args),
        { step: 'initialize', name: 'swallowChanges' },
      );
      const [image] = await describeImagesById(ec2, 'us-east-1', [IMAGES.goldenOrgShared]);
      assert.ok(image !== undefined);
      const seen: string[] = [];
      const request = { grantees: [{ kind: 'account' as const, id: PROD }], withSnapshots: true, snapshotAccounts: [], dryRun: false, onOutcome: () => void seen.push('outcome') };
      await assert.rejects(shareImage(session, image, request, 'share'), new RegExp(`AMI ${IMAGES.goldenOrgShared} in us-east-1, read back after the change, lacks account ${PROD}`));
      await assert.rejects(unshareImage(session, image, { ...request, grantees: [{ kind: 'organization', arn: ORG_ARN }] }, 'unshare'), /read back after the change, still has organization/);
      const [demo] = await describeImagesById(ec2, 'us-east-1', [IMAGES.publicDemo]);
      assert.ok(demo !== undefined);
      await assert.rejects(unshareImage(session, demo, { ...request, grantees: [{ kind: 'account', id: DEV }] , snapshotAccounts: [] , everyone: true }, 'unshare'), /read back after the change, still has everyone/);
      assert.deepEqual(seen, []);
    } finally {
      session.destroy();
      await local.close();
    }
  });
});
