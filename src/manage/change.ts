import { AmiguardError, describeGrantee, difference, intersection, type ErrorDetail, type Grantee } from '../core/index.js';
import { toAmiguardError } from '../aws/errors.js';
import { getLaunchPermissions, getVolumePermissions, modifyLaunchPermissions, modifyVolumePermissions, type ImageInfo } from '../aws/images.js';
import type { AwsSession } from '../aws/session.js';
import { inspectImage, type ImageView } from './inspect.js';

/** What one command did (or, with --dry-run, would do) to one AMI or snapshot. */
export interface ChangeOutcome {
  readonly region: string;
  readonly imageId: string;
  /** The AMI itself, or one of its snapshots. */
  readonly resource: { readonly kind: 'image' | 'snapshot'; readonly id: string };
  readonly direction: 'add' | 'remove';
  readonly added: readonly Grantee[];
  readonly removed: readonly Grantee[];
  /** Requested but already so: nothing to do. */
  readonly unchanged: readonly Grantee[];
  /** Why nothing was done to this resource, when it was left alone on purpose. */
  readonly skipped?: string;
  /** The permissions read back after the change (absent with --dry-run). */
  readonly after?: readonly Grantee[];
  readonly dryRun: boolean;
}

export interface ChangeRequest {
  readonly grantees: readonly Grantee[];
  /** Keep the backing snapshots in step (accounts and public only: snapshots have no org/OU sharing). */
  readonly withSnapshots: boolean;
  /** Accounts to give the snapshots when sharing with an org/OU (they need them to copy the AMI). */
  readonly snapshotAccounts: readonly string[];
  readonly dryRun: boolean;
  /** Remove every grant (unshare --everyone). */
  readonly everyone?: boolean;
  /** Told of each AMI or snapshot as soon as it is done, so that what was changed is known even if a later one fails. */
  readonly onOutcome?: (outcome: ChangeOutcome) => void;
}

/**
 * What a change read back must show: every grant added is there, every grant removed is gone.
 * Otherwise the change failed, whatever AWS answered to the call.
 */
function checkReadBack(resource: ChangeOutcome['resource'], region: string, direction: 'add' | 'remove', change: readonly Grantee[], after: readonly Grantee[]): void {
  const wrong = direction === 'add' ? difference(change, after) : intersection(change, after);
  if (wrong.length === 0) return;
  const what = resource.kind === 'image' ? `AMI ${resource.id}` : `snapshot ${resource.id}`;
  throw new AmiguardError(
    'AWS',
    `${what} in ${region}, read back after the change, ${direction === 'add' ? 'lacks' : 'still has'} ${wrong.map(describeGrantee).join(', ')}`,
    { hint: 'AWS accepted the change but does not show it: make the change again, then read the permissions back', detail: { kind: 'change-not-shown' } },
  );
}

function told(request: Pick<ChangeRequest, 'onOutcome'>, outcome: ChangeOutcome): ChangeOutcome {
  request.onOutcome?.(outcome);
  return outcome;
}

export function checkOwner(image: ImageInfo, account: string): void {
  if (image.ownerId !== account) {
    throw new AmiguardError(
      'USAGE',
      `AMI ${image.id} in ${image.region} is owned by account ${image.ownerId}, not by ${account} (these credentials): only its owner can change who may launch it`,
      { hint: 'use the owning account\'s credentials, or ask its owner', detail: { kind: 'not-owner' } },
    );
  }
}

/** Adds launch permissions (never public: make-public is the only way to that) and optionally snapshot ones. */
export async function shareImage(session: AwsSession, image: ImageInfo, request: ChangeRequest, command: string): Promise<ChangeOutcome[]> {
  if (request.grantees.some((grantee) => grantee.kind === 'public')) {
    throw new AmiguardError('USAGE', 'share never makes an AMI public; use make-public for that');
  }
  const outcomes = [await changeImage(session, image, request, command, 'add')];
  if (request.withSnapshots) {
    const accounts = snapshotGrantees(request);
    outcomes.push(...(await changeSnapshots(session, image, accounts, request, command, 'add')));
  }
  return outcomes;
}

/** The only path to a public grant: make-public calls it after the user's explicit consent. */
export async function shareImageWithEveryone(session: AwsSession, image: ImageInfo, dryRun: boolean, command: string): Promise<ChangeOutcome> {
  return changeImage(session, image, { grantees: [{ kind: 'public' }], withSnapshots: false, snapshotAccounts: [], dryRun }, command, 'add');
}

/** The snapshot side of a request, for changeSnapshots. */
type SnapshotRequest = Pick<ChangeRequest, 'dryRun' | 'onOutcome'>;

export async function unshareImage(session: AwsSession, image: ImageInfo, request: ChangeRequest, command: string): Promise<ChangeOutcome[]> {
  const outcomes = [await changeImage(session, image, request, command, 'remove')];
  if (request.withSnapshots) {
    outcomes.push(...(await changeSnapshots(session, image, snapshotGrantees(request), request, command, 'remove', request.everyone === true)));
  }
  return outcomes;
}

/** Accounts and public carry over to snapshots; organizations and OUs cannot. */
function snapshotGrantees(request: ChangeRequest): Grantee[] {
  const direct = request.grantees.filter((grantee) => grantee.kind === 'account' || grantee.kind === 'public');
  const extra: Grantee[] = request.snapshotAccounts.map((id) => ({ kind: 'account', id }));
  return [...direct, ...difference(extra, direct)];
}

async function changeImage(
  session: AwsSession,
  image: ImageInfo,
  request: ChangeRequest,
  command: string,
  direction: 'add' | 'remove',
): Promise<ChangeOutcome> {
  const ec2 = session.ec2(image.region);
  const context = { service: 'ec2' as const, region: image.region, resource: image.id, command };
  try {
    const current = await getLaunchPermissions(ec2, image.id);
    const wanted = request.everyone === true ? current : request.grantees;
    const change = direction === 'add' ? difference(wanted, current) : intersection(wanted, current);
    const unchanged = direction === 'add' ? intersection(wanted, current) : difference(wanted, current);
    if (change.length > 0) {
      await modifyLaunchPermissions(ec2, image.id, direction === 'add' ? { add: change } : { remove: change }, request.dryRun);
    }
    const after = request.dryRun || change.length === 0 ? undefined : await getLaunchPermissions(ec2, image.id);
    if (after !== undefined) checkReadBack({ kind: 'image', id: image.id }, image.region, direction, change, after);
    return told(request, {
      region: image.region,
      imageId: image.id,
      resource: { kind: 'image', id: image.id },
      direction,
      added: direction === 'add' ? change : [],
      removed: direction === 'remove' ? change : [],
      unchanged,
      dryRun: request.dryRun,
      ...(after === undefined ? {} : { after }),
    });
  } catch (error) {
    if (error instanceof AmiguardError) throw error;
    throw toAmiguardError(error, { ...context, action: 'ModifyImageAttribute' });
  }
}

async function changeSnapshots(
  session: AwsSession,
  image: ImageInfo,
  grantees: readonly Grantee[],
  request: SnapshotRequest,
  command: string,
  direction: 'add' | 'remove',
  everyone = false,
): Promise<ChangeOutcome[]> {
  const { dryRun } = request;
  const view = await inspectImage(session, image, command);
  const ec2 = session.ec2(image.region);
  const outcomes: ChangeOutcome[] = [];
  for (const snapshot of view.snapshots) {
    const base = { region: image.region, imageId: image.id, resource: { kind: 'snapshot' as const, id: snapshot.id }, direction, dryRun };
    if (direction === 'add' && snapshot.defaultKey) {
      outcomes.push(told(request, { ...base, added: [], removed: [], unchanged: [], skipped: 'encrypted with the default key aws/ebs, which AWS does not let anyone share' }));
      continue;
    }
    const current = snapshot.permissions;
    const wanted = everyone ? current : grantees;
    const change = direction === 'add' ? difference(wanted, current) : intersection(wanted, current);
    try {
      if (change.length > 0) {
        await modifyVolumePermissions(ec2, snapshot.id, direction === 'add' ? { add: change } : { remove: change }, dryRun);
      }
      const after = dryRun || change.length === 0 ? undefined : await getVolumePermissions(ec2, snapshot.id);
      if (after !== undefined) checkReadBack(base.resource, image.region, direction, change, after);
      outcomes.push(told(request, {
        ...base,
        added: direction === 'add' ? change : [],
        removed: direction === 'remove' ? change : [],
        unchanged: direction === 'add' ? intersection(wanted, current) : difference(wanted, current),
        ...(after === undefined ? {} : { after }),
      }));
    } catch (error) {
      if (error instanceof AmiguardError) throw error;
      throw toAmiguardError(error, { service: 'ec2', action: 'ModifySnapshotAttribute', region: image.region, resource: snapshot.id, command });
    }
  }
  return outcomes;
}

/**
 * Why AWS would refuse to make this AMI public, in words a user can act on; undefined when it
 * would not. Checked before any call so the user gets the reason, not a raw error.
 */
export function publicBlocker(view: ImageView): { message: string; hint: string; detail?: ErrorDetail } | undefined {
  const bpa = view.blockPublicAccess.images;
  if (bpa.state === 'block-new-sharing') {
    return bpa.managedBy === 'declarative-policy'
      ? {
          message: `block public access for AMIs is on in ${view.image.region}, set by your organization's declarative policy: no AMI in this account and region can be made public`,
          hint: 'the setting can only be changed by the organization\'s management account, in the declarative policy',
        }
      : {
          message: `block public access for AMIs is on in ${view.image.region}: AWS refuses to make any AMI public there`,
          hint: `if this AMI really must be public: turn off block public access for AMIs in ${view.image.region} (takes up to 10 minutes to apply), then make it public again`,
          detail: { kind: 'image-block-public-access-on', region: view.image.region },
        };
  }
  if (view.image.productCodes.length > 0) {
    return {
      message: `AMI ${view.image.id} has an AWS Marketplace product code (${view.image.productCodes.join(', ')}): AWS does not allow it to be public`,
      hint: 'share it with accounts, an organization or an OU instead',
    };
  }
  return undefined;
}

/** A description of what make-public exposes: the AMI, and what its snapshots already allow. */
export function exposureSummary(view: ImageView): string[] {
  const lines = [`AMI ${view.image.id} "${view.image.name}" in ${view.image.region} would become launchable by every AWS account`];
  for (const snapshot of view.snapshots) {
    const who = snapshot.permissions.length === 0 ? 'not shared' : snapshot.permissions.map(describeGrantee).join(', ');
    lines.push(`  snapshot ${snapshot.id} stays as it is (${who}); launching a public AMI does not need public snapshots`);
  }
  return lines;
}
