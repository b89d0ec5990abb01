/**
 * The AWS side: sessions and clients, the SDK calls amiguard makes (in the core model's terms),
 * error mapping, rate limiting, and the IAM permissions each call needs. Only this component
 * imports the AWS SDK's commands.
 */
export { AccountSessions, NoRoleForAccount, roleCredentials, roleTargetFor, type AccountReach } from './account-sessions.js';
export {
  getBlockPublicAccess,
  setImageBlockPublicAccess,
  setSnapshotBlockPublicAccess,
  SNAPSHOT_BPA_STATES,
  UNKNOWN_STATE,
  type BlockPublicAccessState,
  type RegionBlockPublicAccess,
  type SnapshotBlockState,
} from './block-public-access.js';
export type { AwsCall } from './call-meter.js';
export { awsErrorCode, failedAction, toAmiguardError, type AwsCallContext } from './errors.js';
export { isAmiId, type ImageInfo, type SnapshotInfo } from './images.js';
export { NoRegion } from './no-role.js';
export { AWS_OPERATIONS, iamPolicyFor, type AwsOperation, type IamPolicyDocument } from './operations.js';
export { checkProfile, listProfiles, profileFiles } from './profiles.js';
export { EC2_RATE_LIMITS, tokenBucketLowerBoundMs, type BucketLimits, type RateOptions, type ThrottleClass } from './rate-limit.js';
export { checkRegion } from './regions.js';
export { getCallerIdentity, type CallerIdentity } from './roles.js';
export { AwsSession, type AwsOptions } from './session.js';
