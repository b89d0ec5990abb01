import {
  DisableImageBlockPublicAccessCommand,
  DisableSnapshotBlockPublicAccessCommand,
  EnableImageBlockPublicAccessCommand,
  EnableSnapshotBlockPublicAccessCommand,
  GetImageBlockPublicAccessStateCommand,
  GetSnapshotBlockPublicAccessStateCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { sendMaybeDry } from './dry-run.js';

/** `block-new-sharing` | `unblocked` for images; also `block-all-sharing` for snapshots. */
export interface BlockPublicAccessState {
  readonly state: string;
  /** `account`, or `declarative-policy` when an organization's policy sets it (not changeable here). */
  readonly managedBy: string;
  /** Set when the state could not be read (state and managedBy are then `unknown`): why. */
  readonly unknown?: string;
}

export const UNKNOWN_STATE = 'unknown';

export interface RegionBlockPublicAccess {
  readonly images: BlockPublicAccessState;
  readonly snapshots: BlockPublicAccessState;
}

export const SNAPSHOT_BPA_STATES = ['block-all-sharing', 'block-new-sharing'] as const;
export type SnapshotBlockState = (typeof SNAPSHOT_BPA_STATES)[number];

export async function getBlockPublicAccess(ec2: EC2Client): Promise<RegionBlockPublicAccess> {
  const [images, snapshots] = await Promise.all([
    ec2.send(new GetImageBlockPublicAccessStateCommand({})),
    ec2.send(new GetSnapshotBlockPublicAccessStateCommand({})),
  ]);
  return {
    images: { state: images.ImageBlockPublicAccessState ?? 'unknown', managedBy: images.ManagedBy ?? 'account' },
    snapshots: { state: snapshots.State ?? 'unknown', managedBy: snapshots.ManagedBy ?? 'account' },
  };
}

export async function setImageBlockPublicAccess(ec2: EC2Client, enable: boolean, dryRun: boolean): Promise<void> {
  await sendMaybeDry(dryRun, () =>
    enable
      ? ec2.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing', DryRun: dryRun }))
      : ec2.send(new DisableImageBlockPublicAccessCommand({ DryRun: dryRun })),
  );
}

export async function setSnapshotBlockPublicAccess(
  ec2: EC2Client,
  state: SnapshotBlockState | 'unblocked',
  dryRun: boolean,
): Promise<void> {
  await sendMaybeDry(dryRun, () =>
    state === 'unblocked'
      ? ec2.send(new DisableSnapshotBlockPublicAccessCommand({ DryRun: dryRun }))
      : ec2.send(new EnableSnapshotBlockPublicAccessCommand({ State: state, DryRun: dryRun })),
  );
}
