import type { Grantee, GranteeSyntax } from './grantee.js';
import type { Location } from './location.js';

/**
 * The set of grantees of an AMI (launch permission) or of its snapshots (create-volume
 * permission), built from a template's evaluated fields or read from AWS. What could not be
 * known (a variable with no value) is kept as an explicit unknown, never guessed.
 */
export interface Sharing {
  readonly grants: readonly Grant[];
  /** Values that AWS would reject (bad account id, malformed ARN, unknown group). */
  readonly invalid: readonly InvalidGrant[];
  readonly unknowns: readonly UnknownGrant[];
}

/** Where a value came from: the attribute that names it, and the definition it resolved to. */
export interface Provenance {
  /** The template field (`ami_users`) or AWS attribute (`launchPermission`). */
  readonly field: string;
  /** The use site: the attribute or list element that sets it. */
  readonly location: Location;
  /** The definition a variable or local resolved to, when the value is not written in place. */
  readonly origin?: Location;
  /** How the origin was reached, e.g. `var.ami_users` or `{{user \`ami_groups\`}}`. */
  readonly via?: string;
  /**
   * A runtime guard the grant sits behind (`when: production_tag`, `if [ "$PUBLIC" = true ]`):
   * the grant still counts, and the message names the guard.
   */
  readonly condition?: string;
  /** How to change the file so that it no longer grants this, when the field name alone does not say it. */
  readonly fix?: string;
}

export interface Grant extends Provenance {
  readonly grantee: Grantee;
}

/** The kind of grantee a field holds; `any` for a whole permission list (`[{Group: all}, {UserId: ...}]`). */
export type ExpectedGrantee = GranteeSyntax | 'any';

export interface InvalidGrant extends Provenance {
  readonly raw: string;
  /** What the field expects, when the reader knows it. */
  readonly expects?: ExpectedGrantee;
  readonly problem: string;
}

export interface UnknownGrant extends Provenance {
  /** What the field would hold: an unknown `group` or `any` may be public. */
  readonly expects?: ExpectedGrantee;
  /** Why the value is unknown: `variable "version" has no value`. */
  readonly reason: string;
  /** Values it may take where the expression shows them (both branches of a conditional). */
  readonly mayInclude?: readonly string[];
}

export const EMPTY_SHARING: Sharing = { grants: [], invalid: [], unknowns: [] };

export function isPublic(sharing: Sharing): boolean {
  return sharing.grants.some((grant) => grant.grantee.kind === 'public');
}
