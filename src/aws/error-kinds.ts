/**
 * What an error means for a long read, by its AWS code (read through errors.ts): the resource
 * went away, the account or region cannot be read at all, or the call may work a little later.
 */
import { awsErrorCode } from './errors.js';

const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException']);

/** Deregistered or deleted between the listing and the read (AWS-FACTS "Errors"). */
const GONE = new Set(['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable', 'InvalidSnapshot.NotFound']);

/** Errors that every further call of the same credentials in the region would meet too. */
const SYSTEMIC = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'OptInRequired',
  'Blocked',
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
]);

export function isThrottlingError(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && THROTTLING.has(code);
}

export type ReadErrorKind = 'gone' | 'systemic' | 'other';

export function readErrorKind(error: unknown): ReadErrorKind {
  const code = awsErrorCode(error) ?? '';
  if (GONE.has(code)) return 'gone';
  return SYSTEMIC.has(code) ? 'systemic' : 'other';
}
