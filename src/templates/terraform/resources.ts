import type { ExpectedGrantee, ImageSubject, Sharing } from '../../core/index.js';
import type { EvaluatedItem } from '../model.js';
import { sharingFromCalls, type GrantCall } from '../subject.js';
import type { Evaluator } from '../hcl/evaluate.js';
import { attribute } from '../hcl/syntax.js';
import { asString } from '../hcl/value.js';
import { placementOf, type PlacedSubject } from './block-public-access.js';
import type { ModuleConfiguration, ResourceDeclaration } from './configuration.js';
import { expandBlocks, expandInstances, type Instance } from './expand.js';
import { grantItems } from './items.js';
import {
  AMI_RESOURCES,
  DISTRIBUTION_CONFIGURATION,
  DISTRIBUTION_FIELDS,
  LAUNCH_PERMISSION,
  LAUNCH_PERMISSION_FIELDS,
  SNAPSHOT_PERMISSION,
} from './schema.js';

const SYNTAX: Readonly<Record<string, ExpectedGrantee>> = {
  account_id: 'account',
  group: 'group',
  organization_arn: 'organization',
  organizational_unit_arn: 'ou',
  user_ids: 'account',
  user_groups: 'group',
  organization_arns: 'organization',
  organizational_unit_arns: 'ou',
};

const NOTHING: Sharing = { grants: [], invalid: [], unknowns: [] };

/** A module as its resources are read: its declarations, evaluator and address. */
export interface ModuleScope {
  readonly config: ModuleConfiguration;
  readonly evaluator: Evaluator;
  /** `module.images.` for a child module, '' for the root. */
  readonly prefix: string;
  /** Why the whole module instance may not exist (an unknown `count` on its call). */
  readonly doubt: string | undefined;
  /** The AMI resources of the whole configuration by address (`module.x.aws_ami.golden`), each with its name when known. */
  readonly images: ReadonlyMap<string, () => string | undefined>;
  /** A provider reference of this module (`aws`, `aws.west`) as the configuration it selects, in the root's terms; undefined when not known. */
  readonly providerOf: (reference: string) => string | undefined;
}

/**
 * The AMI resources of a module, by address, each with a reader of its `name` (known only when
 * the resource has no `count` or `for_each` of its own).
 */
export function imagesOf(module: Omit<ModuleScope, 'images'>): [string, () => string | undefined][] {
  return [...module.config.resources.values()]
    .filter((resource) => AMI_RESOURCES.has(resource.type))
    .map((resource) => [
      `${module.prefix}${resource.type}.${resource.name}`,
      () => {
        const name = attribute(resource.body, 'name');
        if (name === undefined || attribute(resource.body, 'count') !== undefined || attribute(resource.body, 'for_each') !== undefined) return undefined;
        return asString(module.evaluator.evaluate(name.expr));
      },
    ]);
}

/**
 * The subjects a module's sharing resources make: one per resource instance, each instance one
 * AWS change (an `aws_ami_launch_permission` is one ModifyImageAttribute call per grantee).
 * A launch permission is placed, for block public access: an Image Builder distribution shares
 * in the regions its `distribution` blocks name, and a create-volume permission launches nothing.
 */
export function collectSubjects(module: ModuleScope): PlacedSubject[] {
  const subjects: PlacedSubject[] = [];
  for (const resource of module.config.resources.values()) {
    const read = READERS.get(resource.type);
    if (read === undefined) continue;
    const address = `${module.prefix}${resource.type}.${resource.name}`;
    for (const instance of expandInstances(resource.body, module.evaluator, address, module.doubt)) {
      const subject = read(module, resource, instance, `${address}${instance.key}`);
      subjects.push(resource.type === LAUNCH_PERMISSION ? { subject, placement: placementOf(module, resource, instance) } : { subject });
    }
  }
  return subjects;
}

type ResourceReader = (module: ModuleScope, resource: ResourceDeclaration, instance: Instance, name: string) => ImageSubject;

const READERS: ReadonlyMap<string, ResourceReader> = new Map<string, ResourceReader>([
  [LAUNCH_PERMISSION, (module, resource, instance, name) => {
    const calls = singleGrantCalls(module, resource, instance, LAUNCH_PERMISSION_FIELDS);
    const tie = tiedImage(module, resource, 'image_id', instance);
    return subject(resource, tie === undefined ? name : `${name} (${tie.address})`, sharingFromCalls(calls), NOTHING, tie?.amiName);
  }],
  [SNAPSHOT_PERMISSION, (module, resource, instance, name) => {
    const calls = singleGrantCalls(module, resource, instance, ['account_id']);
    const tie = tiedImage(module, resource, 'snapshot_id', instance);
    // A create-volume permission alone says nothing of who may launch the AMI: the subject is the
    // snapshot (type 'snapshot'), so that no launch-versus-snapshot mismatch is inferred from it.
    return { ...subject(resource, tie === undefined ? name : `${name} (${tie.address})`, NOTHING, sharingFromCalls(calls), tie?.amiName), type: 'snapshot' };
  }],
  [DISTRIBUTION_CONFIGURATION, (module, resource, instance, name) => subject(resource, name, sharingFromCalls(distributionCalls(module, instance, resource)), NOTHING, undefined)],
]);

function subject(resource: ResourceDeclaration, name: string, launch: Sharing, snapshot: Sharing, amiName: string | undefined): ImageSubject {
  return {
    origin: 'template',
    name,
    type: resource.type,
    file: resource.file,
    location: resource.loc,
    launch,
    snapshot,
    ...(amiName === undefined ? {} : { amiName }),
  };
}

/** `account_id = "..."` and its siblings: each holds one grantee, sent in its own call. */
function singleGrantCalls(module: ModuleScope, resource: ResourceDeclaration, instance: Instance, fields: readonly string[]): GrantCall[] {
  const calls: GrantCall[] = [];
  for (const field of fields) {
    const found = attribute(resource.body, field);
    if (found === undefined) continue;
    const expr = found.expr;
    const items = grantItems(module.evaluator.evaluate(expr, instance.scope), expr.loc, false, instance.doubt);
    if (items.length === 0) continue;
    calls.push({ field, syntax: SYNTAX[field] ?? 'any', items, fix: `remove this ${resource.type} resource, or set ${field} to an approved grantee` });
  }
  return calls;
}

/**
 * The launch permissions of every `distribution` → `ami_distribution_configuration` →
 * `launch_permission` block, written out or dynamic. Each list is its own call; a list that the
 * same attribute makes again for another region (a dynamic `distribution`) is listed once.
 */
function distributionCalls(module: ModuleScope, instance: Instance, resource: ResourceDeclaration): GrantCall[] {
  const calls: GrantCall[] = [];
  const seen = new Set<string>();
  const { evaluator } = module;
  for (const distribution of expandBlocks(resource.body, 'distribution', evaluator, instance)) {
    for (const ami of expandBlocks(distribution.body, 'ami_distribution_configuration', evaluator, distribution)) {
      for (const permission of expandBlocks(ami.body, 'launch_permission', evaluator, ami)) {
        for (const field of DISTRIBUTION_FIELDS) {
          const found = attribute(permission.body, field);
          if (found === undefined) continue;
          const expr = found.expr;
          const items = grantItems(evaluator.evaluate(expr, permission.scope), expr.loc, true, permission.doubt);
          if (items.length === 0) continue;
          const key = `${field}\n${items.map(itemKey).join('\n')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          calls.push({ field: `launch_permission.${field}`, syntax: SYNTAX[field] ?? 'any', items });
        }
      }
    }
  }
  return calls;
}

function itemKey(item: EvaluatedItem): string {
  const at = `${item.location.file}:${item.location.line}:${item.location.column}`;
  return item.kind === 'known' ? `${at}=${item.value}` : `${at}?${item.reason}`;
}

/**
 * The AMI resource of the configuration a permission's `image_id` (or `snapshot_id`) refers to,
 * in this module or through module arguments (`aws_ami.golden.id`, `var.ami_id` given
 * `aws_ami_copy.eu["x"].id`), with its `name` when known: the reference reaches the permission as
 * an unknown that came through the resource's address.
 */
function tiedImage(module: ModuleScope, resource: ResourceDeclaration, field: string, instance: Instance): { address: string; amiName?: string } | undefined {
  const found = attribute(resource.body, field);
  if (found === undefined) return undefined;
  const value = module.evaluator.evaluate(found.expr, instance.scope);
  if (value.kind !== 'unknown' || value.via === undefined) return undefined;
  const image = module.images.get(value.via);
  if (image === undefined) return undefined;
  const amiName = image();
  return amiName === undefined ? { address: value.via } : { address: value.via, amiName };
}
