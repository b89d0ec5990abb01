import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import type { JsonReport } from '../../src/report/index.js';

/** A folder with these files (sub-folders are made), under a fresh temporary folder. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'amiguard-suppress-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Runs the CLI in-process with a fake terminal. */
async function cli(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd,
    env: { NO_COLOR: '1' },
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
  });
  return { code, stdout, stderr };
}

async function json(cwd: string, args: readonly string[]): Promise<JsonReport & { code: number }> {
  const result = await cli(cwd, [...args, '--format', 'json']);
  return { ...(JSON.parse(result.stdout) as JsonReport), code: result.code };
}

interface SarifResult {
  ruleId: string;
  suppressions?: { kind: string; status: string; justification: string }[];
}

async function sarif(cwd: string, args: readonly string[]): Promise<{ results: SarifResult[]; properties?: { policy: string } }> {
  const result = await cli(cwd, [...args, '--format', 'sarif']);
  const log = JSON.parse(result.stdout) as { runs: { results: SarifResult[]; properties?: { policy: string } }[] };
  const first = log.runs[0];
  assert.ok(first !== undefined);
  return first;
}

const SHARED_JSON = '{"builders": [{"type": "amazon-ebs", "ami_users": ["111122223333"]}]}\n';
const STRICT = 'allow:\n  accounts: ["444455556666"]\n';
const LENIENT = 'allow:\n  accounts: ["111122223333"]\n';

function publicHcl(comment: string): string {
  return `source "amazon-ebs" "x" {\n  ami_groups = ["all"] ${comment}\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n`;
}

describe('policy discovery (CLI)', () => {
  it('finds the policy upward from the scanned path, before the working folder, and names it', async () => {
    const dir = project({ 'amiguard.yaml': LENIENT, 'team/amiguard.yaml': STRICT, 'team/packer/a.json': SHARED_JSON, 'other/b.json': SHARED_JSON });
    const strict = await cli(dir, ['lint', 'team/packer']);
    assert.equal(strict.code, 1, 'team/amiguard.yaml does not approve the account');
    assert.match(strict.stdout, /not in allow\.accounts of team\/amiguard\.yaml/);
    assert.match(strict.stdout, /\npolicy: team\/amiguard\.yaml\n$/);
    const lenient = await cli(dir, ['lint', 'other']);
    assert.equal(lenient.code, 0, 'other/ has no policy of its own: the working folder\'s applies');
    assert.match(lenient.stdout, /policy: amiguard\.yaml\n$/);
    // From inside the tree, a policy above the working folder is found and shown relative to it.
    const inside = await json(join(dir, 'team/packer'), ['lint']);
    assert.equal(inside.policy, '../amiguard.yaml');
    assert.equal(inside.code, 1);
    assert.equal((await sarif(dir, ['lint', 'other'])).properties?.policy, 'amiguard.yaml');
  });

  it('--config overrides discovery; without any policy file the output says built-in default', async () => {
    const dir = project({ 'team/amiguard.yaml': STRICT, 'team/a.json': SHARED_JSON, 'ok.yaml': LENIENT });
    assert.equal((await cli(dir, ['lint', 'team'])).code, 1);
    const overridden = await cli(dir, ['lint', 'team', '--config', 'ok.yaml']);
    assert.equal(overridden.code, 0);
    assert.match(overridden.stdout, /policy: ok\.yaml\n$/);
    const bare = project({ 'a.json': SHARED_JSON });
    assert.equal((await json(bare, ['lint'])).policy, 'built-in default');
  });

  it('exits 2 when the scanned paths are governed by different policy files', async () => {
    const dir = project({ 'a/amiguard.yaml': STRICT, 'a/t.json': SHARED_JSON, 'b/amiguard.yml': LENIENT, 'b/t.json': SHARED_JSON });
    const result = await cli(dir, ['lint', 'a', 'b']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /different policy files \(a -> a\/amiguard\.yaml, b -> b\/amiguard\.yml\)/);
    assert.match(result.stderr, /hint: lint them in separate runs, or pass one policy with --config/);
  });
});

describe('inline suppressions (CLI)', () => {
  it('HCL: #, // and /* */ on the same line, the line before, or the block opening suppress; JSON and SARIF show them as inSource', async () => {
    const dir = project({
      'same.pkr.hcl': publicHcl('# amiguard-ignore public-ami: published on purpose (SEC-142)'),
      'c/slash.pkr.hcl': publicHcl('// amiguard-ignore public-ami: community image'),
      'd/before.pkr.hcl':
        'source "amazon-ebs" "x" {\n  /* amiguard-ignore public-ami: public base */\n  ami_groups = ["all"]\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n',
      'e/block.pkr.hcl':
        'source "amazon-ebs" "x" { # amiguard-ignore public-ami, public-snapshot: scrubbed public image\n  ami_groups = ["all"]\n  snapshot_groups = ["all"]\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n',
    });
    const text = await cli(dir, ['lint']);
    assert.equal(text.code, 0, text.stdout);
    assert.equal(text.stdout, '✔ no problems in 4 files, 5 suppressed (listed in json and sarif output)\npolicy: built-in default\n');
    const report = await json(dir, ['lint']);
    assert.deepEqual(report.findings, []);
    assert.equal(report.summary.suppressed, 5);
    assert.deepEqual(
      report.suppressed?.map(({ location, suppression }) => [
        'file' in location ? `${location.file}:${location.line}` : '',
        suppression?.justification,
      ]),
      [
        ['c/slash.pkr.hcl:2', 'amiguard-ignore at c/slash.pkr.hcl:2:24: community image'],
        ['d/before.pkr.hcl:3', 'amiguard-ignore at d/before.pkr.hcl:2:3: public base'],
        ['e/block.pkr.hcl:2', 'amiguard-ignore at e/block.pkr.hcl:1:27: scrubbed public image'],
        ['e/block.pkr.hcl:3', 'amiguard-ignore at e/block.pkr.hcl:1:27: scrubbed public image'],
        ['same.pkr.hcl:2', 'amiguard-ignore at same.pkr.hcl:2:24: published on purpose (SEC-142)'],
      ],
    );
    const results = (await sarif(dir, ['lint'])).results;
    assert.equal(results.length, 5);
    assert.ok(results.every((result) => result.suppressions?.[0]?.kind === 'inSource' && result.suppressions[0].status === 'accepted'));
  });

  it('a directive covers only its own line, the next line of code, or its block', async () => {
    const dir = project({
      'a.pkr.hcl':
        '# amiguard-ignore public-ami: only the next line\nlocals {\n  x = 1\n}\nsource "amazon-ebs" "x" {\n  ami_groups = ["all"]\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n',
    });
    const report = await json(dir, ['lint']);
    assert.deepEqual(report.findings.map((finding) => finding.ruleId), ['public-ami']);
  });

  it('legacy JSON: a root-level "_amiguard-ignore" string suppresses the rule in the whole file', async () => {
    const dir = project({
      'a.json': '{\n  "_amiguard-ignore": "public-ami: community image (SEC-7)",\n  "builders": [{"type": "amazon-ebs", "ami_groups": ["all"], "snapshot_groups": ["all"]}]\n}\n',
    });
    const report = await json(dir, ['lint']);
    assert.deepEqual(report.findings.map((finding) => finding.ruleId), ['public-snapshot'], 'a directive names its rules');
    assert.deepEqual(report.suppressed?.map((finding) => [finding.ruleId, finding.suppression?.kind, finding.suppression?.location]), [
      ['public-ami', 'inSource', { file: 'a.json', line: 2, column: 3, endLine: 2, endColumn: 60 }],
    ]);
  });

  it('HCL JSON syntax (*.pkr.json): a "//" comment property suppresses in its object', async () => {
    const dir = project({
      'a.pkr.json': JSON.stringify({
        source: { 'amazon-ebs': { x: { '//': 'amiguard-ignore public-ami: published', ami_groups: ['all'] } } },
        build: { sources: ['source.amazon-ebs.x'] },
      }),
    });
    const report = await json(dir, ['lint']);
    assert.deepEqual(report.findings, []);
    assert.equal(report.suppressed?.[0]?.suppression?.kind, 'inSource');
  });

  it('an expired directive suppresses nothing and says so; one still in date suppresses', async () => {
    const dir = project({
      'old/a.pkr.hcl': publicHcl('# amiguard-ignore public-ami until 2020-01-31: launch week'),
      'new/a.pkr.hcl': publicHcl('# amiguard-ignore public-ami until 2999-12-31: launch week'),
    });
    const expired = await cli(dir, ['lint', 'old']);
    assert.equal(expired.code, 1);
    assert.match(expired.stdout, /2:17\s+error .* public-ami\n\s+↳ old\/a\.pkr\.hcl:2:24 {2}amiguard-ignore expired on 2020-01-31, so it no longer suppresses this \(launch week\)/);
    const current = await json(dir, ['lint', 'new']);
    assert.equal(current.code, 0);
    assert.equal(current.suppressed?.[0]?.suppression?.justification, 'amiguard-ignore at new/a.pkr.hcl:2:24: launch week (until 2999-12-31)');
  });

  it('a directive without a reason, an unknown rule or a bad date is an invalid-suppression finding and suppresses nothing', async () => {
    const dir = project({
      'a.pkr.hcl': publicHcl('# amiguard-ignore public-ami'),
      'b/b.pkr.hcl': publicHcl('# amiguard-ignore public-amis: typo'),
      'c/c.json': '{"_amiguard-ignore": ["public-ami: a list"], "builders": [{"type": "amazon-ebs", "ami_groups": ["all"]}]}\n',
    });
    const result = await cli(dir, ['lint']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /2:24\s+error\s+amiguard-ignore "public-ami" gives no reason after a colon, so it suppresses nothing.*invalid-suppression/);
    assert.match(result.stdout, /names "public-amis", which is not a rule/);
    assert.match(result.stdout, /the "_amiguard-ignore" key must be a string/);
    const report = await json(dir, ['lint']);
    assert.deepEqual(
      report.findings.map((finding) => finding.ruleId),
      ['public-ami', 'invalid-suppression', 'public-ami', 'invalid-suppression', 'invalid-suppression', 'public-ami'],
    );
    assert.deepEqual(report.suppressed, []);
  });
});

describe('public-exceptions (CLI)', () => {
  it('an allowed public AMI is reported as suppressed (external) with the exception as justification', async () => {
    const dir = project({
      'amiguard.yaml': 'public-exceptions:\n  - file: "*.pkr.hcl"\n    reason: community base image\n    expires: "2999-01-31"\n',
      'a.pkr.hcl': publicHcl(''),
    });
    const text = await cli(dir, ['lint']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^✔ no problems in 1 file, 1 suppressed/);
    const [result] = (await sarif(dir, ['lint'])).results;
    assert.deepEqual(result?.suppressions, [
      { kind: 'external', status: 'accepted', justification: 'public-exception in amiguard.yaml: community base image (until 2999-01-31)' },
    ]);
  });
});

describe('suppressions in SARIF', () => {
  it('inSource and external suppressions, with their locations, pass the SARIF multitool', async () => {
    const dir = project({
      'amiguard.yaml': 'public-exceptions:\n  - file: "pub/*"\n    reason: community base image\n',
      'pub/a.pkr.hcl': publicHcl(''),
      'a.pkr.hcl': publicHcl('# amiguard-ignore public-ami: published on purpose (SEC-142)'),
      'b.json': '{"_amiguard-ignore": "unapproved-account: vendor", "builders": [{"type": "amazon-ebs", "ami_users": ["111122223333"]}]}\n',
    });
    const result = await cli(dir, ['lint', '--format', 'sarif', '--output', 'out.sarif']);
    assert.equal(result.code, 0, result.stderr);
    const log = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { runs: { results: SarifResult[] }[] };
    assert.deepEqual(log.runs[0]?.results.map((entry) => [entry.ruleId, entry.suppressions?.[0]?.kind]), [
      ['public-ami', 'inSource'],
      ['unapproved-account', 'inSource'],
      ['public-ami', 'external'],
    ]);
    const multitool = fileURLToPath(new URL('../../node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool', import.meta.url));
    accessSync(multitool, constants.X_OK);
    const validation = spawnSync(multitool, ['validate', join(dir, 'out.sarif')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(validation.status, 0, validation.stdout + validation.stderr);
    assert.doesNotMatch(validation.stdout, /: (error|warning) /, validation.stdout);
  });
});

describe('baseline (CLI)', () => {
  it('records today\'s findings; then only new ones fail, and line shifts do not make old ones new', async () => {
    const hcl = 'source "amazon-ebs" "x" {\n  ami_groups = ["all"]\n  ami_users = ["111122223333"]\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n';
    const dir = project({ 'a.pkr.hcl': hcl, 'b.json': SHARED_JSON });
    const recorded = await cli(dir, ['baseline']);
    assert.equal(recorded.code, 0, recorded.stderr);
    assert.match(recorded.stderr, /recorded 3 finding\(s\) in amiguard-baseline\.json \(policy: built-in default\)/);
    const file = JSON.parse(readFileSync(join(dir, 'amiguard-baseline.json'), 'utf8')) as { findings: { ruleId: string }[] };
    assert.deepEqual(file.findings.map((entry) => entry.ruleId), ['public-ami', 'unapproved-account', 'unapproved-account']);

    assert.equal((await cli(dir, ['lint'])).code, 1, 'without --baseline the findings count');
    const clean = await cli(dir, ['lint', '--baseline', 'amiguard-baseline.json']);
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /^✔ no problems in 2 files, 3 suppressed/);

    // Unrelated edits move every finding down; a new public snapshot appears.
    writeFileSync(join(dir, 'a.pkr.hcl'), `# a comment\nvariable "unused" {\n  default = 1\n}\n\n${hcl.replace('ami_users', 'snapshot_groups = ["all"]\n  ami_users')}`);
    const moved = await json(dir, ['lint', '--baseline', 'amiguard-baseline.json']);
    assert.equal(moved.code, 1);
    assert.deepEqual(moved.findings.map((finding) => [finding.ruleId, 'line' in finding.location ? finding.location.line : 0]), [['public-snapshot', 8]]);
    assert.deepEqual(moved.suppressed?.map((finding) => [finding.ruleId, finding.suppression?.kind]), [
      ['public-ami', 'external'],
      ['unapproved-account', 'external'],
      ['unapproved-account', 'external'],
    ]);

    // Fixed findings leave entries that match nothing: said on stderr, the baseline can shrink.
    writeFileSync(join(dir, 'b.json'), '{"builders": [{"type": "amazon-ebs"}]}\n');
    const fixed = await cli(dir, ['lint', '--baseline', 'amiguard-baseline.json']);
    assert.equal(fixed.stderr, 'amiguard: 1 baseline entry matches no finding any more; run amiguard baseline again to drop them\n');
  });

  it('a missing or malformed baseline is an error (exit 2), never an empty one', async () => {
    const dir = project({ 'b.json': SHARED_JSON, 'bad.json': '{}' });
    const missing = await cli(dir, ['lint', '--baseline', 'nope.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read baseline nope\.json: no such file or folder\n {2}hint: record one with: amiguard baseline --output FILE/);
    assert.match((await cli(dir, ['lint', '--baseline', 'bad.json'])).stderr, /bad\.json: not an amiguard baseline/);
  });
});

describe('exclusions (CLI)', () => {
  it('--exclude and the policy\'s exclude: leave templates unread', async () => {
    const dir = project({
      'amiguard.yaml': 'exclude:\n  - legacy\n',
      'legacy/broken.json': '{"builders": [',
      'fixtures/a.pkr.hcl': publicHcl(''),
      'ok.json': SHARED_JSON,
    });
    // Without the policy's exclude:, legacy/broken.json would be a parse-error.
    const all = await json(dir, ['lint']);
    assert.deepEqual(all.findings.map((finding) => finding.ruleId), ['public-ami', 'unapproved-account']);
    const excluded = await json(dir, ['lint', '--exclude', 'fixtures/**']);
    assert.deepEqual(excluded.findings.map((finding) => finding.ruleId), ['unapproved-account']);
    assert.equal(excluded.summary.files, 1);
    // From a sub-folder, the policy's globs stay relative to the policy file.
    // Everything excluded leaves nothing read: never a pass (issue 7).
    const sub = await cli(join(dir, 'legacy'), ['lint']);
    assert.equal(sub.code, 2);
    assert.match(sub.stderr, /no template found in the current folder: .*; skipped: broken\.json \(excluded by the policy or --exclude\)/);
  });

  it('rejects an exclude: that is not a list of globs', async () => {
    const dir = project({ 'amiguard.yaml': 'exclude: legacy\n', 'ok.json': SHARED_JSON });
    const result = await cli(dir, ['lint']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /amiguard\.yaml:1:10: exclude: expected a list of path globs/);
  });
});
