import type { ImageSubject, SourceLocation } from '../../core/index.js';
import { attribute, type Expr } from '../hcl/syntax.js';
import type { ResourceDeclaration } from './configuration.js';
import { expandInstances, type Instance } from './expand.js';
import type { ModuleScope } from './resources.js';
import { IMAGE_BLOCK_PUBLIC_ACCESS } from './schema.js';

/** The state in which AWS refuses to make an AMI public in the region (AWS-FACTS.md, block public access). */
const BLOCKING = 'block-new-sharing';

/** Where a resource acts: the account and region of its provider configuration, narrowed by its own `region`. */
export interface Placement {
  /** The provider configuration in the root module's terms (`aws`, `aws.west`, `module.x.aws`); undefined when amiguard cannot tell which. */
  readonly provider: string | undefined;
  /** The resource's own `region` argument (AWS provider 6) when it has one, with its value when known. */
  readonly region: { readonly value: string | undefined } | undefined;
}

/** A subject and, for a resource whose region a block public access resource may cover, where it acts. */
export interface PlacedSubject {
  readonly subject: ImageSubject;
  readonly placement?: Placement;
}

/** One instance of `aws_ec2_image_block_public_access`. */
export interface BlockInstance {
  readonly address: string;
  readonly loc: SourceLocation;
  readonly placement: Placement;
  /** The `state` when known. */
  readonly state: string | undefined;
  /** Whether the instance may not exist at all (an unknown `count` or `for_each`). */
  readonly doubtful: boolean;
}

/**
 * A provider reference as a `provider` meta-argument or a module's `providers` map writes it:
 * `aws`, `aws.west`, or the same as a string in the JSON syntax.
 */
export function providerReference(expr: Expr): string | undefined {
  if (expr.type === 'reference') return expr.name;
  if (expr.type === 'attribute' && expr.target.type === 'reference') return `${expr.target.name}.${expr.name}`;
  if (expr.type === 'literal' && typeof expr.value === 'string' && /^[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)?$/.test(expr.value)) return expr.value;
  return undefined;
}

export function placementOf(module: ModuleScope, resource: ResourceDeclaration, instance: Instance): Placement {
  const chosen = attribute(resource.body, 'provider');
  // Without `provider`, a resource uses the default configuration of the provider its type is named after.
  const local = chosen === undefined ? resource.type.split('_')[0] : providerReference(chosen.expr);
  const region = attribute(resource.body, 'region');
  const value = region === undefined ? undefined : module.evaluator.evaluate(region.expr, instance.scope);
  return {
    provider: local === undefined ? undefined : module.providerOf(local),
    region: value === undefined ? undefined : { value: value.kind === 'string' ? value.value : undefined },
  };
}

/** The instances of the module's `aws_ec2_image_block_public_access` resources, each with its state when known. */
export function collectBlocks(module: ModuleScope): BlockInstance[] {
  const blocks: BlockInstance[] = [];
  for (const resource of module.config.resources.values()) {
    if (resource.type !== IMAGE_BLOCK_PUBLIC_ACCESS) continue;
    const address = `${module.prefix}${resource.type}.${resource.name}`;
    const state = attribute(resource.body, 'state');
    for (const instance of expandInstances(resource.body, module.evaluator, address, module.doubt)) {
      const value = state === undefined ? undefined : module.evaluator.evaluate(state.expr, instance.scope);
      blocks.push({
        address: `${address}${instance.key}`,
        loc: resource.loc,
        placement: placementOf(module, resource, instance),
        state: value?.kind === 'string' ? value.value : undefined,
        doubtful: instance.doubt !== undefined,
      });
    }
  }
  return blocks;
}

/**
 * The subjects, each marked `publicLaunchBlocked` when a block public access resource of the same
 * configuration surely blocks public sharing where it acts: same provider configuration (or,
 * when one of them cannot be told, a configuration with a single AWS provider configuration) and
 * same region. `configurations` are the AWS provider configurations declared (`aws`, `aws.west`,
 * `module.x.aws`).
 */
export function markBlocked(subjects: readonly PlacedSubject[], blocks: readonly BlockInstance[], configurations: ReadonlySet<string>): ImageSubject[] {
  // An instance that may leave sharing unblocked, or whose state is unknown, may be applied after
  // the one that blocks, in the same region for all amiguard can tell: no block is shown.
  if (blocks.some((block) => block.state !== BLOCKING)) return subjects.map(({ subject }) => subject);
  const single = [...configurations].every((configuration) => configuration === 'aws');
  const certain = blocks.filter((block) => !block.doubtful);
  return subjects.map(({ subject, placement }) => {
    const block = placement === undefined ? undefined : certain.find((candidate) => samePlace(placement, candidate.placement, single));
    return block === undefined ? subject : { ...subject, publicLaunchBlocked: { location: block.loc, via: block.address } };
  });
}

function samePlace(a: Placement, b: Placement, single: boolean): boolean {
  const sameConfiguration = a.provider !== undefined && b.provider !== undefined ? a.provider === b.provider : single;
  if (!sameConfiguration) return false;
  if (a.region === undefined && b.region === undefined) return true;
  return a.region?.value !== undefined && a.region.value === b.region?.value;
}
