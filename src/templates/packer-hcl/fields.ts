import type { EvaluatedField, EvaluatedScalar, SharingField } from '../model.js';
import { toBool, type Evaluator, type Scope } from '../hcl/evaluate.js';
import type { Attribute } from '../hcl/syntax.js';
import { listItems, type GrantExpectation } from '../hcl/items.js';
import { asString, describeKind, type Value } from '../hcl/value.js';

const PACKER_LIST: GrantExpectation = { tool: 'Packer', collection: 'a list of strings' };

/** An attribute with the names it is evaluated with (the `source` accessor, a dynamic iterator). */
export interface BoundAttribute {
  readonly attribute: Attribute;
  readonly scope: Scope | undefined;
}

/**
 * A list field as Packer decodes it: one item per element. An element written in place is
 * located where it is written; one that came through a variable or local is located at the
 * reference, with `origin` where it was defined.
 */
export function evaluateListField(evaluator: Evaluator, field: SharingField, bound: BoundAttribute): EvaluatedField {
  const { attribute, scope } = bound;
  const expr = attribute.expr;
  const value = evaluator.evaluate(expr, scope);
  return { field, location: attribute.loc, items: listItems(value, expr.loc, PACKER_LIST) };
}


/** A string setting (`ami_name`); null counts as empty, as Packer leaves it unset. */
export function evaluateStringSetting(evaluator: Evaluator, bound: BoundAttribute): EvaluatedScalar<string> {
  const value = evaluator.evaluate(bound.attribute.expr, bound.scope);
  const location = bound.attribute.loc;
  if (value.kind === 'null') return { kind: 'known', value: '', location };
  const text = asString(value);
  if (text !== undefined) return { kind: 'known', value: text, location };
  return { kind: 'unknown', reason: reasonOf(value, 'a string'), location };
}

/** A bool setting (`encrypt_boot`); undefined when null, which leaves it unset. */
export function evaluateBoolSetting(evaluator: Evaluator, bound: BoundAttribute): EvaluatedScalar<boolean> | undefined {
  const value = evaluator.evaluate(bound.attribute.expr, bound.scope);
  const location = bound.attribute.loc;
  if (value.kind === 'null') return undefined;
  const flag = toBool(value);
  if (flag !== undefined) return { kind: 'known', value: flag, location };
  return { kind: 'unknown', reason: reasonOf(value, 'true or false'), location };
}

/**
 * Whether a customer managed key is named: a non-empty key id, or a non-empty map of region to
 * key. A known key wins over an unknown one; undefined when neither is set.
 */
export function evaluateCustomerKey(
  evaluator: Evaluator,
  keyId: BoundAttribute | undefined,
  regionKeys: BoundAttribute | undefined,
): EvaluatedScalar<boolean> | undefined {
  const settings: EvaluatedScalar<boolean>[] = [];
  if (keyId !== undefined) {
    const key = evaluateStringSetting(evaluator, keyId);
    settings.push(key.kind === 'known' ? { kind: 'known', value: key.value !== '', location: key.location } : key);
  }
  if (regionKeys !== undefined) {
    const value = evaluator.evaluate(regionKeys.attribute.expr, regionKeys.scope);
    const location = regionKeys.attribute.loc;
    if (value.kind === 'object') settings.push({ kind: 'known', value: value.entries.size > 0, location });
    else if (value.kind === 'null') settings.push({ kind: 'known', value: false, location });
    else settings.push({ kind: 'unknown', reason: reasonOf(value, 'a map of region to key'), location });
  }
  return (
    settings.find((setting) => setting.kind === 'known' && setting.value) ??
    settings.find((setting) => setting.kind === 'unknown') ??
    settings[0]
  );
}

function reasonOf(value: Value, expected: string): string {
  if (value.kind === 'unknown') return value.reason;
  if (value.kind === 'error') return value.message;
  return `${describeKind(value)} where Packer expects ${expected}`;
}
