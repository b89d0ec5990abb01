/**
 * The library API (src/index.ts) does what the CLI does, as data, against the sandbox: audit,
 * fix plan / apply / undo, show, share / unshare, make-public's consent, block public access.
 * Its messages name no CLI flag.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AccountSessions,
  applyPlan,
  audit,
  AwsSession,
  blockPublicAccess,
  changeImages,
  makeImagesPublic,
  NoRoleForAccount,
  parsePolicy,
  planFix,
  PublicConsentMissing,
  readImage,
  RULE_IDS,
  SAMPLE_CREDENTIALS,
  SAMPLE_ESTATE,
  SAMPLE_IDS,
  selectImages,
  startSandbox,
  undoJournal,
  type Sandbox,
} from '../../src/index.js';
import { STATE_DIR } from '../remediate/helpers.js';

const IMAGES = SAMPLE_IDS.images;
const { management, dev } = SAMPLE_IDS.accounts;

describe('the library API', () => {
  let sandbox: Sandbox;
  let dir: string;
  let session: AwsSession;
  before(async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    dir = mkdtempSync(join(tmpdir(), 'amiguard-library-'));
    session = new AwsSession({ region: 'us-east-1', endpoint: sandbox.url, credentials: { ...SAMPLE_CREDENTIALS.management } });
  });
  after(async () => {
    session.destroy();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('audit, plan, apply and undo a fix', async () => {
    const policy = parsePolicy(`allow:\n  organizations: ["${SAMPLE_IDS.organization.arn}"]\n`, 'amiguard.yaml', RULE_IDS);
    const audited = await audit({ session, policy, scope: { regions: ['us-east-1'] } });
    assert.ok(audited.findings.some((finding) => finding.ruleId === 'public-ami'));
    const { plan, irreversible } = await planFix({ audit: audited, policy, session });
    assert.ok(plan.steps.some((step) => step.kind === 'remove-grants' && step.resource.id === IMAGES.publicDemo));
    assert.deepEqual(irreversible, []);
    const journalPath = join(dir, 'fix.jsonl');
    const sessions = new AccountSessions(new AwsSession(session.options), { sessionName: 'library-test' });
    try {
      const applied = await applyPlan(plan, { sessionFor: (account) => sessions.sessionFor(account), journalPath, stateDir: STATE_DIR });
      assert.deepEqual(applied.failed, []);
      assert.deepEqual(sandbox.state.image(IMAGES.publicDemo)?.launchPermissions, []);
      const undone = await undoJournal(journalPath, { sessionFor: (account) => sessions.sessionFor(account), stateDir: STATE_DIR, allowPublic: true });
      assert.deepEqual(undone.failed, []);
      assert.deepEqual(sandbox.state.image(IMAGES.publicDemo)?.launchPermissions, [{ group: 'all' }]);
    } finally {
      sessions.destroy();
    }
  });

  it('show, share and unshare, make-public only with consent, block public access', async () => {
    const [image] = await selectImages(session, { ids: [IMAGES.goldenOrgShared], regions: [] }, 'library');
    assert.ok(image !== undefined);
    const reading = await readImage(session, image, 'library');
    assert.deepEqual(reading.launch, [{ kind: 'organization', arn: SAMPLE_IDS.organization.arn }]);

    const shared = await changeImages(session, { direction: 'add', selection: { ids: [IMAGES.goldenOrgShared], regions: [] }, command: 'library', grantees: [{ kind: 'account', id: dev }], withSnapshots: false, snapshotAccounts: [], dryRun: false });
    assert.equal(shared.changed, 1);
    assert.ok(sandbox.state.image(IMAGES.goldenOrgShared)?.launchPermissions.some((permission) => 'userId' in permission && permission.userId === dev));
    const unshared = await changeImages(session, { direction: 'remove', selection: { ids: [IMAGES.goldenOrgShared], regions: [] }, command: 'library', grantees: [{ kind: 'account', id: dev }], withSnapshots: false, snapshotAccounts: [], dryRun: false });
    assert.equal(unshared.changed, 1);

    await assert.rejects(makeImagesPublic(session, { ids: [IMAGES.goldenOrgShared], consent: false, dryRun: false, command: 'library' }), (error: unknown) => {
      assert.ok(error instanceof PublicConsentMissing);
      assert.doesNotMatch(error.message, /--/);
      return true;
    });
    assert.ok(!(sandbox.state.image(IMAGES.goldenOrgShared)?.launchPermissions ?? []).some((permission) => 'group' in permission));

    const status = await blockPublicAccess(session, { action: 'status', regions: ['all'], images: true, snapshots: true, snapshotState: 'block-all-sharing', dryRun: false, command: 'library' });
    assert.deepEqual(status.map((region) => region.region), SAMPLE_IDS.regions.enabled.slice().sort());
  });

  it('an account with no role to reach it is an error that names no flag', async () => {
    const sessions = new AccountSessions(new AwsSession(session.options), { sessionName: 'library-test' });
    try {
      await assert.rejects(sessions.sessionFor(SAMPLE_IDS.accounts.prod), (error: unknown) => {
        assert.ok(error instanceof NoRoleForAccount);
        assert.equal(error.message, `account ${SAMPLE_IDS.accounts.prod} is not the credentials' account (${management}) and no role was given to reach it`);
        return true;
      });
    } finally {
      sessions.destroy();
    }
  });
});
