import type { Report, Severity } from '../core/index.js';

export interface ReportSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly notes: number;
  /** Files read, whether or not they have findings. */
  readonly files: number;
  /** Findings allowed by a public-exception, an inline directive or a baseline (lint reports only). */
  readonly suppressed?: number;
}

export function summarize(report: Report): ReportSummary {
  const count = (severity: Severity): number =>
    report.findings.filter((finding) => finding.severity === severity).length;
  return {
    errors: count('error'),
    warnings: count('warning'),
    notes: count('note'),
    files: new Set(report.artifacts).size,
    ...(report.suppressed === undefined ? {} : { suppressed: report.suppressed.length }),
  };
}
