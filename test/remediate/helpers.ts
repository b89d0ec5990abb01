import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsSession } from '../../src/aws/session.js';
import { granteeKey, type Finding, type Grantee, type RemediationAction } from '../../src/core/index.js';
import { auditEstate } from '../../src/audit/audit-estate.js';
import { readOrganizationDirectory } from '../../src/audit/organization.js';
import { parsePolicy } from '../../src/policy/index.js';
import {
  planRemediation,
  recheckAfterRemovals,
  undecidedApproval,
  type BlockPublicAccessTarget,
  type Plan,
  type ResourceRef,
} from '../../src/remediate/index.js';
import { RULE_IDS } from '../../src/rules/index.js';
import type { Estate, EstateLaunchPermission, EstateVolumePermission, Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import { SAMPLE_ESTATE, SAMPLE_IDS, startSandbox } from '../../src/sandbox/index.js';

/**
 * The journal key of these tests: a folder of their own (inherited by the child processes of the
 * kill tests), never the user's.
 */
export const STATE_DIR = mkdtempSync(join(tmpdir(), 'amiguard-state-'));
process.env['AMIGUARD_STATE_DIR'] = STATE_DIR;
process.on('exit', () => rmSync(STATE_DIR, { recursive: true, force: true }));

export const IDS = SAMPLE_IDS;
const { management, prod, dev, outsider } = SAMPLE_IDS.accounts;
const PUBLIC: Grantee = { kind: 'public' };

/** A grant the "policy" of these tests forbids: what the audit would report and fix. */
export interface Removal {
  readonly account: string;
  readonly region: string;
  readonly resource: ResourceRef;
  readonly grantee: Grantee;
}

export interface Protection {
  readonly account: string;
  readonly region: string;
  readonly target: BlockPublicAccessTarget;
}

const image = (id: string): ResourceRef => ({ kind: 'image', id });
const snapshot = (id: string): ResourceRef => ({ kind: 'snapshot', id });

/**
 * Grants of the sample estate to remove, every one of which undo can put back: two on one AMI
 * (one call), public AMIs and snapshots in regions where block public access is off.
 */
export const REMOVALS: readonly Removal[] = [
  { account: management, region: 'us-east-1', resource: image(IDS.images.publicDemo), grantee: PUBLIC },
  { account: management, region: 'us-east-1', resource: snapshot(IDS.snapshots.publicDemo), grantee: PUBLIC },
  { account: management, region: 'ap-southeast-2', resource: image(IDS.images.goldenCopyOrgShared), grantee: { kind: 'organization', arn: IDS.organization.arn } },
  { account: prod, region: 'us-east-1', resource: image(IDS.images.sharedWithOutsider), grantee: { kind: 'account', id: outsider } },
  { account: prod, region: 'us-east-1', resource: snapshot(IDS.snapshots.sharedWithOutsider), grantee: { kind: 'account', id: outsider } },
  { account: prod, region: 'ap-southeast-2', resource: image(IDS.images.prodPublicOld), grantee: PUBLIC },
  { account: dev, region: 'us-east-1', resource: snapshot(IDS.snapshots.privateWithPublicSnapshot), grantee: PUBLIC },
  { account: dev, region: 'us-east-1', resource: image(IDS.images.devToolsShared), grantee: { kind: 'account', id: prod } },
  { account: dev, region: 'us-east-1', resource: image(IDS.images.devToolsShared), grantee: { kind: 'ou', arn: IDS.organization.devOuArn } },
];

/** Settings to turn on: both off in management us-east-1 (where public grants are removed), one already on. */
export const PROTECTIONS: readonly Protection[] = [
  { account: management, region: 'us-east-1', target: 'images' },
  { account: management, region: 'us-east-1', target: 'snapshots' },
  { account: dev, region: 'us-east-1', target: 'images' },
  { account: prod, region: 'eu-west-1', target: 'images' },
];

function ruleFor(removal: Removal): string {
  if (removal.grantee.kind === 'public') return removal.resource.kind === 'image' ? 'public-ami' : 'public-snapshot';
  return { account: 'unapproved-account', organization: 'unapproved-organization', ou: 'unapproved-ou' }[removal.grantee.kind];
}

export function finding(ruleId: string, account: string, region: string, resourceId: string, action?: RemediationAction): Finding {
  return {
    ruleId,
    severity: 'error',
    message: `${ruleId} on ${resourceId}`,
    location: { kind: 'aws', account, region, resourceId },
    related: [],
    fingerprint: `${ruleId}/${account}/${region}/${resourceId}/${action?.kind === 'remove-grant' ? granteeKey(action.grantee) : ''}`,
    ...(action === undefined ? {} : { action }),
  };
}

export function removalFinding(removal: Removal): Finding {
  return finding(ruleFor(removal), removal.account, removal.region, removal.resource.id, { kind: 'remove-grant', ...removal });
}

export function protectionFinding(protection: Protection): Finding {
  return finding('block-public-access-off', protection.account, protection.region, `block-public-access/${protection.target}`, {
    kind: 'enable-block-public-access',
    ...protection,
  });
}

/** A small audit: findings for the forbidden grants still present and the settings still off. */
export function auditFindings(sandbox: Sandbox, removals = REMOVALS, protections = PROTECTIONS): Finding[] {
  const state = readState(sandbox);
  return [
    ...removals
      .filter((removal) => (state.grants[removal.resource.id] ?? []).includes(granteeKey(removal.grantee)))
      .map(removalFinding),
    ...protections
      .filter((protection) => state.blockPublicAccess[`${protection.account}/${protection.region}`]?.[protection.target] === 'unblocked')
      .map(protectionFinding),
  ];
}

/** The whole estate as the sandbox holds it: every AMI's and snapshot's grants, every region's settings. */
export interface EstateState {
  readonly grants: Readonly<Record<string, readonly string[]>>;
  readonly blockPublicAccess: Readonly<Record<string, { readonly images: string; readonly snapshots: string }>>;
}

function permissionKey(permission: EstateLaunchPermission | EstateVolumePermission): string {
  if ('userId' in permission) return `account:${permission.userId}`;
  if ('group' in permission) return 'public';
  if ('organizationArn' in permission) return `organization:${permission.organizationArn}`;
  return `ou:${permission.organizationalUnitArn}`;
}

export function readState(sandbox: Sandbox): EstateState {
  const grants: Record<string, string[]> = {};
  for (const view of sandbox.state.images()) grants[view.id] = view.launchPermissions.map(permissionKey).sort();
  for (const account of SAMPLE_ESTATE.accounts) {
    for (const { id } of account.snapshots ?? []) {
      const view = sandbox.state.snapshot(id);
      assert.ok(view !== undefined, `snapshot ${id} exists`);
      grants[id] = view.createVolumePermissions.map(permissionKey).sort();
    }
  }
  const blockPublicAccess: Record<string, { images: string; snapshots: string }> = {};
  for (const account of SAMPLE_ESTATE.accounts) {
    for (const region of SAMPLE_IDS.regions.enabled) {
      blockPublicAccess[`${account.id}/${region}`] = {
        images: sandbox.state.imageBlockPublicAccess(account.id, region).state,
        snapshots: sandbox.state.snapshotBlockPublicAccess(account.id, region).state,
      };
    }
  }
  return { grants, blockPublicAccess };
}

/** The state a fix of these removals and protections should leave. */
export function expectedAfterFix(original: EstateState, removals = REMOVALS, protections = PROTECTIONS): EstateState {
  const grants: Record<string, readonly string[]> = { ...original.grants };
  for (const removal of removals) {
    grants[removal.resource.id] = (grants[removal.resource.id] ?? []).filter((key) => key !== granteeKey(removal.grantee));
  }
  const blockPublicAccess = { ...original.blockPublicAccess };
  for (const protection of protections) {
    const place = `${protection.account}/${protection.region}`;
    const current = blockPublicAccess[place];
    assert.ok(current !== undefined);
    if (current[protection.target] === 'unblocked') blockPublicAccess[place] = { ...current, [protection.target]: 'block-new-sharing' };
  }
  return { grants, blockPublicAccess };
}

/** A session per account of the sample estate, pointed at the sandbox; all destroyed by `close`. */
export class Sessions {
  private readonly sessions = new Map<string, AwsSession>();

  constructor(
    private readonly sandbox: Sandbox,
    private readonly maxAttempts = 6,
    private readonly prepare: (session: AwsSession) => void = () => undefined,
  ) {}

  readonly sessionFor = (account: string): Promise<AwsSession> => {
    let session = this.sessions.get(account);
    if (session === undefined) {
      session = new AwsSession({ endpoint: this.sandbox.url, credentials: this.sandbox.credentials(account), maxAttempts: this.maxAttempts });
      this.prepare(session);
      this.sessions.set(account, session);
    }
    return Promise.resolve(session);
  };

  close(): void {
    for (const session of this.sessions.values()) session.destroy();
  }
}

export interface Workspace {
  readonly sandbox: Sandbox;
  readonly sessions: Sessions;
  readonly dir: string;
  readonly journalPath: string;
}

/** A fresh sandbox (throttling off), sessions and a temporary folder for the journal. */
export async function withWorkspace(
  options: Partial<SandboxOptions> & { readonly maxAttempts?: number; readonly prepare?: (session: AwsSession) => void },
  body: (workspace: Workspace) => Promise<void>,
): Promise<void> {
  const { maxAttempts, prepare, ...sandboxOptions } = options;
  const sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY, ...sandboxOptions });
  const sessions = new Sessions(sandbox, maxAttempts, prepare);
  const dir = mkdtempSync(join(tmpdir(), 'amiguard-remediate-'));
  try {
    await body({ sandbox, sessions, dir, journalPath: join(dir, 'fix.jsonl') });
    assert.deepEqual(sandbox.stats.unexpectedErrors, []);
  } finally {
    sessions.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Requests per action since the sandbox started, for "made no change" checks. */
export function mutatingCalls(sandbox: Sandbox): number {
  return Object.entries(sandbox.stats.byAction)
    .filter(([action]) => /^(Modify|Enable|Disable|Reset)/.test(action))
    .reduce((sum, [, count]) => sum + count, 0);
}

/**
 * The sample estate, where the public demo AMI's snapshot is also shared with the prod account
 * (approved: it is in the organization). Once fix makes the AMI and snapshot private, that share
 * becomes a snapshot-sharing-mismatch: a plan must fix it in the same pass.
 */
export const MISMATCH_ESTATE: Estate = {
  ...SAMPLE_ESTATE,
  accounts: SAMPLE_ESTATE.accounts.map((account) => ({
    ...account,
    ...(account.snapshots === undefined
      ? {}
      : {
          snapshots: account.snapshots.map((snapshot) =>
            snapshot.id === IDS.snapshots.publicDemo ? { ...snapshot, createVolumePermissions: [...(snapshot.createVolumePermissions ?? []), { userId: prod }] } : snapshot,
          ),
        }),
  })),
};

/** The policy of these tests: the sample organization is approved. */
export const ORG_POLICY = parsePolicy(`allow:\n  organizations: ["${IDS.organization.arn}"]\n`, 'amiguard.yaml', RULE_IDS);

/** What `amiguard fix --organization` plans: a real audit of every account and region, then the plan. */
export async function auditAndPlan(sandbox: Sandbox, policy = ORG_POLICY): Promise<Plan> {
  const session = new AwsSession({ endpoint: sandbox.url, region: 'us-east-1', credentials: sandbox.credentials(management) });
  try {
    const result = await auditEstate({
      session,
      scope: { regions: 'all', organization: true, role: 'OrganizationAccountAccessRole' },
      policy,
      rate: { speed: Number.POSITIVE_INFINITY },
    });
    const directory = await readOrganizationDirectory(session, 'us-east-1');
    return planRemediation(result.findings, {
      undecided: undecidedApproval({ policy, directory }),
      hasAllowList: policy.hasAllowList,
      recheck: recheckAfterRemovals(result.inventory, policy, new Date()),
    });
  } finally {
    session.destroy();
  }
}
