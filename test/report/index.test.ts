import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  OUTPUT_FORMATS,
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
  });

  it('knows exactly the formats it lists', () => {
    assert.deepEqual(OUTPUT_FORMATS, ['text', 'json', 'sarif']);
    assert.ok(OUTPUT_FORMATS.every(isOutputFormat));
    assert.equal(isOutputFormat('xml'), false);
    assert.equal(isOutputFormat('SARIF'), false);
  });
});
