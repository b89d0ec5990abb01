import type { ExpectedGrantee, GranteeSyntax, InvalidGrant, SourceLocation } from '../../core/index.js';
import type { EvaluatedItem } from '../model.js';
import type { GrantCall } from '../subject.js';
import { ansibleBool, pythonString, type Value } from './values.js';

/**
 * The modules that grant: `ec2_ami` `launch_permissions` (one ModifyImageAttribute call with
 * every entry, amazon.aws ec2_ami.py set_launch_permission) and `ec2_snapshot` with
 * `modify_create_vol_permission: true` (one ModifySnapshotAttribute `add` call, ec2_snapshot.py).
 * `ec2_ami_copy` shares nothing: its copies are owned by the account that runs it.
 */
const COLLECTIONS = ['', 'amazon.aws.', 'community.aws.', 'ansible.builtin.'];
const AMI_MODULES = new Set(COLLECTIONS.map((prefix) => `${prefix}ec2_ami`));
const SNAPSHOT_MODULES = new Set(COLLECTIONS.map((prefix) => `${prefix}ec2_snapshot`));

export type ModuleKind = 'ami' | 'snapshot' | 'custom-ami';

/** Which grant a module makes: a known module, or any other module given `launch_permissions` (a renamed copy of ec2_ami). */
export function moduleKind(module: string, args: ReadonlySet<string>): ModuleKind | undefined {
  if (AMI_MODULES.has(module)) return 'ami';
  if (SNAPSHOT_MODULES.has(module)) return 'snapshot';
  if (args.has('launch_permissions')) return 'custom-ami';
  return undefined;
}

export interface TaskGrants {
  readonly launch: readonly GrantCall[];
  readonly snapshot: readonly GrantCall[];
  /** Values AWS rejects whatever else is in the call (a string where ec2_ami expects a list). */
  readonly invalid: readonly InvalidGrant[];
}

const LAUNCH_FIELDS: readonly (readonly [string, GranteeSyntax])[] = [
  ['group_names', 'group'],
  ['user_ids', 'account'],
  ['org_arns', 'organization'],
  ['org_unit_arns', 'ou'],
];

/** `launch_permissions` as ec2_ami reads it: a mapping of lists, each entry sent as it is (`str()` of account ids). */
export function launchGrants(value: Value, location: SourceLocation, condition: string | undefined): TaskGrants {
  const when = condition === undefined ? {} : { condition };
  if (value.kind === 'unknown') {
    return { launch: [{ field: 'launch_permissions', syntax: 'any', items: [unknownItem(value)], ...when }], snapshot: [], invalid: [] };
  }
  if (value.kind !== 'map') {
    const item: EvaluatedItem = { kind: 'unknown', reason: `launch_permissions is a ${value.kind}, not a mapping: what the module does with it is not known`, location };
    return { launch: [{ field: 'launch_permissions', syntax: 'any', items: [item], ...when }], snapshot: [], invalid: [] };
  }
  const launch: GrantCall[] = [];
  const invalid: InvalidGrant[] = [];
  for (const [key, syntax] of LAUNCH_FIELDS) {
    const entry = value.entries.get(key);
    if (entry === undefined) continue;
    const field = `launch_permissions.${key}`;
    if (entry.kind === 'scalar' && typeof entry.value === 'string' && entry.value !== '') {
      // The module iterates the value: a string is taken character by character, which AWS rejects.
      invalid.push({
        field,
        location: entry.location,
        raw: entry.value,
        expects: syntax,
        problem: `a string where ec2_ami expects a list: it sends each character as a separate value, and AWS rejects the whole launch_permissions change`,
        ...place(entry),
        ...when,
      });
      continue;
    }
    const items = listItems(entry, syntax);
    if (items.length > 0) launch.push({ field, syntax, items, ...when });
  }
  return { launch, snapshot: [], invalid };
}

/** `ec2_snapshot` `user_ids` / `group_names` (lists; a string is split at commas, Ansible's check_type_list). */
export function snapshotGrants(args: ReadonlyMap<string, Value>, condition: string | undefined): TaskGrants {
  const when = condition === undefined ? {} : { condition };
  const snapshot: GrantCall[] = [];
  for (const [key, syntax] of [
    ['group_names', 'group'],
    ['user_ids', 'account'],
  ] as const) {
    const entry = args.get(key);
    if (entry === undefined) continue;
    const split: Value =
      entry.kind === 'scalar' && typeof entry.value === 'string'
        ? { kind: 'list', items: entry.value.split(',').map((part) => ({ ...entry, value: part.trim() })), location: entry.location }
        : entry;
    const items = listItems(split, syntax);
    if (items.length > 0) snapshot.push({ field: key, syntax, items, ...when });
  }
  return { launch: [], snapshot, invalid: [] };
}

/** Whether `modify_create_vol_permission` is on: true, false, or a condition naming the unknown value. */
export function snapshotModifies(value: Value | undefined): boolean | string {
  if (value === undefined) return false;
  if (value.kind === 'scalar') return ansibleBool(value.value) ?? false;
  if (value.kind === 'unknown') return `if modify_create_vol_permission (${value.via ?? value.reason}) is true`;
  return true;
}

function listItems(value: Value, syntax: ExpectedGrantee): EvaluatedItem[] {
  switch (value.kind) {
    case 'unknown':
      return [unknownItem(value)];
    case 'scalar':
      return value.value === null ? [] : [knownItem(value, pythonString(value.value))];
    case 'map':
      return [{ kind: 'unknown', reason: `a mapping where a list of ${syntax} values is expected`, location: value.location, ...place(value) }];
    case 'list':
      return value.items.flatMap((item): EvaluatedItem[] => {
        if (item.kind === 'unknown') return [unknownItem(item)];
        if (item.kind === 'scalar') return [knownItem(item, pythonString(item.value))];
        return [knownItem(item, item.kind === 'list' ? '[...]' : '{...}')];
      });
  }
}

function knownItem(value: Value, text: string): EvaluatedItem {
  return { kind: 'known', value: text, location: value.location, ...place(value) };
}

function unknownItem(value: Value & { readonly kind: 'unknown' }): EvaluatedItem {
  return {
    kind: 'unknown',
    reason: value.reason,
    location: value.location,
    ...place(value),
    ...(value.mayInclude === undefined ? {} : { mayInclude: value.mayInclude }),
  };
}

function place(value: Value): { origin?: SourceLocation; via?: string } {
  return {
    ...(value.origin === undefined ? {} : { origin: value.origin }),
    ...(value.via === undefined ? {} : { via: value.via }),
  };
}
