import type { ExpectedGrantee } from '../../core/index.js';
import type { EvaluatedItem } from '../model.js';
import type { GrantCall } from '../subject.js';
import { stringsIn, type Value } from './values.js';

/**
 * The parameters of one ModifyImageAttribute / ModifySnapshotAttribute call, under the API's
 * names (boto3's keywords, the keys of `--cli-input-json`); the CLI's options and boto 2's
 * arguments are mapped onto them by their readers.
 */
export type ParameterName =
  | 'Attribute'
  | 'OperationType'
  | 'LaunchPermission'
  | 'CreateVolumePermission'
  | 'UserIds'
  | 'UserGroups'
  | 'GroupNames'
  | 'OrganizationArns'
  | 'OrganizationalUnitArns';

export const PARAMETER_NAMES: ReadonlySet<string> = new Set<ParameterName>([
  'Attribute',
  'OperationType',
  'LaunchPermission',
  'CreateVolumePermission',
  'UserIds',
  'UserGroups',
  'GroupNames',
  'OrganizationArns',
  'OrganizationalUnitArns',
]);

export interface Parameter {
  readonly value: Value;
  /** As the script names it: `--launch-permission`, `LaunchPermission`, `groups`. */
  readonly field: string;
}

export interface CallParameters {
  readonly api: 'image' | 'snapshot';
  readonly parameters: ReadonlyMap<ParameterName, Parameter>;
  /** Parameters the script builds at run time (`--cli-input-json "$JSON"`, `**params`): they may grant anything. */
  readonly opaque: readonly Parameter[];
}

const LIST_SYNTAX: Readonly<Partial<Record<ParameterName, ExpectedGrantee>>> = {
  UserIds: 'account',
  UserGroups: 'group',
  GroupNames: 'group',
  OrganizationArns: 'organization',
  OrganizationalUnitArns: 'ou',
};

const ENTRY_SYNTAX: Readonly<Record<string, ExpectedGrantee>> = {
  Group: 'group',
  UserId: 'account',
  OrganizationArn: 'organization',
  OrganizationalUnitArn: 'ou',
};

const PERMISSION_ATTRIBUTES = new Set(['launchpermission', 'createvolumepermission']);

/**
 * The grants one call makes, one GrantCall per field and kind of grantee. `Remove` and
 * `--operation-type remove` grant nothing; a call that changes another attribute
 * (`--attribute description`) grants nothing. What is not known is an unknown item that says why.
 */
export function grantCalls(call: CallParameters, condition: string | undefined): GrantCall[] {
  const calls = new CallCollector(condition);
  const attribute = call.parameters.get('Attribute');
  if (attribute?.value.kind === 'string' && !PERMISSION_ATTRIBUTES.has(attribute.value.value.toLowerCase())) return [];
  for (const opaque of call.opaque) calls.add(opaque.field, 'any', unknownItem(opaque.value));
  const structure = call.parameters.get(call.api === 'image' ? 'LaunchPermission' : 'CreateVolumePermission');
  if (structure !== undefined) readStructure(structure, calls);
  const operation = call.parameters.get('OperationType');
  for (const [name, syntax] of Object.entries(LIST_SYNTAX) as [ParameterName, ExpectedGrantee][]) {
    const parameter = call.parameters.get(name);
    if (parameter === undefined) continue;
    const items = listItems(parameter.value);
    if (operation === undefined) {
      for (const item of items) calls.add(parameter.field, syntax, item);
      continue;
    }
    const op = operation.value;
    if (op.kind === 'string') {
      if (op.value.toLowerCase() !== 'add') continue;
      for (const item of items) calls.add(parameter.field, syntax, item);
      continue;
    }
    if (op.kind === 'none') {
      for (const item of items) calls.add(parameter.field, syntax, item);
      continue;
    }
    // Whether it adds is not known: each value may be granted.
    const why = op.kind === 'unknown' ? op.reason : `it is not a string`;
    for (const item of items) {
      calls.add(parameter.field, syntax, {
        kind: 'unknown',
        reason: `${operation.field} may be add (${why})`,
        location: item.location,
        ...(item.kind === 'known' ? { mayInclude: [item.value] } : item.mayInclude === undefined ? {} : { mayInclude: item.mayInclude }),
      });
    }
  }
  return calls.result();
}

class CallCollector {
  private readonly calls = new Map<string, { field: string; syntax: ExpectedGrantee; items: EvaluatedItem[] }>();

  constructor(private readonly condition: string | undefined) {}

  add(field: string, syntax: ExpectedGrantee, item: EvaluatedItem): void {
    const key = `${field}\u0000${syntax}`;
    let call = this.calls.get(key);
    if (call === undefined) {
      call = { field, syntax, items: [] };
      this.calls.set(key, call);
    }
    call.items.push(item);
  }

  result(): GrantCall[] {
    return [...this.calls.values()].map((call) => ({
      field: call.field,
      syntax: call.syntax,
      items: call.items,
      ...(this.condition === undefined ? {} : { condition: this.condition }),
    }));
  }
}

/** `{"Add": [{"Group": "all"}, {"UserId": "123456789012"}], "Remove": [...]}` */
function readStructure(parameter: Parameter, calls: CallCollector): void {
  const { value, field } = parameter;
  if (value.kind !== 'map') {
    if (value.kind !== 'none') calls.add(field, 'any', unknownItem(value, `${field} is not a structure amiguard can read`));
    return;
  }
  for (const entry of value.entries) {
    if (entry.key === undefined) {
      calls.add(field, 'any', unknownItem(entry.value, `a key of ${field} is not known`));
      continue;
    }
    // AWS's own names are Add and Remove; only Add grants.
    if (entry.key.toLowerCase() !== 'add') continue;
    const added = entry.value;
    const list = added.kind === 'list' ? added.items : added.kind === 'map' ? [added] : undefined;
    if (list === undefined) {
      if (added.kind !== 'none') calls.add(field, 'any', unknownItem(added, `${field} Add is not a list amiguard can read`));
      continue;
    }
    for (const permission of list) {
      if (permission.kind !== 'map') {
        calls.add(field, 'any', unknownItem(permission, `an entry of ${field} Add is not a structure amiguard can read`));
        continue;
      }
      for (const grantee of permission.entries) {
        const syntax = grantee.key === undefined ? 'any' : ENTRY_SYNTAX[grantee.key];
        if (syntax === undefined) continue;
        if (grantee.value.kind === 'string') calls.add(field, syntax, knownItem(grantee.value));
        else calls.add(field, syntax, unknownItem(grantee.value, `${grantee.key ?? 'a key'} is not a string`));
      }
    }
  }
}

function listItems(value: Value): EvaluatedItem[] {
  switch (value.kind) {
    case 'none':
      return [];
    case 'string':
      return [knownItem(value)];
    case 'list':
      return value.items.flatMap((item) => (item.kind === 'list' ? listItems(item) : item.kind === 'none' ? [] : [item.kind === 'string' ? knownItem(item) : unknownItem(item, 'not a string')]));
    default:
      return [unknownItem(value, 'not a list of strings')];
  }
}

function knownItem(value: Extract<Value, { kind: 'string' }>): EvaluatedItem {
  return {
    kind: 'known',
    value: value.value,
    location: value.location,
    ...(value.origin === undefined ? {} : { origin: value.origin }),
    ...(value.via === undefined ? {} : { via: value.via }),
  };
}

function unknownItem(value: Value, otherwise = 'not known'): EvaluatedItem {
  if (value.kind === 'unknown') {
    return {
      kind: 'unknown',
      reason: value.reason,
      location: value.location,
      ...(value.mayInclude === undefined ? {} : { mayInclude: value.mayInclude }),
      ...(value.origin === undefined ? {} : { origin: value.origin }),
      ...(value.via === undefined ? {} : { via: value.via }),
    };
  }
  const mayInclude = stringsIn(value);
  return { kind: 'unknown', reason: otherwise, location: value.location, ...(mayInclude.length === 0 ? {} : { mayInclude }) };
}
