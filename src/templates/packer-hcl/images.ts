import { formatLocation, type SourceLocation } from '../../core/index.js';
import {
  AMAZON_BUILDERS,
  AMAZON_POST_PROCESSORS,
  SHARING_FIELDS,
  type EvaluatedField,
  type EvaluatedScalar,
  type SharingField,
  type TemplateImage,
  type TemplateProblem,
} from '../model.js';
import type { BuildSelection } from './build-filter.js';
import { IMPORT_FIELDS, parseSourceReference, VOLUME_FIELDS, type Configuration, type SourceDeclaration } from './configuration.js';
import { bind, type Evaluator, type Scope } from '../hcl/evaluate.js';
import { evaluateBoolSetting, evaluateCustomerKey, evaluateListField, evaluateStringSetting, type BoundAttribute } from './fields.js';
import { attribute, type Block, type Body } from '../hcl/syntax.js';
import { asString, object, stoppedAtLimit, str, type Value } from '../hcl/value.js';

/** Which settings of an AMI-producing block hold its sharing, encryption and name. */
interface Shape {
  readonly fields: readonly SharingField[];
  readonly encrypt: string;
  readonly kmsKey: string;
  readonly regionKmsKeys?: string;
  readonly amiName?: string;
}

const AMI_BUILDER: Shape = {
  fields: SHARING_FIELDS,
  encrypt: 'encrypt_boot',
  kmsKey: 'kms_key_id',
  regionKmsKeys: 'region_kms_key_ids',
  amiName: 'ami_name',
};
const IMPORT_POST_PROCESSOR: Shape = { fields: IMPORT_FIELDS, encrypt: 'ami_encrypt', kmsKey: 'ami_kms_key', amiName: 'ami_name' };
const EBS_VOLUME: Shape = { fields: VOLUME_FIELDS, encrypt: 'encrypted', kmsKey: 'kms_key_id' };

const AMAZON_BUILDER_TYPES: ReadonlySet<string> = new Set(AMAZON_BUILDERS);
const AMAZON_POST_PROCESSOR_TYPES: ReadonlySet<string> = new Set(AMAZON_POST_PROCESSORS);

/** A body with the names its attributes are evaluated with. */
interface BoundBody {
  readonly body: Body;
  readonly scope: Scope | undefined;
}

/** One AMI or snapshot to evaluate, before its name is made unique. */
interface Candidate {
  readonly type: string;
  readonly name: string;
  /** `build "name"` or `build 2`: added to the name when several images would share it. */
  readonly build: string | undefined;
  readonly file: string;
  readonly loc: SourceLocation;
  readonly shape: Shape;
  /**
   * Makes the lookup of a setting (the override's, else the source's) when the image is
   * evaluated, not before: all candidates are held until their names are made unique (issue 11).
   */
  readonly settings: () => Settings;
}

type Settings = (name: string) => BoundAttribute | undefined;

/** A source as one build uses it: the declaration, and the build's override if any. */
interface SourceUse {
  readonly declaration: SourceDeclaration;
  readonly override: (BoundBody & { readonly loc: SourceLocation }) | undefined;
  /** The `dynamic "source"` iteration's key. */
  readonly key: string | undefined;
  /** Its type and name in the build, as `-only` and post-processors' `only` name it. */
  readonly run: SourceRun;
}

/**
 * The images a configuration makes: every source as each build uses it (with the build's
 * overrides), and every amazon-import post-processor that runs for at least one of them. A
 * source no build uses is never built (Packer only starts the sources a build names), so it
 * makes no image and its sharing is not reported; nor does one `-only` / `-except` leaves out.
 */
export function collectImages(configuration: Configuration, evaluator: Evaluator, problems: TemplateProblem[], selection?: BuildSelection): TemplateImage[] {
  const candidates: Candidate[] = [];
  // A dynamic block's iterations share one content body: its duplicates are reported once.
  const checked = new Set<Body>();
  const possible: string[] = [];
  let selected = 0;
  for (const build of configuration.builds) {
    const buildName = evaluateName(evaluator, attribute(build.body, 'name'), undefined);
    const label = buildName === undefined ? `build ${build.position}` : `build "${buildName}"`;
    const all = sourceUses(configuration, evaluator, build.body, problems);
    // A name that cannot be known is not filtered out: its sharing stays checked.
    const named = buildName !== undefined || attribute(build.body, 'name') === undefined;
    const runsHere = (run: SourceRun): boolean => selection === undefined || !named || selection.runs(`${buildName === undefined ? '' : `${buildName}.`}${run.type}.${run.name}`);
    // Only a filter that leaves nothing names them.
    if (selection !== undefined) possible.push(...all.runs.map((run) => `${buildName === undefined ? '' : `${buildName}.`}${run.type}.${run.name}`));
    const runs = all.runs.filter(runsHere);
    const uses = all.uses.filter((use) => runsHere(use.run));
    selected += runs.length;
    for (const use of uses) {
      if (use.override !== undefined && !checked.has(use.override.body)) {
        checked.add(use.override.body);
        reportDuplicates(use.declaration, use.override, problems);
      }
      candidates.push(...useCandidates(evaluator, use, label, problems));
    }
    candidates.push(...postProcessorCandidates(evaluator, build.body, build.file, label, runs, buildName, problems, selection));
  }
  const first = configuration.builds[0];
  if (selection !== undefined && first !== undefined && possible.length > 0 && selected === 0) {
    // Packer: "No builds to run": a filter that leaves nothing fails the build, never a pass.
    problems.push({ message: `the only / except build filters leave none of this configuration's builds to run (${possible.join(', ')}); Packer stops with "No builds to run"`, location: first.loc });
  }
  return uniqueNames(candidates).map(({ candidate, name }) => evaluateImage(evaluator, candidate, name, problems));
}

/** What a build starts: the amazon sources it makes images from, and every source by name. */
interface BuildSources {
  readonly uses: readonly SourceUse[];
  readonly runs: readonly SourceRun[];
}

/** A source a build starts, of any type, as post-processors' only/except name it. */
interface SourceRun {
  readonly type: string;
  /** The build's `name` for it, else its declared name. */
  readonly name: string;
}

/** Packer starts the `sources = [...]` list first, then the `source` blocks in order. */
function sourceUses(configuration: Configuration, evaluator: Evaluator, body: Body, problems: TemplateProblem[]): BuildSources {
  const uses: SourceUse[] = [];
  const runs: SourceRun[] = [];
  const add = (reference: string, loc: SourceLocation, override: SourceUse['override'], key: string | undefined): void => {
    const parsed = parseSourceReference(reference);
    if (parsed === undefined) return;
    const run = { type: parsed.type, name: override === undefined ? parsed.name : (literalName(override.body) ?? parsed.name) };
    runs.push(run);
    if (!AMAZON_BUILDER_TYPES.has(parsed.type)) return;
    const declaration = configuration.sources.get(`${parsed.type}.${parsed.name}`);
    if (declaration === undefined) {
      problems.push({ message: `the build uses source.${parsed.type}.${parsed.name}, which is not declared; Packer rejects the build`, location: loc });
      return;
    }
    uses.push({ declaration, override, key, run });
  };

  const sources = attribute(body, 'sources');
  if (sources !== undefined) {
    const value = evaluator.evaluate(sources.expr);
    const items = value.kind === 'list' ? value.items : [value];
    for (const item of items) {
      if (item.kind === 'null') continue;
      const reference = asString(item);
      if (reference !== undefined) add(reference, item.site ?? sources.loc, undefined, undefined);
      else problems.push({ message: `cannot tell which source the build uses: ${reasonOf(item)}`, location: item.site ?? sources.loc, unevaluated: true });
    }
  }
  for (const block of body.blocks) {
    if (block.type === 'source') {
      add(block.labels[0] ?? '', block.loc, { body: block.body, scope: undefined, loc: block.loc }, undefined);
    } else if (block.type === 'dynamic') {
      let reported = false;
      for (const expansion of expandDynamic(evaluator, block, undefined, problems)) {
        const labels = attribute(block.body, 'labels');
        const value = labels === undefined ? undefined : evaluator.evaluate(labels.expr, expansion.scope);
        const first = value?.kind === 'list' ? value.items[0] : value;
        const reference = first === undefined ? undefined : asString(first);
        if (reference === undefined) {
          if (!reported) {
            const reason = first === undefined ? 'it has no labels' : reasonOf(first);
            problems.push({ message: `cannot tell which source this dynamic block overrides: ${reason}`, location: block.loc, unevaluated: true });
          }
          reported = true;
          continue;
        }
        add(reference, block.loc, { body: expansion.body, scope: expansion.scope, loc: block.loc }, expansion.key);
      }
    }
  }
  return { uses, runs };
}

/** One candidate per use; amazon-ebsvolume gives one per `ebs_volumes` block instead. */
function useCandidates(evaluator: Evaluator, use: SourceUse, build: string | undefined, problems: TemplateProblem[]): Candidate[] {
  const { declaration, override } = use;
  const localName = override === undefined ? undefined : evaluateName(evaluator, attribute(override.body, 'name'), override.scope);
  const name = `${declaration.type}.${localName ?? declaration.name}${use.key === undefined ? '' : `[${use.key}]`}`;
  if (declaration.type !== 'amazon-ebsvolume') return [new SourceCandidate(declaration, override, localName, name, build)];
  const [declared, overriding] = boundBodies(declaration, override, localName);
  const base = { type: declaration.type, build, file: override?.loc.file ?? declaration.file };
  // Blocks merge by adding: the build's volumes come after the source's.
  const volumes = [declared, ...(overriding === undefined ? [] : [overriding])].flatMap((bound) => volumesOf(evaluator, bound, problems));
  if (volumes.length === 0) {
    return [{ ...base, name, loc: override?.loc ?? declaration.loc, shape: EBS_VOLUME, settings: () => () => undefined }];
  }
  return volumes.map((volume, position) => ({
    ...base,
    name: `${name} ebs_volumes[${position}]`,
    file: volume.loc.file,
    loc: volume.loc,
    shape: EBS_VOLUME,
    settings: () => merged(volume, undefined),
  }));
}

/**
 * A source's image as one build uses it. It is small, and makes its location and settings when
 * the image is evaluated: all candidates are held until their names are made unique (issue 11).
 */
class SourceCandidate implements Candidate {
  readonly type: string;
  readonly shape = AMI_BUILDER;

  constructor(
    private readonly declaration: SourceDeclaration,
    private readonly override: SourceUse['override'],
    private readonly localName: string | undefined,
    readonly name: string,
    readonly build: string | undefined,
  ) {
    this.type = declaration.type;
  }

  get file(): string {
    return this.override?.loc.file ?? this.declaration.file;
  }

  get loc(): SourceLocation {
    return this.override?.loc ?? this.declaration.loc;
  }

  settings(): Settings {
    return merged(...boundBodies(this.declaration, this.override, this.localName));
  }
}

/** The source's body and the build's override, with the `source` accessor (`source.name`). */
function boundBodies(declaration: SourceDeclaration, override: SourceUse['override'], localName: string | undefined): [BoundBody, BoundBody | undefined] {
  const accessor = bind(
    'source',
    object(new Map<string, Value>([['type', str(declaration.type)], ['name', str(localName ?? declaration.name)]])),
    undefined,
    false,
  );
  const declared: BoundBody = { body: declaration.body, scope: accessor };
  return [declared, override === undefined ? undefined : { body: override.body, scope: withParent(override.scope, accessor) }];
}

function volumesOf(evaluator: Evaluator, bound: BoundBody, problems: TemplateProblem[]): (BoundBody & { loc: SourceLocation })[] {
  const volumes: (BoundBody & { loc: SourceLocation })[] = [];
  for (const block of bound.body.blocks) {
    if (block.type === 'ebs_volumes') volumes.push({ body: block.body, scope: bound.scope, loc: block.loc });
    else if (block.type === 'dynamic') {
      for (const expansion of expandDynamic(evaluator, block, bound.scope, problems)) volumes.push({ ...expansion, loc: block.loc });
    }
  }
  return volumes;
}

function postProcessorCandidates(
  evaluator: Evaluator,
  body: Body,
  file: string,
  build: string,
  runs: readonly SourceRun[],
  buildName: string | undefined,
  problems: TemplateProblem[],
  selection: BuildSelection | undefined,
): Candidate[] {
  // A `post-processor` block is a chain of one; a `post-processors` block chains its blocks.
  const chains: Block[][] = [];
  for (const block of body.blocks) {
    if (block.type === 'post-processor') chains.push([block]);
    else if (block.type === 'post-processors') chains.push(block.body.blocks.filter((inner) => inner.type === 'post-processor'));
  }
  const candidates: Candidate[] = [];
  for (const chain of chains) {
    // Per source, as hcl2template getCoreBuildPostProcessors: a post-processor whose only/except
    // skips the source is passed over; then `-except` naming one (its `name`, else its type)
    // ends the chain for that source.
    const skips = chain.map((block) => onlyExcept(evaluator, block, problems));
    const runsFor = chain.map((): SourceRun[] => []);
    for (const run of runs) {
      for (const [at, block] of chain.entries()) {
        const skipped = skips[at]?.(`${run.type}.${run.name}`);
        if (skipped === true) continue;
        if (selection?.excludes(literalName(block.body) ?? block.labels[0] ?? '') === true) {
          // Whether it runs is not known: the chain may go on past it.
          if (skipped === undefined) continue;
          break;
        }
        runsFor[at]?.push(run);
      }
    }
    chain.forEach((block, at) => {
      const sources = runsFor[at] ?? [];
      if (AMAZON_POST_PROCESSOR_TYPES.has(block.labels[0] ?? '') && sources.length > 0) candidates.push(postProcessorCandidate(block, sources, file, build, buildName));
    });
  }
  return candidates;
}

/** An amazon-import post-processor, run after `runsFor` (the sources its chain reaches it for). */
function postProcessorCandidate(block: Block, runsFor: readonly SourceRun[], file: string, build: string, buildName: string | undefined): Candidate {
  // `source.name` is known only when it runs for one source.
  const [single] = runsFor;
  let scope: Scope | undefined;
  if (runsFor.length === 1 && single !== undefined) {
    scope = bind('source', object(new Map<string, Value>([['type', str(single.type)], ['name', str(single.name)]])), scope, false);
  }
  if (buildName !== undefined) scope = bind('build', object(new Map<string, Value>([['name', str(buildName)]])), scope, false);
  return {
    type: block.labels[0] ?? 'amazon-import',
    name: block.labels[0] ?? 'amazon-import',
    build,
    file,
    loc: block.loc,
    shape: IMPORT_POST_PROCESSOR,
    settings: () => merged({ body: block.body, scope }, undefined),
  };
}

/** A build-level source block's literal `name`, which renames the source in the build. */
function literalName(body: Body): string | undefined {
  const rename = attribute(body, 'name')?.expr;
  return rename?.type === 'literal' && typeof rename.value === 'string' && rename.value !== '' ? rename.value : undefined;
}

/**
 * Packer's OnlyExcept.Skip: with `only`, everything not named is skipped; else with `except`,
 * what is named. Undefined when a list cannot be known: the post-processor may run or not, so
 * its sharing stays checked, and `-except` naming it does not end its chain.
 */
function onlyExcept(evaluator: Evaluator, block: Block, problems: TemplateProblem[]): (source: string) => boolean | undefined {
  const names = (setting: string): readonly string[] | undefined => {
    const bound = attribute(block.body, setting);
    if (bound === undefined) return [];
    const value = evaluator.evaluate(bound.expr);
    if (value.kind !== 'list') return value.kind === 'null' ? [] : undefined;
    const texts = value.items.map(asString);
    return texts.every((text): text is string => text !== undefined) ? texts : undefined;
  };
  const onlyList = names('only');
  const exceptList = names('except');
  if (onlyList === undefined || exceptList === undefined) return () => undefined;
  if (onlyList.length > 0 && exceptList.length > 0) {
    problems.push({ message: `the post-processor sets both only and except; Packer rejects it ("only one of 'only' or 'except' may be specified")`, location: block.loc });
  }
  if (onlyList.length > 0) return (source) => !onlyList.includes(source);
  return (source) => exceptList.includes(source);
}

interface Expansion extends BoundBody {
  readonly key: string | undefined;
}

/**
 * `dynamic "x" { for_each = ..., iterator = it, content { ... } }`: one body per element, with
 * the iterator (named after the block unless `iterator` says otherwise) holding `key` and `value`.
 * When the collection is unknown, one body whose iterator is that unknown.
 */
function expandDynamic(evaluator: Evaluator, block: Block, scope: Scope | undefined, problems: TemplateProblem[]): Expansion[] {
  const content = block.body.blocks.find((inner) => inner.type === 'content');
  const forEach = attribute(block.body, 'for_each');
  if (content === undefined || forEach === undefined) {
    problems.push({ message: `the dynamic "${block.labels[0] ?? ''}" block needs for_each and a content block`, location: block.loc });
    return [];
  }
  const iteratorExpr = attribute(block.body, 'iterator')?.expr;
  const iterator = iteratorExpr?.type === 'reference' ? iteratorExpr.name : (block.labels[0] ?? 'each');
  const forEachExpr = forEach.expr;
  const pairs = evaluator.iterate(forEachExpr, scope, forEachExpr.loc);
  if (!Array.isArray(pairs)) return [{ body: content.body, scope: bind(iterator, pairs, scope), key: '?' }];
  return pairs.map(([key, value]) => ({
    body: content.body,
    scope: bind(iterator, object(new Map([['key', key], ['value', value]])), scope),
    key: asString(key) ?? '?',
  }));
}

/** The override's attribute if it sets one, else the source's. */
function merged(declared: BoundBody, overriding: BoundBody | undefined): Settings {
  return (name) => {
    const fromOverride = overriding === undefined ? undefined : attribute(overriding.body, name);
    if (fromOverride !== undefined && overriding !== undefined) return { attribute: fromOverride, scope: overriding.scope };
    const fromSource = attribute(declared.body, name);
    return fromSource === undefined ? undefined : { attribute: fromSource, scope: declared.scope };
  };
}

/**
 * Packer merges a build's source block into the source with hcl.MergeBodies (plugin.go), which
 * refuses a setting given in both ("Duplicate argument") at the second setting's name.
 */
function reportDuplicates(declaration: SourceDeclaration, override: BoundBody, problems: TemplateProblem[]): void {
  for (const setting of override.body.attributes) {
    if (setting.name === 'name') continue;
    const original = attribute(declaration.body, setting.name);
    if (original === undefined) continue;
    const { loc } = setting;
    problems.push({
      message: `Duplicate argument: ${setting.name} is already set in source "${declaration.type}" "${declaration.name}" (${formatLocation(original.loc)}); Packer refuses the configuration before building`,
      location: { ...loc, endLine: loc.line, endColumn: loc.column + setting.name.length },
    });
  }
}

function withParent(scope: Scope | undefined, parent: Scope): Scope {
  if (scope === undefined) return parent;
  return bind(scope.name, scope.value, withParent(scope.parent, parent), scope.traced);
}

function evaluateName(evaluator: Evaluator, bound: ReturnType<typeof attribute>, scope: Scope | undefined): string | undefined {
  if (bound === undefined) return undefined;
  const value = evaluator.evaluate(bound.expr, scope);
  const text = asString(value);
  return text === undefined || text === '' ? undefined : text;
}

/**
 * Names that images of several builds share get their build; names still shared (the same
 * source twice in one build, two imports in one build) get a number.
 */
function uniqueNames(candidates: readonly Candidate[]): { candidate: Candidate; name: string }[] {
  const buildsByName = new Map<string, Set<string | undefined>>();
  for (const candidate of candidates) {
    const builds = buildsByName.get(candidate.name) ?? new Set<string | undefined>();
    buildsByName.set(candidate.name, builds.add(candidate.build));
  }
  const withBuilds = candidates.map((candidate) =>
    (buildsByName.get(candidate.name)?.size ?? 0) > 1 && candidate.build !== undefined ? `${candidate.name} (${candidate.build})` : candidate.name,
  );
  const counts = new Map<string, number>();
  for (const name of withBuilds) counts.set(name, (counts.get(name) ?? 0) + 1);
  const seen = new Map<string, number>();
  return candidates.map((candidate, position) => {
    const name = withBuilds[position] ?? candidate.name;
    if ((counts.get(name) ?? 0) <= 1) return { candidate, name };
    const index = (seen.get(name) ?? 0) + 1;
    seen.set(name, index);
    return { candidate, name: `${name} #${index}` };
  });
}

function evaluateImage(evaluator: Evaluator, candidate: Candidate, name: string, problems: TemplateProblem[]): TemplateImage {
  const { shape } = candidate;
  const setting = candidate.settings();
  const fields: Partial<Record<SharingField, EvaluatedField>> = {};
  for (const field of shape.fields) {
    const bound = setting(field);
    if (bound === undefined) continue;
    const evaluated = evaluateListField(evaluator, field, bound);
    fields[field] = evaluated;
    reportLimits(name, evaluated, problems);
  }
  const amiNameSetting = shape.amiName === undefined ? undefined : setting(shape.amiName);
  const amiName: EvaluatedScalar<string> | undefined = amiNameSetting === undefined ? undefined : evaluateStringSetting(evaluator, amiNameSetting);
  const encryptSetting = setting(shape.encrypt);
  const encryptBoot = encryptSetting === undefined ? undefined : evaluateBoolSetting(evaluator, encryptSetting);
  const customerKmsKey = evaluateCustomerKey(
    evaluator,
    setting(shape.kmsKey),
    shape.regionKmsKeys === undefined ? undefined : setting(shape.regionKmsKeys),
  );
  return {
    format: 'packer-hcl',
    type: candidate.type,
    name,
    file: candidate.file,
    location: candidate.loc,
    fields,
    ...(amiName === undefined ? {} : { amiName }),
    ...(encryptBoot === undefined ? {} : { encryptBoot }),
    ...(customerKmsKey === undefined ? {} : { customerKmsKey }),
  };
}

/**
 * A sharing field whose evaluation stopped at one of amiguard's limits is an error, not only an
 * unknown: the configuration may be fine for Packer, but amiguard cannot tell who it shares with.
 */
function reportLimits(name: string, field: EvaluatedField, problems: TemplateProblem[]): void {
  for (const item of field.items) {
    if (item.kind !== 'unknown') continue;
    if (stoppedAtLimit(item.reason)) {
      problems.push({ message: `${name}: ${field.field}: ${item.reason}; who it is shared with is not known`, location: item.location, unevaluated: true });
    } else if (item.rejected === true) {
      // Packer decodes the source before building and stops on a value it cannot use.
      problems.push({ message: `${name}: ${field.field}: ${item.reason}`, location: item.location });
    }
  }
}

function reasonOf(value: Value): string {
  if (value.kind === 'unknown') return value.reason;
  if (value.kind === 'error') return value.message;
  return `expected a string like "source.amazon-ebs.name", found ${value.kind}`;
}
