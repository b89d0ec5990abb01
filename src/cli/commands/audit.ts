import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { atLeast, InputError, type Severity } from '../../core/index.js';
import { auditEstate, type AuditResult } from '../../audit/audit-estate.js';
import { findAndLoadPolicy } from '../../policy/index.js';
import { formatReport, OUTPUT_FORMATS, type OutputFormat } from '../../report/index.js';
import { RULE_IDS } from '../../rules/index.js';
import type { AwsOperation } from '../../aws/operations.js';
import { choice, parseCommandArgs, type ParsedArgs } from '../args.js';
import { useColor, type Io } from '../io.js';
import { AWS_OPTIONS, AWS_OPTIONS_HELP, sessionFrom } from './aws-common.js';
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
  const session = sessionFrom(parsed, io);
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

/** Names every account or region that could not be read, on stderr. */
export function reportFailures(result: AuditResult, io: Io, command: string): void {
  for (const failure of result.inventory.failures) {
    io.stderr.write(`amiguard ${command}: could not read ${failure.account}${failure.region === undefined ? '' : `/${failure.region}`}: ${failure.reason}\n`);
  }
}

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
  --format FORMAT      text (default: summary per account and region, then the findings),
                       json, sarif (logical locations account/region/resource) or html
  --output FILE        write the report to FILE
  --fail-on SEVERITY   exit 1 when a finding is at least this severe (default: error)
${AWS_OPTIONS_HELP}

Progress is shown on stderr when it is a terminal.
Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 an account or region could not be
read (unless --allow-partial; what was read is still reported) or the audit could not run.

Examples:
  amiguard audit
  amiguard audit --organization --role AmiguardAuditRole --regions all --format html --output audit.html
  amiguard audit --accounts 111122223333,444455556666 --role AmiguardAuditRole --config amiguard.yaml
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('audit', args, {
      ...AWS_OPTIONS,
      ...ESTATE_OPTIONS,
      format: { type: 'string' },
      output: { type: 'string' },
      'fail-on': { type: 'string' },
    });
    const format: OutputFormat = choice('format', parsed.values['format'], OUTPUT_FORMATS, 'text');
    const failOn = choice('fail-on', parsed.values['fail-on'], FAIL_ON, 'error');
    const output = parsed.values['output'];
    const result = await runAudit(parsed, io);
    const toFile = typeof output === 'string';
    const body = formatReport(result.report, format, {
      color: !toFile && format === 'text' && useColor(io.stdout, io.env, undefined),
      srcRoot: io.cwd,
      generatedAt: new Date().toISOString(),
    });
    const text = format === 'text' ? `${estateSummary(result)}\n${body}` : body;
    if (toFile) {
      try {
        writeFileSync(resolve(io.cwd, output), text);
      } catch (error) {
        throw new InputError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      io.stderr.write(`amiguard audit: wrote ${format} report with ${result.findings.length} finding(s) to ${output}\n`);
    } else {
      io.stdout.write(text);
    }
    reportFailures(result, io, 'audit');
    if (result.inventory.failures.length > 0 && parsed.values['allow-partial'] !== true) return 2;
    return result.findings.some((finding) => atLeast(finding.severity, failOn)) ? 1 : 0;
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
    `${stats.accounts} account(s), ${stats.regions} region(s), ${stats.images} AMIs read with ${stats.calls} API calls${stats.throttled > 0 ? ` (${stats.throttled} throttled and retried)` : ''} in ${(stats.durationMs / 1000).toFixed(1)} s${result.inventory.failures.length > 0 ? `; ${result.inventory.failures.length} could not be read (below)` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
