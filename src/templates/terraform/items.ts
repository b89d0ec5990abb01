import type { SourceLocation } from '../../core/index.js';
import type { EvaluatedItem } from '../model.js';
import { listItems, provenanceOf, scalarItems, type GrantExpectation } from '../hcl/items.js';
import type { Value } from '../hcl/value.js';

const TERRAFORM_SET: GrantExpectation = { tool: 'Terraform', collection: 'a set of strings' };

/**
 * The items of a grant attribute as the AWS provider sends them. `list`: a set of strings
 * (`user_ids`); otherwise one string (`account_id`). `doubt`, when set, says why the block that
 * holds the attribute may not exist (an unknown `count`, `for_each` or dynamic block): its known
 * values become unknowns that may be those values.
 */
export function grantItems(value: Value, fallback: SourceLocation, list: boolean, doubt: string | undefined): EvaluatedItem[] {
  const items = list ? listItems(value, fallback, TERRAFORM_SET) : scalarItems(value, fallback, TERRAFORM_SET);
  if (doubt === undefined) return items;
  return items.map((item): EvaluatedItem => (item.kind === 'known' ? { kind: 'unknown', reason: doubt, location: item.location, mayInclude: [item.value], ...provenanceOf(item) } : item));
}
