import { describeGap, formatLocation, gapPlace } from '../core/index.js';
import type { Coverage, Finding, Report, Severity } from '../core/index.js';
import { sortFindings } from './order.js';
import { summarize } from './summary.js';
import { printable } from './printable.js';

export interface TextOptions {
  /** ANSI colours. The caller decides (a TTY, NO_COLOR, --color); without it, no escape codes at all. */
  readonly color?: boolean;
}

type Paint = (text: string) => string;

interface Style {
  readonly header: Paint;
  readonly dim: Paint;
  readonly severity: Readonly<Record<Severity, Paint>>;
  readonly success: Paint;
  readonly bold: Paint;
}

const plain: Paint = (text) => text;

const PLAIN: Style = {
  header: plain,
  dim: plain,
  severity: { error: plain, warning: plain, note: plain },
  success: plain,
  bold: plain,
};

function ansi(open: number, close: number): Paint {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const COLOR: Style = {
  header: ansi(1, 22),
  dim: ansi(2, 22),
  severity: { error: ansi(31, 39), warning: ansi(33, 39), note: ansi(36, 39) },
  success: ansi(32, 39),
  bold: ansi(1, 22),
};

interface Group {
  readonly title: string;
  readonly findings: Finding[];
}

/**
 * ESLint's "stylish" layout: a header per file (or per AWS account/region), one aligned row per
 * finding with its related locations and remediation below it, and a closing summary line.
 */
export function formatText(report: Report, options: TextOptions = {}): string {
  const style = options.color === true ? COLOR : PLAIN;
  const blocks = groupFindings(sortFindings(report.findings)).map((group) => formatGroup(group, style));
  return `${[...blocks, formatSummary(report, style)].join('\n\n')}\n`;
}

function groupFindings(sorted: readonly Finding[]): Group[] {
  const groups: Group[] = [];
  for (const finding of sorted) {
    const title = groupTitle(finding);
    const last = groups.at(-1);
    if (last?.title === title) last.findings.push(finding);
    else groups.push({ title, findings: [finding] });
  }
  return groups;
}

function groupTitle({ location }: Finding): string {
  return location.kind === 'source' ? location.file : `${location.account}/${location.region}`;
}

function position({ location }: Finding): string {
  return location.kind === 'source' ? `${location.line}:${location.column}` : location.resourceId;
}

function formatGroup(group: Group, style: Style): string {
  const rows = group.findings.map((finding) => ({
    finding,
    position: printable(position(finding)),
    message: printable(finding.message),
  }));
  const positionWidth = Math.max(...rows.map((row) => width(row.position)));
  const severityWidth = Math.max(...rows.map((row) => width(row.finding.severity)));
  const messageWidth = Math.max(...rows.map((row) => width(row.message)));
  // Related locations and the hint start under the message they belong to.
  const indent = ' '.repeat(2 + positionWidth + 2 + severityWidth + 2);

  const lines = [style.header(printable(group.title))];
  for (const { finding, position, message } of rows) {
    const severity = finding.severity;
    lines.push(
      `  ${style.dim(position)}${pad(position, positionWidth)}  ` +
        `${style.severity[severity](severity)}${pad(severity, severityWidth)}  ` +
        `${message}${pad(message, messageWidth)}  ${style.dim(printable(finding.ruleId))}`,
    );
    for (const related of finding.related) {
      const where = printable(formatLocation(related.location));
      lines.push(`${indent}${style.dim(`↳ ${where}`)}  ${printable(related.message)}`);
    }
    if (finding.remediation !== undefined) {
      lines.push(`${indent}${style.dim('hint:')} ${printable(finding.remediation)}`);
    }
  }
  return lines.join('\n');
}

function formatSummary(report: Report, style: Style): string {
  const { errors, warnings, notes, files, suppressed } = summarize(report);
  // An AWS audit reads no files: "in 0 files" would say nothing.
  const where = files === 0 ? '' : ` in ${plural(files, 'file')}`;
  // Allowed findings are not listed, but counted, so that nothing is hidden without a trace.
  const allowed = suppressed === undefined || suppressed === 0 ? '' : `, ${suppressed} suppressed (listed in json and sarif output)`;
  const policy = report.policy === undefined ? '' : `\n${style.dim(`policy: ${printable(report.policy)}`)}`;
  const total = errors + warnings + notes;
  const worst = errors > 0 ? 'error' : warnings > 0 ? 'warning' : 'note';
  const counts = [plural(errors, 'error'), plural(warnings, 'warning'), plural(notes, 'note')].join(', ');
  const unread = report.coverage?.unread ?? [];
  if (unread.length > 0) {
    // Never "no problems" over what was not read: say what is missing instead.
    const found = total === 0 ? 'nothing found' : `${plural(total, 'problem')} (${counts})`;
    const line = `⚠ incomplete: ${found} in what was read${where}${allowed}; ${plural(unread.length, 'part')} could not be read:`;
    return [style.bold(style.severity.warning(line)), ...formatGaps(unread, style)].join('\n') + policy;
  }
  if (total === 0) return `${style.success(`✔ no problems${where}`)}${allowed}${policy}`;
  return `${style.bold(style.severity[worst](`✖ ${plural(total, 'problem')} (${counts})${where}`))}${allowed}${policy}`;
}

/** One line per part not read: where, what, why, and the IAM action whose call failed. */
function formatGaps(unread: Coverage['unread'], style: Style): string[] {
  return unread.map((gap) => {
    const place = gapPlace(gap);
    const action = gap.action === undefined ? '' : `  ${style.dim(`[${printable(gap.action)}]`)}`;
    return `  ${place === '' ? '' : `${printable(place)}: `}${describeGap(gap)} unknown: ${printable(gap.reason)}${action}`;
  });
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Terminal columns, near enough: one per code point (wide CJK characters would count as one). */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, columns: number): string {
  return ' '.repeat(Math.max(0, columns - width(text)));
}

