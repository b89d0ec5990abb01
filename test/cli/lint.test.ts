import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './run-cli.js';

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
