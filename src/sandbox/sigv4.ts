import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './api-error.js';
import type { SandboxService } from './faults.js';

/**
 * Signature Version 4 as AWS checks it, so that a client signing with the wrong secret (a
 * credentials mix-up in amiguard or a test) fails here as it would in AWS. See
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=..., Signature=...`. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** Lower-case names, as listed; undefined when the header lacks SignedHeaders. */
  readonly signedHeaders: readonly string[] | undefined;
  readonly signature: string | undefined;
}

export interface SignedRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;
const SIGNED_HEADERS = /SignedHeaders=([^,\s]+)/;
const SIGNATURE = /Signature=([0-9a-f]{64})/;

/** The Authorization header's SigV4 parts, or undefined when the request is not SigV4-signed. */
export function parseAuthorization(header: string | undefined): SigV4Authorization | undefined {
  if (header === undefined || !header.startsWith(`${ALGORITHM} `)) return undefined;
  const credential = CREDENTIAL.exec(header);
  if (credential === null) return undefined;
  const [, accessKeyId = '', date = '', region = '', service = ''] = credential;
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: SIGNED_HEADERS.exec(header)?.[1]?.split(';'),
    signature: SIGNATURE.exec(header)?.[1],
  };
}

/**
 * Throws the service's own error unless `signature` is the one `secret` gives this request:
 * IncompleteSignature for a header without its parts, the date or `host` unsigned; a scope date
 * other than the request's X-Amz-Date day, or any other difference, is SignatureDoesNotMatch.
 */
export function verifySignature(service: SandboxService, auth: SigV4Authorization, request: SignedRequest, secret: string): void {
  const signedHeaders = auth.signedHeaders;
  const amzDate = headerText(request.headers['x-amz-date']);
  if (signedHeaders === undefined || auth.signature === undefined) {
    throw incomplete(service, `Authorization header requires 'SignedHeaders' and 'Signature' parameters. Authorization=${ALGORITHM}`);
  }
  if (!signedHeaders.includes('host')) {
    throw incomplete(service, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (amzDate === undefined || !signedHeaders.includes('x-amz-date')) {
    throw incomplete(service, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (!amzDate.startsWith(auth.date)) {
    throw mismatch(
      service,
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const canonical = [
    request.method,
    canonicalPath(request.url),
    canonicalQuery(request.url),
    ...signedHeaders.map((name) => `${name}:${(headerText(request.headers[name]) ?? '').trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders.join(';'),
    sha256(request.body),
  ].join('\n');
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256(canonical)}`;
  const expected = createHmac('sha256', signingKey(secret, auth)).update(stringToSign).digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw mismatch(
      service,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

/** Derived keys by secret and scope: four HMACs saved on every request of a run but the first of each day. */
const signingKeys = new Map<string, Buffer>();
const MAX_CACHED_KEYS = 4096;

function signingKey(secret: string, auth: SigV4Authorization): Buffer {
  const id = `${secret}\u0000${auth.date}\u0000${auth.region}\u0000${auth.service}`;
  const cached = signingKeys.get(id);
  if (cached !== undefined) return cached;
  const dateKey = createHmac('sha256', `AWS4${secret}`).update(auth.date).digest();
  const regionKey = createHmac('sha256', dateKey).update(auth.region).digest();
  const serviceKey = createHmac('sha256', regionKey).update(auth.service).digest();
  const key = createHmac('sha256', serviceKey).update('aws4_request').digest();
  if (signingKeys.size >= MAX_CACHED_KEYS) signingKeys.clear();
  signingKeys.set(id, key);
  return key;
}

/** Each path segment URI-encoded once more, as the SDKs sign every service but S3. */
function canonicalPath(url: string): string {
  const path = url.split('?', 1)[0] ?? '/';
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const joined = `/${segments.map(escapeUri).join('/')}`;
  return path.endsWith('/') && joined !== '/' ? `${joined}/` : joined;
}

/** Name=value pairs, each RFC 3986-encoded, sorted by name then value. */
function canonicalQuery(url: string): string {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      return [escapeUri(decode(name)), escapeUri(decode(value))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Not valid percent-encoding: signed as sent, so it can only match a client that did the same.
    return text;
  }
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${(character.codePointAt(0) ?? 0).toString(16).toUpperCase()}`);
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function incomplete(service: SandboxService, message: string): ApiError {
  return service === 'organizations' ? new ApiError('IncompleteSignatureException', message) : new ApiError('IncompleteSignature', message);
}

/** EC2 and STS (Query) answer SignatureDoesNotMatch with 403; JSON services InvalidSignatureException with 400. */
function mismatch(service: SandboxService, message: string): ApiError {
  return service === 'organizations' ? new ApiError('InvalidSignatureException', message) : new ApiError('SignatureDoesNotMatch', message, 403);
}
