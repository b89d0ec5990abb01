import { UsageError } from '../../core/index.js';
import { SNAPSHOT_BPA_STATES, type RegionBlockPublicAccess } from '../../aws/block-public-access.js';
import { blockedByDeclarativePolicy, blockPublicAccess as blockPublicAccessIn, type RegionResult } from '../../manage/index.js';
import { choice, parseCommandArgs, type ParsedArgs } from '../args.js';
import { escapingIo, type Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport } from '../output.js';
import { AWS_OPTIONS, AWS_OPTIONS_HELP, openSession } from './aws-common.js';
import type { Command } from './command.js';

const ACTIONS = ['status', 'enable', 'disable'] as const;

export const blockPublicAccessCommand: Command = {
  name: 'block-public-access',
  summary: 'Show, enable or disable block public access for AMIs and snapshots, per region',
  operations: [
    'DescribeRegions',
    'GetImageBlockPublicAccessState',
    'GetSnapshotBlockPublicAccessState',
    'EnableImageBlockPublicAccess',
    'DisableImageBlockPublicAccess',
    'EnableSnapshotBlockPublicAccess',
    'DisableSnapshotBlockPublicAccess',
  ],
  help: `Usage: amiguard block-public-access status|enable|disable [options]

Block public access (BPA) for AMIs stops any new public sharing of AMIs in a region
(block-new-sharing); AMIs already public stay public. For snapshots, block-all-sharing also
hides snapshots that are already public, block-new-sharing only stops new ones. A setting
managed by an organization's declarative policy cannot be changed from the account: it is
reported and left alone. Changes take up to 10 minutes to apply in AWS.

Options:
  --regions R1,R2|all    regions (default: the current region; all = every enabled region)
  --images               only AMIs        --snapshots   only snapshots   (default: both)
  --snapshot-state S     with enable: block-all-sharing (default) or block-new-sharing
  --dry-run              ask AWS whether the change would succeed, change nothing
${outputHelp('text (default) or json')}
${AWS_OPTIONS_HELP}

Exit codes: 0 done, 2 a region could not be read or changed (named in the output).

Examples:
  amiguard block-public-access status --regions all
  amiguard block-public-access enable --regions us-east-1,eu-west-1
  amiguard block-public-access disable --images --regions us-east-1
`,
  async run(args: readonly string[], rawIo: Io): Promise<number> {
    const parsed = parseCommandArgs('block-public-access', args, {
      ...AWS_OPTIONS,
      ...OUTPUT_OPTIONS,
      regions: { type: 'string' },
      images: { type: 'boolean' },
      snapshots: { type: 'boolean' },
      'snapshot-state': { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    const out = outputFrom(parsed, ['text', 'json'] as const, 'text');
    return withReport(escapingIo(rawIo, out.format), out, (io) => blockPublicAccess(parsed, out.format, io));
  },
};

async function blockPublicAccess(parsed: ParsedArgs, format: 'text' | 'json', io: Io): Promise<number> {
  const [action, ...rest] = parsed.positionals;
  if (action === undefined) throw new UsageError('say status, enable or disable', 'run: amiguard block-public-access --help');
  const verb = choice('action', action, ACTIONS, 'status');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0] ?? ''}"`);
  const snapshotState = choice('snapshot-state', parsed.values['snapshot-state'], SNAPSHOT_BPA_STATES, 'block-all-sharing');
  const onlyImages = parsed.values['images'] === true;
  const onlySnapshots = parsed.values['snapshots'] === true;
  const doImages = onlyImages || !onlySnapshots;
  const doSnapshots = onlySnapshots || !onlyImages;
  const dryRun = parsed.values['dry-run'] === true;
  const regionsArg = parsed.values['regions'];

  const session = await openSession(parsed, io);
  try {
    const results = await blockPublicAccessIn(session, {
      action: verb,
      regions: typeof regionsArg === 'string' ? regionsArg.split(',').map((region) => region.trim()).filter((region) => region !== '') : [],
      images: doImages,
      snapshots: doSnapshots,
      snapshotState,
      dryRun,
      command: 'block-public-access',
    });
    io.stdout.write(format === 'json' ? `${JSON.stringify({ version: 1, regions: results }, null, 2)}\n` : renderResults(results));
    const declarativeBlocked = verb !== 'status' && blockedByDeclarativePolicy(results);
    return results.some((result) => result.error !== undefined) || declarativeBlocked ? 2 : 0;
  } finally {
    session.destroy();
  }
}

function renderResults(results: readonly RegionResult[]): string {
  const width = Math.max(6, ...results.map((result) => result.region.length));
  const state = (bpa: RegionBlockPublicAccess['images']) => `${bpa.state}${bpa.managedBy === 'account' ? '' : ` (${bpa.managedBy})`}`;
  const lines = [`${'region'.padEnd(width)}  ${'images'.padEnd(40)}  snapshots`];
  for (const result of results) {
    const shown = result.after ?? result.before;
    lines.push(`${result.region.padEnd(width)}  ${state(shown.images).padEnd(40)}  ${state(shown.snapshots)}`);
    for (const note of result.notes) lines.push(`${''.padEnd(width)}  note: ${note}`);
    if (result.error !== undefined) lines.push(`${''.padEnd(width)}  error: ${result.error}`);
  }
  return `${lines.join('\n')}\n`;
}
