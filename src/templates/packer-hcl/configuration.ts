import { formatLocation, type SourceLocation } from '../../core/index.js';
import { AMAZON_BUILDERS, AMAZON_POST_PROCESSORS, SHARING_FIELDS, type TemplateProblem } from '../model.js';
import { attribute, type Attribute, type Block, type Body, type BodySchema, type BlockSchema, type Expr } from '../hcl/syntax.js';
import type { VariableDeclaration } from '../hcl/variables.js';

/** The settings read from an AMI-producing source (and from a build's override of it). */
const SOURCE_SETTINGS = ['ami_name', 'encrypt_boot', 'kms_key_id', 'region_kms_key_ids'] as const;
/** amazon-import names its encryption settings differently (post-processor.go). */
const IMPORT_SETTINGS = ['ami_name', 'ami_encrypt', 'ami_kms_key'] as const;
export const IMPORT_FIELDS = ['ami_users', 'ami_groups', 'ami_org_arns', 'ami_ou_arns'] as const;
/** One `ebs_volumes` block of amazon-ebsvolume: a snapshot, shared per volume. */
export const VOLUME_FIELDS = ['snapshot_users', 'snapshot_groups'] as const;
const VOLUME_SETTINGS = ['encrypted', 'kms_key_id'] as const;

const AMAZON_BUILDER_TYPES: ReadonlySet<string> = new Set(AMAZON_BUILDERS);
const AMAZON_POST_PROCESSOR_TYPES: ReadonlySet<string> = new Set(AMAZON_POST_PROCESSORS);

const NO_BLOCKS: ReadonlyMap<string, BlockSchema> = new Map();
const ALL_ATTRIBUTES: BodySchema = { blocks: NO_BLOCKS };

function only(...names: string[]): BodySchema {
  return { attributes: new Set(names), blocks: NO_BLOCKS };
}

/** `dynamic "label" { for_each, iterator, labels, content { ... } }`, for one block type. */
function dynamicOf(label: string, content: BodySchema): BlockSchema {
  const schema: BodySchema = {
    attributes: new Set(['for_each', 'iterator', 'labels']),
    blocks: new Map([['content', { labels: 0, body: () => content }]]),
  };
  return { labels: 1, body: (labels) => (labels[0] === label ? schema : undefined) };
}

const VOLUME_SCHEMA = only(...VOLUME_FIELDS, ...VOLUME_SETTINGS);
/** Schemas are made once: a large file has thousands of blocks. */
const NAME_ONLY = only('name');
/** Every post-processor's `only` and `except` are read: one its only/except skips for a source is passed over before `-except` ends a chain. */
const OTHER_POST_PROCESSOR = only('name', 'only', 'except');
const VARIABLE_SCHEMA = only('type', 'default');
const LOCAL_SCHEMA = only('expression');

function sourceSchema(extra: readonly string[]): BodySchema {
  return {
    attributes: new Set([...SHARING_FIELDS, ...SOURCE_SETTINGS, ...extra]),
    blocks: new Map([
      ['ebs_volumes', { labels: 0, body: () => VOLUME_SCHEMA }],
      ['dynamic', dynamicOf('ebs_volumes', VOLUME_SCHEMA)],
    ]),
  };
}

const SOURCE_SCHEMA = sourceSchema([]);
/** A build's `source "type.name" { name = ... }` also renames the build. */
const OVERRIDE_SCHEMA = sourceSchema(['name']);
/**
 * `only` and `except` name the sources of the build the post-processor runs for; `name` is what
 * `-except` matches, which other post-processors are kept for: it ends their chain.
 */
const IMPORT_SCHEMA = only(...IMPORT_FIELDS, ...IMPORT_SETTINGS, 'only', 'except', 'name');

const POST_PROCESSOR: BlockSchema = {
  labels: 1,
  body: (labels) => (AMAZON_POST_PROCESSOR_TYPES.has(labels[0] ?? '') ? IMPORT_SCHEMA : OTHER_POST_PROCESSOR),
};

const BUILD_SCHEMA: BodySchema = {
  attributes: new Set(['name', 'sources']),
  blocks: new Map<string, BlockSchema>([
    // Other builders' overrides are kept for their `name`, which post-processors' only/except use.
    ['source', { labels: 1, body: (labels) => (AMAZON_BUILDER_TYPES.has(parseSourceReference(labels[0] ?? '')?.type ?? '') ? OVERRIDE_SCHEMA : NAME_ONLY) }],
    ['dynamic', dynamicOf('source', OVERRIDE_SCHEMA)],
    ['post-processor', POST_PROCESSOR],
    ['post-processors', { labels: 0, body: () => ({ blocks: new Map([['post-processor', POST_PROCESSOR]]) }) }],
  ]),
};

/** What the reader keeps of a configuration file: provisioners, other builders, data sources are skipped unread. */
export const CONFIGURATION_SCHEMA: BodySchema = {
  attributes: new Set(),
  blocks: new Map<string, BlockSchema>([
    ['variable', { labels: 1, body: () => VARIABLE_SCHEMA }],
    ['variables', { labels: 0, body: () => ALL_ATTRIBUTES }],
    ['locals', { labels: 0, body: () => ALL_ATTRIBUTES }],
    ['local', { labels: 1, body: () => LOCAL_SCHEMA }],
    ['source', { labels: 2, body: (labels) => (AMAZON_BUILDER_TYPES.has(labels[0] ?? '') ? SOURCE_SCHEMA : undefined) }],
    ['build', { labels: 0, body: () => BUILD_SCHEMA }],
  ]),
};

export interface SourceDeclaration {
  readonly type: string;
  readonly name: string;
  readonly body: Body;
  readonly loc: SourceLocation;
  readonly file: string;
}

export interface BuildDeclaration {
  readonly body: Body;
  readonly loc: SourceLocation;
  readonly file: string;
  /** 1-based position among the configuration's build blocks, to tell unnamed builds apart. */
  readonly position: number;
}

export interface Configuration {
  readonly variables: ReadonlyMap<string, VariableDeclaration>;
  readonly locals: ReadonlyMap<string, Attribute>;
  readonly sources: ReadonlyMap<string, SourceDeclaration>;
  readonly builds: readonly BuildDeclaration[];
}

/** A syntax node: its location is computed from its offsets when asked for. */
interface Located {
  readonly loc: SourceLocation;
}

/*
 * The declarations keep their block and compute `loc` when a message or an image needs it: a
 * large file has thousands of declarations whose location is never read, and building them all
 * up front made location objects long-lived enough for V8 to allocate every later one directly
 * in the old generation (issue 11).
 */

class Variable implements VariableDeclaration {
  readonly default: Attribute | undefined;

  constructor(
    readonly name: string,
    private readonly typeAttribute: Attribute | undefined,
    fallback: Attribute | undefined,
    readonly shorthand: boolean,
    private readonly node: Located,
  ) {
    this.default = fallback;
  }

  /** Read when asked for, as every attribute's expression is. */
  get type(): Expr | undefined {
    return this.typeAttribute?.expr;
  }

  get loc(): SourceLocation {
    return this.node.loc;
  }
}

class Source implements SourceDeclaration {
  constructor(
    readonly type: string,
    readonly name: string,
    readonly body: Body,
    private readonly node: Located,
    readonly file: string,
  ) {}

  get loc(): SourceLocation {
    return this.node.loc;
  }
}

class Build implements BuildDeclaration {
  constructor(
    readonly body: Body,
    private readonly node: Located,
    readonly file: string,
    readonly position: number,
  ) {}

  get loc(): SourceLocation {
    return this.node.loc;
  }
}

/** Gathers the declarations of all files of one folder, which Packer treats as one configuration. */
export function assembleConfiguration(files: readonly { file: string; body: Body }[], problems: TemplateProblem[]): Configuration {
  const variables = new Map<string, VariableDeclaration>();
  const locals = new Map<string, Attribute>();
  const localDefinitions = new Map<string, Located>();
  const sources = new Map<string, SourceDeclaration>();
  const builds: BuildDeclaration[] = [];

  const declareLocal = (name: string, value: Attribute, definition: Located): void => {
    const first = localDefinitions.get(name);
    if (first !== undefined) {
      problems.push({ message: `local.${name} is defined twice (first at ${formatLocation(first.loc)}); Packer rejects the configuration`, location: definition.loc });
      return;
    }
    locals.set(name, value);
    localDefinitions.set(name, definition);
  };
  const declareVariable = (declaration: VariableDeclaration): void => {
    const first = variables.get(declaration.name);
    if (first !== undefined) {
      problems.push({
        message: `variable "${declaration.name}" is declared twice (first at ${formatLocation(first.loc)}); Packer rejects the configuration`,
        location: declaration.loc,
      });
      return;
    }
    variables.set(declaration.name, declaration);
  };

  for (const { file, body } of files) {
    for (const block of body.blocks) {
      switch (block.type) {
        case 'variable': {
          const [name] = block.labels;
          if (name !== undefined) {
            declareVariable(new Variable(name, attribute(block.body, 'type'), attribute(block.body, 'default'), false, block));
          }
          break;
        }
        case 'variables':
          // The older shorthand: each attribute declares an untyped variable with a default.
          for (const entry of block.body.attributes) declareVariable(new Variable(entry.name, undefined, entry, true, entry));
          break;
        case 'locals':
          for (const entry of block.body.attributes) declareLocal(entry.name, entry, entry);
          break;
        case 'local': {
          const [name] = block.labels;
          const expression = attribute(block.body, 'expression');
          if (name !== undefined && expression !== undefined) declareLocal(name, expression, block);
          break;
        }
        case 'source':
          declareSource(block, file, sources, problems);
          break;
        case 'build':
          builds.push(new Build(block.body, block, file, builds.length + 1));
          break;
      }
    }
  }
  return { variables, locals, sources, builds };
}

function declareSource(block: Block, file: string, sources: Map<string, SourceDeclaration>, problems: TemplateProblem[]): void {
  const [type, name] = block.labels;
  if (type === undefined || name === undefined) return;
  const key = `${type}.${name}`;
  const first = sources.get(key);
  if (first !== undefined) {
    problems.push({ message: `source "${type}" "${name}" is declared twice (first at ${formatLocation(first.loc)}); Packer rejects the configuration`, location: block.loc });
    return;
  }
  sources.set(key, new Source(type, name, block.body, block, file));
}

/**
 * `source.amazon-ebs.x`, `sources.amazon-ebs.x` or `amazon-ebs.x`, as Packer's
 * sourceRefFromString reads them: with three parts the first is dropped.
 */
export function parseSourceReference(reference: string): { type: string; name: string } | undefined {
  const parts = reference.split('.');
  const [type, name] = parts.length > 2 ? parts.slice(1) : parts;
  if (type === undefined || name === undefined || type === '' || name === '') return undefined;
  return { type, name };
}
