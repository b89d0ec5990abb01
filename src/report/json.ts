import type { CoverageGap, CoverageRead, Finding, Location, Report, Severity, Suppression } from '../core/index.js';
import { sortFindings } from './order.js';
import { ruleHelpUri, sortRules } from './rules.js';
import { summarize } from './summary.js';
import type { ReportSummary } from './summary.js';

/** The JSON output, version 1. docs/output-formats.md describes it; a change of shape bumps `version`. */
export interface JsonReport {
  readonly version: 1;
  readonly tool: { readonly name: string; readonly version: string; readonly informationUri: string };
  /** The policy file used (lint). */
  readonly policy?: string;
  readonly summary: ReportSummary;
  /** What the findings rest on; present when the producer tracks it (audit always does). */
  readonly coverage?: JsonCoverage;
  readonly findings: readonly JsonFinding[];
  /** Findings allowed by a public-exception, an inline directive or a baseline (lint). */
  readonly suppressed?: readonly JsonFinding[];
  readonly rules: readonly JsonRule[];
}

/**
 * `complete` is false when anything was not read; `unread` then says what, where, why and which
 * IAM action failed. What it covers is unknown: neither clean nor a finding.
 */
export interface JsonCoverage {
  readonly complete: boolean;
  readonly read: readonly CoverageRead[];
  readonly unread: readonly CoverageGap[];
}

export interface JsonFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: JsonLocation;
  readonly related: readonly { readonly message: string; readonly location: JsonLocation }[];
  readonly fingerprint: string;
  readonly remediation?: string;
  /** Whether the grant is allowed could not be decided (e.g. Organizations unreadable): needs review. */
  readonly approval?: { readonly status: 'unknown'; readonly reason: string };
  /** As SARIF's: `inSource` for an amiguard-ignore comment, `external` for the policy or a baseline. */
  readonly suppression?: { readonly kind: Suppression['kind']; readonly justification: string; readonly location?: JsonLocation };
}

export type JsonLocation =
  | {
      readonly file: string;
      readonly line: number;
      readonly column: number;
      readonly endLine: number;
      readonly endColumn: number;
    }
  | { readonly account: string; readonly region: string; readonly resourceId: string };

export interface JsonRule {
  readonly id: string;
  readonly severity: Severity;
  readonly description: string;
  readonly help: string;
  readonly helpUri: string;
}

/** Pretty-printed, keys and findings in a fixed order, so that two runs over the same input diff clean. */
export function formatJson(report: Report): string {
  const document: JsonReport = {
    version: 1,
    tool: {
      name: report.tool.name,
      version: report.tool.version,
      informationUri: report.tool.informationUri,
    },
    ...(report.policy === undefined ? {} : { policy: report.policy }),
    summary: summarize(report),
    ...(report.coverage === undefined
      ? {}
      : { coverage: { complete: report.coverage.unread.length === 0, read: report.coverage.read, unread: report.coverage.unread } }),
    findings: sortFindings(report.findings).map(toJsonFinding),
    ...(report.suppressed === undefined ? {} : { suppressed: sortFindings(report.suppressed).map(toJsonFinding) }),
    rules: sortRules(report.rules).map((rule) => ({
      id: rule.id,
      severity: rule.severity,
      description: rule.description,
      help: rule.help,
      helpUri: ruleHelpUri(report.tool.informationUri, rule.docs),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function toJsonFinding(finding: Finding): JsonFinding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    location: toJsonLocation(finding.location),
    related: finding.related.map((related) => ({
      message: related.message,
      location: toJsonLocation(related.location),
    })),
    fingerprint: finding.fingerprint,
    ...(finding.remediation === undefined ? {} : { remediation: finding.remediation }),
    ...(finding.approval === undefined ? {} : { approval: finding.approval }),
    ...(finding.suppression === undefined ? {} : { suppression: toJsonSuppression(finding.suppression) }),
  };
}

function toJsonSuppression(suppression: Suppression): NonNullable<JsonFinding['suppression']> {
  return {
    kind: suppression.kind,
    justification: suppression.justification,
    ...(suppression.location === undefined ? {} : { location: toJsonLocation(suppression.location) }),
  };
}

function toJsonLocation(location: Location): JsonLocation {
  return location.kind === 'source'
    ? {
        file: location.file,
        line: location.line,
        column: location.column,
        endLine: location.endLine,
        endColumn: location.endColumn,
      }
    : { account: location.account, region: location.region, resourceId: location.resourceId };
}
