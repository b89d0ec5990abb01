import { InspectCache, readImage } from '../../manage/inspect.js';
import { selectImages } from '../../manage/select.js';
import type { AwsSession } from '../../aws/session.js';
import { parseCommandArgs, type ParsedArgs } from '../args.js';
import { printable, type Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport } from '../output.js';
import { imageViewsJson, renderImageViews } from '../render.js';
import { AWS_OPTIONS, AWS_OPTIONS_HELP, SELECTION_HELP, SELECTION_OPTIONS, selectionFrom, openSession } from './aws-common.js';
import type { Command } from './command.js';

export const showCommand: Command = {
  name: 'show',
  summary: 'Show who can launch AMIs: launch and snapshot permissions, encryption, block public access',
  operations: [
    'DescribeRegions',
    'DescribeImages',
    'DescribeImageAttribute',
    'DescribeSnapshots',
    'DescribeSnapshotAttribute',
    'GetImageBlockPublicAccessState',
    'GetSnapshotBlockPublicAccessState',
    'DescribeOrganization',
    'ListRoots',
    'ListOrganizationalUnitsForParent',
    'ListAccountsForParent',
  ],
  help: `Usage: amiguard show AMI_ID... [options]
       amiguard show --name PATTERN [--regions R1,R2|all] [options]

For each AMI: who may launch it (accounts, organizations, OUs, everyone), each backing
snapshot's create-volume permissions and encryption key, the region's block public access
state, and warnings (public AMI, public snapshot of a private AMI, snapshot shared with an
account that cannot launch the AMI, default-key encryption, block public access off). Whether
an account reaches the AMI through an organization or OU share is asked of Organizations when
it matters; when Organizations cannot be read, the warning says "may not".

Each read stands on its own: what could not be read is shown as unknown, with the reason and
the IAM action, and the rest is shown all the same.

${SELECTION_HELP}

Options:
${outputHelp('text (default) or json')}
${AWS_OPTIONS_HELP}

Exit codes: 0 shown in full; 2 something could not be read (what was read is still shown), or
nothing could be shown (bad id, not found, no credentials).

Examples:
  amiguard show ami-0123456789abcdef0 --region eu-west-1
  amiguard show --name 'acme-base-*' --regions all --format json
  amiguard show ami-0123456789abcdef0 --endpoint-url http://127.0.0.1:4566
`,
  async run(args: readonly string[], rawIo: Io): Promise<number> {
    const parsed = parseCommandArgs('show', args, { ...AWS_OPTIONS, ...SELECTION_OPTIONS, ...OUTPUT_OPTIONS });
    const out = outputFrom(parsed, ['text', 'json'] as const, 'text');
    const { format } = out;
    const session = await openSession(parsed, rawIo);
    try {
      return await withReport(rawIo, out, (io) => showImages(session, parsed, format, io));
    } finally {
      session.destroy();
    }
  },
};

async function showImages(session: AwsSession, parsed: ParsedArgs, format: 'text' | 'json', io: Io): Promise<number> {
  const selection = selectionFrom(parsed);
  const images = await selectImages(session, selection, 'show', { allowNoMatch: true });
  if (images.length === 0) {
    // An empty answer, not an error: scripts read `[]`, people read why.
    io.stdout.write(format === 'json' ? imageViewsJson([]) : `No AMI owned by this account matches --name "${printable(selection.namePattern ?? '')}".\n`);
    return 0;
  }
  const cache = new InspectCache();
  const readings = await Promise.all(images.map((image) => readImage(session, image, 'show', cache)));
  io.stdout.write(format === 'json' ? imageViewsJson(readings) : renderImageViews(readings));
  const unread = readings.reduce((sum, reading) => sum + reading.unread.length, 0);
  if (unread === 0) return 0;
  io.stderr.write(`amiguard show: incomplete: ${unread} part(s) could not be read (marked unknown above)\n`);
  return 2;
}
