import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paginate } from '../../src/sandbox/pagination.js';

/** Every page of a query, following its tokens; throws if the pages do not end. */
function allPages(items: readonly { id: string }[], maxResults: number | undefined, matches: (item: { id: string }) => boolean): string[][] {
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const { page, nextToken } = paginate(items, maxResults, token, 'query', matches);
    pages.push(page.map((item) => item.id));
    token = nextToken;
    assert.ok(pages.length <= items.length + 1, 'the pages do not end');
  } while (token !== undefined);
  return pages;
}

describe('sandbox pagination', () => {
  // Sorted by id, as the world keeps a region's images and snapshots.
  const items = Array.from({ length: 23 }, (_, i) => ({ id: `ami-${String(i).padStart(3, '0')}` }));
  const predicates: Record<string, (item: { id: string }) => boolean> = {
    all: () => true,
    none: () => false,
    'every third': (item) => Number(item.id.slice(4)) % 3 === 0,
    'the middle only': (item) => Number(item.id.slice(4)) >= 8 && Number(item.id.slice(4)) < 15,
    'the first only': (item) => item.id === 'ami-000',
    'the last only': (item) => item.id === 'ami-022',
  };

  for (const [name, matches] of Object.entries(predicates)) {
    it(`pages ${name}: each match once, in order, full pages, and no token after the last match`, () => {
      const expected = items.filter(matches).map((item) => item.id);
      assert.deepEqual(allPages(items, undefined, matches), [expected]);
      for (let size = 1; size <= 25; size += 1) {
        const pages = allPages(items, size, matches);
        assert.deepEqual(pages.flat(), expected, `pages of ${size}`);
        // Every page but the last is full, and the last is empty only when nothing matches.
        assert.ok(pages.slice(0, -1).every((page) => page.length === size), `pages of ${size}: ${JSON.stringify(pages)}`);
        assert.equal((pages.at(-1) ?? []).length === 0, expected.length === 0, `pages of ${size}: ${JSON.stringify(pages)}`);
      }
    });
  }

  it('asks the predicate only from the token onwards, and only one match past the page', () => {
    const asked: string[] = [];
    const first = paginate(items, 5, undefined, 'query', (item) => (asked.push(item.id), true));
    assert.deepEqual(asked, items.slice(0, 6).map((item) => item.id));
    asked.length = 0;
    paginate(items, 5, first.nextToken, 'query', (item) => (asked.push(item.id), true));
    assert.deepEqual(asked, items.slice(5, 11).map((item) => item.id));
  });

  it('refuses a token of another query', () => {
    const { nextToken } = paginate(items, 5, undefined, 'query');
    assert.throws(() => paginate(items, 5, nextToken, 'another query'), /Invalid pagination token/);
  });
});
