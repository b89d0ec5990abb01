import type { SourceLocation } from '../../core/index.js';
import type { EvaluatedItem, KnownItem, UnknownItem } from '../model.js';
import { asString, describeKind, type Value } from './value.js';

/** What the tool that decodes a grant attribute expects, for the words of a refusal. */
export interface GrantExpectation {
  /** `Packer`, `Terraform`. */
  readonly tool: string;
  /** `a list of strings` (Packer), `a set of strings` (Terraform). */
  readonly collection: string;
}

/**
 * The items of a list-of-strings attribute, one per element. An element written in place is
 * located where it is written; one that came through a variable or local is located at the
 * reference, with `origin` where it was defined. HCL does not turn a string into a list: the
 * tool refuses `ami_groups = "all"`, so that is an unknown the tool rejects, naming the string.
 */
export function listItems(value: Value, fallback: SourceLocation, expects: GrantExpectation): EvaluatedItem[] {
  const site = value.site ?? fallback;
  switch (value.kind) {
    case 'null':
      return [];
    case 'list': {
      const items: EvaluatedItem[] = [];
      for (const item of value.items) items.push(...scalarItems(item, site, expects));
      return items;
    }
    case 'unknown':
    case 'error':
      return [unknownItem(value, site)];
    default: {
      const text = asString(value);
      const reason = `${describeKind(value)} where ${expects.tool} expects ${expects.collection}; ${expects.tool} rejects it`;
      return [{ ...unknownItem(value, site, reason, text === undefined ? undefined : [text]), rejected: true }];
    }
  }
}

/** One string item; a number or a bool is converted to the string the attribute takes. */
export function scalarItems(item: Value, fallback: SourceLocation, expects: GrantExpectation): EvaluatedItem[] {
  const location = item.site ?? fallback;
  if (item.kind === 'null') return [];
  if (item.kind === 'unknown' || item.kind === 'error') return [unknownItem(item, location)];
  const text = asString(item);
  if (text === undefined) {
    return [{ ...unknownItem(item, location, `${describeKind(item)} where ${expects.tool} expects a string; ${expects.tool} rejects it`), rejected: true }];
  }
  // Built field by field rather than spread: a large file has tens of thousands of them (issue 11).
  const known: { -readonly [K in keyof KnownItem]: KnownItem[K] } = { kind: 'known', value: text, location };
  if (item.origin !== undefined) known.origin = item.origin;
  if (item.via !== undefined) known.via = item.via;
  return [known];
}

function unknownItem(value: Value, location: SourceLocation, reason?: string, mayInclude?: readonly string[]): UnknownItem {
  const because = reason ?? (value.kind === 'unknown' ? value.reason : value.kind === 'error' ? value.message : 'unknown');
  const candidates = mayInclude ?? (value.kind === 'unknown' ? value.mayInclude : undefined);
  return {
    kind: 'unknown',
    reason: because,
    location,
    ...provenance(value),
    ...(candidates === undefined || candidates.length === 0 ? {} : { mayInclude: candidates }),
    ...(value.kind === 'error' ? { rejected: true as const } : {}),
  };
}

function provenance(value: Value | EvaluatedItem): { origin?: SourceLocation; via?: string } {
  return {
    ...(value.origin === undefined ? {} : { origin: value.origin }),
    ...(value.via === undefined ? {} : { via: value.via }),
  };
}

export { provenance as provenanceOf };
