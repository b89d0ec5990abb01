/**
 * An audit from start to finish, as data: read the estate, resolve the organization when the
 * policy approves organizations or OUs, run the rules, and summarise per account and region.
 */
import type { AccountMembership, Coverage, Finding, OrganizationDirectory, RegionSummary, Report, ResolvedPolicy } from '../core/index.js';
import { reportRules } from '../lint/index.js';
import { RULES, runRules } from '../rules/index.js';
import type { AwsSession } from '../aws/session.js';
import { TOOL } from '../version.js';
import type { AuditFailure, Inventory } from './model.js';
import { readOrganizationDirectory } from './organization.js';
import { readInventory, type ReadOptions } from './read-inventory.js';
import { inventorySubjects } from './rule-subjects.js';

export interface AuditOptions extends ReadOptions {
  readonly policy: ResolvedPolicy;
  readonly now?: Date;
}

export interface AuditResult {
  readonly inventory: Inventory;
  readonly findings: readonly Finding[];
  /** What the findings rest on: the inventory's reads and failures, and Organizations when it mattered. */
  readonly coverage: Coverage;
  readonly report: Report;
}

const UNAPPROVED = new Set(['unapproved-account', 'unapproved-organization', 'unapproved-ou']);

export async function auditEstate(options: AuditOptions): Promise<AuditResult> {
  const read = await readInventory(options);
  const { directory, gap } = await organizationDirectory(options.session, options.policy, read);
  // Membership not read is a failure like any other read: fix and the exit code count it too.
  const inventory: Inventory = gap === undefined ? read : { ...read, failures: [...read.failures, gap] };
  const { subjects, regions } = inventorySubjects(inventory);
  const findings = runRules({
    subjects,
    regions,
    problems: [],
    policy: options.policy,
    rules: RULES,
    now: options.now ?? new Date(),
    ...(directory === undefined ? {} : { directory }),
  });
  const coverage: Coverage = { read: inventory.read, unread: inventory.failures };
  return {
    inventory,
    findings,
    coverage,
    report: {
      tool: TOOL,
      findings,
      rules: reportRules(RULES, options.policy),
      artifacts: [],
      estate: { regions: summarize(inventory, findings) },
      coverage,
    },
  };
}

/**
 * The org-aware allow list needs to know who is in the organization, but only when the policy
 * approves an organization or OU; when Organizations cannot be read, each membership is
 * unresolved with the reason, so the finding can say so, and the coverage names the gap.
 */
async function organizationDirectory(
  session: AwsSession,
  policy: ResolvedPolicy,
  inventory: Inventory,
): Promise<{ directory?: OrganizationDirectory; gap?: AuditFailure }> {
  if (policy.organizations.size === 0 && policy.ous.size === 0) return {};
  const region = inventory.regions[0]?.region ?? (await session.defaultRegion());
  const directory = await readOrganizationDirectory(session, region);
  if ('unavailable' in directory) {
    const reason = `Organizations could not be read: ${directory.unavailable}`;
    const unknown: AccountMembership = { known: false, reason };
    return {
      directory: { membership: () => unknown },
      gap: {
        kind: 'organization',
        account: inventory.caller,
        reason: `${reason}; accounts shared with are checked against allow.accounts only, and those outside it need review`,
        ...(directory.action === undefined ? {} : { action: directory.action }),
      },
    };
  }
  return { directory };
}

function summarize(inventory: Inventory, findings: readonly Finding[]): RegionSummary[] {
  const outside = new Set<string>();
  for (const finding of findings) {
    if (!UNAPPROVED.has(finding.ruleId) || finding.location.kind !== 'aws') continue;
    outside.add(`${finding.location.account}/${finding.location.region}/${finding.location.resourceId}`);
  }
  return inventory.regions.map((region) => {
    const key = (id: string) => `${region.account}/${region.region}/${id}`;
    // Counted per snapshot (one may back several AMIs), from its own permission as read.
    const publicSnapshots = new Set(
      [...region.images.flatMap((image) => image.snapshots), ...region.orphanPublicSnapshots]
        .filter((snapshot) => snapshot.permissions.some((grantee) => grantee.kind === 'public'))
        .map((snapshot) => snapshot.id),
    ).size;
    const blocked = region.blockPublicAccess.snapshots.state === 'block-all-sharing';
    return {
      account: region.account,
      region: region.region,
      images: region.images.length,
      publicImages: region.images.filter((image) => image.launch.some((grantee) => grantee.kind === 'public')).length,
      publicSnapshots: blocked ? 0 : publicSnapshots,
      blockedPublicSnapshots: blocked ? publicSnapshots : 0,
      sharedOutsidePolicy: region.images.filter(
        (image) => outside.has(key(image.id)) || image.snapshots.some((snapshot) => outside.has(key(snapshot.id))),
      ).length,
    };
  });
}
