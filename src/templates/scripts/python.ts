import type { Node, Parser } from 'web-tree-sitter';
import type { SourceLocation } from '../../core/index.js';
import { errorPlace, loadGrammar, nodesOfType, withTree } from './grammars.js';
import { grantCalls, PARAMETER_NAMES, type CallParameters, type Parameter, type ParameterName } from './permissions.js';
import type { OutsideValues, ScriptRead } from './shell.js';
import { joinGuards, PYTHON_CALLS, scriptSubject, type Api } from './subjects.js';
import { fileLocator, oneLine, type Locator } from './text.js';
import { stringsIn, unknownValue, type MapEntry, type Value } from './values.js';
import { IMAGE_BUILDER_NEEDLE } from './sniff.js';

/** boto3 Image Builder's create_distribution_configuration / update_distribution_configuration. */

/** The calls, as a cheap text check before a file is parsed. */

const METHODS = new Set<string>(['modify_image_attribute', 'modify_snapshot_attribute', 'modify_attribute']);
/** An Image Builder distribution's `launchPermission` keys, under ModifyImageAttribute's names. */
const IMAGE_BUILDER_KEYS: Readonly<Record<string, ParameterName>> = {
  userIds: 'UserIds',
  userGroups: 'UserGroups',
  organizationArns: 'OrganizationArns',
  organizationalUnitArns: 'OrganizationalUnitArns',
};
const MAX_CHAIN = 16;

/** Other files of the script's package that mention a name: where a class or function defined in the script is used. */
export type SiblingSearch = (name: string) => readonly { readonly path: string; readonly text: string }[];

/**
 * Reads Python code (a file, a Lambda `ZipFile`) for boto3 `modify_image_attribute` /
 * `modify_snapshot_attribute` (and an Image's or Snapshot's `modify_attribute`) and boto 2's
 * `modify_image_attribute(image_id, attribute, operation, user_ids, groups)`. `condition` is a
 * guard around the whole code.
 */
export async function readPythonText(text: string, locator: Locator, condition?: string, siblings?: SiblingSearch, outside?: OutsideValues): Promise<ScriptRead> {
  const parser = await loadGrammar('python');
  const read: ScriptRead = { subjects: [], problems: [] };
  const done = withTree(parser, text, (tree) => {
    const root = tree.rootNode;
    const error = errorPlace(root);
    if (error !== undefined) {
      // Python compiles a whole module before running it; the grammar may also lag the language, so the calls are still read.
      read.problems.push({
        message: `Python syntax error (${oneLine(error.text, 40) || 'missing text'}): Python refuses this file; amiguard still read the calls it could parse`,
        location: locator.locate(error.start, error.end),
      });
    }
    const script = new PythonScript(root, text, locator, parser, siblings, outside);
    for (const call of script.calls) {
      const found = script.callParameters(call);
      if (found === undefined) continue;
      const guard = joinGuards(condition, script.guardOf(call, 0, new Set()));
      read.subjects.push(scriptSubject(PYTHON_CALLS[found.api], locator.file, locator.locate(call.startIndex, call.endIndex), grantCalls(found, guard)));
    }
    if (text.includes(IMAGE_BUILDER_NEEDLE)) {
      for (const pair of script.launchPermissions) {
        const guard = joinGuards(condition, script.guardOf(pair, 0, new Set()));
        read.subjects.push(scriptSubject(IMAGE_BUILDER_CALL, locator.file, locator.locate(pair.startIndex, pair.endIndex), grantCalls(script.imageBuilderParameters(pair), guard)));
      }
    }
    return true;
  });
  if (done === undefined) read.problems.push({ message: 'the Python grammar gave up on this file: no call in it was checked', location: locator.locate(0, 0) });
  return read;
}

const IMAGE_BUILDER_CALL = { api: 'image', name: 'Image Builder launchPermission' } as const;

const NODE_TYPES: ReadonlySet<string> = new Set(['pair', 'call', 'assignment', 'augmented_assignment', 'for_statement', 'function_definition', 'class_definition', 'identifier', 'import_from_statement', 'import_statement']);

/** boto 2's positional parameters (boto.ec2.connection.EC2Connection.modify_image_attribute). */
const BOTO2_POSITIONS = ['attribute', 'operation', 'user_ids', 'groups'] as const;
const BOTO2_KEYWORDS: ReadonlySet<string> = new Set(BOTO2_POSITIONS);
const BOTO2_PARAMETERS: Readonly<Record<(typeof BOTO2_POSITIONS)[number], ParameterName>> = {
  attribute: 'Attribute',
  operation: 'OperationType',
  user_ids: 'UserIds',
  groups: 'GroupNames',
};

interface Binding {
  readonly value: Node | undefined;
  readonly location: SourceLocation;
  readonly line: number;
  readonly runtime?: string;
}

class PythonScript {
  readonly calls: Node[] = [];
  /** `'launchPermission': {...}` in a dictionary: an Image Builder distribution's grants, wherever the dictionary is built. */
  readonly launchPermissions: Node[] = [];
  private readonly bindings = new Map<string, Binding[]>();
  private readonly references = new Map<string, Node[]>();
  private readonly imported = new Set<string>();

  constructor(
    root: Node,
    private readonly text: string,
    private readonly locator: Locator,
    private readonly parser: Parser,
    private readonly siblings: SiblingSearch | undefined,
    private readonly outside: OutsideValues | undefined,
  ) {
    for (const node of nodesOfType(root, NODE_TYPES)) {
      switch (node.type) {
        case 'call':
          if (METHODS.has(calledName(node) ?? '')) this.calls.push(node);
          break;
        case 'pair': {
          const key = node.childForFieldName('key');
          if (key?.type === 'string' && /^['"]launchPermission['"]$/.test(key.text)) this.launchPermissions.push(node);
          break;
        }
        case 'assignment':
        case 'augmented_assignment':
          this.addAssignment(node);
          break;
        case 'for_statement':
          this.addLoop(node);
          break;
        case 'identifier':
          this.addReference(node);
          break;
        case 'import_from_statement':
        case 'import_statement':
          for (const name of node.descendantsOfType('identifier')) this.imported.add(name.text);
          break;
      }
    }
  }

  private locate(node: Node): SourceLocation {
    return this.locator.locate(node.startIndex, node.endIndex);
  }

  private line(node: Node): number {
    return this.locator.locate(node.startIndex, node.startIndex).line;
  }

  private bind(scope: Node, name: string, binding: Binding): void {
    const key = `${scope.id}:${name}`;
    const list = this.bindings.get(key) ?? [];
    list.push(binding);
    this.bindings.set(key, list);
  }

  private addReference(node: Node): void {
    const parent = node.parent;
    if (parent === null) return;
    if ((parent.type === 'function_definition' || parent.type === 'class_definition') && parent.childForFieldName('name')?.id === node.id) return;
    const list = this.references.get(node.text) ?? [];
    list.push(node);
    this.references.set(node.text, list);
  }

  private addAssignment(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left === null) return;
    const scope = scopeOf(node);
    const runtime = node.type === 'augmented_assignment' ? 'it is added to' : right === null ? 'it is only annotated' : undefined;
    if (left.type === 'identifier') {
      this.bind(scope, left.text, { value: right ?? undefined, location: this.locate(right ?? node), line: this.line(node), ...(runtime === undefined ? {} : { runtime }) });
      return;
    }
    for (const name of left.descendantsOfType('identifier')) {
      if (name.parent?.type === 'attribute' || name.parent?.type === 'subscript') continue;
      this.bind(scope, name.text, { value: undefined, location: this.locate(node), line: this.line(node), runtime: 'it is unpacked from another value' });
    }
  }

  private addLoop(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left === null) return;
    const scope = scopeOf(node);
    if (left.type === 'identifier' && right !== null && (right.type === 'list' || right.type === 'tuple')) {
      for (const item of right.namedChildren) this.bind(scope, left.text, { value: item, location: this.locate(item), line: this.line(item) });
      return;
    }
    for (const name of left.type === 'identifier' ? [left] : left.descendantsOfType('identifier')) {
      this.bind(scope, name.text, { value: undefined, location: this.locate(left), line: this.line(node), runtime: `it loops over ${oneLine(right?.text ?? 'a value', 50)}` });
    }
  }

  /** The call's parameters under the API's names; undefined for a `modify_attribute` that is not a permission change. */
  callParameters(call: Node): CallParameters | undefined {
    const method = calledName(call);
    const argumentList = call.childForFieldName('arguments');
    if (method === undefined || argumentList === null) return undefined;
    const positional: Node[] = [];
    const keywords = new Map<string, { value: Value; node: Node }>();
    const opaque: Parameter[] = [];
    for (const argument of argumentList.namedChildren) {
      if (argument.type === 'keyword_argument') {
        const name = argument.childForFieldName('name')?.text;
        const value = argument.childForFieldName('value');
        if (name !== undefined && value !== null) keywords.set(name, { value: this.evaluate(value, 0), node: value });
      } else if (argument.type === 'dictionary_splat') {
        const inner = argument.namedChildren[0];
        const value = inner === undefined ? unknownValue('**', this.locate(argument)) : this.evaluate(inner, 0);
        if (value.kind === 'map' && value.entries.every((entry) => entry.key !== undefined)) {
          for (const entry of value.entries) if (entry.key !== undefined) keywords.set(entry.key, { value: entry.value, node: argument });
        } else {
          opaque.push({ field: oneLine(argument.text, 40), value: value.kind === 'unknown' ? value : unknownValue(`${oneLine(argument.text, 40)} is built at run time`, this.locate(argument)) });
        }
      } else if (argument.type === 'list_splat') {
        opaque.push({ field: oneLine(argument.text, 40), value: unknownValue(`the arguments ${oneLine(argument.text, 40)} are built at run time`, this.locate(argument)) });
      } else if (argument.type !== 'comment') {
        positional.push(argument);
      }
    }
    const boto2 = positional.length > 1 || [...keywords.keys()].some((name) => BOTO2_KEYWORDS.has(name));
    const parameters = new Map<ParameterName, Parameter>();
    if (boto2) {
      BOTO2_POSITIONS.forEach((name, index) => {
        const node = positional[index + 1];
        const keyword = keywords.get(name);
        const value = keyword?.value ?? (node === undefined ? undefined : this.evaluate(node, 0));
        if (value !== undefined) parameters.set(BOTO2_PARAMETERS[name], { field: name, value });
      });
    } else {
      for (const [name, { value }] of keywords) {
        if (PARAMETER_NAMES.has(name)) parameters.set(name as ParameterName, { field: name === 'LaunchPermission' || name === 'CreateVolumePermission' ? `${name}.Add` : name, value });
      }
    }
    const api = apiOf(method, parameters);
    return api === undefined ? undefined : { api, parameters, opaque };
  }

  /** `'launchPermission': {'userIds': [...], 'userGroups': [...], ...}` as the parameters of a grant. */
  imageBuilderParameters(pair: Node): CallParameters {
    const valueNode = pair.childForFieldName('value');
    const value = valueNode === null ? unknownValue('launchPermission has no value', this.locate(pair)) : this.evaluate(valueNode, 0);
    const parameters = new Map<ParameterName, Parameter>();
    const opaque: Parameter[] = [];
    if (value.kind !== 'map') {
      if (value.kind !== 'none') opaque.push({ field: 'launchPermission', value });
      return { api: 'image', parameters, opaque };
    }
    for (const entry of value.entries) {
      const name = entry.key === undefined ? undefined : IMAGE_BUILDER_KEYS[entry.key];
      if (entry.key === undefined) opaque.push({ field: 'launchPermission', value: entry.value });
      else if (name !== undefined) parameters.set(name, { field: `launchPermission.${entry.key}`, value: entry.value });
    }
    return { api: 'image', parameters, opaque };
  }

  evaluate(node: Node, depth: number): Value {
    const location = this.locate(node);
    if (depth > MAX_CHAIN) return unknownValue('the value is built through too many names to follow', location);
    switch (node.type) {
      case 'string':
        return this.string(node);
      case 'concatenated_string': {
        const parts = node.namedChildren.map((part) => this.evaluate(part, depth + 1));
        if (parts.every((part) => part.kind === 'string')) return { kind: 'string', value: parts.map((part) => (part.kind === 'string' ? part.value : '')).join(''), location };
        return unknownValue(`${oneLine(node.text, 60)} is built at run time`, location);
      }
      case 'list':
      case 'tuple':
      case 'set':
        return { kind: 'list', items: node.namedChildren.filter((item) => item.type !== 'comment').map((item) => this.evaluate(item, depth + 1)), location };
      case 'dictionary':
        return { kind: 'map', entries: node.namedChildren.flatMap((pair) => this.entry(pair, depth)), location };
      case 'parenthesized_expression': {
        const inner = node.namedChildren[0];
        return inner === undefined ? unknownValue('()', location) : this.evaluate(inner, depth + 1);
      }
      case 'none':
        return { kind: 'none', location };
      case 'true':
      case 'false':
      case 'integer':
        return { kind: 'string', value: node.text, location };
      case 'identifier':
        return this.name(node, depth);
      case 'call':
        return this.callValue(node, depth);
      case 'subscript':
        if (environmentName(node) === undefined) return unknownValue(`${oneLine(node.text, 60)} is read at run time`, location);
        return this.environment(node, node.childForFieldName('subscript'), location) ?? unknownValue(`${oneLine(node.text, 60)} is an environment variable, known only at run time`, location);
      case 'conditional_expression': {
        const mayInclude = node.namedChildren.filter((_, index) => index !== 1).flatMap((arm) => stringsIn(this.evaluate(arm, depth + 1)));
        return unknownValue(`${oneLine(node.text, 60)} depends on ${oneLine(node.namedChildren[1]?.text ?? 'a condition', 40)}`, location, mayInclude);
      }
      default:
        return unknownValue(`${oneLine(node.text, 60)} is computed at run time`, location);
    }
  }

  private entry(pair: Node, depth: number): MapEntry[] {
    if (pair.type === 'dictionary_splat') return [{ key: undefined, value: unknownValue(`${oneLine(pair.text, 40)} is built at run time`, this.locate(pair)) }];
    if (pair.type !== 'pair') return [];
    const keyNode = pair.childForFieldName('key');
    const valueNode = pair.childForFieldName('value');
    if (keyNode === null || valueNode === null) return [];
    const key = this.evaluate(keyNode, depth + 1);
    return [{ key: key.kind === 'string' ? key.value : undefined, value: this.evaluate(valueNode, depth + 1) }];
  }

  private string(node: Node): Value {
    const start = node.children.find((child) => child.type === 'string_start');
    const end = node.children.find((child) => child.type === 'string_end');
    const from = start?.endIndex ?? node.startIndex;
    const to = end?.startIndex ?? node.endIndex;
    const location = this.locator.locate(from, to);
    const prefix = (start?.text ?? '').replace(/["']+$/, '').toLowerCase();
    if (node.descendantsOfType('interpolation').length > 0) return unknownValue(`${oneLine(node.text, 60)} is formatted at run time`, location);
    const raw = this.text.slice(from, to);
    return { kind: 'string', value: prefix.includes('r') ? raw : unescapePython(raw), location };
  }

  private callValue(node: Node, depth: number): Value {
    const location = this.locate(node);
    const env = environmentName(node);
    if (env !== undefined) {
      const given = this.environment(node, node.childForFieldName('arguments')?.namedChildren[0] ?? null, location);
      if (given !== undefined) return given;
      const fallback = node.childForFieldName('arguments')?.namedChildren[1];
      return unknownValue(`${oneLine(node.text, 60)} is an environment variable, known only at run time`, location, fallback === undefined ? [] : stringsIn(this.evaluate(fallback, depth + 1)));
    }
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'split') {
      const object = fn.childForFieldName('object');
      const target = object === null ? undefined : this.evaluate(object, depth + 1);
      const separator = args[0] === undefined ? undefined : this.evaluate(args[0], depth + 1);
      if (target?.kind === 'string' && (separator === undefined || separator.kind === 'string')) {
        const parts = separator === undefined ? target.value.trim().split(/\s+/) : target.value.split(separator.value);
        return { kind: 'list', items: parts.map((value) => ({ ...target, value })), location };
      }
      if (target?.kind === 'unknown') return { ...target, location };
    }
    if (fn?.type === 'identifier' && ['list', 'tuple', 'str'].includes(fn.text) && args[0] !== undefined) return this.evaluate(args[0], depth + 1);
    return unknownValue(`${oneLine(node.text, 60)} is computed at run time`, location);
  }

  /** An environment variable's value given to the run (`--var NAME=value`, or `--use-env`). */
  private environment(node: Node, key: Node | null, location: SourceLocation): Value | undefined {
    const name = key === null ? undefined : this.evaluate(key, MAX_CHAIN);
    if (name?.kind !== 'string') return undefined;
    const given = this.outside?.(name.value, false);
    return given === undefined ? undefined : { kind: 'string', value: given.value, location, via: `${oneLine(node.text, 60)} from ${given.via}` };
  }

  /** A name: the literal it is bound to in its function or the module, or unknown naming it. */
  private name(node: Node, depth: number): Value {
    const name = node.text;
    const location = this.locate(node);
    for (let scope: Node | null = scopeOf(node); scope !== null; scope = scope.type === 'module' ? null : scopeOf(scope)) {
      const bindings = this.bindings.get(`${scope.id}:${name}`);
      if (bindings !== undefined) return this.bound(name, bindings, location, depth);
      if (scope.type === 'function_definition') {
        const parameter = parameterOf(scope, name);
        if (parameter !== undefined) {
          const fallback = parameter.type === 'default_parameter' || parameter.type === 'typed_default_parameter' ? parameter.childForFieldName('value') : null;
          const functionName = scope.childForFieldName('name')?.text ?? 'the function';
          return {
            ...unknownValue(`${name} is a parameter of ${functionName}(), known only when it is called`, location, fallback === null ? [] : stringsIn(this.evaluate(fallback, depth + 1))),
            via: name,
          };
        }
      }
    }
    if (this.imported.has(name)) return { ...unknownValue(`${name} is imported from another module`, location), via: name };
    return { ...unknownValue(`${name} is not set in this file`, location), via: name };
  }

  private bound(name: string, bindings: readonly Binding[], location: SourceLocation, depth: number): Value {
    const values = bindings.map((binding) => (binding.value === undefined || binding.runtime !== undefined ? undefined : this.evaluate(binding.value, depth + 1)));
    const first = values[0];
    const only = bindings[0];
    const comparable = values.map((value) => (value === undefined || value.kind === 'unknown' ? undefined : JSON.stringify(strip(value))));
    if (first !== undefined && first.kind !== 'unknown' && only !== undefined && comparable.every((value) => value !== undefined && value === comparable[0])) {
      return relocate(first, location, { via: name, origin: only.location });
    }
    const runtime = bindings.find((binding, index) => binding.runtime !== undefined || values[index] === undefined || values[index]?.kind === 'unknown');
    const runtimeValue = runtime === undefined ? undefined : values[bindings.indexOf(runtime)];
    const reason =
      runtime === undefined
        ? `${name} is set to different values (lines ${bindings.map((binding) => binding.line).join(', ')})`
        : runtimeValue?.kind === 'unknown'
          ? `${name} = ${runtimeValue.reason} (line ${runtime.line})`
          : `${name} is set when the code runs (line ${runtime.line}${runtime.runtime === undefined ? '' : `: ${runtime.runtime}`})`;
    const mayInclude = values.flatMap((value) => (value === undefined ? [] : stringsIn(value)));
    return { ...unknownValue(reason, location, mayInclude), via: name, ...(runtime === undefined ? {} : { origin: runtime.location }) };
  }

  /**
   * The runtime guard a call sits behind: an `if`/`elif`/`else` branch (not `if __name__ ==
   * "__main__"`), and inside a function, the guards of its calls; a method or class nobody calls
   * here is looked up where it is used: this file, then the package's other files.
   */
  guardOf(node: Node, depth: number, visiting: Set<number>): string | undefined {
    const guards: string[] = [];
    let child = node;
    for (let parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
      if (parent.type === 'if_statement' || parent.type === 'elif_clause') {
        const condition = parent.childForFieldName('condition');
        const text = condition === null ? '' : oneLine(condition.text);
        if (condition !== null && !isMainGuard(condition)) {
          if (child.type === 'else_clause') guards.push(`not (${text})`);
          else if (child.id === parent.childForFieldName('consequence')?.id) guards.push(text);
        }
      } else if (parent.type === 'function_definition') {
        const called = this.definitionGuard(parent, depth, visiting);
        if (called !== undefined) guards.push(called);
        break;
      }
    }
    return joinGuards(...guards.reverse());
  }

  private definitionGuard(definition: Node, depth: number, visiting: Set<number>): string | undefined {
    const name = definition.childForFieldName('name')?.text;
    if (name === undefined || depth > MAX_CHAIN || visiting.has(definition.id)) return undefined;
    visiting.add(definition.id);
    try {
      const sites = this.usesOf(name, definition);
      if (sites.length > 0) return this.sitesGuard(sites, depth, visiting);
      // A method is used through its class (a task class registered by a plugin).
      const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : definition;
      const owner = decorated.parent?.parent;
      if (owner?.type !== 'class_definition') return undefined;
      const className = owner.childForFieldName('name')?.text;
      if (className === undefined) return undefined;
      const uses = this.usesOf(className, owner);
      if (uses.length > 0) return this.sitesGuard(uses, depth, visiting);
      return this.siblingGuard(className, depth);
    } finally {
      visiting.delete(definition.id);
    }
  }

  /** Where a name is used outside its own definition: calls of a function, mentions of a class. */
  private usesOf(name: string, definition: Node): Node[] {
    const inside = (site: Node): boolean => site.startIndex >= definition.startIndex && site.endIndex <= definition.endIndex;
    return (this.references.get(name) ?? []).filter((site) => !inside(site));
  }

  private sitesGuard(sites: readonly Node[], depth: number, visiting: Set<number>, file?: string): string | undefined {
    const guards: string[] = [];
    for (const site of sites) {
      const guard = this.guardOf(site, depth + 1, visiting);
      if (guard === undefined) return undefined;
      guards.push(`${guard} (${file === undefined ? '' : `${file}, `}line ${this.line(site)})`);
    }
    const [first] = guards;
    if (first === undefined) return undefined;
    return guards.length === 1 ? first : `${first}, or ${guards.length - 1} other use${guards.length === 2 ? '' : 's'}`;
  }

  private siblingGuard(name: string, depth: number): string | undefined {
    for (const sibling of this.siblings?.(name) ?? []) {
      const guard = withTree(this.parser, sibling.text, (tree) => {
        const other = new PythonScript(tree.rootNode, sibling.text, fileLocator(sibling.path, sibling.text), this.parser, undefined, undefined);
        const uses = other.references.get(name) ?? [];
        return uses.length === 0 ? { used: false } : { used: true, guard: other.sitesGuard(uses, depth + 1, new Set(), sibling.path.slice(sibling.path.lastIndexOf('/') + 1)) };
      });
      if (guard?.used === true) return guard.guard;
    }
    return undefined;
  }
}

function calledName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn === null) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** `modify_attribute` changes a permission only with a permission parameter (Image and Snapshot resources). */
function apiOf(method: string, parameters: ReadonlyMap<ParameterName, Parameter>): Api | undefined {
  if (method === 'modify_image_attribute') return 'image';
  if (method === 'modify_snapshot_attribute') return 'snapshot';
  const attribute = parameters.get('Attribute')?.value;
  const named = attribute?.kind === 'string' ? attribute.value.toLowerCase() : undefined;
  if (parameters.has('LaunchPermission') || named === 'launchpermission') return 'image';
  if (parameters.has('CreateVolumePermission') || named === 'createvolumepermission') return 'snapshot';
  return undefined;
}

function scopeOf(node: Node): Node {
  for (let parent = node.parent; parent !== null; parent = parent.parent) {
    if (parent.type === 'function_definition' || parent.type === 'module') return parent;
  }
  return node;
}

function parameterOf(definition: Node, name: string): Node | undefined {
  const parameters = definition.childForFieldName('parameters');
  return parameters?.namedChildren.find((parameter) =>
    parameter.type === 'identifier' ? parameter.text === name : parameter.childForFieldName('name')?.text === name || parameter.namedChildren[0]?.text === name,
  );
}

/** `os.environ['X']`, `os.environ.get('X')`, `os.getenv('X')`: the expression, when the node is one. */
function environmentName(node: Node): string | undefined {
  const target = node.type === 'subscript' ? node.childForFieldName('value') : node.type === 'call' ? node.childForFieldName('function') : null;
  const text = target?.text.replace(/\s+/g, '');
  const reads = node.type === 'subscript' ? ['os.environ', 'environ'] : ['os.environ.get', 'environ.get', 'os.getenv', 'getenv'];
  return text !== undefined && reads.includes(text) ? node.text : undefined;
}

function isMainGuard(condition: Node): boolean {
  return /^__name__\s*==\s*['"]__main__['"]$/.test(condition.text.trim());
}

function unescapePython(raw: string): string {
  return raw.replace(/\\(?:\n|([\\'"abfnrtv]))/g, (_match, char: string | undefined) => {
    switch (char) {
      case undefined:
        return '';
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
      case 'b':
      case 'f':
      case 'v':
        return '';
      default:
        return char;
    }
  });
}

/** A value without its places, to compare two bindings. */
function strip(value: Value): unknown {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'list':
      return value.items.map(strip);
    case 'map':
      return value.entries.map((entry) => [entry.key, strip(entry.value)]);
    default:
      return value.kind;
  }
}

/** A bound value used at `location`: strings keep where they were defined as their origin. */
function relocate(value: Value, location: SourceLocation, from: { via: string; origin: SourceLocation }): Value {
  switch (value.kind) {
    case 'string':
      return { ...value, location, origin: value.origin ?? value.location, via: value.via ?? from.via };
    case 'list':
      return { ...value, location, items: value.items.map((item) => relocate(item, location, from)) };
    case 'map':
      return { ...value, location, entries: value.entries.map((entry) => ({ key: entry.key, value: relocate(entry.value, location, from) })) };
    default:
      return { ...value, location };
  }
}
