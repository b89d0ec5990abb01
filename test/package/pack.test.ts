/**
 * The package as users get it: `npm pack`, installed into an empty folder (from npm's cache, so
 * no network is needed after `npm ci`), then the installed CLI and the library API are used
 * from there. Catches a missing file in "files", a broken "exports" or "bin", and source maps
 * that point at files the package does not ship.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../cli/run-cli.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the packed tarball, installed into an empty project', () => {
  const directory = mkdtempSync(join(tmpdir(), 'amiguard-pack-'));
  const project = join(directory, 'project');
  // A public template with no policy above it (the examples' policy allows their public AMI).
  const templates = join(directory, 'templates');
  let packed: readonly string[] = [];

  before(() => {
    // npm test has built dist/ already; --ignore-scripts keeps pack from building it again.
    const output = execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', directory], { cwd: ROOT, encoding: 'utf8' });
    const [info] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
    assert.ok(info !== undefined, output);
    packed = info.files.map((file) => file.path);
    execFileSync('mkdir', ['-p', project, templates]);
    writeFileSync(
      join(templates, 'public.pkr.hcl'),
      'source "amazon-ebs" "base" {\n  ami_name   = "base"\n  ami_groups = ["all"]\n}\n\nbuild {\n  sources = ["source.amazon-ebs.base"]\n}\n',
    );
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    execFileSync(
      NPM,
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(directory, info.filename)],
      { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  });

  after(() => rmSync(directory, { recursive: true, force: true }));

  it('ships the licence, the README, the CLI and the compiled library, and no source map without its source', () => {
    for (const file of ['LICENSE', 'README.md', 'package.json', 'bin/amiguard.cjs', 'dist/src/index.js', 'dist/src/index.d.ts']) {
      assert.ok(packed.includes(file), `${file} is not in the package`);
    }
    for (const map of packed.filter((file) => file.endsWith('.map'))) {
      const sources = (JSON.parse(readFileSync(join(project, 'node_modules/amiguard', map), 'utf8')) as { sources: string[] }).sources;
      for (const source of sources) {
        const shipped = join(project, 'node_modules/amiguard', map, '..', source);
        assert.ok(existsSync(shipped), `${map} points at ${source}, which the package does not ship`);
      }
    }
  });

  it('runs the installed CLI without the AWS SDK Node-version notice', () => {
    const bin = join(project, 'node_modules/.bin/amiguard');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), pkg.version);
    const lint = spawnSync(bin, ['lint', templates, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(lint.status, 1, lint.stderr);
    assert.equal(lint.stderr, '', 'nothing on stderr: no SDK notice, no warning');
    const report = JSON.parse(lint.stdout) as { findings: { ruleId: string }[] };
    assert.ok(report.findings.some((finding) => finding.ruleId === 'public-ami'));
  });

  it('imports the library by its package name and lints through it', () => {
    const script = join(project, 'use.mjs');
    writeFileSync(
      script,
      `import { lint, TOOL, RULE_IDS } from 'amiguard';
const result = await lint({ paths: [${JSON.stringify(templates)}] });
console.log(JSON.stringify({ tool: TOOL.name, rules: RULE_IDS.length, findings: result.findings.map((f) => f.ruleId) }));
`,
    );
    const result = spawnSync(process.execPath, [script], { cwd: project, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { tool: string; rules: number; findings: string[] };
    assert.equal(output.tool, 'amiguard');
    assert.ok(output.rules > 5);
    assert.ok(output.findings.includes('public-ami'));
  });

  it('installs nothing but runtime dependencies', () => {
    const installed = readdirSync(join(project, 'node_modules'));
    for (const development of ['typescript', 'eslint', 'tsx', 'fast-check', 'playwright-core']) {
      assert.ok(!installed.includes(development), `${development} was installed with the package`);
    }
  });
});
