import type { Coverage } from './coverage.js';
import type { Finding, Severity } from './finding.js';

/** Everything a formatter needs: pure data, produced by the library, printed by the CLI. */
export interface Report {
  readonly tool: { readonly name: string; readonly version: string; readonly informationUri: string };
  readonly findings: readonly Finding[];
  /** Findings a public-exception, an inline comment or a baseline allows (lint only). */
  readonly suppressed?: readonly Finding[];
  /** The policy file used, as shown to the user, or `built-in default` (lint only). */
  readonly policy?: string;
  /** Every rule that ran, for SARIF's rule table and the JSON output. */
  readonly rules: readonly ReportRule[];
  /** The files that were read, relative to the working directory. */
  readonly artifacts: readonly string[];
  /** For an audit: what was found per account and region. */
  readonly estate?: EstateSummary;
  /**
   * What the verdict rests on: what was read, and what was not and why. An audit always fills it;
   * absent, the formatters say nothing about coverage (a report whose producer does not track it).
   */
  readonly coverage?: Coverage;
}

export interface EstateSummary {
  readonly regions: readonly RegionSummary[];
}

export interface RegionSummary {
  readonly account: string;
  readonly region: string;
  /** AMIs the account owns in the region. */
  readonly images: number;
  readonly publicImages: number;
  /** Snapshots anyone can read: public, in a region that does not block all snapshot sharing. */
  readonly publicSnapshots: number;
  /** Snapshots with a public grant that block-all-sharing keeps anyone from using. */
  readonly blockedPublicSnapshots: number;
  /** AMIs with at least one grant the policy does not approve. */
  readonly sharedOutsidePolicy: number;
}

export interface ReportRule {
  readonly id: string;
  readonly description: string;
  readonly help: string;
  readonly docs: string;
  /** The severity the policy gave it in this run ('off' rules are not listed). */
  readonly severity: Severity;
}
