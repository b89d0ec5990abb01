import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, type CliResult } from './run-cli.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'amiguard-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const PUBLIC_HCL = 'source "amazon-ebs" "x" {\n  ami_groups = ["all"]\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n';
const SHARED_JSON = '{"builders": [{"type": "amazon-ebs", "ami_users": ["111122223333"]}]}\n';
const PRIVATE_JSON = '{"builders": [{"type": "amazon-ebs", "ami_name": "x"}]}\n';

describe('amiguard lint (CLI)', () => {
  it('exits 1 on an error finding and prints it at file:line:col', async () => {
    const dir = project({ 'a.pkr.hcl': PUBLIC_HCL });
    const result = await runCli(['lint'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /a\.pkr\.hcl/);
    assert.match(result.stdout, /2:17\s+error\s+.*public.*public-ami/);
    assert.ok(!result.stdout.includes('\u001b['), 'no colours with NO_COLOR');
    assert.equal(result.stderr, '');
  });

  it('exits 0 on a clean folder, and when findings are below --fail-on', async () => {
    assert.equal((await runCli(['lint'], { cwd: project({ 'a.json': PRIVATE_JSON }) })).code, 0);
    const shared = project({ 'a.json': SHARED_JSON });
    assert.equal((await runCli(['lint'], { cwd: shared })).code, 0, 'a warning does not fail by default');
    assert.equal((await runCli(['lint', '--fail-on', 'warning'], { cwd: shared })).code, 1);
  });

  it('--var and --var-file change the result, every --var winning over every --var-file as in Packer', async () => {
    const dir = project({
      'a.pkr.hcl': 'variable "public" {\n  default = false\n}\nsource "amazon-ebs" "x" {\n  ami_groups = var.public ? ["all"] : []\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n',
      'on.pkrvars.hcl': 'public = true\n',
    });
    assert.equal((await runCli(['lint'], { cwd: dir })).code, 0);
    assert.equal((await runCli(['lint', '--var-file', 'on.pkrvars.hcl'], { cwd: dir })).code, 1);
    assert.equal((await runCli(['lint', '--var-file', 'on.pkrvars.hcl', '--var', 'public=false'], { cwd: dir })).code, 0);
    assert.equal((await runCli(['lint', '--var', 'public=false', '--var-file', 'on.pkrvars.hcl'], { cwd: dir })).code, 0);
  });

  it('writes json and sarif, to stdout or --output', async () => {
    const dir = project({ 'a.pkr.hcl': PUBLIC_HCL });
    const json = JSON.parse((await runCli(['lint', '--format', 'json'], { cwd: dir })).stdout) as { findings: { ruleId: string; location: { line: number } }[] };
    assert.deepEqual(json.findings.map((finding) => [finding.ruleId, finding.location.line]), [['public-ami', 2]]);
    const written = await runCli(['lint', '--format', 'sarif', '--output', 'out.sarif'], { cwd: dir });
    assert.equal(written.code, 1);
    assert.equal(written.stdout, '');
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { version: string; runs: { results: { ruleId: string }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(sarif.runs[0]?.results.map((result) => result.ruleId), ['public-ami']);
  });

  it('uses amiguard.yaml from the working folder, or --config', async () => {
    const dir = project({ 'a.json': SHARED_JSON, 'amiguard.yaml': 'allow:\n  accounts: ["444455556666"]\n', 'ok.yaml': 'allow:\n  accounts: ["111122223333"]\n' });
    const strict = await runCli(['lint', 'a.json'], { cwd: dir });
    assert.equal(strict.code, 1, 'an account outside the allow list is an error');
    assert.match(strict.stdout, /not in allow\.accounts of amiguard\.yaml/);
    assert.equal((await runCli(['lint', 'a.json', '--config', 'ok.yaml'], { cwd: dir })).code, 0);
  });

  it('exits 2 with a clear message, and no stack trace, for bad input', async () => {
    const dir = project({ 'a.json': PRIVATE_JSON, 'bad.yaml': 'allow:\n  accounts: ["12"]\n' });
    const cases: [string[], RegExp][] = [
      [['lint', 'missing-dir'], /cannot read missing-dir/],
      [['lint', '--format', 'xml'], /--format must be one of text, json, sarif(, html)?; got "xml"/],
      [['lint', '--config', 'bad.yaml'], /bad\.yaml:2:14: allow\.accounts\[0\]: "12" is not an account id/],
      [['lint', '--var', 'novalue'], /--var "novalue" is not NAME=VALUE/],
      [['lint', '--var-file', 'nope.pkrvars.hcl'], /cannot read var-file nope\.pkrvars\.hcl/],
      [['lint', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['nonsense'], /unknown command "nonsense"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, { cwd: dir });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('a file that does not parse is a finding, not a crash', async () => {
    const dir = project({ 'broken.json': '{"builders": [', 'binary.json': '\u0000\u0001\u0002' });
    const result = await runCli(['lint', 'broken.json', 'binary.json', '--format', 'json'], { cwd: dir });
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as { findings: { ruleId: string; location: { file: string } }[] };
    assert.deepEqual(report.findings.map((finding) => [finding.ruleId, finding.location.file]).sort(), [
      ['parse-error', 'binary.json'],
      ['parse-error', 'broken.json'],
    ]);
  });

  it('prints help with examples', async () => {
    const result = await runCli(['lint', '--help']);
    assert.equal(result.code, 0);
    assert.ok(result.stdout.includes('Examples:\n  amiguard lint'));
  });
});

/**
 * Runs the built CLI with a kill timer: a read that blocks (a FIFO) would otherwise hang the test
 * run. The timer is a safety net, not a timing assertion: a killed run has no exit code and
 * fails the test. `unprivileged` runs it as uid/gid 65534 when the tests run as root (as in CI),
 * whom `chmod 000` does not stop.
 */
function runGuarded(args: readonly string[], cwd: string, unprivileged = false): Promise<CliResult> {
  const asUser = unprivileged && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  return runCli(args, { cwd, env: { HOME: tmpdir() }, process: { timeout: 60_000, ...asUser } });
}

/** A million var-file entries, each a distinct name: far over the var-file limit in either syntax. */
function millionEntries(format: 'hcl' | 'json'): string {
  const names = Array.from({ length: 1_000_000 }, (_, index) => `v${index}`);
  return format === 'hcl' ? names.map((name) => `${name} = "x"\n`).join('') : JSON.stringify(Object.fromEntries(names.map((name) => [name, 'x'])));
}

describe('amiguard lint (CLI) on hostile input', () => {
  it('exits 2 naming the path and what it looks for when there is no template to read', async () => {
    const empty = project({ 'package.json': '{"name": "x"}', 'notes.md': 'hello' });
    const result = await runCli(['lint'], { cwd: empty });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /no template found in the current folder: amiguard reads .*\*\.json files with a top-level "builders" key \(Packer legacy JSON\); \*\.pkr\.hcl and \*\.pkr\.json files \(Packer HCL2\).*; skipped: package\.json \(a \.json file without a top-level "builders" key\)/);
    const named = await runCli(['lint', 'packer/'], { cwd: project({ 'a.pkr.hcl': PUBLIC_HCL }) });
    assert.equal(named.code, 2);
    assert.match(named.stderr, /cannot read packer: no such file or folder/);
    mkdirSync(join(empty, 'packer'));
    const emptyFolder = await runCli(['lint', 'packer'], { cwd: empty });
    assert.equal(emptyFolder.code, 2);
    assert.match(emptyFolder.stderr, /no template found in packer: /);
  });

  it('a folder it cannot list is a finding, and no template at all is exit 2, never a silent pass', async () => {
    const dir = project({ 'ok.pkr.hcl': 'source "amazon-ebs" "x" {\n  ami_groups = []\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n' });
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'closed'));
    writeFileSync(join(dir, 'closed', 'public.pkr.hcl'), PUBLIC_HCL);
    chmodSync(join(dir, 'closed'), 0o000);
    const result = await runGuarded(['lint', '--format', 'json'], dir, true);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as {
      findings: { ruleId: string; message: string; location: { file: string } }[];
      coverage: { complete: boolean; read: { kind: string; count: number }[]; unread: { kind: string; resource: string; reason: string }[] };
    };
    assert.deepEqual(
      report.findings.map((finding) => [finding.ruleId, finding.location.file, finding.message]),
      [['parse-error', 'closed', 'cannot list this folder (permission denied): any template in it was not checked']],
    );
    // The verdict says what it rests on: one file read, one folder not.
    assert.equal(report.coverage.complete, false);
    assert.deepEqual(report.coverage.read, [{ kind: 'file', count: 1 }]);
    assert.deepEqual(report.coverage.unread.map((gap) => [gap.kind, gap.resource]), [['file', 'closed']]);
    const text = await runGuarded(['lint'], dir, true);
    assert.match(text.stdout, /⚠ incomplete: 1 problem .* 1 part could not be read:\n {2}closed: file unknown: cannot list this folder/);
    const onlyClosed = project({});
    chmodSync(onlyClosed, 0o755);
    mkdirSync(join(onlyClosed, 'closed'));
    chmodSync(join(onlyClosed, 'closed'), 0o000);
    const nothing = await runGuarded(['lint'], onlyClosed, true);
    assert.equal(nothing.code, 2, nothing.stdout);
    assert.match(nothing.stderr, /no template found in the current folder: .*; skipped: closed \(cannot list this folder \(permission denied\): any template in it was not checked\)/);
  });

  it('refuses a FIFO, /dev/zero and an oversized file as var-file or policy: exit 2, no hang', async () => {
    const dir = project({ 'a.pkr.hcl': PUBLIC_HCL, 'huge.pkrvars.hcl': `x = "${'y'.repeat(5 * 1024 * 1024)}"\n` });
    execFileSync('mkfifo', [join(dir, 'pipe.pkrvars.hcl'), join(dir, 'pipe.yaml')]);
    const cases: [string[], RegExp][] = [
      [['--var-file', 'pipe.pkrvars.hcl'], /cannot read var-file pipe\.pkrvars\.hcl: not a regular file: a FIFO \(named pipe\)/],
      [['--var-file', '/dev/zero'], /cannot read var-file \/dev\/zero: not a regular file: a character device/],
      [['--var-file', 'huge.pkrvars.hcl'], /cannot read var-file huge\.pkrvars\.hcl: 5\.0 MB, over the 4 MB limit/],
      [['--config', 'pipe.yaml'], /cannot read policy file pipe\.yaml: not a regular file: a FIFO \(named pipe\)/],
      [['--config', '/dev/zero'], /cannot read policy file \/dev\/zero: not a regular file: a character device/],
      [['pipe.pkrvars.hcl'], /cannot read pipe\.pkrvars\.hcl: not a file or folder/],
      [['/dev/zero'], /cannot read \/dev\/zero: not a file or folder/],
    ];
    for (const [args, message] of cases) {
      const result = await runGuarded(['lint', ...args], dir);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('a million-entry var-file (HCL or JSON) is a clear error, not a stack overflow', async () => {
    const dir = project({ 'a.pkr.hcl': PUBLIC_HCL, 'many.pkrvars.hcl': millionEntries('hcl'), 'many.pkrvars.json': millionEntries('json') });
    for (const file of ['many.pkrvars.hcl', 'many.pkrvars.json']) {
      const result = await runGuarded(['lint', '--var-file', file], dir);
      assert.equal(result.code, 2, `${file}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`cannot read var-file ${file.replace('.', '\\.')}: \\d+\\.\\d MB, over the 4 MB limit`));
    }
  });

  it('an auto var-file with a million entries is a finding on that file', async () => {
    const dir = project({ 'a.pkr.hcl': PUBLIC_HCL, 'many.auto.pkrvars.hcl': millionEntries('hcl') });
    const result = await runGuarded(['lint', '--format', 'json'], dir);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { findings: { ruleId: string; message: string; location: { file: string } }[] };
    assert.deepEqual(
      report.findings.filter((finding) => finding.ruleId === 'parse-error').map((finding) => [finding.location.file, finding.message.replace(/\d+\.\d/, 'N')]),
      [['many.auto.pkrvars.hcl', 'cannot read var-file: N MB, over the 4 MB limit']],
    );
  });
});
