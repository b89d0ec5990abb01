/**
 * jsonTooDeep: the nesting limit every JSON reader checks before its recursive parser runs, so
 * that "too deep" does not depend on how much stack the JIT leaves (issue 10: a warm process
 * read 5,000 levels that a fresh one could not).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../src/core/json-depth.js';

describe('jsonTooDeep', () => {
  it('names the line and column of the first bracket past the limit', () => {
    assert.deepEqual(jsonTooDeep('{\n  "a": [[[]]]\n}', 3), { line: 2, column: 10 });
    assert.equal(jsonTooDeep('{\n  "a": [[]]\n}', 3), undefined);
  });

  it('skips brackets in strings, escaped quotes included', () => {
    assert.equal(jsonTooDeep('["[[[[", "\\"[[[[", "\\\\", "{{{{"]', 2), undefined);
    assert.deepEqual(jsonTooDeep('["\\\\", [[1]]]', 2), { line: 1, column: 9 });
  });

  it('counts lines inside strings (invalid JSON, but the parser reports that, at its place)', () => {
    assert.deepEqual(jsonTooDeep('["a\nb", [[1]]]', 2), { line: 2, column: 6 });
  });

  it('allows the limit itself, and an unbalanced close never goes below zero', () => {
    assert.equal(jsonTooDeep('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)), undefined);
    assert.deepEqual(jsonTooDeep('['.repeat(MAX_JSON_DEPTH + 1)), { line: 1, column: MAX_JSON_DEPTH + 1 });
    assert.equal(jsonTooDeep(']]]]]][', 1), undefined);
  });
});
