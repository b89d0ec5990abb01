import { EMPTY_SHARING, type GranteeSyntax, type ImageSubject, type SourceLocation } from '../../core/index.js';
import type { UnitContext, UnitRead } from '../format.js';
import type { EvaluatedItem, TemplateProblem } from '../model.js';
import { sharingFromCalls, type GrantCall } from '../subject.js';
import { readInlineCode } from './code.js';
import { Evaluator, scalarText, type CfnValue } from './evaluate.js';
import { givenParameters, parameterLookup } from './parameters.js';
import { child, parseJsonTemplate, parseYamlTemplate, type CfnNode, type TemplateParse } from './tree.js';

export const DISTRIBUTION_CONFIGURATION = 'AWS::ImageBuilder::DistributionConfiguration';

/** The fields of `LaunchPermissionConfiguration`, in the order messages list them. */
const PERMISSION_FIELDS: readonly { readonly key: string; readonly syntax: GranteeSyntax }[] = [
  { key: 'UserGroups', syntax: 'group' },
  { key: 'UserIds', syntax: 'account' },
  { key: 'OrganizationArns', syntax: 'organization' },
  { key: 'OrganizationalUnitArns', syntax: 'ou' },
];

/**
 * Reads CloudFormation templates (YAML or JSON, hand-written or CDK synth output): one subject per
 * distribution of each `AWS::ImageBuilder::DistributionConfiguration`, its launch permission
 * evaluated with the parameters' defaults and given values, `Conditions` and `Mappings`; and the
 * inline code of Lambda functions and SSM Automation scripts, through the reader of its language.
 * Image Builder's launch permission never touches snapshots.
 */
export async function readCloudFormation(files: readonly string[], context: UnitContext): Promise<UnitRead> {
  const subjects: ImageSubject[] = [];
  const problems: TemplateProblem[] = [];
  for (const file of files) {
    const json = /\.json$/i.test(file);
    const source = context.load(file, 'template', json ? 'none' : 'hash');
    if (source === undefined) continue;
    const parsed = parseTemplate(file, source.text, json);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    const root = parsed.root;
    const resources = child(root, 'Resources');
    if (resources?.kind !== 'map') {
      problems.push({ message: 'a CloudFormation template needs a Resources map: CloudFormation rejects this one', location: (resources ?? root).location });
      continue;
    }
    const parameters = child(root, 'Parameters');
    const lookup = parameterLookup(parameters, givenParameters(context));
    const evaluator = new Evaluator(root, lookup, (name) => child(parameters, name));
    for (const resource of resources.entries) {
      if (resource.key.startsWith('Fn::ForEach::') && mentions(resource.value, DISTRIBUTION_CONFIGURATION)) {
        // The language extension's loop makes resources amiguard does not expand: say so rather than pass.
        problems.push({ message: `${resource.key} makes ${DISTRIBUTION_CONFIGURATION} resources that amiguard does not expand: their launch permissions were not checked`, location: resource.keyLocation, unevaluated: true });
        continue;
      }
      if (scalarText(child(resource.value, 'Type')) !== DISTRIBUTION_CONFIGURATION) continue;
      for (const subject of distributionSubjects(file, resource.key, resource.value, evaluator)) subjects.push(subject);
    }
    const inline = await readInlineCode(file, root, evaluator, context);
    for (const subject of inline.subjects) subjects.push(subject);
    for (const problem of inline.problems) problems.push(problem);
  }
  return { subjects, problems };
}

/**
 * A `.json` file as JSON; any other as JSON when it reads as JSON, otherwise YAML, as
 * CloudFormation decides (YAML's flow style takes much that JSON refuses).
 */
export function parseTemplate(file: string, text: string, json: boolean): TemplateParse {
  if (json) return parseJsonTemplate(file, text);
  if (!/^\uFEFF?\s*\{/.test(text)) return parseYamlTemplate(file, text);
  const asJson = parseJsonTemplate(file, text);
  if (asJson.ok) return asJson;
  const yaml = parseYamlTemplate(file, text);
  return yaml.ok ? yaml : asJson;
}

/** What an undecided `Fn::If` or resource `Condition` leaves: every value it may grant, as unknown. */
interface Guard {
  readonly reason: string;
}

function distributionSubjects(file: string, logicalId: string, resource: CfnNode, evaluator: Evaluator): ImageSubject[] {
  const conditionName = scalarText(child(resource, 'Condition'));
  const guards: Guard[] = [];
  if (conditionName !== undefined) {
    const holds = evaluator.condition(conditionName);
    if (holds === false) return [];
    if (holds !== true) guards.push({ reason: `the resource is created only if condition ${conditionName} holds: ${holds.unknown}` });
  }
  const subjects: ImageSubject[] = [];
  const distributions = alternatives(child(child(resource, 'Properties'), 'Distributions'), evaluator, guards);
  for (const { node: list, guards: listGuards } of distributions) {
    const elements = list.kind === 'list' ? list.items : [list];
    elements.forEach((element, index) => {
      for (const distribution of alternatives(element, evaluator, listGuards)) {
        const name = `${DISTRIBUTION_CONFIGURATION} ${logicalId}${elements.length > 1 ? ` Distributions[${index}]` : ''}`;
        const subject = distributionSubject(file, name, distribution.node, evaluator, distribution.guards);
        if (subject !== undefined) subjects.push(subject);
      }
    });
  }
  return subjects;
}

function distributionSubject(file: string, name: string, distribution: CfnNode, evaluator: Evaluator, guards: readonly Guard[]): ImageSubject | undefined {
  // A container-only distribution makes no AMI.
  const amiConfigurations = alternatives(child(distribution, 'AmiDistributionConfiguration'), evaluator, guards);
  if (amiConfigurations.length === 0) return undefined;
  const calls: GrantCall[] = [];
  for (const ami of amiConfigurations) {
    for (const permission of alternatives(child(ami.node, 'LaunchPermissionConfiguration'), evaluator, ami.guards)) {
      for (const { key, syntax } of PERMISSION_FIELDS) {
        const field = child(permission.node, key);
        if (field === undefined) continue;
        const items = fieldItems(field, syntax, evaluator).map((item) => guarded(item, permission.guards));
        calls.push({ field: `LaunchPermissionConfiguration.${key}`, syntax, items });
      }
    }
  }
  return {
    origin: 'template',
    name,
    type: DISTRIBUTION_CONFIGURATION,
    file,
    location: distribution.location,
    launch: sharingFromCalls(calls),
    // Image Builder's launch permission is the AMI's alone; it never shares the snapshots.
    snapshot: EMPTY_SHARING,
  };
}

/** The node an `Fn::If` in place of a property (or list element) stands for, with the guards of an undecided one. */
function alternatives(node: CfnNode | undefined, evaluator: Evaluator, guards: readonly Guard[]): { node: CfnNode; guards: readonly Guard[] }[] {
  if (node === undefined || evaluator.isNoValue(node)) return [];
  const chosen = evaluator.choose(node);
  const kept = chosen.undecided === undefined ? guards : [...guards, { reason: chosen.undecided }];
  return chosen.branches.map((branch) => ({ node: branch, guards: kept }));
}

function fieldItems(field: CfnNode, syntax: GranteeSyntax, evaluator: Evaluator): EvaluatedItem[] {
  const elements = field.kind === 'list' ? field.items : [field];
  return elements.flatMap((element) => itemsOf(evaluator.value(element), element.location, syntax));
}

function itemsOf(value: CfnValue, location: SourceLocation, syntax: GranteeSyntax): EvaluatedItem[] {
  switch (value.kind) {
    case 'string':
      if (value.owner === true && syntax === 'account') return [];
      return [{ kind: 'known', value: value.value, location, ...(value.origin === undefined ? {} : { origin: value.origin }), ...(value.via === undefined ? {} : { via: value.via }) }];
    case 'list':
      return value.items.flatMap((item) => itemsOf(item, location, syntax));
    case 'no-value':
      return [];
    case 'unknown':
      // The deploying account may always launch its own AMI: granting it is no share at all.
      if (value.owner === true && syntax === 'account') return [];
      return [
        {
          kind: 'unknown',
          reason: value.reason,
          location,
          ...(value.via === undefined ? {} : { via: value.via }),
          ...(value.mayInclude === undefined ? {} : { mayInclude: value.mayInclude }),
        },
      ];
    case 'object':
      return [{ kind: 'unknown', reason: 'an object where a grantee is expected (CloudFormation rejects it)', location }];
  }
}

/** Behind an undecided condition a value is only possible: an unknown that may be it. */
function guarded(item: EvaluatedItem, guards: readonly Guard[]): EvaluatedItem {
  const [first] = guards;
  if (first === undefined) return item;
  const reason = guards.map((guard) => guard.reason).join('; ');
  if (item.kind === 'unknown') return { ...item, reason: `${item.reason}; ${reason}` };
  const { value, ...rest } = item;
  return { ...rest, kind: 'unknown', reason, mayInclude: [value] };
}

/** Whether a scalar of the tree is `text`. */
function mentions(node: CfnNode, text: string): boolean {
  if (node.kind === 'scalar') return node.value === text;
  if (node.kind === 'list') return node.items.some((item) => mentions(item, text));
  return node.entries.some((item) => mentions(item.value, text));
}
