import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './api-error.js';
import { EC2_ACTIONS, ec2ErrorResponse, ec2Response } from './ec2.js';
import type { Fault, FaultOptions, SandboxService } from './faults.js';
import { FaultInjector } from './faults.js';
import { denialMessage, isDenied } from './iam.js';
import { handleOrganizations, organizationsErrorBody } from './organizations.js';
import { QueryParams, exactParam } from './query.js';
import { parseAuthorization, verifySignature, type SignedRequest, type SigV4Authorization } from './sigv4.js';
import { handleSts, stsErrorResponse, stsResponse } from './sts.js';
import { Throttle } from './throttle.js';
import type { Principal, World } from './world.js';

export interface ServerOptions {
  readonly world: World;
  readonly port: number;
  readonly host: string;
  readonly speed: number;
  readonly faults: FaultOptions | undefined;
  readonly seed: number;
  readonly clock: () => number;
}

/** Counters for benchmarks and tests; `reset()` zeroes them. */
export interface SandboxStats {
  /** Every request received, faulted ones included. */
  readonly requests: number;
  readonly byAction: Readonly<Record<string, number>>;
  /** Requests refused because their token bucket was empty (injected throttling is in `faults`). */
  readonly throttled: number;
  readonly throttledByAction: Readonly<Record<string, number>>;
  readonly faults: Readonly<Record<Fault, number>>;
  /** Sandbox bugs answered as InternalError; a test run expects none. */
  readonly unexpectedErrors: readonly string[];
  reset(): void;
}

class StatsCounter implements SandboxStats {
  requests = 0;
  byAction: Record<string, number> = {};
  throttled = 0;
  throttledByAction: Record<string, number> = {};
  faults: Record<Fault, number> = { throttle: 0, internalError: 0, unavailable: 0, drop: 0 };
  unexpectedErrors: string[] = [];

  reset(): void {
    this.requests = 0;
    this.byAction = {};
    this.throttled = 0;
    this.throttledByAction = {};
    this.faults = { throttle: 0, internalError: 0, unavailable: 0, drop: 0 };
    this.unexpectedErrors = [];
  }
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface RunningServer {
  readonly url: string;
  readonly stats: SandboxStats;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const ORGANIZATIONS_TARGET = 'AWSOrganizationsV20161128.';
const XML = 'text/xml;charset=UTF-8';
const JSON_1_1 = 'application/x-amz-json-1.1';

/**
 * The HTTP front: routes a request to EC2, STS or Organizations by its SigV4 credential scope
 * (or X-Amz-Target), identifies the caller by the access key id in that scope and checks the
 * signature against that key's secret, applies injected faults and throttling, and answers in
 * the service's own protocol.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { world } = options;
  const stats = new StatsCounter();
  const throttle = new Throttle(options.speed, options.clock);
  const faults = options.faults === undefined ? undefined : new FaultInjector(options.faults, options.seed ^ 0x5eed);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const bytes = await readBody(request);
    const body = bytes.toString('utf8');
    const signed: SignedRequest = { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: bytes };
    const requestId = randomUUID();
    const credential = parseAuthorization(request.headers.authorization);
    const target = headerValue(request.headers['x-amz-target']);
    const organizationsCall = target?.startsWith(ORGANIZATIONS_TARGET) === true || credential?.service === 'organizations';
    // The Query protocol accepts parameters in the URL as well as in the form body.
    const query = organizationsCall
      ? new QueryParams(new Map())
      : new QueryParams(new Map([...new URL(request.url ?? '/', 'http://sandbox').searchParams, ...new URLSearchParams(body)]));
    const service: SandboxService = organizationsCall ? 'organizations' : queryServiceOf(credential, query);
    const action = service === 'organizations' ? (target ?? '').slice(ORGANIZATIONS_TARGET.length) : (query.string('Action') ?? '');
    stats.requests += 1;
    stats.byAction[action] = (stats.byAction[action] ?? 0) + 1;

    if (faults?.applies(service, action) === true) {
      const delay = faults.latency();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const fault = faults.draw();
      if (fault !== undefined) stats.faults[fault] += 1;
      if (fault === 'drop') {
        request.socket.destroy();
        return;
      }
      if (fault !== undefined) {
        send(response, requestId, renderError(service, injectedError(service, fault), requestId));
        return;
      }
    }

    let answer: Answer;
    try {
      const now = new Date();
      if (service === 'organizations') {
        const principal = authenticate(world, service, credential, signed, now);
        const input = parseJson(body);
        answer = { status: 200, contentType: JSON_1_1, body: JSON.stringify(handleOrganizations(world, principal, action, input)) };
      } else if (service === 'sts') {
        const principal = authenticate(world, service, credential, signed, now);
        answer = { status: 200, contentType: XML, body: stsResponse(action, requestId, handleSts(world, principal, action, query, now)) };
      } else {
        answer = { status: 200, contentType: XML, body: ec2Response(action, requestId, runEc2(action, query, credential, signed, now)) };
      }
    } catch (error) {
      answer = renderError(service, asApiError(error, stats), requestId);
    }
    send(response, requestId, answer);
  };

  const runEc2 = (action: string, query: QueryParams, credential: SigV4Authorization | undefined, signed: SignedRequest, now: Date): string => {
    if (action === '') throw new ApiError('MissingAction', 'The request must contain the parameter Action');
    const ec2Action = EC2_ACTIONS.get(action);
    if (ec2Action === undefined) throw new ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
    const principal = authenticate(world, 'ec2', credential, signed, now);
    const region = credential?.region ?? '';
    // AWS answers AuthFailure in a region the account has not enabled.
    if (world.accounts.get(principal.accountId)?.enabledRegions.has(region) !== true) {
      throw new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    }
    if (!throttle.take(`${principal.accountId}/${region}/${action}`, ec2Action.throttleClass(query))) {
      stats.throttled += 1;
      stats.throttledByAction[action] = (stats.throttledByAction[action] ?? 0) + 1;
      throw new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    }
    query.rejectUnknown([exactParam('Action'), exactParam('Version'), ...ec2Action.params]);
    if (isDenied(principal, `ec2:${action}`)) {
      throw new ApiError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. ${denialMessage(principal, `ec2:${action}`)}`,
        403,
      );
    }
    return ec2Action.run({ world, principal, accountId: principal.accountId, region, params: query, now });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      stats.unexpectedErrors.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
      if (!response.headersSent) {
        response.statusCode = 500;
        response.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    stats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

/** EC2 or STS: by the credential scope's service, else by the API version of an unsigned request. */
function queryServiceOf(credential: SigV4Authorization | undefined, query: QueryParams): SandboxService {
  if (credential?.service === 'sts') return 'sts';
  if (credential?.service === 'ec2') return 'ec2';
  return query.string('Version') === '2011-06-15' ? 'sts' : 'ec2';
}

/** The principal of the request's access key; a role session's key needs its session token; the signature must be its secret's. */
function authenticate(
  world: World,
  service: SandboxService,
  credential: SigV4Authorization | undefined,
  request: SignedRequest,
  now: Date,
): Principal {
  if (credential === undefined) {
    throw service === 'ec2'
      ? new ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 401)
      : service === 'sts'
        ? new ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
        : new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const principal = world.principals.get(credential.accessKeyId);
  const token = headerValue(request.headers['x-amz-security-token']);
  if (principal === undefined || principal.sessionToken !== token) {
    throw service === 'ec2'
      ? new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401)
      : service === 'sts'
        ? new ApiError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
        : new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  verifySignature(service, credential, request, principal.secretAccessKey);
  if (principal.expiration !== undefined && principal.expiration.getTime() <= now.getTime()) {
    throw service === 'ec2'
      ? new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401)
      : service === 'sts'
        ? new ApiError('ExpiredToken', 'The security token included in the request is expired')
        : new ApiError('ExpiredTokenException', 'The security token included in the request is expired');
  }
  return principal;
}

function injectedError(service: SandboxService, fault: Exclude<Fault, 'drop'>): ApiError {
  const errors: Record<SandboxService, Record<Exclude<Fault, 'drop'>, ApiError>> = {
    ec2: {
      throttle: new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503),
      internalError: new ApiError('InternalError', 'An internal error has occurred', 500),
      unavailable: new ApiError('Unavailable', "The server is overloaded and can't handle the request.", 503),
    },
    sts: {
      throttle: new ApiError('Throttling', 'Rate exceeded'),
      internalError: new ApiError('InternalFailure', 'An internal error has occurred', 500),
      unavailable: new ApiError('ServiceUnavailable', 'Service is unavailable', 503),
    },
    organizations: {
      throttle: new ApiError('TooManyRequestsException', 'Rate exceeded'),
      internalError: new ApiError('ServiceException', 'AWS Organizations can\'t complete your request because of an internal service error.', 500),
      unavailable: new ApiError('ServiceException', 'AWS Organizations is temporarily unavailable.', 503),
    },
  };
  return errors[service][fault];
}

function asApiError(error: unknown, stats: StatsCounter): ApiError {
  if (error instanceof ApiError) return error;
  stats.unexpectedErrors.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return new ApiError('InternalError', 'An internal error has occurred', 500);
}

function renderError(service: SandboxService, error: ApiError, requestId: string): Answer {
  if (service === 'organizations') return { status: error.status, contentType: JSON_1_1, body: organizationsErrorBody(error) };
  if (service === 'sts') return { status: error.status, contentType: XML, body: stsErrorResponse(error, requestId) };
  return { status: error.status, contentType: XML, body: ec2ErrorResponse(error.code, error.message, requestId) };
}

function send(response: ServerResponse, requestId: string, answer: Answer): void {
  if (response.destroyed) return;
  response.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
    'x-amzn-requestid': requestId,
  });
  response.end(answer.body);
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new ApiError('SerializationException', 'The request body is not valid JSON.');
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RangeError(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
