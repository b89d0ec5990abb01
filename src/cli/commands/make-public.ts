import { UsageError } from '../../core/index.js';
import { makeImagesPublic, PublicConsentMissing } from '../../manage/index.js';
import { parseCommandArgs, type ParsedArgs } from '../args.js';
import { escapingIo, type Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport } from '../output.js';
import { outcomesJson, renderOutcomes } from '../render.js';
import { AWS_OPTIONS, AWS_OPTIONS_HELP, openSession } from './aws-common.js';
import type { Command } from './command.js';

const CONSENT_FLAG = 'i-understand-this-is-public';

export const makePublicCommand: Command = {
  name: 'make-public',
  summary: 'Make an AMI launchable by every AWS account (needs an explicit flag)',
  operations: [
    'DescribeRegions',
    'DescribeImages',
    'DescribeImageAttribute',
    'ModifyImageAttribute',
    'DescribeSnapshots',
    'DescribeSnapshotAttribute',
    'GetImageBlockPublicAccessState',
    'GetSnapshotBlockPublicAccessState',
    'GetCallerIdentity',
  ],
  help: `Usage: amiguard make-public AMI_ID... --${CONSENT_FLAG} [options]

Adds the public launch permission (group "all"): every AWS account in the world can then
launch the AMI, with whatever is on its disks. Without --${CONSENT_FLAG}, shows what
would become public and changes nothing. Snapshots are never made public: launching a public
AMI does not need them.

If block public access for AMIs is on in the region, or the AMI has a Marketplace product
code, explains why AWS would refuse and how to proceed, without calling AWS to change anything.

Options:
  --${CONSENT_FLAG}   required: you mean every AWS account
  --dry-run                       ask AWS whether it would succeed, change nothing
${outputHelp('text (default) or json')}
${AWS_OPTIONS_HELP}

Exit codes: 0 done, 2 refused or could not (no consent flag, block public access, not owner).

Examples:
  amiguard make-public ami-0123456789abcdef0 --region us-east-1
  amiguard make-public ami-0123456789abcdef0 --region us-east-1 --${CONSENT_FLAG}
`,
  async run(args: readonly string[], rawIo: Io): Promise<number> {
    const parsed = parseCommandArgs('make-public', args, {
      ...AWS_OPTIONS,
      ...OUTPUT_OPTIONS,
      [CONSENT_FLAG]: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    });
    const out = outputFrom(parsed, ['text', 'json'] as const, 'text');
    return withReport(escapingIo(rawIo, out.format), out, (io) => makePublic(parsed, out.format, io));
  },
};

async function makePublic(parsed: ParsedArgs, format: 'text' | 'json', io: Io): Promise<number> {
  if (parsed.positionals.length === 0) throw new UsageError('name the AMI ids to make public');
  const session = await openSession(parsed, io);
  try {
    const dryRun = parsed.values['dry-run'] === true;
    const { images, outcomes } = await makeImagesPublic(session, { ids: parsed.positionals, consent: parsed.values[CONSENT_FLAG] === true, dryRun, command: 'make-public' }).catch((error: unknown) => {
      if (!(error instanceof PublicConsentMissing)) throw error;
      io.stderr.write(`${error.exposure.join('\n')}\n`);
      throw new UsageError(`refusing to make ${error.images.length === 1 ? 'this AMI' : 'these AMIs'} public without --${CONSENT_FLAG}`, 'nothing was changed');
    });
    io.stdout.write(format === 'json' ? outcomesJson(outcomes) : renderOutcomes(outcomes));
    if (!dryRun && outcomes.some((outcome) => outcome.added.length > 0)) {
      io.stderr.write('amiguard make-public: the AMI is now public; undo with: amiguard make-private ' + images.map((image) => image.id).join(' ') + '\n');
    }
    return 0;
  } finally {
    session.destroy();
  }
}
