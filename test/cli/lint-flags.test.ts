/** lint's short forms and ESLint's --quiet and --max-warnings, in-process. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runInProcess } from './run-cli.js';

describe('lint flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amiguard-lint-flags-'));
  // One warning (sharing from a variable with no value) and nothing else.
  writeFileSync(
    join(dir, 'image.pkr.hcl'),
    'variable "groups" {\n  type = list(string)\n}\n\nsource "amazon-ebs" "x" {\n  ami_groups = var.groups\n}\n\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n',
  );
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('-c, -f and -o are --config, --format and --output', async () => {
    const long = await runInProcess(['lint', 'examples', '--config', 'examples/amiguard.yaml', '--format', 'json']);
    const short = await runInProcess(['lint', 'examples', '-c', 'examples/amiguard.yaml', '-f', 'json']);
    assert.equal(short.code, long.code);
    assert.equal(short.stdout, long.stdout);
    const out = join(dir, 'report.sarif');
    const written = await runInProcess(['lint', 'examples', '-c', 'examples/amiguard.yaml', '-f', 'sarif', '-o', out]);
    assert.equal(written.code, 1, written.stderr);
    assert.match(written.stderr, /wrote sarif report with \d+ finding\(s\) to /);
  });

  it('--max-warnings N fails a run with more than N warnings; --fail-on alone does not', async () => {
    const plain = await runInProcess(['lint', dir]);
    assert.equal(plain.code, 0, plain.stdout);
    assert.match(plain.stdout, /1 warning/);
    const none = await runInProcess(['lint', dir, '--max-warnings', '0']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /1 warning, more than --max-warnings 0/);
    assert.equal((await runInProcess(['lint', dir, '--max-warnings', '1'])).code, 0);
    const bad = await runInProcess(['lint', dir, '--max-warnings', 'few']);
    assert.equal(bad.code, 2);
  });

  it('-q reports errors only', async () => {
    const quiet = await runInProcess(['lint', dir, '-q']);
    assert.equal(quiet.code, 0);
    assert.doesNotMatch(quiet.stdout, /unresolved-sharing/);
    const loud = await runInProcess(['lint', dir]);
    assert.match(loud.stdout, /unresolved-sharing/);
  });
});

describe('rules --format', () => {
  it('--format json (and the older --json) list every rule as data; text is the default', async () => {
    const json = await runInProcess(['rules', '-f', 'json']);
    assert.equal(json.code, 0);
    const rules = JSON.parse(json.stdout) as { id: string; defaultSeverity: string }[];
    assert.ok(rules.some((rule) => rule.id === 'public-ami' && rule.defaultSeverity === 'error'));
    assert.equal((await runInProcess(['rules', '--json'])).stdout, json.stdout);
    assert.match((await runInProcess(['rules'])).stdout, /^block-public-access-off +warning +/m);
    assert.equal((await runInProcess(['rules', '--format', 'yaml'])).code, 2);
  });
});
