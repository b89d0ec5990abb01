import { ApiError } from './api-error.js';
import { isDenied } from './iam.js';
import type { QueryParams } from './query.js';
import type { Principal, World } from './world.js';
import { element, escapeXml, wrap } from './xml.js';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** AWS caps a session of a role assumed from another role session at one hour. */
const CHAINED_MAX_SECONDS = 3600;

export const STS_ACTIONS: readonly string[] = ['AssumeRole', 'GetCallerIdentity'];

/**
 * The STS Query API: who am I, and role sessions into other accounts of the estate. See
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export function handleSts(world: World, principal: Principal, action: string, params: QueryParams, now: Date): string {
  if (action === 'GetCallerIdentity') {
    return wrap(
      'GetCallerIdentityResult',
      element('Arn', principal.arn) + element('UserId', principal.userId) + element('Account', principal.accountId),
    );
  }
  if (action === 'AssumeRole') return assumeRole(world, principal, params, now);
  throw new ApiError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
}

function assumeRole(world: World, principal: Principal, params: QueryParams, now: Date): string {
  const roleArn = params.string('RoleArn');
  const sessionName = params.string('RoleSessionName');
  if (roleArn === undefined) throw validationError("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (sessionName === undefined) {
    throw validationError("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw validationError(
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const duration = params.integer('DurationSeconds') ?? 3600;
  if (duration < 900 || duration > 43200) {
    throw validationError(`Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }
  const match = ROLE_ARN.exec(roleArn);
  if (match === null) throw new ApiError('ValidationError', `${roleArn} is invalid`);
  const [, accountId = '', roleName = ''] = match;
  const role = world.accounts.get(accountId)?.roles.get(roleName);
  const denied = new ApiError(
    'AccessDenied',
    `User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
  if (role === undefined || !role.trustedAccounts.includes(principal.accountId) || isDenied(principal, 'sts:AssumeRole')) {
    throw denied;
  }
  if (principal.sessionToken !== undefined && duration > CHAINED_MAX_SECONDS) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (duration > (role.maxSessionDuration ?? 3600)) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const expiration = new Date(now.getTime() + duration * 1000);
  const session = world.addSession(accountId, roleName, sessionName, expiration, role.denyActions ?? []);
  return wrap(
    'AssumeRoleResult',
    wrap('AssumedRoleUser', element('AssumedRoleId', session.userId) + element('Arn', session.arn)) +
      wrap(
        'Credentials',
        element('AccessKeyId', session.accessKeyId) +
          element('SecretAccessKey', session.secretAccessKey) +
          element('SessionToken', session.sessionToken) +
          element('Expiration', expiration.toISOString()),
      ),
  );
}

function validationError(detail: string): ApiError {
  return new ApiError('ValidationError', detail.startsWith('Value') ? `1 validation error detected: ${detail}` : detail);
}

export function stsResponse(action: string, requestId: string, result: string): string {
  return (
    `<${action}Response xmlns="${STS_NAMESPACE}">${result}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** STS's error document: `Type` is Receiver for server faults, Sender otherwise. */
export function stsErrorResponse(error: ApiError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
