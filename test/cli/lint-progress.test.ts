/** lint's progress line: on a terminal's stderr only, never in a pipe or when the report is data on stdout. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../../src/cli/main.js';
import { ROOT } from './run-cli.js';

async function lintWith(args: readonly string[], stderrIsTTY: boolean): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  await run(['lint', join(ROOT, 'examples'), ...args], {
    cwd: ROOT,
    env: { NO_COLOR: '1' },
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: stderrIsTTY },
  });
  return { stdout, stderr };
}

describe('lint progress', () => {
  it('on a terminal: says it reads, how many files of how many, then what it checks, and clears the line', async () => {
    const { stderr, stdout } = await lintWith([], true);
    const lines = stderr.split('\r\u001b[K');
    assert.equal(lines[0], '');
    assert.equal(lines[1], 'amiguard lint: reading templates...');
    const files = lines.slice(2, -2).map((line) => /^amiguard lint: reading templates: (\d+)\/(\d+) files\.\.\.$/.exec(line));
    assert.ok(files.length >= 2, stderr);
    const counts = files.map((match) => {
      assert.ok(match !== null, stderr);
      return [Number(match[1]), Number(match[2])];
    });
    const total = counts[0]?.[1] ?? 0;
    assert.ok(total > 0);
    assert.deepEqual(counts[0], [0, total]);
    assert.deepEqual(counts.at(-1), [total, total]);
    assert.match(lines.at(-2) ?? '', /^amiguard lint: checking \d+ AMI builds from \d+ files\.\.\.$/);
    assert.equal(lines.at(-1), '', 'the line is cleared');
    assert.doesNotMatch(stdout, /reading templates/);
  });

  it('nothing in a pipe, with --quiet, or when json goes to standard output', async () => {
    assert.doesNotMatch((await lintWith([], false)).stderr, /reading templates|files\.\.\./);
    assert.doesNotMatch((await lintWith(['-q'], true)).stderr, /reading templates|files\.\.\./);
    assert.doesNotMatch((await lintWith(['-f', 'json'], true)).stderr, /reading templates|files\.\.\./);
  });
});
