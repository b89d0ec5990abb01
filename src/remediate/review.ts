/**
 * Which findings fix must not act on because their verdict could not be decided: a share with an
 * account is approved when the account belongs to an approved organization or OU, so when the
 * policy approves any and the organization's membership is not known, the finding "unapproved
 * account" is a guess. Such findings are "needs review", never removals (DESIGN.md: change
 * commands act only on known facts).
 *
 * The seam: `undecidedApproval` decides from the policy and the organization as read; once the
 * audit carries the undecidability on the finding itself, this is the one function to re-point.
 */
import { describeGrantee, type Finding, type OrganizationDirectory, type ResolvedPolicy } from '../core/index.js';
import { isApprovedOu } from '../rules/unapproved-ou.js';

export interface ApprovalEvidence {
  readonly policy: ResolvedPolicy;
  /** The organization as read for this fix, or why it could not be read; absent when not read. */
  readonly directory?: OrganizationDirectory | { readonly unavailable: string };
}

/** Whether the policy's approval of an account could only be decided by its organization membership. */
export function approvesGroups(policy: ResolvedPolicy): boolean {
  return policy.organizations.size > 0 || policy.ous.size > 0;
}

export function undecidedApproval(evidence: ApprovalEvidence): (finding: Finding) => string | undefined {
  const { policy, directory } = evidence;
  return (finding) => {
    const action = finding.action;
    if (finding.ruleId !== 'unapproved-account' || action?.kind !== 'remove-grant' || action.grantee.kind !== 'account') return undefined;
    if (!approvesGroups(policy)) return undefined;
    const where = `${action.account}/${action.region}/${action.resource.id}: ${describeGrantee(action.grantee)}`;
    if (directory === undefined) return `${where} may belong to an approved organization or OU; its membership was not read`;
    if ('unavailable' in directory) return `${where} may belong to an approved organization or OU; Organizations could not be read: ${directory.unavailable}`;
    const membership = directory.membership(action.grantee.id);
    if (!membership.known) return `${where} may belong to an approved organization or OU; ${membership.reason}`;
    const approved =
      (membership.organizationArn !== undefined && policy.organizations.has(membership.organizationArn)) ||
      membership.ouArns.some((arn) => isApprovedOu(arn, policy));
    // The audit said unapproved, the organization as read now says approved: the facts disagree.
    return approved ? `${where} belongs to an approved organization or OU as read now, unlike during the audit` : undefined;
  };
}
