import { ApiError } from './api-error.js';
import { hash32 } from './random.js';

/**
 * Keyset pagination over lists sorted by id: a token names the last id returned and the query it
 * belongs to, so that a page boundary holds while other items change and a token cannot be
 * replayed against a different query (`InvalidPaginationToken`, as EC2 answers).
 */
export function paginate<T extends { readonly id: string }>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  query: string,
): { readonly page: readonly T[]; readonly nextToken: string | undefined } {
  const queryHash = hash32(query).toString(36);
  let start = 0;
  if (nextToken !== undefined) {
    const after = decodeToken(nextToken, queryHash);
    start = items.findIndex((item) => item.id > after);
    if (start < 0) start = items.length;
  }
  if (maxResults === undefined) return { page: items.slice(start), nextToken: undefined };
  const page = items.slice(start, start + maxResults);
  const last = page.at(-1);
  const more = start + maxResults < items.length;
  return { page, nextToken: more && last !== undefined ? encodeToken(last.id, queryHash) : undefined };
}

function encodeToken(after: string, queryHash: string): string {
  return Buffer.from(JSON.stringify({ a: after, q: queryHash }), 'utf8').toString('base64url');
}

function decodeToken(token: string, queryHash: string): string {
  try {
    const data: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof data === 'object' && data !== null && 'a' in data && 'q' in data) {
      const { a, q } = data;
      if (typeof a === 'string' && q === queryHash) return a;
    }
  } catch {
    // Falls through to the error below: a token that does not decode is as invalid as a foreign one.
  }
  throw new ApiError('InvalidPaginationToken', `Invalid pagination token: ${token}`);
}
