/**
 * make-public as a library: every AWS account may then launch the AMIs, so it is done only with
 * explicit consent; without it, the caller gets what would become public and nothing changes.
 * An AMI AWS would refuse (block public access on, a Marketplace code) is refused before any change.
 */
import { AmiguardError } from '../core/index.js';
import type { ImageInfo } from '../aws/images.js';
import type { AwsSession } from '../aws/session.js';
import { checkOwner, exposureSummary, publicBlocker, shareImageWithEveryone, type ChangeOutcome } from './change.js';
import { callerAccount, inspectImage } from './inspect.js';
import { selectImages } from './select.js';

export interface MakePublicRequest {
  /** AMI ids, in the session's region. */
  readonly ids: readonly string[];
  /** The caller's explicit consent that every AWS account may launch them. */
  readonly consent: boolean;
  readonly dryRun: boolean;
  readonly command: string;
}

/** make-public was not given consent: nothing changed; `exposure` says what would have become public. */
export class PublicConsentMissing extends AmiguardError {
  constructor(
    readonly images: readonly ImageInfo[],
    readonly exposure: readonly string[],
  ) {
    super('USAGE', `refusing to make ${images.length === 1 ? 'this AMI' : 'these AMIs'} public without explicit consent`, { hint: 'nothing was changed' });
    this.name = 'PublicConsentMissing';
  }
}

export async function makeImagesPublic(session: AwsSession, request: MakePublicRequest): Promise<{ images: readonly ImageInfo[]; outcomes: readonly ChangeOutcome[] }> {
  const { command } = request;
  const images = await selectImages(session, { ids: request.ids, regions: [] }, command);
  const views = await Promise.all(images.map((image) => inspectImage(session, image, command)));
  const account = await callerAccount(session, images[0]?.region ?? '', command);
  for (const image of images) checkOwner(image, account);
  for (const view of views) {
    const blocker = publicBlocker(view);
    if (blocker !== undefined) throw new AmiguardError('AWS', blocker.message, { hint: blocker.hint, ...(blocker.detail === undefined ? {} : { detail: blocker.detail }) });
  }
  if (!request.consent) throw new PublicConsentMissing(images, views.flatMap(exposureSummary));
  const outcomes: ChangeOutcome[] = [];
  for (const image of images) outcomes.push(await shareImageWithEveryone(session, image, request.dryRun, command));
  return { images, outcomes };
}
