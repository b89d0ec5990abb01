// The GitHub Action's entry (see action.yml): lints the repository into a SARIF file for code
// scanning, prints the findings in the log, and records the verdict as step outputs. It never
// fails the step itself, so that the SARIF upload that follows still runs; the action's last
// step fails the job from the recorded exit code.
//
// Inputs arrive as environment variables (composite actions pass them explicitly):
//   AMIGUARD_PATHS      paths to lint, separated by newlines or spaces (default: .)
//   AMIGUARD_CONFIG     policy file (default: amiguard.yaml found by the CLI)
//   AMIGUARD_FAIL_ON    error | warning | note (default: error)
//   AMIGUARD_VAR_FILES  var-files, separated by newlines
//   AMIGUARD_SARIF      where to write the SARIF report (default: amiguard.sarif)
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'amiguard.cjs');

function list(value) {
  return (value ?? '').split(/[\n ]+/).map((item) => item.trim()).filter((item) => item.length > 0);
}

const sarif = env.AMIGUARD_SARIF || 'amiguard.sarif';
const args = ['lint', ...list(env.AMIGUARD_PATHS)];
if (env.AMIGUARD_CONFIG) args.push('--config', env.AMIGUARD_CONFIG);
for (const file of list(env.AMIGUARD_VAR_FILES)) args.push('--var-file', file);
args.push('--fail-on', env.AMIGUARD_FAIL_ON || 'error');

// One run for the log (text), one for code scanning (SARIF): the same templates, read twice,
// which costs little next to a job's start-up and keeps each format the CLI's own.
const text = spawnSync(process.execPath, [cli, ...args, '--no-color'], { stdio: 'inherit', env });
const report = spawnSync(process.execPath, [cli, ...args, '--format', 'sarif', '--output', sarif], { stdio: 'inherit', env });
// The SARIF run decides: both runs read the same files, but only its report is uploaded.
const exitCode = report.status ?? 2;
if ((text.status ?? 2) !== exitCode) {
  console.error(`amiguard action: the text run exited ${text.status} but the SARIF run ${exitCode}; using ${exitCode}`);
}

let findings = 0;
try {
  const log = JSON.parse(readFileSync(resolve(sarif), 'utf8'));
  for (const run of log.runs ?? []) findings += (run.results ?? []).filter((result) => (result.suppressions ?? []).length === 0).length;
} catch {
  // No readable SARIF: the CLI could not do the job, and exitCode (2) already says so.
}

const verdict = exitCode === 0 ? 'passed' : exitCode === 1 ? 'findings at or above the threshold' : 'could not check everything';
console.log(`amiguard action: ${findings} finding(s); ${verdict} (exit ${exitCode}); SARIF in ${sarif}`);
if (env.GITHUB_OUTPUT) {
  appendFileSync(env.GITHUB_OUTPUT, `exit-code=${exitCode}\nfindings=${findings}\nsarif-file=${sarif}\n`);
}
if (env.GITHUB_STEP_SUMMARY) {
  appendFileSync(env.GITHUB_STEP_SUMMARY, `### amiguard\n\n${findings} finding(s): ${verdict} (exit code ${exitCode}).\n`);
}
