import type { SourceLocation } from '../../core/index.js';
import { bind, type Evaluator, type Scope } from '../hcl/evaluate.js';
import { attribute, type Body } from '../hcl/syntax.js';
import { asString, num, object, sortedEntries, str, unknown, type Value } from '../hcl/value.js';

/** More instances than this of one resource, module call or dynamic block are not expanded one by one. */
export const MAX_INSTANCES = 1000;

/**
 * One instance of a resource or module call (`count`, `for_each`), or one block a `dynamic`
 * block makes. `doubt` says why it may not exist at all (an unknown `count`): what it grants is
 * then only possible.
 */
export interface Instance {
  /** `[0]`, `["123456789012"]`, or '' for a single instance (or the unknown ones). */
  readonly key: string;
  readonly scope: Scope | undefined;
  readonly doubt?: string;
}

function withDoubt(doubt: string | undefined, more: string | undefined): { doubt?: string } {
  const joined = doubt === undefined ? more : more === undefined ? doubt : `${doubt}; ${more}`;
  return joined === undefined ? {} : { doubt: joined };
}

function reasonOf(value: Value): string {
  if (value.kind === 'unknown') return value.reason;
  if (value.kind === 'error') return value.message;
  return 'unknown';
}

/**
 * The instances `count` or `for_each` make of a resource or module call (`what`), as Terraform
 * expands them: `count.index` from 0, `each.key` / `each.value` per element of a set of strings
 * or per entry of a map. What is not known makes one instance that may or may not exist, with
 * `count` or `each` unknown.
 */
export function expandInstances(body: Body, evaluator: Evaluator, what: string, doubt: string | undefined): Instance[] {
  const count = attribute(body, 'count');
  if (count !== undefined) {
    const value = evaluator.evaluate(count.expr);
    const unknownCount = (reason: string): Instance[] => [
      { key: '', scope: bind('count', object(new Map([['index', unknown(reason)]])), undefined, false), ...withDoubt(doubt, `how many ${what} there are is unknown: ${reason}`) },
    ];
    if (value.kind === 'unknown' || value.kind === 'error') return unknownCount(reasonOf(value));
    if (value.kind !== 'number' || !Number.isInteger(value.value) || value.value < 0) return unknownCount(`count must be a whole number, not ${asString(value) ?? value.kind}; Terraform rejects it`);
    if (value.value > MAX_INSTANCES) return unknownCount(`count is ${value.value}, more instances than amiguard expands (${MAX_INSTANCES})`);
    return Array.from({ length: value.value }, (_, index) => ({
      key: `[${index}]`,
      scope: bind('count', object(new Map([['index', num(index)]])), undefined, false),
      ...withDoubt(doubt, undefined),
    }));
  }
  const forEach = attribute(body, 'for_each');
  if (forEach === undefined) return [{ key: '', scope: undefined, ...withDoubt(doubt, undefined) }];
  const expr = forEach.expr;
  const value = evaluator.evaluate(expr);
  return eachOf(value, 'each', (reason) => `which ${what} there are is unknown: ${reason}`, doubt, true, expr.loc, undefined);
}

/**
 * The instances of a `for_each` collection, bound as `name` (`each`, or a dynamic block's
 * iterator) to `{ key, value }`. A list's keys are its elements (`for_each` takes a set of
 * strings) or, for a dynamic block, their positions.
 */
function eachOf(
  value: Value,
  name: string,
  wording: (reason: string) => string,
  doubt: string | undefined,
  keyedByValue: boolean,
  loc: SourceLocation,
  parent: Scope | undefined,
): Instance[] {
  const unknownEach = (reason: string): Instance => ({ key: '', scope: bind(name, unknown(reason), parent), ...withDoubt(doubt, wording(reason)) });
  if (value.kind === 'unknown' || value.kind === 'error') return [unknownEach(reasonOf(value))];
  if (value.kind === 'null') return [unknownEach(`for_each is null; Terraform rejects it`)];
  const pairs: [Value, Value][] =
    value.kind === 'object'
      ? sortedEntries(value).map(([key, entry]) => [str(key, loc), entry])
      : value.kind === 'list'
        ? value.items.map((item, index) => [keyedByValue ? item : num(index), item])
        : [];
  if (value.kind !== 'object' && value.kind !== 'list') return [unknownEach(`for_each must be a map or a set, not ${asString(value) ?? value.kind}; Terraform rejects it`)];
  if (pairs.length > MAX_INSTANCES) return [unknownEach(`for_each has ${pairs.length} elements, more instances than amiguard expands (${MAX_INSTANCES})`)];
  const instances: Instance[] = [];
  const seen = new Set<string>();
  let undecided: Instance | undefined;
  for (const [key, element] of pairs) {
    const text = key.kind === 'unknown' || key.kind === 'error' ? undefined : asString(key);
    if (text === undefined) {
      undecided ??= unknownEach(key.kind === 'unknown' || key.kind === 'error' ? reasonOf(key) : `a for_each key must be a string, not ${key.kind}; Terraform rejects it`);
      continue;
    }
    const label = key.kind === 'number' ? `[${text}]` : `[${JSON.stringify(text)}]`;
    if (seen.has(label)) continue;
    seen.add(label);
    instances.push({ key: label, scope: bind(name, object(new Map([['key', key], ['value', element]])), parent), ...withDoubt(doubt, undefined) });
  }
  if (undecided !== undefined) instances.push(undecided);
  return instances;
}

/** A nested block as Terraform sees it after expanding `dynamic` blocks: its body and the names it is evaluated with. */
export interface ExpandedBlock extends Instance {
  readonly body: Body;
  readonly loc: SourceLocation;
}

/**
 * The blocks of `type` in `body`, written out or made by `dynamic "type"` (one per element of its
 * `for_each`, with the iterator, named by `iterator` or after the block type, bound to
 * `{ key, value }`), in the order they are written.
 */
export function expandBlocks(body: Body, type: string, evaluator: Evaluator, outer: Instance): ExpandedBlock[] {
  const blocks: ExpandedBlock[] = [];
  for (const block of body.blocks) {
    if (block.type === type) {
      blocks.push({ ...outer, body: block.body, loc: block.loc });
      continue;
    }
    if (block.type !== 'dynamic' || block.labels[0] !== type) continue;
    const content = block.body.blocks.find((candidate) => candidate.type === 'content');
    if (content === undefined) continue;
    const iterator = attribute(block.body, 'iterator')?.expr;
    const name = iterator?.type === 'reference' ? iterator.name : type;
    const forEach = attribute(block.body, 'for_each');
    const value = forEach === undefined ? unknown(`dynamic "${type}" has no for_each; Terraform rejects it`) : evaluator.evaluate(forEach.expr, outer.scope);
    const instances = eachOf(value, name, (reason) => `whether dynamic "${type}" makes blocks is unknown: ${reason}`, outer.doubt, false, block.loc, outer.scope);
    for (const instance of instances) blocks.push({ ...instance, key: outer.key, body: content.body, loc: block.loc });
  }
  return blocks;
}
