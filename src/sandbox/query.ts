import { ApiError, invalidParameterValue, missingParameter } from './api-error.js';

/**
 * The parameters of a Query protocol request (EC2 and STS): a form-encoded body where lists are
 * numbered from 1 (`Owner.1`, `Filter.1.Value.2`) and structures are dotted
 * (`LaunchPermission.Add.1.UserId`). See
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
 */
export class QueryParams {
  private readonly values: ReadonlyMap<string, string>;

  constructor(values: ReadonlyMap<string, string>) {
    this.values = values;
  }

  static parse(body: string): QueryParams {
    const values = new Map<string, string>();
    for (const [key, value] of new URLSearchParams(body)) values.set(key, value);
    return new QueryParams(values);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  string(name: string): string | undefined {
    return this.values.get(name);
  }

  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined || value === '') throw missingParameter(name);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw invalidParameterValue(`Value (${value}) for parameter ${name} is invalid. Expected: 'true' or 'false'.`);
  }

  integer(name: string): number | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) {
      throw invalidParameterValue(`Value (${value}) for parameter ${name} is invalid. Expected an integer.`);
    }
    return Number(value);
  }

  /** `Prefix.1`, `Prefix.2`, ... in index order. */
  list(prefix: string): string[] {
    return this.indexed(prefix, (rest) => (rest === '' ? '' : undefined)).map(([, value]) => value);
  }

  /**
   * Structures of a list: `Prefix.N.Field...` grouped by N, each as a QueryParams of the part
   * after `Prefix.N.`, in index order.
   */
  structures(prefix: string): QueryParams[] {
    const groups = new Map<number, Map<string, string>>();
    for (const [key, value] of this.values) {
      const match = matchIndexed(prefix, key);
      if (match === undefined || !match.rest.startsWith('.')) continue;
      const group = groups.get(match.index) ?? new Map<string, string>();
      group.set(match.rest.slice(1), value);
      groups.set(match.index, group);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => new QueryParams(group));
  }

  /** The parameters under `Prefix.` as their own QueryParams (a nested structure). */
  nested(prefix: string): QueryParams {
    const inner = new Map<string, string>();
    for (const [key, value] of this.values) {
      if (key.startsWith(`${prefix}.`)) inner.set(key.slice(prefix.length + 1), value);
    }
    return new QueryParams(inner);
  }

  has(prefix: string): boolean {
    for (const key of this.values.keys()) {
      if (key === prefix || key.startsWith(`${prefix}.`)) return true;
    }
    return false;
  }

  /** EC2 rejects parameters an action does not define: `UnknownParameter`. */
  rejectUnknown(allowed: readonly RegExp[]): void {
    for (const key of this.values.keys()) {
      if (!allowed.some((pattern) => pattern.test(key))) {
        throw new ApiError('UnknownParameter', `The parameter ${key} is not recognized`);
      }
    }
  }

  private indexed(prefix: string, accept: (rest: string) => string | undefined): [number, string][] {
    const out: [number, string][] = [];
    for (const [key, value] of this.values) {
      const match = matchIndexed(prefix, key);
      if (match !== undefined && accept(match.rest) !== undefined) out.push([match.index, value]);
    }
    return out.sort(([a], [b]) => a - b);
  }
}

function matchIndexed(prefix: string, key: string): { index: number; rest: string } | undefined {
  if (!key.startsWith(`${prefix}.`)) return undefined;
  const match = /^(\d+)(.*)$/.exec(key.slice(prefix.length + 1));
  if (match === null) return undefined;
  return { index: Number(match[1]), rest: match[2] ?? '' };
}

/** Matches the names of an indexed list parameter: `Owner.1`, `Owner.2`, ... */
export function listParam(prefix: string): RegExp {
  return new RegExp(`^${escapeRegExp(prefix)}\\.\\d+$`);
}

/** Matches any name under a structure or list of structures: `Filter.1.Value.2`. */
export function nestedParam(prefix: string): RegExp {
  return new RegExp(`^${escapeRegExp(prefix)}\\..+$`);
}

export function exactParam(name: string): RegExp {
  return new RegExp(`^${escapeRegExp(name)}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
