/**
 * share, unshare and make-private as a library: select the AMIs, check ownership, change each in
 * turn and stop at the first failure (what was done before it stays done and is reported).
 */
import { AmiguardError, UsageError, type Grantee } from '../core/index.js';
import type { ImageInfo } from '../aws/images.js';
import type { AwsSession } from '../aws/session.js';
import { checkOwner, shareImage, unshareImage, type ChangeOutcome, type ChangeRequest } from './change.js';
import { callerAccount } from './inspect.js';
import { selectImages, type ImageSelection } from './select.js';

export interface ImagesChange extends ChangeRequest {
  readonly direction: 'add' | 'remove';
  readonly selection: ImageSelection;
  /** The command, for the IAM hint of an error. */
  readonly command: string;
}

export interface ImagesChangeResult {
  readonly images: readonly ImageInfo[];
  readonly outcomes: readonly ChangeOutcome[];
  /** AMIs changed (with or without their snapshots), left as they were, and the one that failed. */
  readonly changed: number;
  readonly unchanged: number;
  readonly failure?: { readonly image: ImageInfo; readonly error: AmiguardError };
  /** AMIs after the failure, not attempted. */
  readonly notAttempted: readonly ImageInfo[];
}

export async function changeImages(session: AwsSession, change: ImagesChange): Promise<ImagesChangeResult> {
  const images = await selectImages(session, change.selection, change.command);
  const account = await callerAccount(session, images[0]?.region ?? (await session.defaultRegion()), change.command);
  for (const image of images) checkOwner(image, account);
  // The owner can always launch its AMIs: sharing with itself would change nothing.
  if (change.direction === 'add' && change.grantees.some((grantee: Grantee) => grantee.kind === 'account' && grantee.id === account)) {
    throw new UsageError(`account ${account} owns ${images.length === 1 ? 'this AMI' : 'these AMIs'} and can always launch ${images.length === 1 ? 'it' : 'them'}: sharing with it changes nothing`, 'name the other accounts to share with');
  }
  const outcomes: ChangeOutcome[] = [];
  const request: ChangeRequest = {
    ...change,
    onOutcome: (outcome) => {
      outcomes.push(outcome);
      change.onOutcome?.(outcome);
    },
  };
  let changed = 0;
  let unchanged = 0;
  for (const [index, image] of images.entries()) {
    const before = outcomes.length;
    try {
      await (change.direction === 'add' ? shareImage : unshareImage)(session, image, request, change.command);
    } catch (error) {
      if (!(error instanceof AmiguardError)) throw error;
      return { images, outcomes, changed, unchanged, failure: { image, error }, notAttempted: images.slice(index + 1) };
    }
    if (outcomes.slice(before).some((outcome) => outcome.added.length > 0 || outcome.removed.length > 0)) changed += 1;
    else unchanged += 1;
  }
  return { images, outcomes, changed, unchanged, notAttempted: [] };
}
