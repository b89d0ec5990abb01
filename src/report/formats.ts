import type { Report } from '../core/index.js';
import type { HtmlOptions } from './html.js';
import type { SarifOptions } from './sarif.js';
import type { TextOptions } from './text.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'html';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'html'];

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

export type FormatOptions = TextOptions & SarifOptions & HtmlOptions;

/**
 * The report in `format`, loading only that format's module: the CLI's text output does not
 * pay for compiling the HTML and SARIF writers (start-up, issue 11). formatReport() is the same,
 * synchronous, with every format loaded.
 */
export async function formatReportOnDemand(report: Report, format: OutputFormat, options: FormatOptions = {}): Promise<string> {
  switch (format) {
    case 'text':
      return (await import('./text.js')).formatText(report, options);
    case 'json':
      return (await import('./json.js')).formatJson(report);
    case 'sarif':
      return (await import('./sarif.js')).formatSarif(report, options);
    case 'html':
      return (await import('./html.js')).formatHtml(report, options);
  }
}
