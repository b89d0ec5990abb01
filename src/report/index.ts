import type { Report } from '../core/index.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export { formatHtml, formatJson, formatSarif, formatText };
export type { HtmlOptions } from './html.js';
export type { JsonFinding, JsonLocation, JsonReport, JsonRule } from './json.js';
export type { SarifOptions } from './sarif.js';
export type { ReportSummary } from './summary.js';
export type { TextOptions } from './text.js';

export { formatReportOnDemand, isOutputFormat, OUTPUT_FORMATS, type FormatOptions, type OutputFormat } from './formats.js';
import type { FormatOptions, OutputFormat } from './formats.js';

/** The report as the CLI prints it; each format ignores the options that do not concern it. */
export function formatReport(report: Report, format: OutputFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'text':
      return formatText(report, options);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, options);
    case 'html':
      return formatHtml(report, options);
  }
}
