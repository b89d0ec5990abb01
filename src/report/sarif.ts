import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeGap, gapPlace } from '../core/index.js';
import type { Coverage, CoverageGap, Finding, Location, Report, ReportRule } from '../core/index.js';
import { compareText, sortFindings } from './order.js';
import { ruleHelpUri, sortRules } from './rules.js';

/** SARIF 2.1.0: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html */
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
/** Versioned so that a change in how fingerprints are made does not match old alerts to new ones. */
const FINGERPRINT_KEY = 'amiguardFinding/v1';

export interface SarifOptions {
  /**
   * The absolute directory that the report's relative paths start from (the working directory),
   * recorded as %SRCROOT%. Without it the log names no machine path, and consumers such as
   * GitHub code scanning resolve the paths against the repository root.
   */
  readonly srcRoot?: string;
}

type Level = 'error' | 'warning' | 'note';

interface ArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
  readonly index?: number;
}

type SarifLocation =
  | {
      readonly physicalLocation: {
        readonly artifactLocation: ArtifactLocation;
        readonly region: {
          readonly startLine: number;
          readonly startColumn: number;
          readonly endLine: number;
          readonly endColumn: number;
        };
      };
    }
  | {
      readonly logicalLocations: readonly {
        readonly name: string;
        readonly fullyQualifiedName: string;
        readonly kind: 'resource';
      }[];
    };

/** Maps a file, as the report names it, to its index in `run.artifacts`. */
type ArtifactIndex = ReadonlyMap<string, number>;

/** One run; rules, artifacts and results in a fixed order, nothing that changes from run to run. */
export function formatSarif(report: Report, options: SarifOptions = {}): string {
  const rules = sortRules(report.rules);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  // Allowed findings are results too, with `suppressions`: code scanning shows them as dismissed.
  const findings = sortFindings([...report.findings, ...(report.suppressed ?? [])]);
  const files = artifactFiles(report, findings);
  const artifactIndex: ArtifactIndex = new Map(files.map((file, index) => [file, index]));

  const run = {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: report.tool.informationUri,
        rules: rules.map((rule) => toReportingDescriptor(rule, report.tool.informationUri)),
      },
    },
    // Code scanning keeps one set of alerts per category: templates and a live estate apart.
    automationDetails: { id: report.estate === undefined ? 'amiguard/lint/' : 'amiguard/audit/' },
    ...(options.srcRoot === undefined
      ? {}
      : { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.srcRoot) } } }),
    // Every file listed was read and checked, including those that only supply values (var files).
    artifacts: files.map((file) => ({ location: artifactLocation(file), roles: ['analysisTarget'] })),
    ...(report.coverage === undefined ? {} : { invocations: [toInvocation(report.coverage, artifactIndex)] }),
    results: findings.map((finding) => toResult(finding, ruleIndex, artifactIndex)),
    // The readers count columns as JavaScript does (tree-sitter and momoa alike): UTF-16 code units.
    columnKind: 'utf16CodeUnits',
    ...(report.policy === undefined ? {} : { properties: { policy: report.policy } }),
  };
  return `${JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] }, null, 2)}\n`;
}

/**
 * What was not read goes where SARIF consumers look for an incomplete run (§3.20): the
 * invocation did not succeed, and each part not read is an error notification naming where,
 * why and the IAM action that failed. Code scanning shows these as tool errors.
 */
function toInvocation(coverage: Coverage, artifacts: ArtifactIndex) {
  return {
    executionSuccessful: coverage.unread.length === 0,
    ...(coverage.unread.length === 0
      ? {}
      : { toolExecutionNotifications: coverage.unread.map((gap) => toNotification(gap, artifacts)) }),
  };
}

function toNotification(gap: CoverageGap, artifacts: ArtifactIndex) {
  const place = gapPlace(gap);
  const where = place === '' ? '' : ` in ${place}`;
  return {
    level: 'error',
    descriptor: { id: `amiguard/unread/${gap.kind}` },
    message: { text: sentence(`${describeGap(gap)}${where} could not be read, so it is unknown: ${gap.reason}`) },
    ...(gap.kind === 'file' && gap.resource !== undefined
      ? { locations: [{ physicalLocation: { artifactLocation: { ...artifactLocation(gap.resource), ...indexOf(gap.resource, artifacts) } } }] }
      : place === ''
        ? {}
        : { locations: [{ logicalLocations: [{ name: gap.resource ?? gap.region ?? place, fullyQualifiedName: place, kind: 'resource' }] }] }),
    ...(gap.action === undefined ? {} : { properties: { iamAction: gap.action } }),
  };
}

function indexOf(file: string, artifacts: ArtifactIndex): { index?: number } {
  const index = artifacts.get(file);
  return index === undefined ? {} : { index };
}

/** Every file read, and any file a finding names that the report did not list, so every index resolves. */
function artifactFiles(report: Report, findings: readonly Finding[]): string[] {
  const files = new Set(report.artifacts);
  for (const finding of findings) {
    for (const location of [finding.location, ...finding.related.map((related) => related.location)]) {
      if (location.kind === 'source') files.add(location.file);
    }
  }
  return [...files].sort(compareText);
}

function toReportingDescriptor(rule: ReportRule, informationUri: string) {
  const helpUri = ruleHelpUri(informationUri, rule.docs);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: sentence(rule.description) },
    fullDescription: { text: sentence(rule.help) },
    help: {
      text: `${rule.help}\n\nSee ${helpUri}`,
      markdown: `${escapeMarkdown(rule.help)}\n\nSee [${rule.id}](${helpUri}).`,
    },
    helpUri,
    defaultConfiguration: { level: rule.severity satisfies Level },
    // Code scanning ranks security alerts by `security-severity` (a CVSS-like score) and groups them by tags.
    properties: {
      tags: ['security', 'aws', 'ami', ...(RULE_TAGS[rule.id] ?? [])],
      precision: 'very-high',
      'security-severity': (SECURITY_SEVERITY[rule.id] ?? DEFAULT_SECURITY_SEVERITY).toFixed(1),
    },
  };
}

/**
 * How bad each rule's finding is for the estate, on code scanning's scale (9+ critical, 7+ high,
 * 4+ medium, else low): anyone can launch or read it, then someone not approved can, then
 * sharing that is wrong or unknown, then hygiene. The policy's severity says whether it fails a run.
 */
const SECURITY_SEVERITY: Readonly<Record<string, number>> = {
  'public-snapshot': 9.3,
  'public-ami': 9.1,
  'unapproved-account': 7.5,
  'unapproved-organization': 7.5,
  'unapproved-ou': 7.5,
  'snapshot-sharing-mismatch': 6.5,
  'unresolved-sharing': 5.5,
  'block-public-access-off': 5.0,
  'invalid-grantee': 4.0,
  'encrypted-share-default-key': 4.0,
  'parse-error': 4.0,
  'blocked-public-snapshot': 3.0,
  'invalid-suppression': 2.0,
};
const DEFAULT_SECURITY_SEVERITY = 5.0;

const RULE_TAGS: Readonly<Record<string, readonly string[]>> = {
  'public-ami': ['public-exposure'],
  'public-snapshot': ['public-exposure'],
  'blocked-public-snapshot': ['public-exposure'],
  'unapproved-account': ['access-control'],
  'unapproved-organization': ['access-control'],
  'unapproved-ou': ['access-control'],
  'snapshot-sharing-mismatch': ['access-control'],
  'block-public-access-off': ['configuration'],
  'encrypted-share-default-key': ['encryption'],
};

function toResult(finding: Finding, ruleIndex: ReadonlyMap<string, number>, artifacts: ArtifactIndex) {
  const index = ruleIndex.get(finding.ruleId);
  // Code scanning shows the message and the rule's help, so the finding's own fix goes in the message.
  const text =
    finding.remediation === undefined
      ? sentence(finding.message)
      : `${sentence(finding.message)} Hint: ${sentence(finding.remediation)}`;
  return {
    ruleId: finding.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: finding.severity satisfies Level,
    message: { text },
    locations: [toLocation(finding.location, artifacts)],
    ...(finding.related.length === 0
      ? {}
      : {
          relatedLocations: finding.related.map((related, position) => ({
            id: position + 1,
            ...toLocation(related.location, artifacts),
            message: { text: sentence(related.message) },
          })),
        }),
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    ...(finding.suppression === undefined
      ? {}
      : {
          suppressions: [
            {
              kind: finding.suppression.kind,
              status: 'accepted',
              justification: finding.suppression.justification,
              ...(finding.suppression.location === undefined ? {} : { location: toLocation(finding.suppression.location, artifacts) }),
            },
          ],
        }),
  };
}

function toLocation(location: Location, artifacts: ArtifactIndex): SarifLocation {
  if (location.kind === 'aws') {
    return {
      logicalLocations: [
        {
          name: location.resourceId,
          fullyQualifiedName: `${location.account}/${location.region}/${location.resourceId}`,
          kind: 'resource',
        },
      ],
    };
  }
  const index = artifacts.get(location.file);
  return {
    physicalLocation: {
      artifactLocation: {
        ...artifactLocation(location.file),
        ...(index === undefined ? {} : { index }),
      },
      region: {
        startLine: location.line,
        startColumn: location.column,
        endLine: location.endLine,
        endColumn: location.endColumn,
      },
    },
  };
}

/** A relative path becomes a relative URI under %SRCROOT%; an absolute one, a file: URI. */
function artifactLocation(file: string): ArtifactLocation {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  // On Windows both separators separate; elsewhere a backslash is part of a name and is encoded.
  const separators = sep === '\\' ? /[\\/]/ : /\//;
  return { uri: file.split(separators).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

/** SARIF requires a base URI to be absolute and to end with a slash (§3.14.14). */
function directoryUri(directory: string): string {
  const uri = pathToFileURL(directory).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** `public-ami` -> `PublicAmi`: SARIF's reportingDescriptor.name is a PascalCase identifier. */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** SARIF asks for messages written as sentences (validator rule SARIF2001). */
function sentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Rule help is plain text in which backticks mark code, as in the README. Outside code spans,
 * `*`, `_`, brackets and `<...>` (an ARN placeholder reads as an HTML tag) must not become
 * Markdown, so they are escaped; inside them an escape would show, and none is needed.
 */
function escapeMarkdown(text: string): string {
  // Splitting on a captured pattern puts the code spans at the odd indices.
  return text
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\`*_[\]<>]/g, '\\$&')))
    .join('');
}
