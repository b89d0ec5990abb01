import { atLeast, describeGap, gapPlace, isComplete, type Severity } from '../../core/index.js';
import { auditEstate, type AuditResult } from '../../audit/audit-estate.js';
import { findAndLoadPolicy } from '../../policy/index.js';
import { formatReportOnDemand, OUTPUT_FORMATS } from '../../report/formats.js';
import { RULE_IDS } from '../../rules/index.js';
import type { AwsOperation } from '../../aws/operations.js';
import { choice, parseCommandArgs, type ParsedArgs } from '../args.js';
import { detailMessage } from '../errors.js';
import { printable, writeOutputFile, type Io } from '../io.js';
import { colorFor, OUTPUT_OPTIONS, outputFrom, outputHelp } from '../output.js';
import { AWS_OPTIONS, AWS_OPTIONS_HELP, openSession } from './aws-common.js';
import type { Command } from './command.js';
import { ESTATE_HELP, ESTATE_OPTIONS, progressReporter, sandboxSpeed, scopeFrom } from './estate-options.js';

export const AUDIT_OPERATIONS: readonly AwsOperation[] = [
  'GetCallerIdentity',
  'AssumeRole',
  'DescribeRegions',
  'DescribeImages',
  'DescribeImageAttribute',
  'DescribeSnapshots',
  'DescribeSnapshotAttribute',
  'GetImageBlockPublicAccessState',
  'GetSnapshotBlockPublicAccessState',
  'ListAccounts',
  'DescribeOrganization',
  'ListRoots',
  'ListOrganizationalUnitsForParent',
  'ListAccountsForParent',
];

const FAIL_ON: readonly Severity[] = ['error', 'warning', 'note'];

/** Reads the estate and runs the rules; shared by audit and fix. */
export async function runAudit(parsed: ParsedArgs, io: Io): Promise<AuditResult> {
  const configPath = parsed.values['config'];
  const policy = findAndLoadPolicy(typeof configPath === 'string' ? configPath : undefined, io.cwd, RULE_IDS);
  const speed = sandboxSpeed(parsed);
  const session = await openSession(parsed, io);
  const progress = progressReporter(io);
  try {
    return await auditEstate({
      session,
      scope: scopeFrom(parsed),
      policy,
      ...(speed === undefined ? {} : { rate: { speed } }),
      ...(progress.onProgress === undefined ? {} : { onProgress: progress.onProgress }),
    });
  } finally {
    progress.done();
    session.destroy();
  }
}

/** Names everything that could not be read, on stderr: where, what, why, and the IAM action. */
export function reportFailures(result: AuditResult, io: Io, command: string): void {
  // The inventory's failures are the coverage's gaps, with the facts (detail) the CLI words with its flags.
  for (const gap of result.inventory.failures) {
    const place = gapPlace(gap);
    const what = gap.kind === 'account' || gap.kind === 'region' ? '' : ` (${describeGap(gap)})`;
    const action = gap.action === undefined ? '' : ` [${gap.action}]`;
    const reason = detailMessage(gap.detail, gap.reason);
    io.stderr.write(`amiguard ${command}: could not read ${printable(place === '' ? describeGap(gap) : place)}${what}: ${printable(reason)}${printable(action)}\n`);
  }
}

/**
 * 2: something could not be read (unless --allow-partial). With --allow-partial: 1 for findings
 * at or above --fail-on; 3 when nothing was found in what was read but something was not read,
 * so that an incomplete run never exits like a clean one; 0 only for a complete, clean run.
 */
export function auditExitCode(result: AuditResult, failOn: Severity, allowPartial: boolean): number {
  const incomplete = !isComplete(result.coverage);
  if (incomplete && !allowPartial) return 2;
  if (result.findings.some((finding) => atLeast(finding.severity, failOn))) return 1;
  return incomplete ? EXIT_INCOMPLETE : 0;
}

/** An incomplete run with no findings in what was read (audit --allow-partial). */
export const EXIT_INCOMPLETE = 3;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Audit every region of every account: public and unapproved AMI and snapshot sharing',
  operations: AUDIT_OPERATIONS,
  help: `Usage: amiguard audit [options]

Reads every AMI the accounts own in every region (one DescribeImageAttribute per AMI, public
AMIs and snapshots by bulk calls, each AMI's snapshots and their permissions, block public
access per region), paced to EC2's throttling limits, and checks it against the policy with the
same rules as lint. An account in an approved organization or OU is approved when
Organizations can be read. What cannot be read is named with the reason.

${ESTATE_HELP}

Output:
${outputHelp('text (default: summary per account and region, then the findings),\n                       json, sarif (logical locations account/region/resource) or html', 'report errors only (warnings still count for --fail-on)')}
  --fail-on SEVERITY   exit 1 when a finding is at least this severe (default: error)
${AWS_OPTIONS_HELP}

Progress is shown on stderr when it is a terminal.
What could not be read (an account, a region, or one kind of read such as block public access
or one AMI's launch permission) is unknown, named with the reason and the IAM action, and
everything else is still read and checked. Every format says so: a summary line in text, a
coverage section in json, a failed invocation with notifications in sarif, a banner in html.

Exit codes: 0 everything read, no finding at or above --fail-on; 1 findings; 2 something could
not be read (what was read is still reported) or the audit could not run. With --allow-partial:
1 findings in what was read, 3 nothing found in what was read but something was not read.

Examples:
  amiguard audit
  amiguard audit --organization --role AmiguardAuditRole --regions all --format html --output audit.html
  amiguard audit --accounts 111122223333,444455556666 --role AmiguardAuditRole --config amiguard.yaml
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('audit', args, {
      ...AWS_OPTIONS,
      ...ESTATE_OPTIONS,
      ...OUTPUT_OPTIONS,
      'fail-on': { type: 'string' },
    });
    const out = outputFrom(parsed, OUTPUT_FORMATS, 'text');
    const { format, file: output } = out;
    const failOn = choice('fail-on', parsed.values['fail-on'], FAIL_ON, 'error');
    const result = await runAudit(parsed, io);
    const toFile = output !== undefined;
    // --quiet, as lint's: only errors are reported (the rest still counts for --fail-on).
    const report = out.quiet ? { ...result.report, findings: result.report.findings.filter((finding) => finding.severity === 'error') } : result.report;
    const body = await formatReportOnDemand(report, format, {
      color: colorFor(io, out),
      srcRoot: io.cwd,
      generatedAt: new Date().toISOString(),
    });
    const text = format === 'text' ? `${estateSummary(result)}\n${body}` : body;
    if (toFile) {
      writeOutputFile(io, output, text);
      io.stderr.write(`amiguard audit: wrote ${format} report with ${result.findings.length} finding(s) to ${output}\n`);
    } else {
      io.stdout.write(text);
    }
    reportFailures(result, io, 'audit');
    return auditExitCode(result, failOn, parsed.values['allow-partial'] === true);
  },
};

/** Per account and region: AMIs, public, shared outside the policy; then the totals. */
function estateSummary(result: AuditResult): string {
  const rows = result.report.estate?.regions ?? [];
  const header = ['account', 'region', 'AMIs', 'public AMIs', 'public snapshots', 'shared outside policy'];
  const table = [header, ...rows.map((row) => [row.account, row.region, String(row.images), String(row.publicImages), String(row.publicSnapshots), String(row.sharedOutsidePolicy)])];
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  const lines = table.map((row) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd());
  const stats = result.inventory.stats;
  lines.push(
    '',
    `${plural(stats.accounts, 'account')}, ${plural(stats.regions, 'region')}${stats.accountRegions === stats.regions ? '' : ` (${stats.accountRegions} account-regions)`}, ${plural(stats.images, 'AMI')} read with ${plural(stats.calls, 'API call')}${stats.throttled > 0 ? ` (${stats.throttled} throttled and retried)` : ''} in ${(stats.durationMs / 1000).toFixed(1)} s${result.coverage.unread.length > 0 ? `; ${result.coverage.unread.length} part(s) could not be read (below)` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
