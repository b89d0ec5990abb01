import {
  describeGrantee,
  granteeKey,
  type Grant,
  type ImageSubject,
  type Provenance,
  type RelatedLocation,
  type RemediationAction,
  type RuleContext,
  type UnknownGrant,
} from '../core/index.js';
import { matchPublicException } from '../policy/index.js';

/** Points from a use site to where its value was defined (a variable default, a var-file). */
export function originOf(provenance: Provenance): RelatedLocation[] {
  if (provenance.origin === undefined) return [];
  const what = provenance.via === undefined ? 'the value' : provenance.via;
  return [{ message: `${what} is defined here`, location: provenance.origin }];
}

/** `ami_groups`, `ami_groups (from var.ami_groups)`, `group_names (when: production_tag)`. */
export function describeSource(provenance: Provenance): string {
  const notes = [
    ...(provenance.via === undefined ? [] : [`from ${provenance.via}`]),
    // A guard written with its keyword (Ansible's `when: x`) is shown as is; a bare test gets `when`.
    ...(provenance.condition === undefined ? [] : [/^(?:when|if|unless)\b/.test(provenance.condition) ? provenance.condition : `when ${provenance.condition}`]),
  ];
  return notes.length === 0 ? provenance.field : `${provenance.field} (${notes.join(', ')})`;
}

/** The reader's own fix wording when it gave one, else the rule's, which names the field. */
export function fixFor(provenance: Provenance, byField: (field: string) => string): string {
  return provenance.fix ?? byField(provenance.field);
}

/** AWS's attribute names, which mark grants read from a live AMI or snapshot. */
export const LAUNCH_PERMISSION = 'launchPermission';
export const CREATE_VOLUME_PERMISSION = 'createVolumePermission';

/** For a grant read from AWS: the change that removes it. Templates are fixed by a person. */
export function removalOf(grant: Grant): RemediationAction | undefined {
  if (grant.location.kind !== 'aws') return undefined;
  return {
    kind: 'remove-grant',
    account: grant.location.account,
    region: grant.location.region,
    resource: { kind: grant.field === CREATE_VOLUME_PERMISSION ? 'snapshot' : 'image', id: grant.location.resourceId },
    grantee: grant.grantee,
  };
}

/** How to fix it: in a template, edit the field; in AWS, let amiguard fix remove the grant. */
export function remediationFor(grant: Grant, ruleId: string, inTemplate: string): string {
  return grant.location.kind === 'aws'
    ? `amiguard fix --only ${ruleId} --apply --journal FILE removes it (undo with amiguard undo FILE)`
    : inTemplate;
}

/** Spreads an optional action into a report. */
export function withRemoval(grant: Grant): { action?: RemediationAction } {
  const action = removalOf(grant);
  return action === undefined ? {} : { action };
}

export function isPublicGrant(grant: Grant): boolean {
  return grant.grantee.kind === 'public';
}

export function mayBePublic(unknown: UnknownGrant): boolean {
  return unknown.mayInclude?.includes('all') === true;
}

/**
 * Reports each public grant of `sharing`, as suppressed when an active public-exception covers
 * the subject; an expired exception is named in the message. Shared by public-ami and public-snapshot.
 */
export function reportPublicGrants(
  target: 'ami' | 'snapshots',
  subject: ImageSubject,
  context: RuleContext,
  remediation: (field: string) => string,
): void {
  const publicGrants = (target === 'ami' ? subject.launch : subject.snapshot).grants.filter(isPublicGrant);
  if (publicGrants.length === 0) return;
  const match = matchPublicException(subject, context.policy, context.now, target);
  // Allowed by the policy, but still reported, as suppressed: an allowed exposure is not hidden.
  const suppression =
    match.status === 'active'
      ? {
          suppression: {
            kind: 'external' as const,
            justification: `public-exception in ${context.policy.source}: ${match.exception.reason}${
              match.exception.expires === undefined ? '' : ` (until ${match.exception.expires})`
            }`,
          },
        }
      : {};
  // Still an error when block public access refuses it: the file asks for a public AMI, and another run may lift the block.
  const blocked = target === 'ami' && match.status !== 'expired' ? subject.publicLaunchBlocked : undefined;
  for (const grant of publicGrants) {
    context.report({
      messageId: match.status === 'expired' ? 'expiredException' : blocked === undefined ? 'public' : 'publicBlocked',
      data: {
        name: subject.name,
        source: describeSource(grant),
        ...(match.status === 'expired' ? { expires: match.exception.expires ?? '', reason: match.exception.reason } : {}),
        ...(blocked === undefined ? {} : { block: blocked.via }),
      },
      location: grant.location,
      related: [
        ...originOf(grant),
        ...(blocked === undefined ? [] : [{ message: `${blocked.via} sets block public access for AMIs to block-new-sharing`, location: blocked.location }]),
      ],
      key: `${grant.field}:all`,
      remediation: remediationFor(grant, target === 'ami' ? 'public-ami' : 'public-snapshot', fixFor(grant, remediation)),
      ...withRemoval(grant),
      ...suppression,
    });
  }
}

type SharedKind = 'account' | 'organization' | 'ou';

const ALLOW_KEY: Readonly<Record<SharedKind, string>> = {
  account: 'allow.accounts',
  organization: 'allow.organizations',
  ou: 'allow.ous',
};

/** The messages the three unapproved-* rules share; `{what}` is `account 1234...` and the like. */
export const UNAPPROVED_MESSAGES = {
  noPolicy: '{name}: {source} shares the {target} with {what}; no policy approves any grantee',
  unapproved: '{name}: {source} shares the {target} with {what}, which is not in {allowKey} of {policy}',
};

export type Approval = { readonly approved: true } | { readonly approved: false; readonly unresolved?: string };

/**
 * Reports every grant of the given kind, on the AMI or its snapshots, that the policy does not
 * approve. Without a policy file nothing is approved: each share is named so the user can
 * approve it.
 */
export function reportUnapproved(
  subject: ImageSubject,
  context: RuleContext,
  kind: SharedKind,
  approval: (grantee: Grant['grantee']) => Approval,
): void {
  const allowKey = ALLOW_KEY[kind];
  const sides = [
    { sharing: subject.launch, target: 'AMI' },
    { sharing: subject.snapshot, target: 'snapshots' },
  ];
  for (const { sharing, target } of sides) {
    for (const grant of sharing.grants) {
      if (grant.grantee.kind !== kind) continue;
      const verdict = approval(grant.grantee);
      if (verdict.approved) continue;
      const what = describeGrantee(grant.grantee);
      // Undecidable approval is for review, not for fix to act on: no action, and the reason as data.
      const unresolved = verdict.unresolved;
      context.report({
        messageId: verdict.unresolved !== undefined ? 'unresolvedMembership' : context.policy.hasAllowList ? 'unapproved' : 'noPolicy',
        data: {
          name: subject.name,
          source: describeSource(grant),
          target,
          what,
          allowKey,
          policy: context.policy.source,
          reason: verdict.unresolved ?? '',
        },
        location: grant.location,
        related: originOf(grant),
        key: `${grant.field}:${granteeKey(grant.grantee)}`,
        remediation: `if ${what} should have access, add it to ${allowKey} in the policy file; otherwise ${remediationFor(
          grant,
          `unapproved-${kind}`,
          fixFor(grant, (field) => `remove it from ${field}`),
        )}`,
        ...(unresolved === undefined ? withRemoval(grant) : { approval: { status: 'unknown', reason: unresolved } }),
      });
    }
  }
}
