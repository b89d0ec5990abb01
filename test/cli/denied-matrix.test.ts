/**
 * The denied-action matrix (issue 7, "never a false all-clear"): for every IAM action amiguard
 * calls (src/aws/operations.ts), a sandbox estate whose principals are denied exactly that action
 * runs every command that declares it, in-process through run(). Each run either completes or
 * names the action it was denied and exits non-zero; no audit of this estate (which holds public
 * and unapproved grants) ever says "no problems" or exits 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AWS_OPERATIONS, type AwsOperation } from '../../src/aws/operations.js';
import { COMMANDS, run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Estate } from '../../src/sandbox/index.js';

/** Every command, loaded: main.ts loads a command's module only when it runs. */
const LOADED = await Promise.all(COMMANDS.map((entry) => entry.load()));

const IMAGES = SAMPLE_IDS.images;
const ORG_ARN = SAMPLE_IDS.organization.arn;
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
 * list only checks them, and each named region that cannot be read says so itself.
 */
const HARMLESS = new Set(['audit DescribeRegions', 'fix DescribeRegions']);

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

const SAVED_ENV = { ...process.env };

describe('every command with every action it calls denied', () => {
  let cwd: string;
  before(() => {
    cwd = mkdtempSync(join(tmpdir(), 'amiguard-denied-'));
    // Approving the organization makes audit and fix read Organizations too.
    writeFileSync(join(cwd, 'amiguard.yaml'), `allow:\n  organizations: ["${ORG_ARN}"]\n`);
    // The SDK takes credentials and the endpoint from the environment, as for a user.
    process.env['AWS_ACCESS_KEY_ID'] = SAMPLE_CREDENTIALS.management.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = SAMPLE_CREDENTIALS.management.secretAccessKey;
    process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
    delete process.env['AWS_PROFILE'];
    delete process.env['AWS_SESSION_TOKEN'];
  });
  after(() => {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED', 'AWS_ENDPOINT_URL']) {
      if (SAVED_ENV[key] === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = SAVED_ENV[key];
    }
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
