import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Compares a formatter's output with its checked-in copy under test/fixtures/report/.
 * `UPDATE_SNAPSHOTS=1` rewrites the copy instead; review the diff before committing it.
 */
export function assertMatchesSnapshot(actual: string, name: string): void {
  const path = fileURLToPath(new URL(`../fixtures/report/${name}`, import.meta.url));
  if (process.env['UPDATE_SNAPSHOTS'] === '1') {
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch (error) {
    assert.fail(`cannot read the snapshot ${path} (${String(error)}): run the test with UPDATE_SNAPSHOTS=1 to write it`);
  }
  assert.equal(actual, expected, `output differs from ${path}; if the change is meant, rerun with UPDATE_SNAPSHOTS=1`);
}
