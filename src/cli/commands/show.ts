import { inspectImage } from '../../manage/inspect.js';
import { selectImages } from '../../manage/select.js';
import type { RegionBlockPublicAccess } from '../../aws/block-public-access.js';
import { choice, parseCommandArgs } from '../args.js';
import type { Io } from '../io.js';
import { imageViewsJson, renderImageViews } from '../render.js';
import { AWS_OPTIONS, AWS_OPTIONS_HELP, SELECTION_HELP, SELECTION_OPTIONS, selectionFrom, sessionFrom } from './aws-common.js';
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
  ],
  help: `Usage: amiguard show AMI_ID... [options]
       amiguard show --name PATTERN [--regions R1,R2|all] [options]

For each AMI: who may launch it (accounts, organizations, OUs, everyone), each backing
snapshot's create-volume permissions and encryption key, the region's block public access
state, and warnings (public AMI, public snapshot of a private AMI, snapshot shared with an
account that cannot launch the AMI, default-key encryption, block public access off).

${SELECTION_HELP}

Options:
  --format text|json   output format (default: text)
${AWS_OPTIONS_HELP}

Exit codes: 0 shown, 2 could not (bad id, not found, no permission, no credentials).

Examples:
  amiguard show ami-0123456789abcdef0 --region eu-west-1
  amiguard show --name 'acme-base-*' --regions all --format json
  amiguard show ami-0123456789abcdef0 --endpoint-url http://127.0.0.1:4566
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('show', args, { ...AWS_OPTIONS, ...SELECTION_OPTIONS, format: { type: 'string' } });
    const format = choice('format', parsed.values['format'], ['text', 'json'] as const, 'text');
    const session = sessionFrom(parsed, io);
    try {
      const images = await selectImages(session, selectionFrom(parsed), 'show');
      const bpaCache = new Map<string, Promise<RegionBlockPublicAccess>>();
      const views = await Promise.all(images.map((image) => inspectImage(session, image, 'show', bpaCache)));
      io.stdout.write(format === 'json' ? imageViewsJson(views) : renderImageViews(views));
      return 0;
    } finally {
      session.destroy();
    }
  },
};
