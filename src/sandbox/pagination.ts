import { ApiError } from './api-error.js';
import { hash32 } from './random.js';

/**
 * Keyset pagination over lists sorted by id: a token names the last id returned and the query it
 * belongs to, so that a page boundary holds while other items change and a token cannot be
 * replayed against a different query (`InvalidPaginationToken`, as EC2 answers).
 *
 * `matches` picks the items the query returns. It is asked only from the token's place onwards,
 * and only until the page is full and one more match shows that there is a next page: a region of
 * 100,000 AMIs read 200 to a page costs each request its page, not the whole region.
 */
export function paginate<T extends { readonly id: string }>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  query: string,
  matches: (item: T) => boolean = () => true,
): { readonly page: readonly T[]; readonly nextToken: string | undefined } {
  const queryHash = hash32(query).toString(36);
  const start = nextToken === undefined ? 0 : firstAfter(items, decodeToken(nextToken, queryHash));
  const page: T[] = [];
  let at = start;
  for (; at < items.length && (maxResults === undefined || page.length < maxResults); at += 1) {
    const item = items[at] as T;
    if (matches(item)) page.push(item);
  }
  let more = false;
  for (; at < items.length && !more; at += 1) more = matches(items[at] as T);
  const last = page.at(-1);
  return { page, nextToken: more && last !== undefined ? encodeToken(last.id, queryHash) : undefined };
}

/** The index of the first item whose id sorts after `id` (items.length if none). */
function firstAfter(items: readonly { readonly id: string }[], id: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((items[middle] as { readonly id: string }).id > id) high = middle;
    else low = middle + 1;
  }
  return low;
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
