import { UsageError } from '../../core/index.js';
import {
  getBlockPublicAccess,
  setImageBlockPublicAccess,
  setSnapshotBlockPublicAccess,
  SNAPSHOT_BPA_STATES,
  type RegionBlockPublicAccess,
} from '../../aws/block-public-access.js';
import { toAmiguardError } from '../../aws/errors.js';
import { resolveRegions } from '../../manage/select.js';
import { choice, parseCommandArgs, type ParsedArgs } from '../args.js';
import { escapingIo, type Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport } from '../output.js';
import { AWS_OPTIONS, AWS_OPTIONS_HELP, openSession } from './aws-common.js';
import type { Command } from './command.js';

const ACTIONS = ['status', 'enable', 'disable'] as const;

interface RegionResult {
  readonly region: string;
  readonly before: RegionBlockPublicAccess;
  readonly after?: RegionBlockPublicAccess;
  readonly notes: readonly string[];
  readonly error?: string;
}

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
    return withReport(escapingIo(rawIo), out, (io) => blockPublicAccess(parsed, out.format, io));
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
    const regions = await resolveRegions(
      session,
      typeof regionsArg === 'string' ? regionsArg.split(',').map((region) => region.trim()).filter((region) => region !== '') : [],
      'block-public-access',
    );
    const results = await Promise.all(
      regions.map(async (region): Promise<RegionResult> => {
        const ec2 = session.ec2(region);
        let before: RegionBlockPublicAccess;
        try {
          before = await getBlockPublicAccess(ec2);
        } catch (error) {
          const unknown = { state: 'unknown', managedBy: 'unknown' };
          return { region, before: { images: unknown, snapshots: unknown }, notes: [], error: toAmiguardError(error, { service: 'ec2', action: 'GetImageBlockPublicAccessState', region, command: 'block-public-access' }).message };
        }
        if (verb === 'status') return { region, before, notes: [] };
        const notes: string[] = [];
        const enable = verb === 'enable';
        try {
          if (doImages) {
            const target = enable ? 'block-new-sharing' : 'unblocked';
            if (before.images.managedBy === 'declarative-policy') notes.push('images: managed by a declarative policy; not changeable from the account');
            else if (before.images.state === target) notes.push(`images: already ${target}`);
            else await setImageBlockPublicAccess(ec2, enable, dryRun);
          }
          if (doSnapshots) {
            const target = enable ? snapshotState : 'unblocked';
            if (before.snapshots.managedBy === 'declarative-policy') notes.push('snapshots: managed by a declarative policy; not changeable from the account');
            else if (before.snapshots.state === target) notes.push(`snapshots: already ${target}`);
            else await setSnapshotBlockPublicAccess(ec2, target, dryRun);
          }
        } catch (error) {
          return { region, before, notes, error: toAmiguardError(error, { service: 'ec2', action: enable ? 'EnableImageBlockPublicAccess' : 'DisableImageBlockPublicAccess', region, command: 'block-public-access' }).message };
        }
        return { region, before, after: dryRun ? before : await getBlockPublicAccess(ec2), notes: dryRun ? [...notes, 'dry run: nothing changed'] : notes };
      }),
    );
    io.stdout.write(format === 'json' ? `${JSON.stringify({ version: 1, regions: results }, null, 2)}\n` : renderResults(results));
    const declarativeBlocked = verb !== 'status' && results.some((result) => result.notes.some((note) => note.includes('declarative policy')));
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
