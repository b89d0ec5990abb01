import type { SeveritySetting } from './finding.js';

/**
 * A policy after loading and validation: which grantees are approved, which AMIs may be public,
 * and the severity of each rule. Loading lives in src/policy; the rules read only this shape.
 */
export interface ResolvedPolicy {
  /** Where it came from: a file path, or `built-in default`. */
  readonly source: string;
  readonly accounts: ReadonlyMap<string, ApprovedEntry>;
  readonly organizations: ReadonlyMap<string, ApprovedEntry>;
  readonly ous: ReadonlyMap<string, ApprovedEntry>;
  readonly publicExceptions: readonly PublicException[];
  readonly severities: Readonly<Record<string, SeveritySetting>>;
  /** True when the policy file lists approved grantees at all; without one, sharing is only noted. */
  readonly hasAllowList: boolean;
  /** `exclude:` globs, relative to the policy file's folder. */
  readonly exclude: readonly PathPattern[];
}

/** A path glob and the absolute folder it is relative to. */
export interface PathPattern {
  readonly glob: string;
  readonly base: string;
}

export interface ApprovedEntry {
  readonly id: string;
  readonly name?: string;
}

export interface PublicException {
  /** Glob over the AMI name (`ami_name`), e.g. `public-base-*`. */
  readonly amiName?: string;
  /** Glob over the template path as amiguard shows it (relative to the working directory). */
  readonly file?: string;
  readonly reason: string;
  /** The exception also lets the AMI's snapshots be public (rarely needed: launching does not). */
  readonly snapshots: boolean;
  /** ISO date (YYYY-MM-DD); the exception no longer applies from the day after. */
  readonly expires?: string;
}
