/** The organization directory for the org-aware allow list: accounts of an OU include its child OUs'. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readOrganizationDirectory, type AuditedOrganization } from '../../src/audit/index.js';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Estate, type FaultOptions, type Sandbox } from '../../src/sandbox/index.js';
import { sandboxSession } from './helpers.js';

const MANAGEMENT = '100000000001';
const WORKLOADS = '100000000002';
const PROD = '100000000003';
const PAYMENTS = '100000000004';
const SANDBOX = '100000000005';
const OUTSIDER = '100000000009';
const ORG_ID = 'o-nestedtest1';
const ouArn = (id: string): string => `arn:aws:organizations::${MANAGEMENT}:ou/${ORG_ID}/${id}`;
const MANAGEMENT_KEY = { accessKeyId: 'AKIAORGTESTMGMT00001', secretAccessKey: 'management' };
const MEMBER_KEY = { accessKeyId: 'AKIAORGTESTMEMBER001', secretAccessKey: 'member' };

/** Root > Workloads > Prod > Payments, and Root > Sandbox; one account outside the organization. */
const NESTED: Estate = {
  regions: [{ name: 'us-east-1' }],
  accounts: [
    { id: MANAGEMENT, name: 'management', accessKeys: [MANAGEMENT_KEY] },
    { id: WORKLOADS, name: 'workloads-shared', accessKeys: [MEMBER_KEY] },
    { id: PROD, name: 'prod' },
    { id: PAYMENTS, name: 'payments' },
    { id: SANDBOX, name: 'sandbox' },
    { id: OUTSIDER, name: 'outsider' },
  ],
  organization: {
    id: ORG_ID,
    managementAccountId: MANAGEMENT,
    rootId: 'r-nest',
    accounts: [MANAGEMENT],
    organizationalUnits: [
      {
        id: 'ou-nest-workloads',
        name: 'Workloads',
        accounts: [WORKLOADS],
        organizationalUnits: [
          {
            id: 'ou-nest-prod0001',
            name: 'Prod',
            accounts: [PROD],
            organizationalUnits: [{ id: 'ou-nest-payments', name: 'Payments', accounts: [PAYMENTS] }],
          },
        ],
      },
      { id: 'ou-nest-sandbox1', name: 'Sandbox', accounts: [SANDBOX] },
    ],
  },
};

async function withSandbox(estate: Estate, body: (sandbox: Sandbox) => Promise<void>, faults?: FaultOptions): Promise<void> {
  const sandbox = await startSandbox({ estate, speed: Number.POSITIVE_INFINITY, ...(faults === undefined ? {} : { faults }) });
  try {
    await body(sandbox);
    assert.deepEqual(sandbox.stats.unexpectedErrors, []);
  } finally {
    await sandbox.close();
  }
}

function available(directory: AuditedOrganization | { unavailable: string }): AuditedOrganization {
  assert.ok(!('unavailable' in directory), `unavailable: ${'unavailable' in directory ? directory.unavailable : ''}`);
  return directory;
}

function checkNested(directory: AuditedOrganization): void {
  assert.equal(directory.id, ORG_ID);
  assert.equal(directory.arn, `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`);
  assert.equal(directory.managementAccountId, MANAGEMENT);
  assert.deepEqual(directory.accounts.map((account) => account.id).sort(), [MANAGEMENT, WORKLOADS, PROD, PAYMENTS, SANDBOX]);
  assert.deepEqual(directory.accountsIn(ouArn('ou-nest-workloads')).sort(), [WORKLOADS, PROD, PAYMENTS]);
  assert.deepEqual(directory.accountsIn(ouArn('ou-nest-prod0001')).sort(), [PROD, PAYMENTS]);
  assert.deepEqual(directory.accountsIn(ouArn('ou-nest-payments')), [PAYMENTS]);
  assert.deepEqual(directory.accountsIn(ouArn('ou-nest-sandbox1')), [SANDBOX]);
  assert.deepEqual(directory.accountsIn(ouArn('ou-nest-missing1')), []);
  assert.deepEqual(directory.units.find((unit) => unit.id === 'ou-nest-payments'), {
    id: 'ou-nest-payments',
    arn: ouArn('ou-nest-payments'),
    name: 'Payments',
    parentId: 'ou-nest-prod0001',
    path: [ouArn('ou-nest-workloads'), ouArn('ou-nest-prod0001'), ouArn('ou-nest-payments')],
  });
}

describe('readOrganizationDirectory', () => {
  it('places every account in its OU and the OUs above it', async () => {
    await withSandbox(NESTED, async (sandbox) => {
      const directory = available(await readOrganizationDirectory(sandboxSession(sandbox, MANAGEMENT_KEY), 'us-east-1'));
      checkNested(directory);
      assert.deepEqual(directory.membership(PAYMENTS), {
        known: true,
        organizationArn: directory.arn,
        ouArns: [ouArn('ou-nest-workloads'), ouArn('ou-nest-prod0001'), ouArn('ou-nest-payments')],
      });
      assert.deepEqual(directory.membership(MANAGEMENT), { known: true, organizationArn: directory.arn, ouArns: [] });
      // An account of nobody's organization is known to be outside it.
      assert.deepEqual(directory.membership(OUTSIDER), { known: true, ouArns: [] });
    });
  });

  it('reads the same tree when Organizations throttles, fails and drops connections', async () => {
    await withSandbox(
      NESTED,
      async (sandbox) => {
        checkNested(available(await readOrganizationDirectory(sandboxSession(sandbox, MANAGEMENT_KEY), 'us-east-1')));
        const faults = Object.values(sandbox.stats.faults).reduce((sum, count) => sum + count, 0);
        assert.ok(faults > 0, 'no fault was injected');
      },
      { throttle: 0.1, internalError: 0.1, drop: 0.1, services: ['organizations'] },
    );
  });

  it('reads the sample organization', async () => {
    await withSandbox(SAMPLE_ESTATE, async (sandbox) => {
      const directory = available(await readOrganizationDirectory(sandboxSession(sandbox, SAMPLE_CREDENTIALS.auditor), 'us-east-1'));
      assert.deepEqual(directory.accountsIn(SAMPLE_IDS.organization.prodOuArn), [SAMPLE_IDS.accounts.prod]);
      assert.deepEqual(directory.membership(SAMPLE_IDS.accounts.dev).known && directory.membership(SAMPLE_IDS.accounts.dev), {
        known: true,
        organizationArn: SAMPLE_IDS.organization.arn,
        ouArns: [SAMPLE_IDS.organization.devOuArn],
      });
    });
  });

  it('is unavailable, with the reason, to a member account', async () => {
    await withSandbox(NESTED, async (sandbox) => {
      const directory = await readOrganizationDirectory(sandboxSession(sandbox, MEMBER_KEY), 'us-east-1');
      assert.ok('unavailable' in directory);
      assert.match(directory.unavailable, /^not allowed to call organizations:ListRoots/);
      assert.match(directory.unavailable, /only the management account of o-nestedtest1 or a delegated administrator/);
    });
  });

  it('is unavailable to an account outside any organization', async () => {
    const alone: Estate = { regions: NESTED.regions, accounts: NESTED.accounts };
    await withSandbox(alone, async (sandbox) => {
      const directory = await readOrganizationDirectory(sandboxSession(sandbox, MANAGEMENT_KEY), 'us-east-1');
      assert.deepEqual(directory, { unavailable: 'the account of the credentials is not in an organization' });
    });
  });
});
