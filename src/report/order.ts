import type { Finding, Location } from '../core/index.js';

/** Code-unit order: unlike localeCompare it does not depend on the machine's locale. */
export function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Source files before AWS resources; then file, line and column, or account, region and resource. */
export function compareLocations(a: Location, b: Location): number {
  if (a.kind === 'source' && b.kind === 'source') {
    return (
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.endLine - b.endLine ||
      a.endColumn - b.endColumn
    );
  }
  if (a.kind === 'aws' && b.kind === 'aws') {
    return (
      compareText(a.account, b.account) ||
      compareText(a.region, b.region) ||
      compareText(a.resourceId, b.resourceId)
    );
  }
  return a.kind === 'source' ? -1 : 1;
}

/** Location, then rule id; message and fingerprint only break ties, so equal inputs print equally. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareLocations(a.location, b.location) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.message, b.message) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}
