import type { Node, ObjectNode, ValueNode } from '@humanwhocodes/momoa';
import {
  AMAZON_BUILDERS,
  AMAZON_POST_PROCESSORS,
  type BuildFilter,
  SHARING_FIELDS,
  type EvaluatedField,
  type EvaluatedScalar,
  type SharingField,
  type TemplateImage,
} from '../model.js';
import { evaluateBoolean, evaluateField, evaluateString, type Evaluator } from './evaluate.js';
import { describeNode, duplicateKeyProblems, locationOf, ObjectIndex } from './json-tree.js';

export const UNTYPED = '(untyped)';

/** Which settings of an AMI-producing object hold its sharing, encryption and name. */
interface Shape {
  readonly fields: readonly SharingField[];
  readonly encrypt?: { readonly key: string; readonly emptyIsUnset: boolean };
  readonly kmsKey?: string;
  readonly regionKmsKeys?: string;
  readonly amiName?: string;
}

const AMI_BUILDER: Shape = {
  fields: SHARING_FIELDS,
  encrypt: { key: 'encrypt_boot', emptyIsUnset: true },
  kmsKey: 'kms_key_id',
  regionKmsKeys: 'region_kms_key_ids',
  amiName: 'ami_name',
};

/** amazon-import: launch permissions only, and its own names for encryption (post-processor.go). */
const IMPORT_POST_PROCESSOR: Shape = {
  fields: ['ami_users', 'ami_groups', 'ami_org_arns', 'ami_ou_arns'],
  encrypt: { key: 'ami_encrypt', emptyIsUnset: false },
  kmsKey: 'ami_kms_key',
  amiName: 'ami_name',
};

/** One entry of amazon-ebsvolume's `ebs_volumes`: a snapshot, shared per volume. */
const EBS_VOLUME: Shape = {
  fields: ['snapshot_users', 'snapshot_groups'],
  encrypt: { key: 'encrypted', emptyIsUnset: true },
  kmsKey: 'kms_key_id',
};

/** An object that makes an AMI or snapshot, before naming. */
interface Candidate {
  readonly type: string;
  /** `builders[2]`, `post-processors[1][0]`: for messages, and to tell apart equal names. */
  readonly path: string;
  /** The builder's `name`, else its type. */
  readonly baseName: string;
  /** Appended to the name: ` ebs_volumes[1]` for one volume of amazon-ebsvolume. */
  readonly suffix: string;
  /** Where the settings are, for messages: `builders[0].ebs_volumes[1]`. */
  readonly settingsPath: string;
  readonly node: Node;
  readonly index: ObjectIndex | undefined;
  readonly shape: Shape;
}

const AMAZON_BUILDER_TYPES: ReadonlySet<string> = new Set(AMAZON_BUILDERS);
const AMAZON_POST_PROCESSOR_TYPES: ReadonlySet<string> = new Set(AMAZON_POST_PROCESSORS);

/**
 * Every AMI-producing builder and post-processor of a template that runs, evaluated. With
 * `-only` / `-except` (packer/core.go BuildNames), a builder runs when its name (its `name`, else
 * its type) is exactly one of `only`, if given, and none of `except`; post-processors run when a
 * build does, and `-except` naming one (its `name`, else its type) ends its sequence there.
 */
export function collectImages(evaluator: Evaluator, top: ObjectIndex, filter?: BuildFilter): TemplateImage[] {
  const candidates: Candidate[] = [];
  // A name that cannot be rendered is not filtered out: its sharing stays checked.
  const runs = (name: string | undefined): boolean => filter === undefined || name === undefined || ((filter.only.length === 0 || filter.only.includes(name)) && !filter.except.includes(name));
  const builders = top.get('builders')?.value;
  if (builders !== undefined) collectBuilders(evaluator, builders, candidates, runs);
  const builds = builders === undefined ? [] : buildsOf(evaluator, builders);
  const names = builds.map((build) => build.rendered);
  const running = names.filter(runs);
  if (filter !== undefined && builders !== undefined && names.length > 0 && running.length === 0) {
    // Packer: "No builds to run": a filter that leaves nothing fails the build, never a pass.
    report(evaluator, builders, `the only / except build filters leave none of this template's builds to run (${names.join(', ')}); Packer stops with "No builds to run"`);
  }
  const postProcessors = top.get('post-processors')?.value;
  if (postProcessors !== undefined && (filter === undefined || running.length > 0)) {
    // No typed builder: a fragment, whose builds are not known.
    collectPostProcessors(evaluator, postProcessors, candidates, {
      builds: builds.length === 0 ? undefined : builds.map((build) => build.raw),
      runningBuilds: builds.filter((build) => runs(build.rendered)).map((build) => build.raw),
      excepted: (name) => filter?.except.includes(name) === true,
    });
  }

  // The volumes of one amazon-ebsvolume builder share its name and differ by their suffix.
  const firstPathByName = new Map<string, string>();
  const sharedNames = new Set<string>();
  for (const { baseName, path } of candidates) {
    const first = firstPathByName.get(baseName);
    if (first === undefined) firstPathByName.set(baseName, path);
    else if (first !== path) sharedNames.add(baseName);
  }
  return candidates.map((candidate) => {
    const shared = sharedNames.has(candidate.baseName);
    const name = `${candidate.baseName}${shared ? ` ${candidate.path}` : ''}${candidate.suffix}`;
    return evaluateImage(evaluator, candidate, name);
  });
}

/**
 * The template's builds (its builders that have a type): the raw name (`name` as written, else
 * the type), which a post-processor's `only` and `except` name (packer/core.go rawName), and the
 * name as Packer renders it, which -only / -except match (undefined: not known).
 */
function buildsOf(evaluator: Evaluator, builders: ValueNode): { raw: string; rendered: string | undefined }[] {
  if (builders.type !== 'Array') return [];
  return builders.elements.flatMap((element) => {
    if (element.value.type !== 'Object') return [];
    const index = new ObjectIndex(element.value);
    const type = index.get('type')?.value;
    if (type?.type !== 'String') return [];
    const name = index.get('name')?.value;
    return [{ raw: name?.type === 'String' && name.value !== '' ? name.value : type.value, rendered: buildName(evaluator, index, type.value) }];
  });
}

/** A build's name: its rendered `name`, else its type; undefined when the name cannot be rendered. */
function buildName(evaluator: Evaluator, index: ObjectIndex, type: string): string | undefined {
  const member = index.get('name');
  if (member?.value.type !== 'String' || member.value.value === '') return type;
  const rendered = evaluateString(evaluator, member);
  return rendered.kind === 'known' && rendered.value !== '' ? rendered.value : undefined;
}

function collectBuilders(evaluator: Evaluator, builders: ValueNode, candidates: Candidate[], runs: (name: string | undefined) => boolean): void {
  if (builders.type === 'Null') return;
  if (builders.type !== 'Array') {
    report(evaluator, builders, `"builders" must be a list of objects, found ${describeNode(builders)}`);
    return;
  }
  builders.elements.forEach((element, position) => {
    const node = element.value;
    const path = `builders[${position}]`;
    if (node.type !== 'Object') {
      report(evaluator, node, `${path} must be an object, found ${describeNode(node)}`);
      return;
    }
    const index = indexObject(evaluator, node);
    const typeNode = index.get('type')?.value;
    if (typeNode === undefined) {
      // A fragment merged into other templates before the build (jq, scripts): its sharing is
      // real even though Packer would refuse the file on its own.
      if (SHARING_FIELDS.some((field) => index.has(field))) {
        candidates.push({
          type: UNTYPED,
          path,
          baseName: nameOf(evaluator, index) ?? UNTYPED,
          suffix: '',
          settingsPath: path,
          node,
          index,
          shape: AMI_BUILDER,
        });
      }
      return;
    }
    if (typeNode.type !== 'String') {
      report(evaluator, typeNode, `${path}.type must be a string, found ${describeNode(typeNode)}`);
      return;
    }
    const type = typeNode.value;
    if (!AMAZON_BUILDER_TYPES.has(type)) return;
    if (!runs(buildName(evaluator, index, type))) return;
    const baseName = nameOf(evaluator, index) ?? type;
    if (type === 'amazon-ebsvolume') {
      collectVolumes(evaluator, index, { type, path, baseName }, candidates);
      return;
    }
    candidates.push({ type, path, baseName, suffix: '', settingsPath: path, node, index, shape: AMI_BUILDER });
  });
}

function collectVolumes(
  evaluator: Evaluator,
  builder: ObjectIndex,
  base: Pick<Candidate, 'type' | 'path' | 'baseName'>,
  candidates: Candidate[],
): void {
  const volumes = builder.get('ebs_volumes')?.value;
  if (volumes === undefined || volumes.type === 'Null') return;
  if (volumes.type !== 'Array') {
    report(evaluator, volumes, `${base.path}.ebs_volumes must be a list of objects, found ${describeNode(volumes)}`);
    return;
  }
  volumes.elements.forEach((element, position) => {
    const node = element.value;
    if (node.type !== 'Object') {
      report(evaluator, node, `${base.path}.ebs_volumes[${position}] must be an object, found ${describeNode(node)}`);
      return;
    }
    candidates.push({
      ...base,
      suffix: ` ebs_volumes[${position}]`,
      settingsPath: `${base.path}.ebs_volumes[${position}]`,
      node,
      index: indexObject(evaluator, node),
      shape: EBS_VOLUME,
    });
  });
}

/**
 * `"post-processors"` is a list whose entries are a type name, an object, or a list of those (a
 * sequence); Packer's parsePostProcessor allows no deeper nesting.
 */
interface PostProcessorRuns {
  /**
   * Every builder's raw name (undefined: the template has no list of builders), and those that
   * run under the command line's -only / -except.
   */
  readonly builds: readonly string[] | undefined;
  readonly runningBuilds: readonly string[];
  /** Whether -except names this post-processor: its sequence ends there. */
  readonly excepted: (name: string) => boolean;
}

function collectPostProcessors(evaluator: Evaluator, postProcessors: ValueNode, candidates: Candidate[], runs: PostProcessorRuns): void {
  if (postProcessors.type === 'Null') return;
  if (postProcessors.type !== 'Array') {
    report(evaluator, postProcessors, `"post-processors" must be a list, found ${describeNode(postProcessors)}`);
    return;
  }
  const builds = runs.builds === undefined ? undefined : new Set(runs.builds);
  postProcessors.elements.forEach((element, position) => {
    const path = `post-processors[${position}]`;
    const chain =
      element.value.type === 'Array'
        ? element.value.elements.map((inner, innerPosition) => ({ node: inner.value, path: `${path}[${innerPosition}]` }))
        : [{ node: element.value, path }];
    // Each checked, as Packer validates every post-processor, whichever run reaches it.
    const skips = chain.map(({ node, path: nodePath }) => {
      if (element.value.type === 'Array' && node.type === 'Array') {
        report(evaluator, node, `${nodePath}: a sequence cannot hold another sequence`);
        return undefined;
      }
      return skipOf(evaluator, node, nodePath, builds);
    });
    // Per running build, as packer/core.go Build: a post-processor its only / except skips for
    // the build is passed over; then one -except names ends the sequence for that build. Builders
    // that are not known (a fragment without any) are one build that nothing skips.
    const running = new Set<number>();
    for (const build of runs.builds === undefined ? [undefined] : runs.runningBuilds) {
      for (const [at, { node }] of chain.entries()) {
        const skip = skips[at];
        if (skip === undefined || (build !== undefined && skip(build))) continue;
        if (runs.excepted(postProcessorName(evaluator, node))) break;
        running.add(at);
      }
    }
    chain.forEach(({ node, path: nodePath }, at) => {
      if (running.has(at)) collectPostProcessor(evaluator, node, nodePath, candidates);
    });
  });
}

/**
 * A post-processor's own `only` / `except` (builder raw names) as Packer's OnlyExcept.Skip:
 * whether it is skipped after a build; `only` wins, and an empty or null list is not given.
 * Packer refuses a template that gives both, or names a builder it does not have
 * (OnlyExcept.Validate): an error here, and undefined, as nothing of that template is built.
 * Without a list of builders (a fragment) the names cannot be checked.
 */
function skipOf(evaluator: Evaluator, node: ValueNode, path: string, builds: ReadonlySet<string> | undefined): ((build: string) => boolean) | undefined {
  if (node.type !== 'Object') return () => false;
  const index = new ObjectIndex(node);
  const lists: { key: 'only' | 'except'; names: ReadonlySet<string> }[] = [];
  for (const key of ['only', 'except'] as const) {
    const value = index.get(key)?.value;
    if (value === undefined || value.type === 'Null') continue;
    if (value.type !== 'Array' || value.elements.some((element) => element.value.type !== 'String')) {
      report(evaluator, value, `${path}: "${key}" must be a list of builder names, found ${describeNode(value)}; Packer rejects the template`);
      return undefined;
    }
    const names = new Set(value.elements.map((element) => (element.value.type === 'String' ? element.value.value : '')));
    if (names.size > 0) lists.push({ key, names });
  }
  if (lists.length === 2) {
    report(evaluator, node, `${path}: only one of "only" or "except" may be specified; Packer rejects the template`);
    return undefined;
  }
  const [list] = lists;
  if (list === undefined) return () => false;
  const unknown = builds === undefined ? [] : [...list.names].filter((name) => !builds.has(name));
  if (unknown.length > 0) {
    report(evaluator, index.get(list.key)?.value ?? node, `${path}: "${list.key}" names ${unknown.map((name) => `'${name}'`).join(', ')}, which is not a builder of this template; Packer rejects the template`);
    return undefined;
  }
  return list.key === 'only' ? (build) => !list.names.has(build) : (build) => list.names.has(build);
}

/** A post-processor's name as `-except` matches it: its `name`, else its type (a bare string is its type). */
function postProcessorName(evaluator: Evaluator, node: ValueNode): string {
  if (node.type === 'String') return node.value;
  if (node.type !== 'Object') return '';
  const index = new ObjectIndex(node);
  const type = index.get('type')?.value;
  return nameOf(evaluator, index) ?? (type?.type === 'String' ? type.value : '');
}

function collectPostProcessor(evaluator: Evaluator, node: ValueNode, path: string, candidates: Candidate[]): void {
  if (node.type === 'String') {
    // A bare type name: an import with no settings, so nothing shared.
    if (AMAZON_POST_PROCESSOR_TYPES.has(node.value)) {
      candidates.push({
        type: node.value,
        path,
        baseName: node.value,
        suffix: '',
        settingsPath: path,
        node,
        index: undefined,
        shape: IMPORT_POST_PROCESSOR,
      });
    }
    return;
  }
  if (node.type !== 'Object') {
    report(evaluator, node, `${path} must be a type name or an object, found ${describeNode(node)}`);
    return;
  }
  const index = indexObject(evaluator, node);
  const typeNode = index.get('type')?.value;
  if (typeNode?.type !== 'String' || !AMAZON_POST_PROCESSOR_TYPES.has(typeNode.value)) return;
  const type = typeNode.value;
  candidates.push({
    type,
    path,
    baseName: nameOf(evaluator, index) ?? type,
    suffix: '',
    settingsPath: path,
    node,
    index,
    shape: IMPORT_POST_PROCESSOR,
  });
}

function evaluateImage(evaluator: Evaluator, candidate: Candidate, name: string): TemplateImage {
  const { index, shape } = candidate;
  const fields: Partial<Record<SharingField, EvaluatedField>> = {};
  let amiName: EvaluatedScalar<string> | undefined;
  let encryptBoot: EvaluatedScalar<boolean> | undefined;
  let customerKmsKey: EvaluatedScalar<boolean> | undefined;
  if (index !== undefined) {
    for (const field of shape.fields) {
      const member = index.get(field);
      if (member === undefined) continue;
      const evaluated = evaluateField(evaluator, field, member, candidate.settingsPath);
      if (evaluated !== undefined) fields[field] = evaluated;
    }
    const amiNameMember = shape.amiName === undefined ? undefined : index.get(shape.amiName);
    if (amiNameMember !== undefined) amiName = evaluateString(evaluator, amiNameMember);
    const encryptMember = shape.encrypt === undefined ? undefined : index.get(shape.encrypt.key);
    if (encryptMember !== undefined && shape.encrypt !== undefined) {
      encryptBoot = evaluateBoolean(evaluator, encryptMember, shape.encrypt.emptyIsUnset);
    }
    customerKmsKey = evaluateCustomerKey(evaluator, index, shape);
  }
  return {
    format: 'packer-json',
    type: candidate.type,
    name,
    file: evaluator.file,
    location: locationOf(evaluator.file, candidate.node),
    fields,
    ...(amiName === undefined ? {} : { amiName }),
    ...(encryptBoot === undefined ? {} : { encryptBoot }),
    ...(customerKmsKey === undefined ? {} : { customerKmsKey }),
  };
}

/**
 * Whether a customer managed key is named: a non-empty `kms_key_id`, or a non-empty
 * `region_kms_key_ids` object. A known key wins over an unknown one; undefined when neither is set.
 */
function evaluateCustomerKey(evaluator: Evaluator, index: ObjectIndex, shape: Shape): EvaluatedScalar<boolean> | undefined {
  const settings: EvaluatedScalar<boolean>[] = [];
  const kmsMember = shape.kmsKey === undefined ? undefined : index.get(shape.kmsKey);
  if (kmsMember !== undefined) {
    const key = evaluateString(evaluator, kmsMember);
    settings.push(key.kind === 'known' ? { kind: 'known', value: key.value !== '', location: key.location } : key);
  }
  const regionMember = shape.regionKmsKeys === undefined ? undefined : index.get(shape.regionKmsKeys);
  if (regionMember !== undefined) {
    const location = locationOf(evaluator.file, regionMember);
    settings.push(
      regionMember.value.type === 'Object' || regionMember.value.type === 'Null'
        ? { kind: 'known', value: regionMember.value.type === 'Object' && regionMember.value.members.length > 0, location }
        : { kind: 'unknown', reason: `${describeNode(regionMember.value)} where Packer expects an object of region to key`, location },
    );
  }
  return (
    settings.find((setting) => setting.kind === 'known' && setting.value) ??
    settings.find((setting) => setting.kind === 'unknown') ??
    settings[0]
  );
}

/** The `name` setting, rendered as Packer renders build names; as written when it cannot be. */
function nameOf(evaluator: Evaluator, index: ObjectIndex): string | undefined {
  const member = index.get('name');
  if (member?.value.type !== 'String' || member.value.value === '') return undefined;
  const rendered = evaluateString(evaluator, member);
  return rendered.kind === 'known' && rendered.value !== '' ? rendered.value : member.value.value;
}

/** The settings read here, whose duplicates change what amiguard reads. */
const READ_KEYS: ReadonlySet<string> = new Set([
  ...SHARING_FIELDS,
  ...[AMI_BUILDER, IMPORT_POST_PROCESSOR, EBS_VOLUME].flatMap((shape) =>
    [shape.encrypt?.key, shape.kmsKey, shape.regionKmsKeys, shape.amiName].filter((key) => key !== undefined),
  ),
  'type',
  'name',
  'ebs_volumes',
]);

function indexObject(evaluator: Evaluator, node: ObjectNode): ObjectIndex {
  const index = new ObjectIndex(node);
  evaluator.problems.push(...duplicateKeyProblems(evaluator.file, index, READ_KEYS));
  return index;
}

function report(evaluator: Evaluator, node: Node, message: string): void {
  evaluator.problems.push({ message, location: locationOf(evaluator.file, node) });
}
