import type { SourceLocation } from './location.js';

/**
 * Why a finding does not count against the run: SARIF's `suppression` (§3.35). `inSource` is an
 * `amiguard-ignore` comment in the template; `external` is the policy (a public-exception) or a
 * baseline file. Suppressed findings are still reported, as suppressed, never dropped.
 */
export interface Suppression {
  readonly kind: 'inSource' | 'external';
  /** Who allowed it and why, as a sentence: `amiguard-ignore in a.pkr.hcl:4: published (SEC-142)`. */
  readonly justification: string;
  /** The comment, for an inline suppression. */
  readonly location?: SourceLocation;
}

/**
 * One `amiguard-ignore` directive as written in a template: an HCL comment, or a root-level
 * `"_amiguard-ignore..."` key of a legacy JSON template. Checked by the invalid-suppression rule;
 * applied to findings by src/suppress.
 */
export interface SuppressionDirective {
  /** The comment or the JSON member. */
  readonly location: SourceLocation;
  /** The directive as written after `amiguard-ignore`, for messages and fingerprints. */
  readonly text: string;
  readonly rules: readonly string[];
  /** Trimmed; empty when none was given. */
  readonly reason: string;
  /** `until YYYY-MM-DD`: the directive applies through that day (UTC). */
  readonly until?: string;
  /** The lines it covers, inclusive; a legacy JSON directive covers the whole file. */
  readonly lines: { readonly from: number; readonly to: number } | 'file';
  /** What is wrong with it; a directive with a problem suppresses nothing. */
  readonly problem?: DirectiveProblem;
}

export type DirectiveProblem =
  | { readonly kind: 'noReason' }
  | { readonly kind: 'noRule' }
  | { readonly kind: 'unknownRule'; readonly rule: string }
  | { readonly kind: 'badExpiry'; readonly text: string }
  | { readonly kind: 'notString' };
