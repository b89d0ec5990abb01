import { UsageError, type Grantee } from '../../core/index.js';
import { changeImages, type ChangeOutcome } from '../../manage/index.js';
import type { AwsOperation } from '../../aws/operations.js';
import { parseCommandArgs, type ParsedArgs } from '../args.js';
import { escapingIo, type Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport } from '../output.js';
import { outcomesJson, renderOutcomes } from '../render.js';
import {
  AWS_OPTIONS,
  AWS_OPTIONS_HELP,
  SELECTION_HELP,
  SELECTION_OPTIONS,
  granteesFrom,
  selectionFrom,
  openSession,
  snapshotAccountsFrom,
} from './aws-common.js';
import type { Command } from './command.js';

const CHANGE_OPERATIONS: readonly AwsOperation[] = [
  'DescribeRegions',
  'DescribeImages',
  'DescribeImageAttribute',
  'ModifyImageAttribute',
  'DescribeSnapshots',
  'DescribeSnapshotAttribute',
  'ModifySnapshotAttribute',
  'GetImageBlockPublicAccessState',
  'GetSnapshotBlockPublicAccessState',
  'GetCallerIdentity',
];

const GRANTEE_OPTIONS = {
  account: { type: 'string', multiple: true },
  org: { type: 'string', multiple: true },
  ou: { type: 'string', multiple: true },
  'with-snapshots': { type: 'boolean' },
  'snapshot-account': { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
} as const;

type Mode = 'share' | 'unshare' | 'make-private';

async function runChange(mode: Mode, args: readonly string[], rawIo: Io): Promise<number> {
  const parsed = parseCommandArgs(mode, args, {
    ...AWS_OPTIONS,
    ...SELECTION_OPTIONS,
    ...GRANTEE_OPTIONS,
    ...OUTPUT_OPTIONS,
    ...(mode === 'unshare' ? { public: { type: 'boolean' }, everyone: { type: 'boolean' } } : {}),
  });
  const out = outputFrom(parsed, ['text', 'json'] as const, 'text');
  return withReport(escapingIo(rawIo, out.format), out, (io) => change(mode, parsed, out.format, io));
}

async function change(mode: Mode, parsed: ParsedArgs, format: 'text' | 'json', io: Io): Promise<number> {
  const grantees: Grantee[] = granteesFrom(parsed);
  const everyone = parsed.values['everyone'] === true;
  if (mode === 'make-private' || parsed.values['public'] === true) grantees.push({ kind: 'public' });
  if (mode !== 'make-private' && grantees.length === 0 && !everyone) {
    throw new UsageError(
      mode === 'share' ? 'say who to share with: --account ID, --org ARN or --ou ARN' : 'say what to remove: --account ID, --org ARN, --ou ARN, --public or --everyone',
      `run: amiguard ${mode} --help`,
    );
  }
  if (everyone && grantees.length > 0) throw new UsageError('--everyone removes every grant; do not combine it with named grantees');
  const snapshotAccounts = snapshotAccountsFrom(parsed);
  const withSnapshots = parsed.values['with-snapshots'] === true;
  if (snapshotAccounts.length > 0 && !withSnapshots) throw new UsageError('--snapshot-account goes with --with-snapshots');

  const session = await openSession(parsed, io);
  try {
    const dryRun = parsed.values['dry-run'] === true;
    const result = await changeImages(session, {
      direction: mode === 'share' ? 'add' : 'remove',
      selection: selectionFrom(parsed),
      command: mode,
      grantees, withSnapshots, snapshotAccounts, dryRun, everyone,
      // Each AMI and snapshot is printed once done: if a later one fails, what changed is on screen.
      onOutcome: (outcome: ChangeOutcome) => {
        if (format === 'text') io.stdout.write(renderOutcomes([outcome]));
      },
    });
    const { failure } = result;
    if (failure !== undefined && format === 'text') io.stdout.write(`${failure.image.id} (${failure.image.region}): FAILED: ${failure.error.message}\n`);
    const failed = failure === undefined ? 0 : 1;
    const summary = `AMIs: ${dryRun ? 'would change' : 'changed'} ${result.changed}, unchanged ${result.unchanged}, failed ${failed}, not attempted ${result.notAttempted.length}`;
    if (format === 'json') {
      const json = JSON.parse(outcomesJson(result.outcomes)) as Record<string, unknown>;
      const failedJson = failure === undefined ? [] : [{ imageId: failure.image.id, code: failure.error.code, message: failure.error.message }];
      io.stdout.write(`${JSON.stringify({ ...json, failed: failedJson, notAttempted: result.notAttempted.map((image) => image.id) }, null, 2)}\n`);
    } else {
      io.stdout.write(`${summary}\n`);
    }
    if (mode === 'share' && withSnapshots && snapshotAccounts.length === 0 && grantees.some((grantee) => grantee.kind !== 'account')) {
      io.stderr.write(
        'amiguard share: note: snapshots cannot be shared with an organization or OU; accounts that need to copy the AMI need --snapshot-account ID\n',
      );
    }
    if (failure !== undefined) throw failure.error;
    return 0;
  } finally {
    session.destroy();
  }
}

/** Options help for share, unshare and make-private: the snapshot flags add or remove by mode. */
function sharedHelp(mode: Mode): string {
  const snapshots =
    mode === 'share'
      ? `  --with-snapshots         keep the backing snapshots in step (accounts only: snapshots have
                           no organization or OU sharing; launching needs no snapshot share,
                           copying the AMI does)
  --snapshot-account ID    with --with-snapshots: also give these accounts the snapshots
                           (for org/OU shares whose accounts must copy the AMI)`
      : `  --with-snapshots         also remove the same accounts (and public) from the backing
                           snapshots' create-volume permission (snapshots have no organization
                           or OU sharing)
  --snapshot-account ID    with --with-snapshots: also REMOVE these accounts' create-volume
                           permission from the snapshots (e.g. given for an org/OU share)`;
  return `${SELECTION_HELP}

Options:
${snapshots}
  --dry-run                ask AWS whether the change would succeed (DryRun), change nothing
${outputHelp('text (default) or json')}
${AWS_OPTIONS_HELP}

Each AMI and snapshot is printed as soon as it is done, then a summary: changed, unchanged,
failed, not attempted. Every change is read back; a grant that does not read back as asked is a
failure. The first failure stops the command: the AMIs after it are not attempted.

Exit codes: 0 done (or nothing to do), 2 could not (bad value, not owner, no permission, a
change that did not read back as asked).`;
}

export const shareCommand: Command = {
  name: 'share',
  summary: 'Let accounts, an organization or an OU launch AMIs (never public)',
  operations: CHANGE_OPERATIONS,
  help: `Usage: amiguard share AMI_ID... (--account ID | --org ARN | --ou ARN)... [options]

Adds launch permissions for the named accounts, organizations or OUs. Every value is checked
before any call (12-digit account ids, well-formed ARNs). Only what is missing is added:
re-running changes nothing and says so. share never makes an AMI public (see make-public).

  --account ID   an AWS account id (12 digits); repeatable, or comma-separated
  --org ARN      arn:aws:organizations::<management account>:organization/o-<id>
  --ou ARN       arn:aws:organizations::<management account>:ou/o-<id>/ou-<id>

${sharedHelp('share')}

Examples:
  amiguard share ami-0123456789abcdef0 --account 444455556666 --region eu-west-1
  amiguard share --name 'acme-base-*' --regions all --org arn:aws:organizations::111122223333:organization/o-abcd123456
  amiguard share ami-0123456789abcdef0 --account 444455556666 --with-snapshots --dry-run
`,
  run: (args, io) => runChange('share', args, io),
};

export const unshareCommand: Command = {
  name: 'unshare',
  summary: 'Remove launch permissions: accounts, an organization, an OU, public, or everyone',
  operations: CHANGE_OPERATIONS,
  help: `Usage: amiguard unshare AMI_ID... (--account ID | --org ARN | --ou ARN | --public | --everyone)... [options]

Removes the named launch permissions; grants not named stay. Removing what is not there is a
no-op and is said so.

  --account ID, --org ARN, --ou ARN   as for share
  --public       remove only the public grant (the same as make-private)
  --everyone     remove every grant: afterwards only the owner can launch the AMI

${sharedHelp('unshare')}

Examples:
  amiguard unshare ami-0123456789abcdef0 --account 444455556666
  amiguard unshare ami-0123456789abcdef0 --public --with-snapshots
  amiguard unshare --name 'old-*' --regions all --everyone --dry-run
`,
  run: (args, io) => runChange('unshare', args, io),
};

export const makePrivateCommand: Command = {
  name: 'make-private',
  summary: 'Remove the public grant from AMIs (other shares stay)',
  operations: CHANGE_OPERATIONS,
  help: `Usage: amiguard make-private AMI_ID... [options]

Removes the public launch permission (group "all"); shares with accounts, organizations and
OUs stay. With --with-snapshots, also removes public create-volume permission from the
backing snapshots. The same as: amiguard unshare AMI_ID --public

${sharedHelp('make-private')}

Examples:
  amiguard make-private ami-0123456789abcdef0 --region us-east-1
  amiguard make-private --name 'acme-*' --regions all --with-snapshots
`,
  run: (args, io) => runChange('make-private', args, io),
};
