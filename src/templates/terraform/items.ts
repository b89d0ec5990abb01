import type { SourceLocation } from '../../core/index.js';
import type { EvaluatedItem, UnknownItem } from '../model.js';
import { asString, describeKind, type Value } from '../hcl/value.js';

/**
 * The items of a grant attribute as the AWS provider sends them. `list`: a set of strings
 * (`user_ids`); otherwise one string (`account_id`). `doubt`, when set, says why the block that
 * holds the attribute may not exist (an unknown `count`, `for_each` or dynamic block): its known
 * values become unknowns that may be those values.
 */
export function grantItems(value: Value, fallback: SourceLocation, list: boolean, doubt: string | undefined): EvaluatedItem[] {
  const items = list ? listItems(value, fallback) : scalarItems(value, fallback);
  if (doubt === undefined) return items;
  return items.map((item): EvaluatedItem => (item.kind === 'known' ? { kind: 'unknown', reason: doubt, location: item.location, mayInclude: [item.value], ...provenanceOf(item) } : item));
}

function listItems(value: Value, fallback: SourceLocation): EvaluatedItem[] {
  const site = value.site ?? fallback;
  switch (value.kind) {
    case 'null':
      return [];
    case 'list':
      return value.items.flatMap((item) => scalarItems(item, site));
    case 'unknown':
    case 'error':
      return [unknownItem(value, site)];
    default: {
      // Terraform does not turn a string into a set: `user_groups = "all"` is refused at plan.
      const text = asString(value);
      const reason = `${describeKind(value)} where Terraform expects a set of strings; Terraform rejects it`;
      return [{ ...unknownItem(value, site, reason, text === undefined ? undefined : [text]), rejected: true }];
    }
  }
}

function scalarItems(item: Value, fallback: SourceLocation): EvaluatedItem[] {
  const location = item.site ?? fallback;
  if (item.kind === 'null') return [];
  if (item.kind === 'unknown' || item.kind === 'error') return [unknownItem(item, location)];
  // Terraform converts a number or a bool to the string the attribute takes.
  const text = asString(item);
  if (text === undefined) return [{ ...unknownItem(item, location, `${describeKind(item)} where Terraform expects a string; Terraform rejects it`), rejected: true }];
  return [{ kind: 'known', value: text, location, ...provenance(item) }];
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

function provenance(value: Value): { origin?: SourceLocation; via?: string } {
  return {
    ...(value.origin === undefined ? {} : { origin: value.origin }),
    ...(value.via === undefined ? {} : { via: value.via }),
  };
}

function provenanceOf(item: EvaluatedItem): { origin?: SourceLocation; via?: string } {
  return {
    ...(item.origin === undefined ? {} : { origin: item.origin }),
    ...(item.via === undefined ? {} : { via: item.via }),
  };
}
