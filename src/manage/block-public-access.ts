/**
 * block-public-access as a library: read, enable or disable the AMI and snapshot settings per
 * region. A setting managed by a declarative policy is reported and left alone; a region that
 * cannot be read or changed says why, and the others go on.
 */
import {
  getBlockPublicAccess,
  setImageBlockPublicAccess,
  setSnapshotBlockPublicAccess,
  type RegionBlockPublicAccess,
  type SnapshotBlockState,
} from '../aws/block-public-access.js';
import { toAmiguardError } from '../aws/errors.js';
import type { AwsSession } from '../aws/session.js';
import { resolveRegions } from './select.js';

export interface BlockPublicAccessRequest {
  readonly action: 'status' | 'enable' | 'disable';
  /** Region names, `['all']`, or none for the session's region. */
  readonly regions: readonly string[];
  readonly images: boolean;
  readonly snapshots: boolean;
  /** What enable sets for snapshots. */
  readonly snapshotState: SnapshotBlockState;
  readonly dryRun: boolean;
  /** The command, for the IAM hint of an error. */
  readonly command: string;
}

export interface RegionResult {
  readonly region: string;
  readonly before: RegionBlockPublicAccess;
  readonly after?: RegionBlockPublicAccess;
  readonly notes: readonly string[];
  readonly error?: string;
}

export async function blockPublicAccess(session: AwsSession, request: BlockPublicAccessRequest): Promise<RegionResult[]> {
  const regions = await resolveRegions(session, request.regions, request.command);
  return Promise.all(regions.map((region) => inRegion(session, region, request)));
}

/** Whether a change was asked that a declarative policy stops. */
export function blockedByDeclarativePolicy(results: readonly RegionResult[]): boolean {
  return results.some((result) => result.notes.some((note) => note.includes('declarative policy')));
}

async function inRegion(session: AwsSession, region: string, request: BlockPublicAccessRequest): Promise<RegionResult> {
  const { command, dryRun } = request;
  const ec2 = session.ec2(region);
  let before: RegionBlockPublicAccess;
  try {
    before = await getBlockPublicAccess(ec2);
  } catch (error) {
    const unknown = { state: 'unknown', managedBy: 'unknown' };
    return { region, before: { images: unknown, snapshots: unknown }, notes: [], error: toAmiguardError(error, { service: 'ec2', action: 'GetImageBlockPublicAccessState', region, command }).message };
  }
  if (request.action === 'status') return { region, before, notes: [] };
  const notes: string[] = [];
  const enable = request.action === 'enable';
  try {
    if (request.images) {
      const target = enable ? 'block-new-sharing' : 'unblocked';
      if (before.images.managedBy === 'declarative-policy') notes.push('images: managed by a declarative policy; not changeable from the account');
      else if (before.images.state === target) notes.push(`images: already ${target}`);
      else await setImageBlockPublicAccess(ec2, enable, dryRun);
    }
    if (request.snapshots) {
      const target = enable ? request.snapshotState : 'unblocked';
      if (before.snapshots.managedBy === 'declarative-policy') notes.push('snapshots: managed by a declarative policy; not changeable from the account');
      else if (before.snapshots.state === target) notes.push(`snapshots: already ${target}`);
      else await setSnapshotBlockPublicAccess(ec2, target, dryRun);
    }
  } catch (error) {
    return { region, before, notes, error: toAmiguardError(error, { service: 'ec2', action: enable ? 'EnableImageBlockPublicAccess' : 'DisableImageBlockPublicAccess', region, command }).message };
  }
  return { region, before, after: dryRun ? before : await getBlockPublicAccess(ec2), notes: dryRun ? [...notes, 'dry run: nothing changed'] : notes };
}
