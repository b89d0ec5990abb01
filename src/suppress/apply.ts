import { formatLocation, type Finding, type SuppressionDirective } from '../core/index.js';

export interface Suppressed {
  /** The findings that still count. */
  readonly findings: Finding[];
  /** The findings an inline directive allows, with the directive as their suppression. */
  readonly suppressed: Finding[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Applies the templates' `amiguard-ignore` directives: a finding is suppressed by a valid,
 * unexpired directive in its file that names its rule and covers its line. A directive whose
 * date has passed suppresses nothing and says so, as a related location of the finding.
 * invalid-suppression findings cannot themselves be suppressed inline.
 */
export function applyDirectives(findings: readonly Finding[], directives: readonly SuppressionDirective[], now: Date): Suppressed {
  const byFile = new Map<string, SuppressionDirective[]>();
  for (const directive of directives) {
    if (directive.problem !== undefined) continue;
    const list = byFile.get(directive.location.file) ?? [];
    list.push(directive);
    byFile.set(directive.location.file, list);
  }
  const result: Suppressed = { findings: [], suppressed: [] };
  for (const finding of findings) {
    const { location } = finding;
    const candidates = location.kind === 'source' && finding.ruleId !== 'invalid-suppression' ? (byFile.get(location.file) ?? []) : [];
    const matching = candidates.filter(
      (directive) =>
        directive.rules.includes(finding.ruleId) &&
        location.kind === 'source' &&
        (directive.lines === 'file' || (location.line >= directive.lines.from && location.line <= directive.lines.to)),
    );
    const active = matching.find((directive) => directive.until === undefined || !isPast(directive.until, now));
    if (active !== undefined) {
      const until = active.until === undefined ? '' : ` (until ${active.until})`;
      result.suppressed.push({
        ...finding,
        suppression: {
          kind: 'inSource',
          justification: `amiguard-ignore at ${formatLocation(active.location)}: ${active.reason}${until}`,
          location: active.location,
        },
      });
      continue;
    }
    const expired = matching.map((directive) => ({
      message: `amiguard-ignore expired on ${directive.until ?? ''}, so it no longer suppresses this (${directive.reason})`,
      location: directive.location,
    }));
    result.findings.push(expired.length === 0 ? finding : { ...finding, related: [...finding.related, ...expired] });
  }
  return result;
}

/** Valid through its day (UTC), expired from the next: as public-exceptions' `expires`. */
function isPast(until: string, now: Date): boolean {
  return now.getTime() >= new Date(`${until}T00:00:00Z`).getTime() + DAY_MS;
}
