/**
 * audit, fix and undo as a user runs them (the built binary) against the sandbox's sample
 * estate: the findings, the state read back after fix and after undo, and that every AWS action
 * each command calls is in its iam-policy.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadCommand } from '../../src/cli/main.js';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runInProcess, withEnv, type CliResult } from './run-cli.js';

const IMAGES = SAMPLE_IDS.images;
const SNAPSHOTS = SAMPLE_IDS.snapshots;
const ORG_ARN = SAMPLE_IDS.organization.arn;

let sandbox: Sandbox;
let dir: string;

async function amiguard(args: readonly string[]): Promise<CliResult> {
  sandbox.stats.reset();
  const env = {
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: SAMPLE_CREDENTIALS.management.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SAMPLE_CREDENTIALS.management.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AMIGUARD_STATE_DIR: join(dir, 'state'),
  };
  // In-process: the commands' logic is under test, not the process boundary. The SDK reads
  // credentials from process.env, so they are set there too.
  const result = await withEnv(env, () => runInProcess(args, { cwd: dir, env }));
  const declared = new Set<string>((await loadCommand(args[0]))?.operations ?? []);
  for (const action of Object.keys(sandbox.stats.byAction)) {
    assert.ok(declared.has(action), `${args[0] ?? ''} called ${action}, which its iam-policy does not declare`);
  }
  return result;
}

function state(): string {
  return JSON.stringify({
    images: sandbox.state.images().map((image) => [image.id, image.launchPermissions]),
    snapshots: Object.values(SNAPSHOTS).map((id) => [id, sandbox.state.snapshot(id)?.createVolumePermissions]),
  });
}

const POLICY = `allow:\n  organizations: ["${ORG_ARN}"]\n`;

describe('audit, fix and undo against the sandbox', () => {
  beforeEach(async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Infinity });
    dir = mkdtempSync(join(tmpdir(), 'amiguard-estate-'));
    writeFileSync(join(dir, 'amiguard.yaml'), POLICY);
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('audit --organization: every account and region, findings with AWS locations, exit 1', async () => {
    const result = await amiguard(['audit', '--organization', '--role', 'AmiguardAuditRole', '--format', 'json']);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { findings: { ruleId: string; location: { account: string; resourceId: string } }[] };
    const found = report.findings.map((finding) => `${finding.ruleId} ${finding.location.resourceId}`);
    for (const expected of [
      `public-ami ${IMAGES.publicDemo}`,
      `public-snapshot ${SNAPSHOTS.publicDemo}`,
      `public-ami ${IMAGES.prodPublicOld}`,
      `public-ami ${IMAGES.devPublic}`,
      `unapproved-account ${IMAGES.sharedWithOutsider}`,
      `public-snapshot ${SNAPSHOTS.privateWithPublicSnapshot}`,
      `snapshot-sharing-mismatch ${SNAPSHOTS.privateWithPublicSnapshot}`,
    ]) {
      assert.ok(found.includes(expected), `missing ${expected} in\n${found.join('\n')}`);
    }
    // Shares with the approved organization, and with its OUs, are not findings.
    assert.ok(!found.some((line) => line.includes(IMAGES.goldenOrgShared)));
    assert.ok(!found.some((line) => line.includes(IMAGES.prodOuShared)));
  });

  it('audit text: a summary per account and region; html: one page', async () => {
    const text = await amiguard(['audit', '--organization', '--role', 'AmiguardAuditRole']);
    assert.match(text.stdout, /account\s+region\s+AMIs\s+public AMIs\s+public snapshots\s+shared outside policy/);
    assert.match(text.stdout, /222222222222\s+us-east-1\s+2\s+0\s+0\s+1/);
    assert.match(text.stdout, /3 accounts, 3 regions \(9 account-regions\), 15 AMIs read/);
    const html = await amiguard(['audit', '--organization', '--role', 'AmiguardAuditRole', '--format', 'html', '--output', 'audit.html']);
    assert.equal(html.code, 1);
    const page = readFileSync(join(dir, 'audit.html'), 'utf8');
    assert.match(page, /^<!DOCTYPE html>/i);
    assert.ok(page.includes(IMAGES.publicDemo));
  });

  it('audit names what it could not read, exit 2 unless --allow-partial', async () => {
    const args = ['audit', '--accounts', '111111111111,222222222222,123456789012', '--role', 'NoSuchRole', '--regions', 'us-east-1', '--format', 'json'];
    const result = await amiguard(args);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /could not read 123456789012: cannot assume arn:aws:iam::123456789012:role\/NoSuchRole/);
    assert.match(result.stderr, /could not read 222222222222: cannot assume/);
    const report = JSON.parse(result.stdout) as { findings: { location: { account: string } }[] };
    assert.ok(report.findings.some((finding) => finding.location.account === '111111111111'), 'what was read is reported');
    assert.equal((await amiguard([...args, '--allow-partial'])).code, 1);
  });

  it('fix plans without changing anything; --apply changes exactly the plan; undo restores the original state', async () => {
    const original = state();
    const plan = await amiguard(['fix']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`${IMAGES.publicDemo}\\s+remove launch permission: everyone \\(public\\)`));
    assert.match(plan.stdout, /Nothing was changed/);
    assert.equal(state(), original);

    const applied = await amiguard(['fix', '--apply', '--journal', 'fix.jsonl']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(sandbox.state.image(IMAGES.publicDemo)?.launchPermissions, []);
    assert.deepEqual(sandbox.state.snapshot(SNAPSHOTS.publicDemo)?.createVolumePermissions, []);
    assert.deepEqual(sandbox.state.image(IMAGES.goldenOrgShared)?.launchPermissions, [{ organizationArn: ORG_ARN }], 'approved shares stay');
    assert.match(readFileSync(join(dir, 'fix.jsonl'), 'utf8'), /"type":"before"/);

    const again = await amiguard(['fix', '--apply', '--journal', 'fix.jsonl']);
    assert.match(again.stdout, /Nothing to fix/);

    const refused = await amiguard(['undo', 'fix.jsonl']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`${IMAGES.publicDemo} would become public again`));
    assert.match(refused.stderr, /refusing to make 2 AMIs or snapshots public again without --i-understand-this-is-public/);
    const undone = await amiguard(['undo', 'fix.jsonl', '--i-understand-this-is-public']);
    assert.equal(undone.code, 0, undone.stderr);
    assert.match(undone.stderr, /is public again, as it was before the fix/);
    assert.equal(state(), original);
    const twice = await amiguard(['undo', 'fix.jsonl']);
    assert.equal(twice.code, 0);
    assert.equal(state(), original);
  });

  it('fix --only narrows the plan; --apply without --journal is refused', async () => {
    const only = await amiguard(['fix', '--only', 'public-snapshot']);
    assert.match(only.stdout, new RegExp(SNAPSHOTS.publicDemo));
    assert.doesNotMatch(only.stdout, new RegExp(`${IMAGES.publicDemo}\\s+remove`));
    const refused = await amiguard(['fix', '--apply']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--apply needs --journal FILE/);
    const badRule = await amiguard(['fix', '--only', 'public-amis']);
    assert.equal(badRule.code, 2);
    assert.match(badRule.stderr, /unknown rule public-amis/);
  });

  it('fix says which public grants undo could not restore under block public access', async () => {
    const plan = await amiguard(['fix', '--organization', '--role', 'OrganizationAccountAccessRole']);
    assert.match(plan.stdout, new RegExp(`note: 333333333333/ap-southeast-2/${IMAGES.devPublic} was public before block public access`));
  });
});
