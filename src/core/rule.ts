import type { RelatedLocation, RemediationAction, Severity, UnknownApproval } from './finding.js';
import type { Location } from './location.js';
import type { ImageSubject, RegionSubject } from './subject.js';
import type { Suppression, SuppressionDirective } from './suppression.js';
import type { ResolvedPolicy } from './policy.js';

export interface RuleMeta {
  /** One line: what the rule finds. */
  readonly description: string;
  /** Why it matters and how to fix it, for `--help`, SARIF help text and the README. */
  readonly help: string;
  /** Used when the policy names no severity for the rule. */
  readonly defaultSeverity: Severity;
  /** Anchor of the rule's section in the README. */
  readonly docs: string;
  /** Message templates by id; `{name}` is replaced from the report's data. */
  readonly messages: Readonly<Record<string, string>>;
}

export interface RuleReport {
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly location: Location;
  readonly related?: readonly RelatedLocation[];
  /** What makes this finding distinct within the subject (the offending value), for fingerprints. */
  readonly key: string;
  readonly remediation?: string;
  readonly action?: RemediationAction;
  readonly approval?: UnknownApproval;
  /** The finding is allowed (a public-exception): reported as suppressed, not counted. */
  readonly suppression?: Suppression;
}

export interface RuleContext {
  readonly policy: ResolvedPolicy;
  /** Today, for public-exception expiry. */
  readonly now: Date;
  /** Which organization and OUs accounts belong to, when the audit could read Organizations. */
  readonly directory?: OrganizationDirectory;
  report(report: RuleReport): void;
}

/** Something in the input that is not a sharing fact: a file that does not parse. */
export interface InputProblem {
  readonly message: string;
  readonly location: Location;
}

/** A rule checks images, input problems, regions or suppression directives; it reports, the engine makes findings. */
export interface Rule {
  readonly id: string;
  readonly meta: RuleMeta;
  checkImage?(subject: ImageSubject, context: RuleContext): void;
  checkProblem?(problem: InputProblem, context: RuleContext): void;
  checkRegion?(region: RegionSubject, context: RuleContext): void;
  checkDirective?(directive: SuppressionDirective, context: RuleContext): void;
}

/** Account membership for the org-aware allow list (an account in an approved org or OU is approved). */
export interface OrganizationDirectory {
  membership(accountId: string): AccountMembership;
}

export type AccountMembership =
  | { readonly known: true; readonly organizationArn?: string; readonly ouArns: readonly string[] }
  | { readonly known: false; readonly reason: string };
