import type { Grantee } from './grantee.js';
import type { Location } from './location.js';
import type { Suppression } from './suppression.js';

export type Severity = 'error' | 'warning' | 'note';
export type SeveritySetting = Severity | 'off';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { note: 1, warning: 2, error: 3 };

export interface RelatedLocation {
  readonly message: string;
  readonly location: Location;
}

/** One thing the user is told about a template or a resource. Severity comes from the policy. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: Location;
  readonly related: readonly RelatedLocation[];
  /** Stable across runs and line moves: rule, file or resource, subject, and the offending value. */
  readonly fingerprint: string;
  readonly remediation?: string;
  /** What `amiguard fix` would do about it, for findings on AWS resources that it can fix. */
  readonly action?: RemediationAction;
  /**
   * Set when whether the grant is allowed could not be decided (Organizations could not be
   * read): such a finding needs review, and carries no action, since a change acts only on facts.
   */
  readonly approval?: UnknownApproval;
  /** Set when a public-exception, an inline comment or a baseline allows it: reported, not counted. */
  readonly suppression?: Suppression;
}

export interface UnknownApproval {
  readonly status: 'unknown';
  readonly reason: string;
}

/**
 * A change that removes what a finding reports (Cloud Custodian's pattern: the audit annotates,
 * the remediation consumes). Never adds a grant.
 */
export type RemediationAction =
  | {
      readonly kind: 'remove-grant';
      readonly account: string;
      readonly region: string;
      readonly resource: { readonly kind: 'image' | 'snapshot'; readonly id: string };
      readonly grantee: Grantee;
    }
  | {
      readonly kind: 'enable-block-public-access';
      readonly account: string;
      readonly region: string;
      readonly target: 'images' | 'snapshots';
    };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
