/**
 * The one module that looks inside AWS SDK errors: turns them into AmiguardErrors whose message
 * says what failed in the user's terms (which AMI, which region, which IAM action) with a hint,
 * and whose detail carries the facts for the CLI to word with its flags.
 */
import { AmiguardError, type ErrorDetail } from '../core/index.js';

export interface AwsCallContext {
  /** The EC2/STS/Organizations action, e.g. `ModifyImageAttribute`. */
  readonly action: string;
  readonly service: 'ec2' | 'sts' | 'organizations';
  readonly region?: string;
  /** The AMI, snapshot or account the call was about. */
  readonly resource?: string;
  /** The command the call was for: the policy that command needs includes the permission. */
  readonly command?: string;
}

interface SdkErrorShape {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

function asSdkError(error: unknown): SdkErrorShape | undefined {
  if (typeof error !== 'object' || error === null || !('name' in error)) return undefined;
  const { name, message } = error as { name: unknown; message: unknown };
  return typeof name === 'string' ? { ...(error as object), name, message: typeof message === 'string' ? message : '' } : undefined;
}

type Service = AwsCallContext['service'];

/** The operation each SDK error came from, as the session's clients record it (see session.ts). */
const FAILED_OPERATIONS = new WeakMap<object, { readonly service: Service; readonly action: string }>();

/**
 * Records which operation an error came from. The caller's context names the step it was on,
 * which may have made several calls (read, then modify): the error names the one that failed.
 */
export function noteFailedOperation(error: unknown, service: Service, action: string): void {
  if (typeof error === 'object' && error !== null && !FAILED_OPERATIONS.has(error)) FAILED_OPERATIONS.set(error, { service, action });
}

/** The IAM action of the call that failed (`ec2:DescribeImageAttribute`), or of the step when not recorded. */
export function failedAction(error: unknown, context: Pick<AwsCallContext, 'service' | 'action'>): string {
  const recorded = typeof error === 'object' && error !== null ? FAILED_OPERATIONS.get(error) : undefined;
  return recorded === undefined ? `${context.service}:${context.action}` : `${recorded.service}:${recorded.action}`;
}

/** The error's AWS code (`InvalidAMIID.NotFound`), or undefined for non-AWS errors. */
export function awsErrorCode(error: unknown): string | undefined {
  return asSdkError(error)?.name;
}

export function isDryRunSuccess(error: unknown): boolean {
  return awsErrorCode(error) === 'DryRunOperation';
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch']);
const DENIED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']);
const THROTTLED = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'TimeoutError']);

/** Maps any error from an AWS call to an AmiguardError with a message and a hint. */
export function toAmiguardError(error: unknown, given: AwsCallContext): AmiguardError {
  if (error instanceof AmiguardError) return error;
  const recorded = typeof error === 'object' && error !== null ? FAILED_OPERATIONS.get(error) : undefined;
  const context: AwsCallContext = recorded === undefined ? given : { ...given, ...recorded };
  const sdk = asSdkError(error);
  const where = context.region === undefined ? '' : ` in ${context.region}`;
  const about = context.resource === undefined ? '' : ` ${context.resource}`;
  const permission = `${context.service}:${context.action}`;
  if (sdk === undefined) {
    return new AmiguardError('AWS', `${context.action}${about}${where} failed: ${String(error)}`, { cause: error });
  }
  const code = sdk.code ?? sdk.name;
  const attempts = sdk.$metadata?.attempts;
  const awsSaid = sdk.message === '' ? code : `${code}: ${sdk.message}`;
  const fail = (message: string, hint?: string, detail?: ErrorDetail) =>
    new AmiguardError(CREDENTIAL_ERRORS.has(sdk.name) ? 'CREDENTIALS' : 'AWS', message, {
      cause: error,
      ...(hint === undefined ? {} : { hint }),
      ...(detail === undefined ? {} : { detail }),
    });
  const region = context.region === undefined ? {} : { region: context.region };

  if (CREDENTIAL_ERRORS.has(sdk.name)) {
    return fail(
      `no usable AWS credentials for ${context.action}${where} (${awsSaid})`,
      'set credentials the usual way (a profile, environment variables, SSO), or try amiguard against its local sandbox endpoint',
      { kind: 'no-credentials' },
    );
  }
  if (DENIED.has(sdk.name)) {
    return fail(
      `not allowed to call ${permission}${about}${where}: the credentials lack the IAM permission ${permission}`,
      `grant ${permission} to the credentials (iamPolicyFor builds the least-privilege policy for a list of operations)`,
      { kind: 'not-permitted', permission, ...(context.command === undefined ? {} : { command: context.command }) },
    );
  }
  if (THROTTLED.has(sdk.name)) {
    return fail(
      `AWS kept throttling ${context.action}${where} (${code})${attempts === undefined ? '' : ` after ${attempts} attempts`}`,
      'the account is over its EC2 API rate; wait a minute and run again',
    );
  }
  if (NETWORK.has(sdk.name) || NETWORK.has(code)) {
    return fail(`cannot reach the ${context.service.toUpperCase()} endpoint${where}: ${awsSaid}`, 'check the network, the region and the endpoint URL', { kind: 'unreachable', ...region });
  }
  switch (sdk.name) {
    case 'InvalidAMIID.NotFound':
      return fail(`AMI${about} not found${where} (${code})`, 'AMIs are regional: look in the AMI\'s own region, or select AMIs by name across regions', {
        kind: 'ami-not-found',
        amis: context.resource === undefined ? [] : context.resource.split(', '),
        regions: context.region === undefined ? [] : [context.region],
      });
    case 'InvalidAMIID.Malformed':
      return fail(`"${context.resource ?? ''}" is not an AMI id (${code}): expected ami- and 8 or 17 hex characters`);
    case 'InvalidAMIID.Unavailable':
      return fail(`AMI${about}${where} is deregistered or not in a state that can be changed (${code})`);
    case 'InvalidSnapshot.NotFound':
      return fail(`snapshot${about} not found${where} (${code})`);
    case 'AuthFailure':
      // EC2 answers AuthFailure both to a non-owner touching an AMI's permissions and to any
      // call in a region the account has not enabled.
      return /Attribute$/.test(context.action)
        ? fail(
            `AWS refused ${context.action}${about}${where}: ${sdk.message || 'not authorized'} (AuthFailure)`,
            'only the AMI\'s owner can read or change its permissions: use the owning account\'s credentials',
            { kind: 'not-owner' },
          )
        : fail(
            `AWS refused ${context.action}${where}: ${sdk.message || 'not authorized'} (AuthFailure)`,
            `check that ${context.region ?? 'the region'} is enabled for the account and that the credentials are valid`,
            { kind: 'region-refused', ...region },
          );
    case 'OperationNotPermitted':
      return fail(`AWS refused ${context.action}${about}${where}: ${sdk.message} (OperationNotPermitted)`);
    case 'InvalidAMIAttributeItemValue':
      return fail(`AWS rejected a value in the launch-permission change${about}${where}: ${sdk.message} (${code}); nothing was changed`);
    case 'InvalidParameter':
      if (/AWS Managed CMK|aws\/ebs|default KMS key/i.test(sdk.message)) {
        return fail(
          `${context.resource ?? 'the AMI'}${where} is encrypted with the AWS managed key aws/ebs, which AWS does not let anyone share (${code})`,
          'copy the AMI with a customer managed KMS key (copy-image --kms-key-id), share the copy, and let the target accounts use the key',
        );
      }
      return fail(`${context.action}${about}${where} failed: ${awsSaid}`);
    case 'OptInRequired':
      return fail(`${context.region ?? 'this region'} is not enabled for the account (${code})`, 'enable the region, or leave it out of the regions to read', {
        kind: 'region-not-enabled',
        regions: context.region === undefined ? [] : [context.region],
      });
    default:
      return fail(`${context.action}${about}${where} failed: ${awsSaid}`);
  }
}
