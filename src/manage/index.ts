/**
 * Managing AMI sharing as a library: select AMIs, read who may launch them, share and unshare
 * (snapshots kept in step), make public with consent, block public access per region.
 */
export { blockedByDeclarativePolicy, blockPublicAccess, type BlockPublicAccessRequest, type RegionResult } from './block-public-access.js';
export { checkOwner, exposureSummary, publicBlocker, shareImage, shareImageWithEveryone, unshareImage, type ChangeOutcome, type ChangeRequest } from './change.js';
export { changeImages, type ImagesChange, type ImagesChangeResult } from './change-images.js';
export { callerAccount, inspectImage, InspectCache, readImage, type ImageReading, type ImageView, type SnapshotReading, type SnapshotView } from './inspect.js';
export { resolveRegions, selectImages, type ImageSelection } from './select.js';
export { makeImagesPublic, PublicConsentMissing, type MakePublicRequest } from './make-public.js';
