import { atLeast, UsageError, type Severity } from '../../core/index.js';
import { lint, type LintOptions, type LintProgress } from '../../lint/index.js';
import { formatReportOnDemand, OUTPUT_FORMATS } from '../../report/formats.js';
import type { VariableInput } from '../../templates/index.js';
import { choice, parseCommandArgs, type ParsedArgs } from '../args.js';
import { printable, writeOutputFile, type Io } from '../io.js';
import { colorFor, OUTPUT_OPTIONS, outputFrom } from '../output.js';
import type { Command } from './command.js';

const FAIL_ON: readonly Severity[] = ['error', 'warning', 'note'];

/** What lint reads with, shared by lint and baseline (which records with the options the check runs with). */
export const LINT_INPUT_OPTIONS = {
  var: { type: 'string', multiple: true },
  'var-file': { type: 'string', multiple: true },
  parameter: { type: 'string', multiple: true },
  'use-env': { type: 'boolean' },
  only: { type: 'string', multiple: true },
  except: { type: 'string', multiple: true },
  config: { type: 'string', short: 'c' },
  exclude: { type: 'string', multiple: true },
} as const;

export const lintCommand: Command = {
  name: 'lint',
  summary: 'Check templates and scripts for public or unapproved AMI and snapshot sharing',
  help: `Usage: amiguard lint [PATH...] [options]

Reads the files that share AMIs, each the way the tool that runs it evaluates it, with its
variables: Packer (HCL2 and legacy JSON), Terraform, CloudFormation (Image Builder, CDK output,
inline Lambda code), Ansible playbooks and roles, shell and Python scripts, and CI pipelines
(GitHub workflows, buildspecs, Buildkite, Concourse). Reports every way they make an AMI or
its snapshots public or share them outside the policy, at file:line:column.

With no PATH, scans the current folder recursively (skipping node_modules, .git, .terraform
and other tool folders). A Packer or Terraform folder is one configuration with its auto
var-files; other files are read one by one; a file named as PATH is always read.

Options:
  --var NAME=VALUE     set a variable (repeatable): a Packer or Terraform variable, a
                       CloudFormation parameter, an Ansible extra var, a script's variable
  --var-file FILE      read variables from a file (repeatable): *.pkrvars.hcl / JSON for
                       Packer, *.tfvars for Terraform, a CloudFormation parameters file, an
                       Ansible extra-vars YAML; each format applies its own, in its tool's
                       order (Packer: every --var wins over every var-file)
  --parameter NAME=VALUE
                       a CloudFormation parameter only (repeatable; as --var, but no other
                       format sees it: Packer refuses a --var it does not declare)
  --only GLOB[,GLOB]   Packer only: check the builds packer build -only would run (HCL2:
                       globs on build-name.type.source-name, or type.source-name; legacy
                       JSON: exact builder names); other formats ignore it (repeatable)
  --except GLOB[,GLOB] Packer only: leave out the builds (and post-processors, by name or
                       type) packer build -except would; a filter that leaves a Packer
                       configuration nothing to build is an error, as in Packer
  --use-env            read env(), {{env}}, PKR_VAR_*, TF_VAR_* and scripts' environment
                       variables; without it they are unknown, so the result does not
                       depend on your shell
  -c, --config FILE    policy file (default: the first amiguard.yaml found upward from the
                       paths linted, then from the current folder; the output names it)
  --exclude GLOB       do not read templates matching GLOB, relative to the current folder
                       (repeatable; the policy's exclude: adds globs relative to it)
  --baseline FILE      report the findings FILE records (amiguard baseline) as suppressed:
                       only new findings fail
  -f, --format FORMAT  text (default), json, sarif or html (one self-contained page)
  -o, --output FILE    write the report to FILE instead of standard output
  --fail-on SEVERITY   exit 1 when a finding is at least this severe: error (default),
                       warning or note
  --max-warnings N     exit 1 when there are more than N warnings
  -q, --quiet          report errors only (warnings still count for --fail-on and
                       --max-warnings); no progress line
  --color, --no-color  force colours on or off (default: on a terminal, off with NO_COLOR)
  -h, --help           show this help

On a terminal, a progress line on standard error says what the run is doing and how many
files it has read (never in a pipe, nor when the report is json, sarif or html on standard
output).

Exit codes: 0 no finding at or above --fail-on, 1 findings (or more warnings than
--max-warnings), 2 could not do the job.

Examples:
  amiguard lint
  amiguard lint -q -f sarif -o amiguard.sarif
  amiguard lint packer/ --var-file prod.pkrvars.hcl --var ami_public=false
  amiguard lint infra/ --var-file prod.tfvars
  amiguard lint .github/workflows/release.yml scripts/publish.sh
  amiguard lint --format sarif --output amiguard.sarif
  amiguard lint images/ --config security/amiguard.yaml --fail-on warning
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('lint', args, {
      ...LINT_INPUT_OPTIONS,
      baseline: { type: 'string' },
      ...OUTPUT_OPTIONS,
      'fail-on': { type: 'string' },
      'max-warnings': { type: 'string' },
    });
    const out = outputFrom(parsed, OUTPUT_FORMATS, 'text');
    const { format, file: output, quiet } = out;
    const failOn = choice('fail-on', parsed.values['fail-on'], FAIL_ON, 'error');
    const maxWarnings = maxWarningsFrom(parsed.values['max-warnings']);

    const baselinePath = parsed.values['baseline'];
    // On a terminal only, and never when the report itself is data on standard output.
    const progress = lintProgress(io, !quiet && (format === 'text' || output !== undefined));
    let result;
    try {
      result = await lint({ ...lintOptions(parsed, io), ...(typeof baselinePath === 'string' ? { baselinePath } : {}), ...progress.options });
    } finally {
      progress.done();
    }

    const toFile = output !== undefined;
    // --quiet, as ESLint's: only errors are reported (warnings and notes still count for --fail-on).
    const report = quiet ? { ...result.report, findings: result.report.findings.filter((finding) => finding.severity === 'error') } : result.report;
    const text = await formatReportOnDemand(report, format, {
      color: colorFor(io, out),
      srcRoot: io.cwd,
      generatedAt: new Date().toISOString(),
    });
    if (toFile) {
      writeOutputFile(io, output, text);
      io.stderr.write(`amiguard: wrote ${format} report with ${result.findings.length} finding(s) to ${printable(output)}\n`);
    } else {
      io.stdout.write(text);
    }
    if (result.baselineUnmatched > 0) {
      io.stderr.write(
        `amiguard: ${result.baselineUnmatched} baseline entr${result.baselineUnmatched === 1 ? 'y matches' : 'ies match'} no finding any more; ` +
          'run amiguard baseline again to drop them\n',
      );
    }
    const warnings = result.findings.filter((finding) => finding.severity === 'warning').length;
    if (maxWarnings !== undefined && warnings > maxWarnings) {
      io.stderr.write(`amiguard lint: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`);
      return 1;
    }
    return result.findings.some((finding) => atLeast(finding.severity, failOn)) ? 1 : 0;
  },
};

/** One line on stderr, rewritten as the run moves on and cleared at the end; only on a terminal. */
function lintProgress(io: Io, wanted: boolean): { options: Pick<LintOptions, 'onProgress'>; done: () => void } {
  if (!wanted || !io.stderr.isTTY) return { options: {}, done: () => undefined };
  let shown = false;
  const show = (progress: LintProgress): void => {
    shown = true;
    io.stderr.write(`\r\u001b[Kamiguard lint: ${progressLine(progress)}`);
  };
  return {
    options: { onProgress: show },
    done: () => {
      if (shown) io.stderr.write('\r\u001b[K');
    },
  };
}

function progressLine(progress: LintProgress): string {
  switch (progress.stage) {
    case 'reading':
      return 'reading templates...';
    case 'files':
      return `reading templates: ${progress.read}/${progress.total} file${progress.total === 1 ? '' : 's'}...`;
    case 'checking':
      return `checking ${progress.images} AMI build${progress.images === 1 ? '' : 's'} from ${progress.files} file${progress.files === 1 ? '' : 's'}...`;
  }
}

/** `--max-warnings N`, as ESLint's: more than N warnings fail the run. */
function maxWarningsFrom(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  throw new UsageError(`--max-warnings must be a whole number, got "${String(value)}"`, 'example: --max-warnings 0');
}

/** The options `lint` and `baseline` share: what to read and how to judge it. */
export function lintOptions(parsed: ParsedArgs, io: Io): LintOptions {
  const configPath = parsed.values['config'];
  const exclude = parsed.values['exclude'];
  return {
    paths: parsed.positionals,
    cwd: io.cwd,
    env: io.env,
    variables: variableInputs(parsed.ordered),
    useEnv: parsed.values['use-env'] === true,
    ...(typeof configPath === 'string' ? { configPath } : {}),
    ...(Array.isArray(exclude) ? { exclude: exclude.filter((glob) => typeof glob === 'string') } : {}),
    ...buildFilter(parsed.values['only'], parsed.values['except']),
  };
}

/** `--only` / `--except`, comma-separated as Packer splits them; absent when neither is given. */
function buildFilter(only: unknown, except: unknown): Pick<LintOptions, 'builds'> {
  const split = (value: unknown): string[] => (Array.isArray(value) ? value.flatMap((item) => (typeof item === 'string' ? item.split(',').filter((glob) => glob !== '') : [])) : []);
  if (only === undefined && except === undefined) return {};
  return { builds: { only: split(only), except: split(except) } };
}

/** `--var`, `--var-file` and `--parameter` in the order given, as Packer applies them. */
function variableInputs(ordered: readonly { name: string; value: string | undefined }[]): VariableInput[] {
  return ordered.flatMap((option): VariableInput[] => {
    if (option.name === 'var-file' && option.value !== undefined) return [{ kind: 'var-file', path: option.value }];
    if ((option.name !== 'var' && option.name !== 'parameter') || option.value === undefined) return [];
    const equals = option.value.indexOf('=');
    if (equals <= 0) {
      const example = option.name === 'var' ? 'example: --var ami_groups=all' : 'example: --parameter ShareWith=111122223333';
      throw new UsageError(`--${option.name} "${option.value}" is not NAME=VALUE`, example);
    }
    return [{ kind: option.name, name: option.value.slice(0, equals), value: option.value.slice(equals + 1) }];
  });
}
