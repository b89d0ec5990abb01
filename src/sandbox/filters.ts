import { ApiError } from './api-error.js';
import type { QueryParams } from './query.js';

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** Values a filter name reads from a resource; a resource matches when any value matches. */
export type FilterFields<T> = Readonly<Record<string, (item: T) => readonly string[]>>;

/** `Filter.N.Name` and `Filter.N.Value.M`. */
export function parseFilters(params: QueryParams): Filter[] {
  return params.structures('Filter').map((filter) => {
    const name = filter.string('Name');
    if (name === undefined || name === '') throw new ApiError('InvalidParameterValue', 'The filter name must be specified');
    return { name, values: filter.list('Value') };
  });
}

/**
 * Keeps the items that match every filter (values of one filter are alternatives). Values may
 * use `*` and `?` wildcards, escaped with a backslash, as in
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html
 */
export function makeFilter<T>(
  filters: readonly Filter[],
  fields: FilterFields<T>,
  tagsOf: (item: T) => ReadonlyMap<string, string>,
): (item: T) => boolean {
  const tests = filters.map((filter): ((item: T) => boolean) => {
    const patterns = filter.values.map(wildcard);
    const matches = (values: readonly string[]): boolean =>
      values.some((value) => patterns.some((pattern) => pattern.test(value)));
    if (filter.name.startsWith('tag:')) {
      const key = filter.name.slice(4);
      return (item) => {
        const value = tagsOf(item).get(key);
        return value !== undefined && matches([value]);
      };
    }
    if (filter.name === 'tag-key') return (item) => matches([...tagsOf(item).keys()]);
    if (filter.name === 'tag-value') return (item) => matches([...tagsOf(item).values()]);
    const field = fields[filter.name];
    if (field === undefined) throw new ApiError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    return (item) => matches(field(item));
  });
  return (item) => tests.every((test) => test(item));
}

export function wildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern.charAt(i);
    if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      source += escapeRegExp(pattern.charAt(i));
    } else if (char === '*') {
      source += '.*';
    } else if (char === '?') {
      source += '.';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
