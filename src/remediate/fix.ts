/**
 * fix as a library: from an audit to a plan, with what the plan cannot undo said before it is
 * applied. Applying is applyPlan with AccountSessions (src/aws/account-sessions.ts).
 */
import { AmiguardError, type ResolvedPolicy } from '../core/index.js';
import type { AuditResult } from '../audit/audit-estate.js';
import { readOrganizationDirectory } from '../audit/organization.js';
import type { AwsSession } from '../aws/session.js';
import { planRemediation, type Plan } from './plan.js';
import { recheckAfterRemovals } from './recheck.js';
import { approvesGroups, undecidedApproval, type ApprovalEvidence } from './review.js';

export interface FixPlanOptions {
  readonly audit: AuditResult;
  readonly policy: ResolvedPolicy;
  /** The credentials' own session: Organizations is read with it when an approval depends on membership. */
  readonly session: AwsSession;
  /** Fix only these rules' findings. */
  readonly only?: readonly string[];
  /** Also turn on block public access where it is off. */
  readonly blockPublicAccess?: boolean;
  /** Without an allow list every share is unapproved: plan removing them all only when asked. */
  readonly removeUnapprovedShares?: boolean;
  readonly now?: Date;
}

/** A removal undo could not put back: the grant predates block public access, now on. */
export interface IrreversibleRemoval {
  readonly account: string;
  readonly region: string;
  readonly resource: { readonly kind: 'image' | 'snapshot'; readonly id: string };
}

export interface FixPlan {
  readonly plan: Plan;
  readonly irreversible: readonly IrreversibleRemoval[];
}

export async function planFix(options: FixPlanOptions): Promise<FixPlan> {
  const { audit, policy } = options;
  const evidence = await approvalEvidence(options.session, policy, audit);
  const plan = planRemediation(audit.findings, {
    ...(options.only === undefined ? {} : { only: options.only }),
    blockPublicAccess: options.blockPublicAccess === true,
    undecided: undecidedApproval(evidence),
    hasAllowList: policy.hasAllowList,
    removeUnapprovedShares: options.removeUnapprovedShares === true,
    recheck: recheckAfterRemovals(audit.inventory, policy, options.now ?? new Date()),
  });
  return { plan, irreversible: irreversibleRemovals(plan, audit) };
}

/**
 * A public grant made before block public access was turned on stays; once removed, AWS refuses
 * to add it back while the setting is on, so undo could not restore it.
 */
export function irreversibleRemovals(plan: Plan, audit: AuditResult): IrreversibleRemoval[] {
  const blocking = new Map(
    audit.inventory.regions.map((region) => [
      `${region.account}/${region.region}`,
      { image: region.blockPublicAccess.images.state !== 'unblocked', snapshot: region.blockPublicAccess.snapshots.state !== 'unblocked' },
    ]),
  );
  return plan.steps.flatMap((step) => {
    if (step.kind !== 'remove-grants' || !step.grantees.some((grantee) => grantee.kind === 'public')) return [];
    if (blocking.get(`${step.account}/${step.region}`)?.[step.resource.kind] !== true) return [];
    return [{ account: step.account, region: step.region, resource: step.resource }];
  });
}

/**
 * What fix knows of the organization, when an account's approval depends on it: read once more
 * here, since the audit keeps its own reading to itself (see review.ts).
 */
export async function approvalEvidence(session: AwsSession, policy: ResolvedPolicy, audit: AuditResult): Promise<ApprovalEvidence> {
  const needed = approvesGroups(policy) && audit.findings.some((finding) => finding.ruleId === 'unapproved-account' && finding.action !== undefined);
  if (!needed) return { policy };
  try {
    const region = audit.inventory.regions[0]?.region ?? (await session.defaultRegion());
    return { policy, directory: await readOrganizationDirectory(session, region) };
  } catch (error) {
    if (!(error instanceof AmiguardError)) throw error;
    return { policy, directory: { unavailable: error.message } };
  }
}
