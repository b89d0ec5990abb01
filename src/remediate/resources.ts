/**
 * What apply and undo need from AWS, per resource: read its grants or its block public access
 * state, change them. Every call passes a checkpoint (for the interruption tests) and maps
 * errors to AmiguardErrors naming the action, region and resource.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { AmiguardError, granteeKey, type Grantee } from '../core/index.js';
import { getBlockPublicAccess, setImageBlockPublicAccess, setSnapshotBlockPublicAccess } from '../aws/block-public-access.js';
import { toAmiguardError } from '../aws/errors.js';
import { getLaunchPermissions, getVolumePermissions, modifyLaunchPermissions, modifyVolumePermissions, type Change } from '../aws/images.js';
import type { AwsOperation } from '../aws/operations.js';
import type { AwsSession } from '../aws/session.js';
import type { Checkpoints } from './interrupt.js';
import { JournalError, type BlockPublicAccessState, type RecordedError } from './journal.js';
import type { BlockPublicAccessTarget, ResourceRef } from './plan.js';

const READS = ['DescribeImageAttribute', 'DescribeSnapshotAttribute', 'GetImageBlockPublicAccessState', 'GetSnapshotBlockPublicAccessState'] as const;

/** The AWS operations fix and undo call: the data for their least-privilege IAM policy. */
export const REMEDIATION_OPERATIONS = {
  fix: [...READS, 'ModifyImageAttribute', 'ModifySnapshotAttribute', 'EnableImageBlockPublicAccess', 'EnableSnapshotBlockPublicAccess'],
  undo: [...READS, 'ModifyImageAttribute', 'ModifySnapshotAttribute', 'DisableImageBlockPublicAccess', 'DisableSnapshotBlockPublicAccess'],
} as const satisfies Readonly<Record<'fix' | 'undo', readonly AwsOperation[]>>;


export function sortGrantees(grantees: Iterable<Grantee>): Grantee[] {
  const unique = new Map<string, Grantee>();
  for (const grantee of grantees) unique.set(granteeKey(grantee), grantee);
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, grantee]) => grantee);
}

/**
 * The state a fix sets. For snapshots too it is `block-new-sharing`: it changes no existing
 * sharing (public snapshots are fixed one by one, through their own findings and the journal),
 * where `block-all-sharing` would silently hide every public snapshot of the region.
 */
export const BLOCKING_STATE = 'block-new-sharing';

/** Whether a state already blocks public sharing (any blocking state counts). */
export function isBlocking(state: string): boolean {
  return state === 'block-new-sharing' || state === 'block-all-sharing';
}

export const UNBLOCKED = 'unblocked';

/**
 * A failure of one step, recorded and reported while the run goes on. Anything else stops the
 * run: a simulated kill, a journal that can no longer be written, or a bug (which shows its stack).
 */
export function isStepFailure(error: unknown): error is AmiguardError {
  return error instanceof AmiguardError && !(error instanceof JournalError);
}

export function recordedError(error: AmiguardError): RecordedError {
  return { code: error.code, message: error.message };
}

/** The AWS side of one run: sessions per account, and calls that pass checkpoints. */
export class AwsCalls {
  private readonly sessions = new Map<string, Promise<AwsSession>>();

  constructor(
    private readonly sessionFor: (account: string) => Promise<AwsSession>,
    private readonly checkpoints: Checkpoints,
    private readonly command: 'fix' | 'undo',
    readonly dryRun: boolean,
  ) {}

  /** One session per account for the whole run; a failure fails every step of that account. */
  async ec2(account: string, region: string): Promise<EC2Client> {
    let session = this.sessions.get(account);
    if (session === undefined) {
      session = this.sessionFor(account);
      this.sessions.set(account, session);
    }
    try {
      return (await session).ec2(region);
    } catch (error) {
      if (error instanceof AmiguardError) throw error;
      throw new AmiguardError('CREDENTIALS', `no AWS session for account ${account}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  async readGrants(ec2: EC2Client, region: string, resource: ResourceRef): Promise<Grantee[]> {
    return resource.kind === 'image'
      ? this.call('DescribeImageAttribute', region, resource.id, () => getLaunchPermissions(ec2, resource.id))
      : this.call('DescribeSnapshotAttribute', region, resource.id, () => getVolumePermissions(ec2, resource.id));
  }

  /** One call: AMIs take several removals (or additions) at once, and so do snapshots as long as they are all one way. */
  async changeGrants(ec2: EC2Client, region: string, resource: ResourceRef, change: Change): Promise<void> {
    await (resource.kind === 'image'
      ? this.call('ModifyImageAttribute', region, resource.id, () => modifyLaunchPermissions(ec2, resource.id, change, this.dryRun))
      : this.call('ModifySnapshotAttribute', region, resource.id, () => modifyVolumePermissions(ec2, resource.id, change, this.dryRun)));
  }

  async readBlockPublicAccess(ec2: EC2Client, region: string, target: BlockPublicAccessTarget): Promise<BlockPublicAccessState> {
    const action = target === 'images' ? 'GetImageBlockPublicAccessState' : 'GetSnapshotBlockPublicAccessState';
    const both = await this.call(action, region, undefined, () => getBlockPublicAccess(ec2));
    return target === 'images' ? both.images : both.snapshots;
  }

  /** Sets `block-new-sharing` (enable) or `unblocked` (undo's way back). */
  async setBlockPublicAccess(ec2: EC2Client, region: string, target: BlockPublicAccessTarget, enable: boolean): Promise<void> {
    if (target === 'images') {
      const action = enable ? 'EnableImageBlockPublicAccess' : 'DisableImageBlockPublicAccess';
      await this.call(action, region, undefined, () => setImageBlockPublicAccess(ec2, enable, this.dryRun));
    } else {
      const action = enable ? 'EnableSnapshotBlockPublicAccess' : 'DisableSnapshotBlockPublicAccess';
      await this.call(action, region, undefined, () => setSnapshotBlockPublicAccess(ec2, enable ? BLOCKING_STATE : UNBLOCKED, this.dryRun));
    }
  }

  private async call<T>(action: AwsOperation, region: string, resource: string | undefined, send: () => Promise<T>): Promise<T> {
    this.checkpoints.pass();
    try {
      return await send();
    } catch (error) {
      throw toAmiguardError(error, {
        action,
        service: 'ec2',
        region,
        command: this.command,
        ...(resource === undefined ? {} : { resource }),
      });
    }
  }
}
