import { createHash } from '../core/hash.js';
import { formatLocation, SEVERITY_RANK } from '../core/index.js';
import { describeGap, gapPlace, isComplete } from '../core/index.js';
import type { Coverage, EstateSummary, Finding, Location, RegionSummary, Report, Severity } from '../core/index.js';
import { compareText, sortFindings } from './order.js';
import { ruleHelpUri, sortRules } from './rules.js';
import { summarize } from './summary.js';
import { printable } from './printable.js';

export interface HtmlOptions {
  /**
   * When the report was made, shown as given (an ISO 8601 time, say). The formatter does not
   * read the clock itself, so that the same report always gives the same page.
   */
  readonly generatedAt?: string;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];

/** Static, so that the page's Content-Security-Policy can allow exactly it by hash. */
const STYLE = `
:root {
  color-scheme: light dark;
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --border: #d1d9e0;
  --error: #cf222e; --warning: #9a6700; --note: #0969da;
  --images: #8c959f; --public-images: #cf222e; --public-snapshots: #e16f24; --shared: #8250df;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --border: #3d444d;
    --error: #ff7b72; --warning: #d29922; --note: #58a6ff;
    --images: #656c76; --public-images: #f85149; --public-snapshots: #db6d28; --shared: #ab7df8;
  }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px; color: var(--fg); background: var(--bg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.meta, .note-text, figcaption, caption { color: var(--muted); }
caption { text-align: left; padding: 4px 0; }
nav ul, .counts { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 8px 16px; }
.counts li { border: 1px solid var(--border); border-radius: 6px; padding: 4px 12px; background: var(--panel); }
.counts .number { font-size: 20px; font-weight: 600; margin-right: 4px; }
.counts .error .number { color: var(--error); }
.counts .warning .number { color: var(--warning); }
.counts .note .number { color: var(--note); }
.failures { border: 2px solid var(--error); border-left-width: 8px; border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
.failures h2 { color: var(--error); margin-top: 8px; }
.complete { color: var(--muted); }
figure { margin: 0; }
svg.chart { max-width: 100%; height: auto; }
svg.chart text { fill: var(--fg); font-size: 12px; }
svg.chart .value { fill: var(--muted); }
svg.chart .axis { stroke: var(--border); }
.s-images { fill: var(--images); }
.s-public-images, .s-error { fill: var(--public-images); }
.s-public-snapshots, .s-warning { fill: var(--public-snapshots); }
.s-shared { fill: var(--shared); }
.s-note { fill: var(--note); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--border); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 600; }
.findings td { overflow-wrap: anywhere; }
.findings td.nowrap { white-space: nowrap; overflow-wrap: normal; }
.findings td.resource { min-width: 14em; }
.findings td.message { min-width: 18em; }
.findings thead th { position: sticky; top: 0; }
th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th button::after { content: "\\2195" / ""; margin-left: 4px; opacity: 0.4; }
th[aria-sort="ascending"] button::after { content: "\\25B2" / ""; opacity: 1; }
th[aria-sort="descending"] button::after { content: "\\25BC" / ""; opacity: 1; }
th button:focus-visible, input:focus-visible { outline: 2px solid var(--note); outline-offset: 2px; }
.sev { font-weight: 600; }
.sev-error { color: var(--error); }
.sev-warning { color: var(--warning); }
.sev-note { color: var(--note); }
.related { list-style: none; margin: 4px 0 0; padding: 0; color: var(--muted); }
.filter { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
.filter input { font: inherit; padding: 4px 8px; min-width: 280px; color: inherit; background: var(--bg);
  border: 1px solid var(--border); border-radius: 6px; }
@media print { .filter, th button::after { display: none; } .findings thead th { position: static; } }
`;

/**
 * Sorts the findings table by a column header and filters its rows. Rows carry their position
 * in the canonical order (data-order), which breaks ties, and every cell its sort key
 * (data-sort), so that severity sorts by rank and a location by file, line and column.
 */
const SCRIPT = `
(() => {
  'use strict';
  const table = document.getElementById('findings-table');
  if (table === null) return;
  const body = table.tBodies[0];
  const headers = Array.from(table.tHead.rows[0].cells);
  const collator = new Intl.Collator('en', { numeric: true });
  const order = (row) => Number(row.dataset.order);
  headers.forEach((header, column) => {
    const button = header.querySelector('button');
    if (button === null) return;
    button.addEventListener('click', () => {
      const current = header.getAttribute('aria-sort');
      const direction = current === 'ascending' ? 'descending'
        : current === 'descending' ? 'ascending'
        : header.dataset.first || 'ascending';
      for (const other of headers) other.removeAttribute('aria-sort');
      header.setAttribute('aria-sort', direction);
      const sign = direction === 'ascending' ? 1 : -1;
      const numeric = header.dataset.type === 'number';
      const key = (row) => row.cells[column].dataset.sort || '';
      const rows = Array.from(body.rows).sort((a, b) => {
        const compared = numeric ? Number(key(a)) - Number(key(b)) : collator.compare(key(a), key(b));
        return sign * compared || order(a) - order(b);
      });
      body.append(...rows);
    });
  });
  const controls = document.getElementById('filter-controls');
  const filter = document.getElementById('filter');
  const status = document.getElementById('filter-status');
  if (controls === null || filter === null || status === null) return;
  controls.hidden = false;
  const total = body.rows.length;
  filter.addEventListener('input', () => {
    const words = filter.value.toLowerCase().split(/\\s+/).filter((word) => word !== '');
    let shown = 0;
    for (const row of body.rows) {
      const text = row.textContent.toLowerCase();
      row.hidden = !words.every((word) => text.includes(word));
      if (!row.hidden) shown += 1;
    }
    status.textContent = words.length === 0 ? '' : shown + ' of ' + total + ' findings match';
  });
})();
`;

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/**
 * Nothing but this page's own style and script: a value from a template or AWS that got through
 * the escaping still could not run or load anything. Made per page, not at import: a text report
 * loads this module too and need not load node:crypto.
 */
function contentSecurityPolicy(): string {
  return ["default-src 'none'", `style-src ${cspHash(STYLE)}`, `script-src ${cspHash(SCRIPT)}`, "base-uri 'none'", "form-action 'none'"].join('; ');
}

/**
 * One self-contained page (inline style and script, no network request) for reading a lint or
 * an audit report in a browser: counts, a chart of the estate (or of the findings per file),
 * what could not be read, and a sortable, filterable table of the findings.
 */
export function formatHtml(report: Report, options: HtmlOptions = {}): string {
  // Risk first: errors, then warnings, then notes (each in the canonical order).
  const findings = bySeverity(report.findings);
  const title = `${report.tool.name} ${report.estate === undefined ? 'lint' : 'audit'} report`;
  // An audit leads with what is wrong, then the grants chart; a lint's findings-per-file chart stays first.
  const sections = (
    report.estate === undefined
      ? [renderHeader(report, title, options), renderCoverage(report.coverage), renderFindingsChart(report, sortFindings(report.findings)), renderFindings(report, findings), renderSuppressed(report), renderRules(report)]
      : [renderHeader(report, title, options), renderCoverage(report.coverage), renderFindings(report, findings), renderEstate(report.estate, findings, isComplete(report.coverage)), renderSuppressed(report), renderRules(report)]
  ).filter((section) => section !== '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(`${title}: ${severityCounts(report)}`)}</title>
<style>${STYLE}</style>
</head>
<body>
${sections.join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function renderHeader(report: Report, title: string, options: HtmlOptions): string {
  const summary = summarize(report);
  const counts: Readonly<Record<Severity, number>> = {
    error: summary.errors,
    warning: summary.warnings,
    note: summary.notes,
  };
  const generated =
    options.generatedAt === undefined
      ? ''
      : ` · generated <time datetime="${escapeHtml(options.generatedAt)}">${escapeHtml(options.generatedAt)}</time>`;
  const suppressed: [string, string][] = (report.suppressed ?? []).length === 0 ? [] : [['suppressed', 'Suppressed']];
  const links: [string, string][] = [
    ...(isComplete(report.coverage) ? [] : [['failures', 'Not read'] satisfies [string, string]]),
    ...(report.estate === undefined
      ? ([['summary', 'Findings by file'], ['findings', 'Findings']] satisfies [string, string][])
      : ([['findings', 'Findings'], ['summary', 'Estate']] satisfies [string, string][])),
    ...suppressed,
    ['rules', 'Rules'],
  ];
  const countItems = SEVERITIES.map(
    (severity) =>
      `<li class="${severity}"><span class="number">${counts[severity]}</span> ${counts[severity] === 1 ? severity : `${severity}s`}</li>`,
  );
  return `<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}${generated} · ${escapeHtml(report.tool.informationUri)}</p>
<ul class="counts" aria-label="Findings by severity">
${countItems.join('\n')}
</ul>
<p>${escapeHtml(scope(report))}</p>
<nav aria-label="Sections"><ul>
${links.map(([id, label]) => `<li><a href="#${id}">${escapeHtml(label)}</a></li>`).join('\n')}
</ul></nav>
</header>`;
}

function scope(report: Report): string {
  const { estate, coverage } = report;
  const unread = isComplete(coverage) ? '' : `; ${plural(coverage?.unread.length ?? 0, 'part')} could not be read, so the verdict is incomplete`;
  if (estate === undefined) return `Read ${plural(new Set(report.artifacts).size, 'file')}${unread}.`;
  const accounts = new Set(estate.regions.map((region) => region.account)).size;
  // Regions by name: 3 accounts in the same 3 regions are 3 regions, not 9.
  const regions = new Set(estate.regions.map((region) => region.region)).size;
  const images = estate.regions.reduce((sum, region) => sum + region.images, 0);
  return `Read ${plural(images, 'AMI')} in ${plural(accounts, 'account')} and ${plural(regions, 'region')}${unread}.`;
}

/** The banner of an incomplete report: each part not read, why, and the IAM action that failed. */
function renderCoverage(coverage: Coverage | undefined): string {
  if (coverage === undefined || coverage.unread.length === 0) return '';
  const gaps = [...coverage.unread].sort(
    (a, b) =>
      compareText(a.account ?? '', b.account ?? '') ||
      compareText(a.region ?? '', b.region ?? '') ||
      compareText(a.kind, b.kind) ||
      compareText(a.resource ?? '', b.resource ?? '') ||
      compareText(a.reason, b.reason),
  );
  const items = gaps.map((gap) => {
    const place = gapPlace(gap);
    const where = place === '' ? '' : ` in <strong class="mono">${escapeHtml(place)}</strong>`;
    const action = gap.action === undefined ? '' : ` <code>${escapeHtml(gap.action)}</code>`;
    return `<li><strong>${escapeHtml(describeGap(gap))}</strong>${where}:${action} ${escapeHtml(gap.reason)}</li>`;
  });
  return `<section id="failures" class="failures" role="alert" aria-labelledby="failures-heading">
<h2 id="failures-heading">Incomplete: ${plural(gaps.length, 'part')} could not be read</h2>
<p>What these cover is unknown, not clean: the figures and findings below rest only on what was read.</p>
<ul>
${items.join('\n')}
</ul>
</section>`;
}

interface ChartSeries {
  /** As a column header and in the legend. */
  readonly name: string;
  readonly className: string;
}

interface ChartGroup {
  /** One line each, beside the group's bars. */
  readonly label: readonly string[];
  readonly values: readonly number[];
}

const ESTATE_SERIES: readonly ChartSeries[] = [
  { name: 'AMIs', className: 's-images' },
  { name: 'Public AMIs', className: 's-public-images' },
  { name: 'Public snapshots', className: 's-public-snapshots' },
  { name: 'Shared outside policy', className: 's-shared' },
];

function estateFigures(region: RegionSummary): number[] {
  return [region.images, region.publicImages, region.publicSnapshots, region.sharedOutsidePolicy];
}

/** The chart shows risk, not size: public grants (AMIs and snapshots) and grants the policy does not approve. */
const GRANT_SERIES: readonly ChartSeries[] = [
  { name: 'Public AMIs', className: 's-public-images' },
  { name: 'Public snapshots', className: 's-public-snapshots' },
  { name: 'Unapproved grants', className: 's-shared' },
];

const UNAPPROVED_RULES = new Set(['unapproved-account', 'unapproved-organization', 'unapproved-ou']);

/** Per account and region: public AMIs, public snapshots, and unapproved grants (one finding each). */
function grantFigures(region: RegionSummary, findings: readonly Finding[]): number[] {
  const unapproved = findings.filter(
    (finding) => UNAPPROVED_RULES.has(finding.ruleId) && finding.location.kind === 'aws' && finding.location.account === region.account && finding.location.region === region.region,
  ).length;
  return [region.publicImages, region.publicSnapshots, unapproved];
}

function renderEstate(estate: EstateSummary, findings: readonly Finding[], complete: boolean): string {
  const regions = [...estate.regions].sort(
    (a, b) => compareText(a.account, b.account) || compareText(a.region, b.region),
  );
  // Regions with no public or unapproved grant are not charted: bars of zeros would bury the rest.
  const charted = regions.filter((region) => grantFigures(region, findings).some((value) => value > 0));
  const skipped = regions.length - charted.length;
  const chart =
    charted.length === 0
      ? '<p class="note-text">No public or unapproved grants in the regions read.</p>'
      : renderChart(
          'estate-chart',
          'Public and unapproved grants by account and region',
          'For each account and region with a public or unapproved grant: public AMIs, public snapshots, and grants to accounts, organizations or OUs the policy does not approve. The table below gives the figures, with the AMIs read.',
          GRANT_SERIES,
          charted.map((region) => ({ label: [region.account, region.region], values: grantFigures(region, findings) })),
        );
  const caption =
    skipped === 0
      ? ''
      : `<figcaption>${plural(skipped, 'region')} with no public or unapproved grant ${skipped === 1 ? 'is' : 'are'} not charted; the table lists ${skipped === 1 ? 'it' : 'them'}.</figcaption>\n`;
  const rows = regions.map(
    (region) =>
      `<tr><td class="mono">${escapeHtml(region.account)}</td><td class="mono">${escapeHtml(region.region)}</td>${numberCells(estateFigures(region))}</tr>`,
  );
  const totals = ESTATE_SERIES.map((_, index) =>
    regions.reduce((sum, region) => sum + (estateFigures(region)[index] ?? 0), 0),
  );
  return `<section id="summary" aria-labelledby="summary-heading">
<h2 id="summary-heading">Estate</h2>
${complete ? '<p class="complete">Everything in scope was read.</p>\n' : ''}<figure>
${chart}
${caption}</figure>
<table class="figures">
<caption>AMIs and sharing by account and region</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Region</th>${ESTATE_SERIES.map((series) => `<th scope="col" class="number">${escapeHtml(series.name)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
<tfoot><tr><td colspan="2">Total</td>${numberCells(totals)}</tr></tfoot>
</table>
</section>`;
}

const SEVERITY_SERIES: readonly ChartSeries[] = [
  { name: 'Errors', className: 's-error' },
  { name: 'Warnings', className: 's-warning' },
  { name: 'Notes', className: 's-note' },
];

/** Without an estate (a lint), the chart counts findings per file (or per account and region). */
function renderFindingsChart(report: Report, findings: readonly Finding[]): string {
  const groups = new Map<string, { label: string[]; counts: Record<Severity, number> }>();
  for (const finding of findings) {
    const label = groupLabel(finding.location);
    const key = label.join('/');
    const group = groups.get(key) ?? { label, counts: { error: 0, warning: 0, note: 0 } };
    group.counts[finding.severity] += 1;
    groups.set(key, group);
  }
  const figures = [...groups.values()].map((group) => ({
    label: group.label,
    values: SEVERITIES.map((severity) => group.counts[severity]),
  }));
  const files = new Set(report.artifacts).size;
  const body =
    figures.length === 0
      ? `<p class="note-text">No findings in ${plural(files, 'file')}.</p>`
      : `<figure>
${renderChart('findings-chart', 'Findings by file and severity', 'For each file with findings: how many errors, warnings and notes. The table below gives the same figures.', SEVERITY_SERIES, figures)}
</figure>
<table class="figures">
<caption>Findings by file and severity</caption>
<thead><tr><th scope="col">File</th>${SEVERITY_SERIES.map((series) => `<th scope="col" class="number">${series.name}</th>`).join('')}</tr></thead>
<tbody>
${figures.map((group) => `<tr><td class="mono">${escapeHtml(group.label.join(' '))}</td>${numberCells(group.values)}</tr>`).join('\n')}
</tbody>
</table>`;
  return `<section id="summary" aria-labelledby="summary-heading">
<h2 id="summary-heading">Findings by file</h2>
${body}
</section>`;
}

function groupLabel(location: Location): string[] {
  return location.kind === 'source' ? [location.file] : [location.account, location.region];
}

const CHART_WIDTH = 760;
const LABEL_RIGHT = 236;
const BAR_LEFT = 244;
const BAR_SPAN = 440;
const LEGEND_HEIGHT = 28;
const LEGEND_STEP = 180;
const BAR_HEIGHT = 12;
const BAR_GAP = 3;
const GROUP_GAP = 18;
const LINE_HEIGHT = 15;
/** Characters that fit left of the bars at 12px; longer labels keep their end, where a file's name is. */
const LABEL_CHARACTERS = 34;

/** Horizontal grouped bars: one group per account and region (or file), one bar per series. */
function renderChart(
  id: string,
  title: string,
  description: string,
  series: readonly ChartSeries[],
  groups: readonly ChartGroup[],
): string {
  const max = Math.max(1, ...groups.flatMap((group) => group.values));
  const groupHeight = series.length * BAR_HEIGHT + (series.length - 1) * BAR_GAP;
  const top = LEGEND_HEIGHT + 8;
  const height = top + groups.length * (groupHeight + GROUP_GAP);
  const legend = series.map(
    (entry, index) =>
      `<rect class="swatch ${entry.className}" x="${index * LEGEND_STEP}" y="4" width="12" height="12"/>` +
      `<text x="${index * LEGEND_STEP + 18}" y="14">${escapeHtml(entry.name)}</text>`,
  );
  const bars = groups.map((group, groupIndex) => {
    const y = top + groupIndex * (groupHeight + GROUP_GAP);
    const name = group.label.join(' ');
    const middle = y + groupHeight / 2;
    const labels = group.label.map((line, lineIndex) => {
      const offset = (lineIndex - (group.label.length - 1) / 2) * LINE_HEIGHT;
      return `<text x="${LABEL_RIGHT}" y="${middle + offset}" text-anchor="end" dominant-baseline="middle">${escapeHtml(shorten(line))}</text>`;
    });
    const rects = series.map((entry, index) => {
      const value = group.values[index] ?? 0;
      const barY = y + index * (BAR_HEIGHT + BAR_GAP);
      const width = Math.round((value / max) * BAR_SPAN * 10) / 10;
      return (
        `<rect class="bar ${entry.className}" role="img" x="${BAR_LEFT}" y="${barY}" width="${width}" height="${BAR_HEIGHT}">` +
        `<title>${escapeHtml(`${name}: ${entry.name} ${value}`)}</title></rect>` +
        `<text class="value" x="${BAR_LEFT + width + 4}" y="${barY + BAR_HEIGHT / 2}" dominant-baseline="middle" aria-hidden="true">${value}</text>`
      );
    });
    return `<g class="group"><title>${escapeHtml(name)}</title>${labels.join('')}\n${rects.join('\n')}</g>`;
  });
  return `<svg class="chart" id="${id}" role="group" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" aria-labelledby="${id}-title" aria-describedby="${id}-desc">
<title id="${id}-title">${escapeHtml(title)}</title>
<desc id="${id}-desc">${escapeHtml(description)}</desc>
<g class="legend" aria-hidden="true">${legend.join('')}</g>
<line class="axis" x1="${BAR_LEFT}" y1="${top - 4}" x2="${BAR_LEFT}" y2="${height - GROUP_GAP + 4}"/>
${bars.join('\n')}
</svg>`;
}

function shorten(text: string): string {
  const characters = [...text];
  return characters.length <= LABEL_CHARACTERS ? text : `…${characters.slice(1 - LABEL_CHARACTERS).join('')}`;
}

function numberCells(values: readonly number[]): string {
  return values.map((value) => `<td class="number">${value}</td>`).join('');
}

interface Column {
  readonly name: string;
  readonly cell: (finding: Finding) => { readonly html: string; readonly sort: string; readonly className?: string };
  /** Severity sorts by rank, most severe first. */
  readonly numeric?: true;
}

function renderFindings(report: Report, findings: readonly Finding[]): string {
  const heading = `<h2 id="findings-heading">Findings (${findings.length})</h2>`;
  if (findings.length === 0) {
    return `<section id="findings" aria-labelledby="findings-heading">\n${heading}\n<p>No findings.</p>\n</section>`;
  }
  // Account and region columns only when there is something in AWS to put in them.
  const aws = report.estate !== undefined || findings.some((finding) => finding.location.kind === 'aws');
  const columns = findingColumns(aws);
  const header = columns
    .map(
      (column) =>
        `<th scope="col"${column.numeric === true ? ' data-type="number" data-first="descending"' : ''}><button type="button">${escapeHtml(column.name)}</button></th>`,
    )
    .join('');
  const rows = findings.map((finding, index) => {
    const cells = columns.map((column) => {
      const cell = column.cell(finding);
      const className = cell.className === undefined ? '' : ` class="${cell.className}"`;
      return `<td${className} data-sort="${escapeHtml(cell.sort)}">${cell.html}</td>`;
    });
    return `<tr data-order="${index}">${cells.join('')}</tr>`;
  });
  return `<section id="findings" aria-labelledby="findings-heading">
${heading}
<div class="filter" id="filter-controls" hidden>
<label for="filter">Filter</label>
<input type="search" id="filter" autocomplete="off" placeholder="account, rule, text…">
<span id="filter-status" role="status"></span>
</div>
<table class="findings" id="findings-table">
<caption>Click a column header to sort by it; click it again to reverse.</caption>
<thead><tr>${header}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function findingColumns(aws: boolean): Column[] {
  const text = (value: string, className?: string) => ({
    html: escapeHtml(value),
    sort: value,
    ...(className === undefined ? {} : { className }),
  });
  const awsPart = (finding: Finding, part: 'account' | 'region') =>
    text(finding.location.kind === 'aws' ? finding.location[part] : '', 'mono nowrap');
  return [
    {
      name: 'Severity',
      numeric: true,
      cell: (finding) => ({
        html: `<span class="sev sev-${finding.severity}">${finding.severity}</span>`,
        sort: String(SEVERITY_RANK[finding.severity]),
        className: 'nowrap',
      }),
    },
    { name: 'Rule', cell: (finding) => text(finding.ruleId, 'mono nowrap') },
    ...(aws
      ? [
          { name: 'Account', cell: (finding: Finding) => awsPart(finding, 'account') },
          { name: 'Region', cell: (finding: Finding) => awsPart(finding, 'region') },
        ]
      : []),
    {
      name: aws ? 'Resource' : 'Location',
      cell: (finding) =>
        text(
          finding.location.kind === 'aws' ? finding.location.resourceId : formatLocation(finding.location),
          // A file:line:column broken across lines is hard to read and to copy.
          finding.location.kind === 'aws' ? 'mono resource' : 'mono nowrap',
        ),
    },
    {
      name: 'Message',
      cell: (finding) => ({
        html: escapeHtml(finding.message) + renderRelated(finding),
        sort: finding.message,
        // Beside a location that does not wrap, the message keeps a readable width.
        className: 'message',
      }),
    },
    { name: 'Remediation', cell: (finding) => text(finding.remediation ?? '') },
  ];
}

function bySeverity(findings: readonly Finding[]): Finding[] {
  return sortFindings(findings).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

/** Findings a suppression, a baseline or a public exception allowed: shown, with who allowed them and why. */
function renderSuppressed(report: Report): string {
  const suppressed = bySeverity(report.suppressed ?? []);
  if (suppressed.length === 0) return '';
  const rows = suppressed.map((finding) => {
    const where = finding.location.kind === 'aws' ? `${finding.location.account}/${finding.location.region}/${finding.location.resourceId}` : formatLocation(finding.location);
    return (
      `<tr><td class="nowrap"><span class="sev sev-${finding.severity}">${finding.severity}</span></td><td class="mono nowrap">${escapeHtml(finding.ruleId)}</td>` +
      `<td class="mono nowrap">${escapeHtml(where)}</td><td>${escapeHtml(finding.message)}</td><td>${escapeHtml(finding.suppression?.justification ?? '')}</td></tr>`
    );
  });
  return `<section id="suppressed" aria-labelledby="suppressed-heading">
<h2 id="suppressed-heading">Suppressed (${suppressed.length})</h2>
<table class="findings suppressed">
<caption>Found, but allowed: they do not count against the run.</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Location</th><th scope="col">Message</th><th scope="col">Allowed by</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function renderRelated(finding: Finding): string {
  if (finding.related.length === 0) return '';
  const items = finding.related.map(
    (related) =>
      `<li>↳ <span class="mono">${escapeHtml(formatLocation(related.location))}</span> ${escapeHtml(related.message)}</li>`,
  );
  return `<ul class="related">${items.join('')}</ul>`;
}

function renderRules(report: Report): string {
  const rows = sortRules(report.rules).map(
    (rule) =>
      `<tr><td class="mono">${escapeHtml(rule.id)}</td><td><span class="sev sev-${rule.severity}">${rule.severity}</span></td>` +
      `<td>${escapeHtml(rule.description)}</td><td>${escapeHtml(rule.help)}</td>` +
      `<td class="mono">${escapeHtml(ruleHelpUri(report.tool.informationUri, rule.docs))}</td></tr>`,
  );
  // The documentation address is text, not a link: the page makes no request of its own.
  return `<section id="rules" aria-labelledby="rules-heading">
<h2 id="rules-heading">Rules</h2>
<table class="rules">
<caption>The rules that ran, with the severity the policy gave them.</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Description</th><th scope="col">Help</th><th scope="col">Documentation</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function severityCounts(report: Report): string {
  const { errors, warnings, notes } = summarize(report);
  return [plural(errors, 'error'), plural(warnings, 'warning'), plural(notes, 'note')].join(', ');
}

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text from templates and AWS, safe in element content and in double-quoted attributes. */
function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

