import type { BlockSchema, BodySchema } from '../hcl/syntax.js';

/** The resources that grant launch or create-volume permission (AWS-FACTS.md, the AWS provider). */
export const LAUNCH_PERMISSION = 'aws_ami_launch_permission';
export const SNAPSHOT_PERMISSION = 'aws_snapshot_create_volume_permission';
export const DISTRIBUTION_CONFIGURATION = 'aws_imagebuilder_distribution_configuration';
/** The region's block public access for AMIs (`state = "block-new-sharing"` or `"unblocked"`). */
export const IMAGE_BLOCK_PUBLIC_ACCESS = 'aws_ec2_image_block_public_access';
/** Resources that make an AMI: a permission's `image_id` pointing at one is tied to it. */
export const AMI_RESOURCES: ReadonlySet<string> = new Set(['aws_ami', 'aws_ami_copy', 'aws_ami_from_instance']);

/** `aws_ami_launch_permission`: exactly one grantee per resource (one ModifyImageAttribute call). */
export const LAUNCH_PERMISSION_FIELDS = ['account_id', 'group', 'organization_arn', 'organizational_unit_arn'] as const;
/** `launch_permission { }` of an Image Builder distribution: lists. */
export const DISTRIBUTION_FIELDS = ['user_ids', 'user_groups', 'organization_arns', 'organizational_unit_arns'] as const;

const NO_BLOCKS: ReadonlyMap<string, BlockSchema> = new Map();
const ALL_ATTRIBUTES: BodySchema = { blocks: NO_BLOCKS };
/** A block kept for its labels only (a resource a reference may name), its body skipped. */
const LABELS_ONLY: BodySchema = { attributes: new Set(), blocks: NO_BLOCKS };
/** Every resource, data source and module call may repeat with these. */
const REPETITION = ['count', 'for_each'];
/** Where a resource acts: its provider configuration and (AWS provider 6) its own region. */
const PLACEMENT = ['provider', 'region'];

function only(names: readonly string[], blocks: ReadonlyMap<string, BlockSchema> = NO_BLOCKS): BodySchema {
  return { attributes: new Set(names), blocks };
}

/**
 * Nested blocks written out or generated with `dynamic "type" { for_each, iterator, content { } }`,
 * which Terraform expands into blocks of that type.
 */
function nested(blocks: ReadonlyMap<string, BodySchema>): ReadonlyMap<string, BlockSchema> {
  const schemas = new Map<string, BlockSchema>();
  for (const [type, body] of blocks) schemas.set(type, { labels: 0, body: () => body });
  const dynamic = new Map<string, BodySchema>();
  for (const [type, body] of blocks) {
    dynamic.set(type, { attributes: new Set(['for_each', 'iterator', 'labels']), blocks: new Map([['content', { labels: 0, body: () => body }]]) });
  }
  schemas.set('dynamic', { labels: 1, body: (labels) => dynamic.get(labels[0] ?? '') });
  return schemas;
}

const LAUNCH_PERMISSION_BLOCK = only(DISTRIBUTION_FIELDS);
const AMI_DISTRIBUTION = only([], nested(new Map([['launch_permission', LAUNCH_PERMISSION_BLOCK]])));
const DISTRIBUTION = only([], nested(new Map([['ami_distribution_configuration', AMI_DISTRIBUTION]])));

const RESOURCE_SCHEMAS: ReadonlyMap<string, BodySchema> = new Map([
  [LAUNCH_PERMISSION, only([...REPETITION, ...PLACEMENT, 'image_id', ...LAUNCH_PERMISSION_FIELDS])],
  [IMAGE_BLOCK_PUBLIC_ACCESS, only([...REPETITION, ...PLACEMENT, 'state'])],
  [SNAPSHOT_PERMISSION, only([...REPETITION, 'snapshot_id', 'account_id'])],
  [DISTRIBUTION_CONFIGURATION, only(REPETITION, nested(new Map([['distribution', DISTRIBUTION]])))],
  ...[...AMI_RESOURCES].map((type): [string, BodySchema] => [type, only([...REPETITION, 'name'])]),
]);

/** What the reader keeps of a `.tf` file: provider settings but `alias`, outputs' details, other resources' bodies are skipped. */
export const MODULE_SCHEMA: BodySchema = {
  attributes: new Set(),
  blocks: new Map<string, BlockSchema>([
    ['variable', { labels: 1, body: () => only(['type', 'default']) }],
    ['locals', { labels: 0, body: () => ALL_ATTRIBUTES }],
    ['output', { labels: 1, body: () => only(['value']) }],
    ['module', { labels: 1, body: () => ALL_ATTRIBUTES }],
    // Only `alias`: which configuration a resource uses is what tells regions apart.
    ['provider', { labels: 1, body: () => only(['alias']) }],
    ['resource', { labels: 2, body: (labels) => RESOURCE_SCHEMAS.get(labels[0] ?? '') ?? LABELS_ONLY }],
    ['data', { labels: 2, body: () => LABELS_ONLY }],
  ]),
};
