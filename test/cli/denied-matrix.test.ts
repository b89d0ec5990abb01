/**
 * The denied-action matrix (issue 7, "never a false all-clear"): for every IAM action amiguard
 * calls (src/aws/operations.ts), a sandbox estate whose principals are denied exactly that action
 * runs every command that declares it, in-process through run(). Each run either completes or
 * names the action it was denied and exits non-zero; no audit of this estate (which holds public
 * and unapproved grants) ever says "no problems" or exits 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AWS_OPERATIONS, type AwsOperation } from '../../src/aws/operations.js';
import { COMMANDS, run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Estate } from '../../src/sandbox/index.js';
import { denyingAdmin } from '../audit/helpers.js';
import { useSampleCredentials, withEnv } from './run-cli.js';

/** Every command, loaded: main.ts loads a command's module only when it runs. */
const LOADED = await Promise.all(COMMANDS.map((entry) => entry.load()));

const IMAGES = SAMPLE_IDS.images;
const ORG_ARN = SAMPLE_IDS.organization.arn;
/** The root snapshot of goldenOrgShared (the sample estate numbers them alike). */
const SNAPSHOT_OF_GOLDEN = IMAGES.goldenOrgShared.replace('ami-', 'snap-');
const ORG_SCOPE = ['--organization', '--role', 'AmiguardAuditRole', '--regions', 'us-east-1,ap-southeast-2'];

/** What each command runs, against the management account's AMIs in us-east-1. */
const RUNS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  show: [['show', IMAGES.publicDemo, IMAGES.goldenOrgShared, '--region', 'us-east-1']],
  share: [['share', IMAGES.goldenOrgShared, '--account', '222222222222', '--with-snapshots', '--dry-run', '--region', 'us-east-1']],
  unshare: [['unshare', IMAGES.publicDemo, '--public', '--with-snapshots', '--region', 'us-east-1']],
  'make-private': [['make-private', IMAGES.publicDemo, '--region', 'us-east-1']],
  'make-public': [['make-public', IMAGES.goldenOrgShared, '--i-understand-this-is-public', '--dry-run', '--region', 'us-east-1']],
  'block-public-access': [
    ['block-public-access', 'status', '--regions', 'us-east-1'],
    ['block-public-access', 'enable', '--regions', 'us-east-1', '--dry-run'],
    ['block-public-access', 'disable', '--images', '--regions', 'us-east-1', '--dry-run'],
  ],
  audit: [
    ['audit', ...ORG_SCOPE],
    ['audit', ...ORG_SCOPE, '--allow-partial'],
    ['audit', ...ORG_SCOPE, '--allow-partial', '--format', 'json'],
  ],
  fix: [['fix', ...ORG_SCOPE]],
};

/**
 * Denials a run may meet and still complete, each for a reason: with --regions named, the region
 * list only checks them, and each named region that cannot be read says so itself; a --region
 * is checked against the list when it can be read, and otherwise used as given.
 */
const HARMLESS = new Set(['audit DescribeRegions', 'fix DescribeRegions', ...['show', 'share', 'unshare', 'make-private', 'make-public'].map((command) => `${command} DescribeRegions`)]);

/** The sample estate with every access key and role denied the action (so every call of it is). */
function denying(iam: string): Estate {
  return {
    ...SAMPLE_ESTATE,
    accounts: SAMPLE_ESTATE.accounts.map((account) => ({
      ...account,
      accessKeys: (account.accessKeys ?? []).map((key) => ({ ...key, denyActions: [...(key.denyActions ?? []), iam] })),
      roles: (account.roles ?? []).map((role) => ({ ...role, denyActions: [...(role.denyActions ?? []), iam] })),
    })),
  };
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function amiguard(args: readonly string[], cwd: string): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd,
    env: { AWS_REGION: 'us-east-1', NO_COLOR: '1' },
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

describe('every command with every action it calls denied', () => {
  let cwd: string;
  let restoreEnv: (() => void) | undefined;
  before(() => {
    cwd = mkdtempSync(join(tmpdir(), 'amiguard-denied-'));
    // Approving the organization makes audit and fix read Organizations too.
    writeFileSync(join(cwd, 'amiguard.yaml'), `allow:\n  organizations: ["${ORG_ARN}"]\n`);
    // The SDK takes credentials and the endpoint from the environment, as for a user.
    restoreEnv = useSampleCredentials({ AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined, AWS_ENDPOINT_URL: undefined });
  });
  after(() => {
    restoreEnv?.();
  });

  const actions = (Object.keys(AWS_OPERATIONS) as AwsOperation[]).filter((action) => AWS_OPERATIONS[action].iam !== undefined);
  for (const action of actions) {
    const iam = AWS_OPERATIONS[action].iam ?? '';
    const commands = LOADED.filter((command) => command.operations?.includes(action) === true && RUNS[command.name] !== undefined);
    if (commands.length === 0) continue;
    it(`${iam}: ${commands.map((command) => command.name).join(', ')}`, async () => {
      const sandbox = await startSandbox({ estate: denying(iam), speed: Number.POSITIVE_INFINITY });
      process.env['AWS_ENDPOINT_URL'] = sandbox.url;
      try {
        for (const command of commands) {
          for (const args of RUNS[command.name] ?? []) {
            sandbox.stats.reset();
            const ran = await amiguard(args, cwd);
            const label = `amiguard ${args.join(' ')} (exit ${ran.code})\n${ran.stdout}\n${ran.stderr}`;
            assert.doesNotMatch(ran.stderr, /internal error/, label);
            if (command.name === 'audit') {
              // The estate holds public and unapproved grants: an audit never looks clean.
              assert.notEqual(ran.code, 0, label);
              assert.doesNotMatch(ran.stdout, /no problems/, label);
            }
            const called = (sandbox.stats.byAction[action] ?? 0) > 0;
            if (!called || HARMLESS.has(`${command.name} ${action}`)) continue;
            assert.notEqual(ran.code, 0, `denied ${iam} but exited 0: ${label}`);
            assert.ok(`${ran.stdout}${ran.stderr}`.includes(iam), `denied ${iam} but did not name it: ${label}`);
          }
        }
      } finally {
        await sandbox.close();
      }
    });
  }
});

describe('what a command says when part of it could not be read', () => {
  let cwd: string;
  before(() => {
    cwd = mkdtempSync(join(tmpdir(), 'amiguard-coverage-'));
  });

  async function withEstate(estate: Estate, credentials: { accessKeyId: string; secretAccessKey: string }, body: () => Promise<void>): Promise<void> {
    const sandbox = await startSandbox({ estate, speed: Number.POSITIVE_INFINITY });
    try {
      await withEnv(
        {
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL: sandbox.url,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
        body,
      );
    } finally {
      await sandbox.close();
    }
  }

  it('audit: a denied block public access read leaves the region checked; every format says what is missing', async () => {
    const estate = denyingAdmin(SAMPLE_IDS.accounts.management, ['ec2:GetImageBlockPublicAccessState']);
    await withEstate(estate, SAMPLE_CREDENTIALS.management, async () => {
      const args = ['audit', '--regions', 'us-east-1', '--allow-partial'];
      const text = await amiguard(args, cwd);
      assert.equal(text.code, 1, text.stderr);
      assert.match(text.stdout, new RegExp(`${IMAGES.publicDemo}\\s+error`));
      assert.match(text.stdout, /⚠ incomplete: \d+ problems .* in what was read; 1 part could not be read:/);
      assert.match(text.stdout, /111111111111\/us-east-1: block public access for AMIs unknown: not allowed to call ec2:GetImageBlockPublicAccessState in us-east-1.*\[ec2:GetImageBlockPublicAccessState\]/);
      assert.match(text.stderr, /could not read 111111111111\/us-east-1 \(block public access for AMIs\): .*\[ec2:GetImageBlockPublicAccessState\]/);
      assert.equal((await amiguard(['audit', '--regions', 'us-east-1'], cwd)).code, 2);

      const json = JSON.parse((await amiguard([...args, '--format', 'json'], cwd)).stdout) as {
        coverage: { complete: boolean; unread: { kind: string; action: string; account: string; region: string }[]; read: { kind: string }[] };
      };
      assert.equal(json.coverage.complete, false);
      assert.deepEqual(json.coverage.unread.map((gap) => [gap.account, gap.region, gap.kind, gap.action]), [
        ['111111111111', 'us-east-1', 'image-block-public-access', 'ec2:GetImageBlockPublicAccessState'],
      ]);
      assert.ok(json.coverage.read.some((read) => read.kind === 'launch-permission'));

      const sarif = JSON.parse((await amiguard([...args, '--format', 'sarif'], cwd)).stdout) as {
        runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string }; properties: { iamAction: string } }[] }[] }[];
      };
      const invocation = sarif.runs[0]?.invocations[0];
      assert.equal(invocation?.executionSuccessful, false);
      assert.equal(invocation?.toolExecutionNotifications[0]?.level, 'error');
      assert.equal(invocation?.toolExecutionNotifications[0]?.properties.iamAction, 'ec2:GetImageBlockPublicAccessState');

      await amiguard([...args, '--format', 'html', '--output', 'audit.html'], cwd);
      const page = readFileSync(join(cwd, 'audit.html'), 'utf8');
      assert.match(page, /<h2 id="failures-heading">Incomplete: 1 part could not be read<\/h2>/);
      assert.ok(page.includes('<code>ec2:GetImageBlockPublicAccessState</code>'));
    });
  });

  it('audit --allow-partial: an incomplete run with no findings exits 3 and never says "no problems"', async () => {
    // The dev account's eu-west-1 holds one private AMI; its snapshot's permission cannot be read.
    const estate = denyingAdmin(SAMPLE_IDS.accounts.dev, ['ec2:DescribeSnapshotAttribute']);
    await withEstate(estate, SAMPLE_CREDENTIALS.dev, async () => {
      const ran = await amiguard(['audit', '--regions', 'eu-west-1', '--allow-partial'], cwd);
      assert.equal(ran.code, 3, `${ran.stdout}\n${ran.stderr}`);
      assert.doesNotMatch(ran.stdout, /no problems/);
      assert.match(ran.stdout, /⚠ incomplete: .* in what was read; 1 part could not be read:/);
      assert.match(ran.stdout, /create-volume permission unknown: .*\[ec2:DescribeSnapshotAttribute\]/);
    });
  });

  it('show: a denied block public access read shows the rest and names GetImageBlockPublicAccessState, not DescribeImageAttribute', async () => {
    const estate = denyingAdmin(SAMPLE_IDS.accounts.management, ['ec2:GetImageBlockPublicAccessState']);
    await withEstate(estate, SAMPLE_CREDENTIALS.management, async () => {
      const ran = await amiguard(['show', IMAGES.publicDemo, '--region', 'us-east-1'], cwd);
      assert.equal(ran.code, 2);
      assert.match(ran.stdout, /launch permission: everyone \(public\)/);
      assert.match(ran.stdout, /block public access in us-east-1: images unknown, snapshots /);
      assert.match(ran.stdout, /\? block public access for AMIs unknown: not allowed to call ec2:GetImageBlockPublicAccessState .*\[ec2:GetImageBlockPublicAccessState\]/);
      assert.doesNotMatch(`${ran.stdout}${ran.stderr}`, /DescribeImageAttribute/);
      const json = JSON.parse((await amiguard(['show', IMAGES.publicDemo, '--region', 'us-east-1', '--format', 'json'], cwd)).stdout) as {
        complete: boolean;
        images: { unread: { action: string }[] }[];
      };
      assert.equal(json.complete, false);
      assert.deepEqual(json.images[0]?.unread.map((gap) => gap.action), ['ec2:GetImageBlockPublicAccessState']);
    });
  });

  it('share --dry-run: a denied DescribeImageAttribute is named as such, not as ModifyImageAttribute', async () => {
    const estate = denyingAdmin(SAMPLE_IDS.accounts.management, ['ec2:DescribeImageAttribute']);
    await withEstate(estate, SAMPLE_CREDENTIALS.management, async () => {
      const ran = await amiguard(['share', IMAGES.goldenOrgShared, '--account', '222222222222', '--dry-run', '--region', 'us-east-1'], cwd);
      assert.equal(ran.code, 2);
      assert.match(ran.stderr, /not allowed to call ec2:DescribeImageAttribute/);
      assert.doesNotMatch(ran.stderr, /ModifyImageAttribute/);
    });
  });

  describe('show: a snapshot shared with an account that reaches the AMI through its organization', () => {
    // goldenOrgShared is shared with the organization; give its snapshot to the prod account, a member.
    const shared: Estate = {
      ...SAMPLE_ESTATE,
      accounts: SAMPLE_ESTATE.accounts.map((account) => ({
        ...account,
        snapshots: (account.snapshots ?? []).map((snapshot) =>
          snapshot.id === SNAPSHOT_OF_GOLDEN ? { ...snapshot, createVolumePermissions: [{ userId: SAMPLE_IDS.accounts.prod }] } : snapshot,
        ),
      })),
    };

    it('does not warn that the account cannot launch it, when Organizations says it is a member', async () => {
      await withEstate(shared, SAMPLE_CREDENTIALS.management, async () => {
        const ran = await amiguard(['show', IMAGES.goldenOrgShared, '--region', 'us-east-1'], cwd);
        assert.equal(ran.code, 0, ran.stderr);
        assert.match(ran.stdout, new RegExp(`create-volume permission: account ${SAMPLE_IDS.accounts.prod}`));
        assert.doesNotMatch(ran.stdout, /cannot launch|may not/);
      });
    });

    it('says "may not", with the reason, when Organizations cannot be read', async () => {
      await withEstate(denyingAdmin(SAMPLE_IDS.accounts.management, ['organizations:ListRoots'], shared), SAMPLE_CREDENTIALS.management, async () => {
        const ran = await amiguard(['show', IMAGES.goldenOrgShared, '--region', 'us-east-1'], cwd);
        assert.doesNotMatch(ran.stdout, /which cannot launch the AMI/);
        assert.match(ran.stdout, /which may not be able to launch the AMI: .*organizations:ListRoots/);
      });
    });
  });
});
