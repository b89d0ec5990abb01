import { createHash } from '../core/hash.js';
import {
  formatLocation,
  type Finding,
  type ImageSubject,
  type InputProblem,
  type Location,
  type OrganizationDirectory,
  type RegionSubject,
  type ResolvedPolicy,
  type Rule,
  type RuleReport,
  type SeveritySetting,
  type SuppressionDirective,
} from '../core/index.js';

const UNAPPROVED_RULES = new Set(['unapproved-account', 'unapproved-organization', 'unapproved-ou']);

/**
 * The severity the policy gives a rule. Severity comes from the policy, never from the rule: the
 * rule's default applies only where the policy is silent, and without an allow list (no policy
 * file, or one that approves nothing) a share with a named grantee is a warning that asks the
 * user to approve it, not an error.
 */
export function severityOf(rule: Rule, policy: ResolvedPolicy): SeveritySetting {
  const configured = policy.severities[rule.id];
  if (configured !== undefined) return configured;
  if (UNAPPROVED_RULES.has(rule.id) && !policy.hasAllowList) return 'warning';
  return rule.meta.defaultSeverity;
}

export interface RuleRun {
  readonly subjects: readonly ImageSubject[];
  readonly problems: readonly InputProblem[];
  /** Regions of an audited estate (block public access); none for templates. */
  readonly regions?: readonly RegionSubject[];
  readonly directory?: OrganizationDirectory;
  /** `amiguard-ignore` directives found in the templates, for invalid-suppression. */
  readonly directives?: readonly SuppressionDirective[];
  readonly policy: ResolvedPolicy;
  readonly rules: readonly Rule[];
  readonly now: Date;
}

/** Runs every enabled rule; returns the findings that count, sorted (allowed ones are left out). */
export function runRules(run: RuleRun): Finding[] {
  return checkAll(run).findings;
}

/** Runs every enabled rule; the findings a public-exception allows come apart, as `suppressed`. */
export function checkAll(run: RuleRun): { findings: Finding[]; suppressed: Finding[] } {
  const findings: Finding[] = [];
  for (const rule of run.rules) {
    const severity = severityOf(rule, run.policy);
    if (severity === 'off') continue;
    const makeContext = (scope: string) => ({
      policy: run.policy,
      now: run.now,
      ...(run.directory === undefined ? {} : { directory: run.directory }),
      report: (report: RuleReport) => {
        findings.push(toFinding(rule, severity, scope, report));
      },
    });
    if (rule.checkImage !== undefined) {
      for (const subject of run.subjects) rule.checkImage(subject, makeContext(`${scopeOf(subject.location)}#${subject.name}`));
    }
    if (rule.checkProblem !== undefined) {
      for (const problem of run.problems) rule.checkProblem(problem, makeContext(scopeOf(problem.location)));
    }
    if (rule.checkRegion !== undefined) {
      for (const region of run.regions ?? []) rule.checkRegion(region, makeContext(`${region.account}/${region.region}`));
    }
    if (rule.checkDirective !== undefined) {
      for (const directive of run.directives ?? []) rule.checkDirective(directive, makeContext(directive.location.file));
    }
  }
  findings.sort(compareFindings);
  return {
    findings: findings.filter((finding) => finding.suppression === undefined),
    suppressed: findings.filter((finding) => finding.suppression !== undefined),
  };
}

function toFinding(rule: Rule, severity: Exclude<SeveritySetting, 'off'>, scope: string, report: RuleReport): Finding {
  const template = rule.meta.messages[report.messageId];
  if (template === undefined) throw new Error(`rule ${rule.id} reported unknown message id ${report.messageId}`);
  const message = template.replace(/\{(\w+)\}/g, (whole, name: string) => report.data?.[name] ?? whole);
  let hashed: string | undefined;
  return {
    ruleId: rule.id,
    severity,
    message,
    location: report.location,
    related: report.related ?? [],
    // Hashed when first read (JSON, SARIF, a baseline, a fix plan): a text report of a lint never
    // needs it, and node:crypto costs a one-file lint's start-up several milliseconds.
    get fingerprint(): string {
      hashed ??= fingerprint(rule.id, scope, report.key);
      return hashed;
    },
    ...(report.remediation === undefined ? {} : { remediation: report.remediation }),
    ...(report.action === undefined ? {} : { action: report.action }),
    ...(report.approval === undefined ? {} : { approval: report.approval }),
    ...(report.suppression === undefined ? {} : { suppression: report.suppression }),
  };
}

/** The file or AWS resource: line numbers are left out so that fingerprints survive edits. */
function scopeOf(location: Location): string {
  return location.kind === 'source' ? location.file : formatLocation(location);
}

function fingerprint(ruleId: string, scope: string, key: string): string {
  return createHash('sha256').update(`${ruleId}\0${scope}\0${key}`).digest('hex').slice(0, 32);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(locationKey(a.location), locationKey(b.location)) ||
    line(a.location) - line(b.location) ||
    column(a.location) - column(b.location) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.message, b.message)
  );
}

function locationKey(location: Location): string {
  return location.kind === 'source' ? location.file : `${location.account}/${location.region}/${location.resourceId}`;
}
function line(location: Location): number {
  return location.kind === 'source' ? location.line : 0;
}
function column(location: Location): number {
  return location.kind === 'source' ? location.column : 0;
}
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
