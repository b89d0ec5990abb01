import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  OUTPUT_FORMATS,
  formatHtml,
  formatJson,
  formatReport,
  formatSarif,
  formatText,
  isOutputFormat,
} from '../../src/report/index.js';
import { sampleReport } from './sample-report.js';

describe('formatReport', () => {
  it('hands each format to its formatter, with the options that concern it', () => {
    const report = sampleReport();
    assert.equal(formatReport(report, 'text'), formatText(report));
    assert.equal(formatReport(report, 'text', { color: true }), formatText(report, { color: true }));
    assert.equal(formatReport(report, 'json', { color: true }), formatJson(report));
    assert.equal(formatReport(report, 'sarif', { srcRoot: '/src' }), formatSarif(report, { srcRoot: '/src' }));
    assert.equal(
      formatReport(report, 'html', { generatedAt: '2025-01-02T03:04:05Z', color: true }),
      formatHtml(report, { generatedAt: '2025-01-02T03:04:05Z' }),
    );
  });

  it('knows exactly the formats it lists', () => {
    assert.deepEqual(OUTPUT_FORMATS, ['text', 'json', 'sarif', 'html']);
    assert.ok(OUTPUT_FORMATS.every(isOutputFormat));
    assert.equal(isOutputFormat('xml'), false);
    assert.equal(isOutputFormat('SARIF'), false);
  });
});
