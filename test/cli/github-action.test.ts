/**
 * The GitHub Action's entry script (scripts/github-action.mjs), run as the action runs it: a
 * separate process with its inputs in the environment, writing SARIF and step outputs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from './run-cli.js';

const ENTRY = join(ROOT, 'scripts/github-action.mjs');
const MULTITOOL = join(ROOT, 'node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool');

interface ActionRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly sarif: string;
}

function runAction(directory: string, name: string, inputs: Record<string, string>): ActionRun {
  const outputFile = join(directory, `${name}.outputs`);
  const summaryFile = join(directory, `${name}.summary`);
  const sarif = join(directory, `${name}.sarif`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const result = spawnSync(process.execPath, [ENTRY], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      NO_COLOR: '1',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      AMIGUARD_SARIF: sarif,
      ...inputs,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: result.status, stdout: result.stdout + result.stderr, outputs, summary: readFileSync(summaryFile, 'utf8'), sarif };
}

describe('GitHub Action entry script', () => {
  const directory = mkdtempSync(join(tmpdir(), 'amiguard-action-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('lints the examples into SARIF that the multitool accepts, and records the verdict without failing the step', () => {
    const run = runAction(directory, 'examples', {
      AMIGUARD_PATHS: 'examples',
      AMIGUARD_CONFIG: 'examples/amiguard.yaml',
      AMIGUARD_FAIL_ON: 'error',
    });
    // The step itself succeeds so that the upload step runs; the verdict is in the outputs.
    assert.equal(run.status, 0, run.stdout);
    assert.equal(run.outputs['exit-code'], '1', run.stdout);
    assert.equal(run.outputs['sarif-file'], run.sarif);
    const log = JSON.parse(readFileSync(run.sarif, 'utf8')) as { runs: { results: { suppressions?: unknown[] }[] }[] };
    // Results allowed by a public-exception carry `suppressions` and are not findings.
    const results = log.runs.flatMap((sarifRun) => sarifRun.results).filter((result) => result.suppressions === undefined).length;
    assert.ok(results > 0);
    assert.equal(run.outputs['findings'], String(results));
    assert.match(run.stdout, /unapproved-account/, 'the findings are printed in the log too');
    assert.match(run.summary, new RegExp(`${results} finding\\(s\\): findings at or above the threshold`));

    accessSync(MULTITOOL, constants.X_OK);
    const validation = spawnSync(MULTITOOL, ['validate', run.sarif], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(validation.status, 0, validation.stdout + validation.stderr);
    assert.doesNotMatch(validation.stdout, /: error /, validation.stdout);
  });

  it('exit-code 0 for templates that share with nobody', () => {
    const clean = join(directory, 'clean');
    mkdirSync(clean);
    writeFileSync(
      join(clean, 'image.pkr.hcl'),
      'source "amazon-ebs" "private" {\n  ami_name = "private"\n  region = "eu-west-1"\n}\n\nbuild {\n  sources = ["source.amazon-ebs.private"]\n}\n',
    );
    const run = runAction(directory, 'clean', { AMIGUARD_PATHS: clean });
    assert.equal(run.status, 0, run.stdout);
    assert.equal(run.outputs['exit-code'], '0', run.stdout);
    assert.equal(run.outputs['findings'], '0');
  });

  it('exit-code 2 when the path does not exist: a job never passes on a typo', () => {
    const run = runAction(directory, 'missing', { AMIGUARD_PATHS: join(directory, 'no-such-folder') });
    assert.equal(run.status, 0, run.stdout);
    assert.equal(run.outputs['exit-code'], '2', run.stdout);
    assert.match(run.summary, /could not check everything/);
  });
});
