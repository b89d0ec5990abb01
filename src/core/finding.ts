import type { Location } from './location.js';

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
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
