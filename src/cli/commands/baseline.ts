import { lint } from '../../lint/index.js';
import { formatBaseline } from '../../suppress/index.js';
import { parseCommandArgs } from '../args.js';
import { writeOutputFile, type Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom } from '../output.js';
import type { Command } from './command.js';
import { LINT_INPUT_OPTIONS, lintOptions } from './lint.js';

const DEFAULT_OUTPUT = 'amiguard-baseline.json';

export const baselineCommand: Command = {
  name: 'baseline',
  summary: 'Record the current lint findings, so that amiguard lint --baseline fails only on new ones',
  help: `Usage: amiguard baseline [PATH...] [options]

Lints as amiguard lint does and records every finding that counts (not those already allowed
by a public-exception or an amiguard-ignore comment) by fingerprint. Fingerprints leave line
numbers out, so edits that move a finding do not make it new. Paths are recorded as shown,
relative to the current folder: run lint --baseline from the same folder.

Options:
  -o, --output FILE    where to write it (default: ${DEFAULT_OUTPUT})
  -f, --format json    the baseline's format (JSON, the only one)
  -q, --quiet          do not say what was recorded
  --color, --no-color  accepted as by every command (the baseline has no colours)
  --var, --var-file, --parameter, --use-env, --only, --except, -c/--config, --exclude
                       as for amiguard lint: record with the options the check runs with
  -h, --help           show this help

Exit codes: 0 recorded, 2 could not do the job.

Examples:
  amiguard baseline
  amiguard lint --baseline ${DEFAULT_OUTPUT}
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('baseline', args, {
      ...LINT_INPUT_OPTIONS,
      ...OUTPUT_OPTIONS,
    });
    const out = outputFrom(parsed, ['json'] as const, 'json');
    const output = out.file ?? DEFAULT_OUTPUT;
    const result = await lint(lintOptions(parsed, io));
    writeOutputFile(io, output, formatBaseline(result.findings));
    if (!out.quiet) io.stderr.write(
      `amiguard: recorded ${result.findings.length} finding(s) in ${output} (policy: ${result.policy.source}); ` +
        `amiguard lint --baseline ${output} now reports only new ones\n`,
    );
    return 0;
  },
};
