/**
 * fix and undo as the CLI runs them (in process, with a fake io) against the sandbox: what they
 * print, and that they act only on what they know.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { STATE_DIR } from './helpers.js';
import { useSampleCredentials } from '../cli/run-cli.js';

const IMAGES = SAMPLE_IDS.images;
const { dev, outsider } = SAMPLE_IDS.accounts;
const POLICY = `allow:\n  organizations: ["${SAMPLE_IDS.organization.arn}"]\n`;

let sandbox: Sandbox;
let dir: string;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function amiguard(args: readonly string[], who: 'management' | 'prod' = 'management'): Promise<Ran> {
  const restore = useSampleCredentials({}, who);
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd: dir,
    env: { AWS_REGION: 'us-east-1', AMIGUARD_STATE_DIR: STATE_DIR },
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
  };
  try {
    const code = await run([...args, '--endpoint-url', sandbox.url], io);
    return { code, stdout, stderr };
  } finally {
    restore();
  }
}

describe('fix and undo on the command line', () => {
  beforeEach(async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    dir = mkdtempSync(join(tmpdir(), 'amiguard-fix-cli-'));
  });
  afterEach(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints each change, a summary, and an undo hint with the options fix was run with', async () => {
    writeFileSync(join(dir, 'amiguard.yaml'), POLICY);
    const fixed = await amiguard(['fix', '--organization', '--role', 'OrganizationAccountAccessRole', '--external-id', 'ext 1', '--region', 'us-east-1', '--apply', '--journal', 'fix.jsonl']);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stdout, new RegExp(`^\\[1/\\d+\\] .*: removed `, 'm'));
    assert.match(fixed.stdout, /^changed \d+, unchanged 0, failed 0, not attempted 0$/m);
    assert.match(
      fixed.stdout,
      new RegExp(`^Journal: fix\\.jsonl\\. To put everything back: amiguard undo fix\\.jsonl --role OrganizationAccountAccessRole --external-id 'ext 1' --region us-east-1 --endpoint-url ${sandbox.url.replaceAll('.', '\\.')}$`, 'm'),
    );
  });

  it('undo --dry-run says what would be public again, never that it is; without consent undo refuses', async () => {
    writeFileSync(join(dir, 'amiguard.yaml'), POLICY);
    assert.equal((await amiguard(['fix', '--apply', '--journal', 'fix.jsonl'])).code, 0);
    const dryRun = await amiguard(['undo', 'fix.jsonl', '--dry-run']);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stderr, new RegExp(`${IMAGES.publicDemo} would be public again, as it was before the fix`));
    assert.doesNotMatch(dryRun.stderr, /is public again/);
    assert.match(dryRun.stdout, new RegExp(`${IMAGES.publicDemo}: would add back everyone \\(public\\) \\(dry run\\)`));
    assert.match(dryRun.stdout, /^would change 2, unchanged 0, failed 0, not attempted 0$/m);
    assert.deepEqual(sandbox.state.image(IMAGES.publicDemo)?.launchPermissions, []);

    const refused = await amiguard(['undo', 'fix.jsonl']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`${IMAGES.publicDemo} would become public again: every AWS account could launch it`));
    assert.match(refused.stderr, /hint: nothing was changed/);
    assert.deepEqual(sandbox.state.image(IMAGES.publicDemo)?.launchPermissions, []);
    const undone = await amiguard(['undo', 'fix.jsonl', '--i-understand-this-is-public']);
    assert.equal(undone.code, 0, undone.stderr);
    assert.match(undone.stderr, new RegExp(`${IMAGES.publicDemo} is public again`));
  });

  it('leaves a share whose approval it cannot decide to review when Organizations cannot be read', async () => {
    // The prod account's own credentials cannot list the organization's accounts.
    writeFileSync(join(dir, 'amiguard.yaml'), POLICY);
    const before = JSON.stringify(sandbox.state.images());
    const result = await amiguard(['fix', '--regions', 'all', '--apply', '--journal', 'fix.jsonl'], 'prod');
    // What it knows is fixed; the run still exits 2, since the organization was not read.
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /organization membership\): Organizations could not be read: .*\[organizations:ListRoots\]/);
    assert.match(result.stdout, /findings need review, left out of the plan because amiguard could not decide them:/);
    assert.match(result.stdout, new RegExp(`${IMAGES.customerKeyShared}: .* shares the AMI with account ${dev}, which is not in allow.accounts; whether it belongs to an approved organization or OU could not be resolved: Organizations could not be read`));
    assert.match(result.stdout, new RegExp(`${IMAGES.sharedWithOutsider}: .* shares the AMI with account ${outsider}, which is not in allow.accounts; whether it belongs`));
    assert.deepEqual(sandbox.state.image(IMAGES.customerKeyShared)?.launchPermissions, [{ userId: dev }], 'an approved share stays');
    assert.deepEqual(sandbox.state.image(IMAGES.sharedWithOutsider)?.launchPermissions, [{ userId: outsider }]);
    assert.deepEqual(sandbox.state.image(IMAGES.prodPublicOld)?.launchPermissions, [], 'public is decided without the organization');
    assert.notEqual(JSON.stringify(sandbox.state.images()), before);
  });

  it('without a policy file, plans no removal of every share unless told to', async () => {
    const plan = await amiguard(['fix', '--regions', 'all'], 'prod');
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /shares are reported only because no policy approves any account, organization or OU: not planned.* or pass --remove-unapproved-shares to remove them all\.$/m);
    assert.doesNotMatch(plan.stdout, new RegExp(`${IMAGES.sharedWithOutsider}\\s+remove`));
    assert.match(plan.stdout, new RegExp(`${IMAGES.prodPublicOld}\\s+remove launch permission: everyone`));
    const told = await amiguard(['fix', '--regions', 'all', '--remove-unapproved-shares'], 'prod');
    assert.match(told.stdout, new RegExp(`${IMAGES.sharedWithOutsider}\\s+remove launch permission: account ${outsider}`));
  });
});
