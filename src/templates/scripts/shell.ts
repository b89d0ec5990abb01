import type { Node, Parser } from 'web-tree-sitter';
import type { ImageSubject, SourceLocation } from '../../core/index.js';
import type { TemplateProblem } from '../model.js';
import { errorPlace, loadGrammar, nodesOfType, withTree } from './grammars.js';
import { HOLE, LocatedText, parseStructure, type Hole } from './located-text.js';
import { grantCalls, type CallParameters, type Parameter, type ParameterName } from './permissions.js';
import { joinGuards, scriptSubject, SHELL_CALLS, type Api } from './subjects.js';
import { oneLine, span, type Locator } from './text.js';
import { unknownValue } from './values.js';
import { SHELL_NEEDLES } from './sniff.js';

export interface ScriptRead {
  readonly subjects: ImageSubject[];
  readonly problems: TemplateProblem[];
}

/** The two calls, as a cheap text check before any word is evaluated. */

/** How deep `bash -c "..."` inside `ssh host "..."` is followed. */
const MAX_NESTING = 4;
/** How far a variable is followed through other variables, and a function through its callers. */
const MAX_CHAIN = 16;

/**
 * Reads a shell script (a file, a workflow step, a string run with `sh -c`) for the
 * `aws ec2 modify-image-attribute` and `modify-snapshot-attribute` calls it makes. `condition`
 * is a guard around the whole script (a workflow step's `if:`).
 */
export async function readShellText(text: string, locator: Locator, condition?: string, outside?: OutsideValues): Promise<ScriptRead> {
  const parser = await loadGrammar('bash');
  const read: ScriptRead = { subjects: [], problems: [] };
  readScript(parser, { text, locator, preset: new Map(), ...(outside === undefined ? {} : { outside }) }, condition, 0, read);
  return read;
}

/**
 * A value given to amiguard for a variable (`--var NAME=value`, or the environment with
 * `--use-env` for one the script does not set); `via` says which.
 */
export type OutsideValues = (name: string, setInScript: boolean) => { readonly value: string; readonly via: string } | undefined;

interface ScriptSource {
  readonly text: string;
  readonly locator: Locator;
  readonly outside?: OutsideValues;
  /** Variables that stand for what an enclosing script does not show (a string run with `sh -c`). */
  readonly preset: ReadonlyMap<string, Hole>;
}

function readScript(parser: Parser, source: ScriptSource, condition: string | undefined, nesting: number, read: ScriptRead): void {
  const parsed = withTree(parser, source.text, (tree) => {
    const root = tree.rootNode;
    const error = errorPlace(root);
    if (error !== undefined) {
      // bash runs a script up to its first syntax error: the calls before it still happen.
      read.problems.push({
        message: `the bash grammar cannot parse this part of the script (${oneLine(error.text, 40) || 'missing text'}); amiguard read the rest, and a call written here was not checked`,
        location: source.locator.locate(error.start, error.end),
        unevaluated: true,
      });
    }
    const script = new ShellScript(root, source);
    for (const command of script.commands) {
      if (!SHELL_NEEDLES.some((needle) => command.text.includes(needle))) continue;
      const words = script.words(command);
      const guard = joinGuards(condition, script.guardOf(command, 0, new Set()));
      const call = findCall(words);
      if (call !== undefined) {
        const options = words.slice(call.optionsFrom);
        // A dry run asks whether the caller may, and changes nothing.
        if (options.some((word) => word.text === '--dry-run')) continue;
        read.subjects.push(
          scriptSubject(SHELL_CALLS[call.api], source.locator.file, source.locator.locate(command.startIndex, command.endIndex), grantCalls(cliParameters(call.api, options), guard)),
        );
        continue;
      }
      if (nesting >= MAX_NESTING) continue;
      // A script in a string that a shell, eval or ssh runs: read it as a script, located in place.
      for (const word of nestedScripts(words)) readScript(parser, nestedSource(word, source), guard, nesting + 1, read);
    }
    // A here-document fed to a shell or ssh (`ssh host <<EOF`, `bash -s <<'EOF'`) is a script too.
    for (const heredoc of script.heredocs) {
      const body = heredoc.children.find((child) => child.type === 'heredoc_body');
      const command = heredoc.parent?.childForFieldName('body');
      if (body === undefined || command?.type !== 'command' || nesting >= MAX_NESTING || !SHELL_NEEDLES.some((needle) => body.text.includes(needle))) continue;
      if (!script.words(command).some((word) => RUNS_SCRIPTS.has(word.text.slice(word.text.lastIndexOf('/') + 1)))) continue;
      const quoted = /['"\\]/.test(heredoc.children.find((child) => child.type === 'heredoc_start')?.text ?? '');
      const text = script.heredocText(body, quoted);
      readScript(parser, nestedSource(text, source), joinGuards(condition, script.guardOf(command, 0, new Set())), nesting + 1, read);
    }
    return true;
  });
  if (parsed === undefined) {
    read.problems.push({ message: 'the bash grammar gave up on this script: no call in it was checked', location: source.locator.locate(0, 0) });
  }
}

/** `aws [global options] ec2 modify-image-attribute ...`, also behind `sudo`, `xargs`, `retry`. */
function findCall(words: readonly LocatedText[]): { api: Api; optionsFrom: number } | undefined {
  for (let index = 0; index + 1 < words.length; index++) {
    if (words[index]?.text !== 'ec2') continue;
    const subcommand = words[index + 1]?.text;
    if (subcommand === 'modify-image-attribute') return { api: 'image', optionsFrom: index + 2 };
    if (subcommand === 'modify-snapshot-attribute') return { api: 'snapshot', optionsFrom: index + 2 };
  }
  return undefined;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);
const RUNS_SCRIPTS = new Set([...SHELLS, 'ssh']);

/** The strings a command runs as scripts: `bash -c STRING`, `eval STRING`, `ssh host STRING`. */
function nestedScripts(words: readonly LocatedText[]): LocatedText[] {
  const found: LocatedText[] = [];
  words.forEach((word, index) => {
    const base = word.text.slice(word.text.lastIndexOf('/') + 1);
    if (base === 'eval' || base === 'ssh') {
      found.push(...words.slice(index + 1).filter((next) => SHELL_NEEDLES.some((needle) => next.text.includes(needle))));
    } else if (SHELLS.has(base)) {
      const flag = words.slice(index + 1).findIndex((next) => /^-[a-z]*c[a-z]*$/.test(next.text));
      const script = flag === -1 ? undefined : words[index + 2 + flag];
      if (script !== undefined) found.push(script);
    }
  });
  return [...new Set(found)];
}

/** A string as a script: a hole becomes a variable that the nested script does not set, with the hole's reason. */
function nestedSource(word: LocatedText, outer: ScriptSource): ScriptSource {
  const file = outer.locator.file;
  const preset = new Map<string, Hole>();
  const pieces: string[] = [];
  const places: number[] = [];
  const holes = word.holes;
  let hole = 0;
  for (let index = 0; index < word.text.length; index++) {
    const char = word.text[index] ?? '';
    if (char !== HOLE) {
      pieces.push(char);
      places.push(index);
      continue;
    }
    const name = `__amiguard_${hole}`;
    const found = holes[hole++];
    if (found !== undefined) preset.set(name, found);
    const reference = `\${${name}}`;
    pieces.push(reference);
    for (let copy = 0; copy < reference.length; copy++) places.push(index);
  }
  const text = pieces.join('');
  return {
    text,
    preset,
    ...(outer.outside === undefined ? {} : { outside: outer.outside }),
    locator: {
      file,
      locate(start, end) {
        const first = places[Math.min(start, places.length - 1)] ?? 0;
        const last = places[Math.max(0, Math.min(end, places.length) - 1)] ?? first;
        return word.rangeLocation(first, Math.max(first + 1, last + 1));
      },
    },
  };
}

/** The CLI's options under the API's names. `--opt value...` and `--opt=value`. */
const OPTIONS: Readonly<Record<string, ParameterName>> = {
  '--attribute': 'Attribute',
  '--operation-type': 'OperationType',
  '--launch-permission': 'LaunchPermission',
  '--create-volume-permission': 'CreateVolumePermission',
  '--user-ids': 'UserIds',
  '--user-groups': 'UserGroups',
  '--group-names': 'GroupNames',
  '--organization-arns': 'OrganizationArns',
  '--organizational-unit-arns': 'OrganizationalUnitArns',
};
const STRUCTURES = new Set<ParameterName>(['LaunchPermission', 'CreateVolumePermission']);
const SCALARS = new Set<ParameterName>(['Attribute', 'OperationType']);

function cliParameters(api: Api, words: readonly LocatedText[]): CallParameters {
  const parameters = new Map<ParameterName, Parameter>();
  const opaque: Parameter[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index];
    if (word === undefined || !word.text.startsWith('--')) continue;
    const equals = word.text.indexOf('=');
    const option = equals === -1 ? word.text : word.text.slice(0, equals);
    const values: LocatedText[] = equals === -1 ? [] : [word.slice(equals + 1, word.text.length)];
    while (equals === -1 && index + 1 < words.length && !(words[index + 1]?.text.startsWith('--') ?? false)) {
      const next = words[++index];
      if (next !== undefined) values.push(next);
    }
    const first = values[0];
    if (option === '--cli-input-json') {
      if (first === undefined) continue;
      const input = parseStructure(first, option);
      if (input.kind !== 'map') {
        opaque.push({ field: option, value: input });
        continue;
      }
      for (const entry of input.entries) {
        if (entry.key === undefined) opaque.push({ field: option, value: entry.value });
        else if (isParameterName(entry.key)) parameters.set(entry.key, { field: `${option} ${entry.key}`, value: entry.value });
      }
      continue;
    }
    if (option === '--cli-input-yaml') {
      if (first !== undefined) opaque.push({ field: option, value: unknownValue(`amiguard does not read ${option}`, first.location) });
      continue;
    }
    const name = OPTIONS[option];
    if (name === undefined || first === undefined) continue;
    if (STRUCTURES.has(name)) parameters.set(name, { field: option, value: parseStructure(first, option) });
    else if (SCALARS.has(name)) parameters.set(name, { field: option, value: first.value(0, first.text.length) });
    else parameters.set(name, { field: option, value: listValue(first, values, option) });
  }
  return { api, parameters, opaque };
}

function isParameterName(key: string): key is ParameterName {
  return Object.values(OPTIONS).includes(key as ParameterName);
}

/** `--user-ids 111 222`, `--user-ids 111,222`, `--user-ids '["111","222"]'`, or a variable holding them. */
function listValue(first: LocatedText, values: readonly LocatedText[], option: string): Parameter['value'] {
  const items: Parameter['value'][] = [];
  for (const value of values) {
    if (value.text.trimStart().startsWith('[')) {
      items.push(parseStructure(value, option));
      continue;
    }
    const separator = /[\s,]+/g;
    let start = 0;
    for (const match of value.text.matchAll(separator)) {
      if (match.index > start) items.push(value.value(start, match.index));
      start = match.index + match[0].length;
    }
    if (value.text.length > start) items.push(value.value(start, value.text.length));
  }
  return { kind: 'list', items, location: span(first.location, (values.at(-1) ?? first).location) };
}

interface Assignment {
  /** The assigned word; undefined for a value the script does not show (`read X`, an array). */
  readonly value: Node | undefined;
  readonly location: SourceLocation;
  readonly line: number;
  readonly runtime?: string;
}

/** One parsed script: its commands, variable assignments and functions, and how to evaluate a word. */
class ShellScript {
  readonly commands: Node[] = [];
  readonly heredocs: Node[] = [];
  private readonly assignments = new Map<string, Assignment[]>();
  private readonly functions = new Map<string, Node>();
  private readonly callers = new Map<string, Node[]>();
  private readonly dispatchers: Node[] = [];

  constructor(
    root: Node,
    private readonly source: ScriptSource,
  ) {
    for (const node of nodesOfType(root, NODE_TYPES)) {
      switch (node.type) {
        case 'command':
          this.addCommand(node);
          break;
        case 'heredoc_redirect':
          this.heredocs.push(node);
          break;
        case 'variable_assignment':
          this.addAssignment(node);
          break;
        case 'for_statement':
          this.addLoop(node);
          break;
        case 'function_definition': {
          const name = node.childForFieldName('name')?.text;
          if (name !== undefined) this.functions.set(name, node);
          break;
        }
      }
    }
  }

  private locate(node: Node): SourceLocation {
    return this.source.locator.locate(node.startIndex, node.endIndex);
  }

  private addCommand(node: Node): void {
    this.commands.push(node);
    const name = node.childForFieldName('name');
    if (name === null) return;
    const text = name.text;
    if (/^"?\$(?:\{?[@*1]\}?)"?$/.test(text)) this.dispatchers.push(node);
    const list = this.callers.get(text) ?? [];
    list.push(node);
    this.callers.set(text, list);
    if (text === 'read' || text === 'mapfile' || text === 'readarray') {
      for (const argument of node.childrenForFieldName('argument')) {
        if (!argument.text.startsWith('-')) this.assign(argument.text, { value: undefined, location: this.locate(argument), line: this.line(argument), runtime: `it is read at run time by ${text}` });
      }
    }
  }

  private line(node: Node): number {
    return this.source.locator.locate(node.startIndex, node.startIndex).line;
  }

  private assign(name: string, assignment: Assignment): void {
    const list = this.assignments.get(name) ?? [];
    list.push(assignment);
    this.assignments.set(name, list);
  }

  private addAssignment(node: Node): void {
    const name = node.childForFieldName('name');
    if (name === null) return;
    const variable = name.type === 'subscript' ? name.childForFieldName('name')?.text : name.text;
    if (variable === undefined) return;
    const value = node.childForFieldName('value');
    const appends = node.children.some((child) => child.type === '+=');
    const runtime =
      name.type === 'subscript' || value?.type === 'array'
        ? 'it is an array'
        : appends
          ? 'it is appended to'
          : undefined;
    this.assign(variable, { value: value ?? undefined, location: this.locate(value ?? node), line: this.line(node), ...(runtime === undefined ? {} : { runtime }) });
  }

  private addLoop(node: Node): void {
    const variable = node.childForFieldName('variable')?.text;
    if (variable === undefined) return;
    const values = node.childrenForFieldName('value');
    if (values.length === 0) {
      this.assign(variable, { value: undefined, location: this.locate(node), line: this.line(node), runtime: 'it loops over the arguments' });
      return;
    }
    for (const value of values) this.assign(variable, { value, location: this.locate(value), line: this.line(value) });
  }

  /** The command's words, name first, evaluated. */
  words(command: Node): LocatedText[] {
    const name = command.childForFieldName('name');
    const nodes = [...(name === null ? [] : name.namedChildren.length === 1 ? name.namedChildren : [name]), ...command.childrenForFieldName('argument')];
    return nodes.map((node) => this.evaluate(node, 0));
  }

  /** A word's value; what the script does not show becomes a hole that says why. */
  evaluate(node: Node, depth: number): LocatedText {
    const location = this.locate(node);
    if (depth > MAX_CHAIN) return LocatedText.hole({ reason: 'the value is built through too many variables to follow', location });
    switch (node.type) {
      case 'word':
      case 'number':
      case 'extglob_pattern':
        return this.literal(node.startIndex, node.text, 'word');
      case 'raw_string':
        return this.literal(node.startIndex + 1, node.text.slice(1, -1), 'raw');
      case 'ansi_c_string':
        return this.literal(node.startIndex + 2, node.text.slice(2, -1), 'ansi');
      case 'string':
      case 'translated_string':
        return this.parts(node, node.startIndex + (node.type === 'string' ? 1 : 2), node.endIndex - 1, 'double', depth);
      case 'concatenation':
        return this.parts(node, node.startIndex, node.endIndex, 'word', depth);
      case 'simple_expansion':
      case 'expansion':
        return this.expansion(node, depth);
      case 'command_substitution':
      case 'process_substitution':
        return LocatedText.hole({ reason: `${oneLine(node.text, 60)} is the output of a command, known only when the script runs`, location });
      case 'arithmetic_expansion':
        return LocatedText.hole({ reason: `${oneLine(node.text, 60)} is computed when the script runs`, location });
      default:
        return LocatedText.hole({ reason: `amiguard cannot evaluate ${oneLine(node.text, 60)}`, location });
    }
  }

  /** A here-document's text: as written when its delimiter is quoted, else with its expansions evaluated. */
  heredocText(body: Node, quoted: boolean): LocatedText {
    return quoted ? this.literal(body.startIndex, body.text, 'raw') : this.parts(body, body.startIndex, body.endIndex, 'heredoc', 0);
  }

  /** Children in order; the text between them is literal (a string's content, a concatenation's pieces). */
  private parts(node: Node, start: number, end: number, quoting: Quoting, depth: number): LocatedText {
    const parts: LocatedText[] = [];
    let position = start;
    const text = this.source.text;
    for (const child of node.namedChildren) {
      if (child.startIndex > position) parts.push(this.literal(position, text.slice(position, child.startIndex), quoting));
      parts.push(child.type === 'string_content' || child.type === 'heredoc_content' ? this.literal(child.startIndex, child.text, quoting) : this.evaluate(child, depth));
      position = child.endIndex;
    }
    if (end > position) parts.push(this.literal(position, text.slice(position, end), quoting));
    return LocatedText.concat(parts, this.locate(node));
  }

  /** Literal text at `start`, with the escapes of its quoting removed and each character located. */
  private literal(start: number, raw: string, quoting: Quoting): LocatedText {
    const chars: string[] = [];
    const places: SourceLocation[] = [];
    for (let index = 0; index < raw.length; index++) {
      const char = raw[index] ?? '';
      if (char === '\\' && quoting !== 'raw') {
        const next = raw[index + 1];
        if (next === '\n') {
          index++;
          continue;
        }
        if (next !== undefined && (quoting === 'word' || (quoting === 'double' && '"\\$`'.includes(next)) || (quoting === 'heredoc' && '\\$`'.includes(next)) || (quoting === 'ansi' && "'\\\"".includes(next)))) {
          chars.push(next);
          places.push(this.source.locator.locate(start + index, start + index + 2));
          index++;
          continue;
        }
      }
      chars.push(char);
      places.push(this.source.locator.locate(start + index, start + index + 1));
    }
    return LocatedText.literal(chars.join(''), places, this.source.locator.locate(start, start + raw.length));
  }

  /** `$X`, `${X}`, `${X:-default}`, `$1`, `$@`. */
  private expansion(node: Node, depth: number): LocatedText {
    const location = this.locate(node);
    const nameNode = node.namedChildren.find((child) => child.type === 'variable_name' || child.type === 'special_variable_name');
    const name = nameNode?.text;
    if (name === undefined) return LocatedText.hole({ reason: `${node.text} is known only when the script runs`, location });
    const plain = node.text === `$${name}` || node.text === `\${${name}}`;
    const fallback = /^\$\{[A-Za-z_0-9]+:?[-=]/.test(node.text) ? node.namedChildren.find((child) => child !== nameNode) : undefined;
    const value = this.variable(name, location, depth);
    if (plain || value.known) return value;
    if (fallback === undefined) return LocatedText.hole({ reason: `${node.text} is known only when the script runs`, location });
    const alternative = this.evaluate(fallback, depth + 1);
    const [hole] = value.holes;
    return LocatedText.hole({
      reason: hole?.reason ?? `${name} is not known`,
      location,
      via: node.text,
      ...(alternative.known ? { mayInclude: [alternative.text, ...(hole?.mayInclude ?? [])] } : {}),
    });
  }

  private variable(name: string, location: SourceLocation, depth: number): LocatedText {
    const via = `$${name}`;
    const preset = this.source.preset.get(name);
    if (preset !== undefined) return LocatedText.hole({ ...preset, location });
    if (/^[0-9@*#]$/.test(name)) {
      return LocatedText.hole({ reason: `${via} is an argument of the script or function, known only when it runs`, location, via });
    }
    const assignments = this.assignments.get(name) ?? [];
    const given = this.source.outside?.(name, assignments.length > 0);
    if (given !== undefined) return LocatedText.literal(given.value, [...given.value].map(() => location), location).relocated(location, { via: `${via} from ${given.via}` });
    if (assignments.length === 0) {
      return LocatedText.hole({ reason: `${via} is not set in this script (an environment variable or the caller's value)`, location, via });
    }
    const values = assignments.map((assignment) =>
      assignment.value === undefined ? undefined : assignment.runtime === undefined ? this.evaluate(assignment.value, depth + 1) : undefined,
    );
    const literals = [...new Set(values.flatMap((value) => (value?.known === true ? [value.text] : [])))];
    const only = assignments[0];
    const value = values[0];
    if (assignments.length === 1 && only !== undefined && value?.known === true) {
      return value.relocated(location, { via, origin: only.location });
    }
    if (values.every((candidate) => candidate?.known === true) && literals.length === 1 && only !== undefined && value !== undefined) {
      return value.relocated(location, { via, origin: only.location });
    }
    const runtime = assignments.find((assignment, index) => assignment.runtime !== undefined || values[index]?.known !== true);
    const reason =
      runtime === undefined
        ? `${via} is set to different values in this script (lines ${assignments.map((assignment) => assignment.line).join(', ')})`
        : `${via} is set when the script runs (line ${runtime.line}${runtime.runtime === undefined ? '' : `: ${runtime.runtime}`})`;
    return LocatedText.hole({ reason, location, via, ...(literals.length === 0 ? {} : { mayInclude: literals }) });
  }

  /**
   * The runtime guard a command sits behind: an `if`/`elif`/`else` branch, a `case` item, the
   * right side of `&&`/`||`, and, inside a function, the guards of its calls (or the script's
   * arguments when it dispatches on `"$@"`). Loops are not guards: the corpus labels count a
   * grant in a loop as made.
   */
  guardOf(node: Node, depth: number, visiting: Set<number>): string | undefined {
    const guards: string[] = [];
    let child = node;
    for (let parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
      switch (parent.type) {
        case 'if_statement':
        case 'elif_clause': {
          const conditions = parent.childrenForFieldName('condition').filter((part) => part.isNamed);
          const inCondition = conditions.some((part) => part.startIndex <= child.startIndex && child.endIndex <= part.endIndex);
          const isClause = child.type === 'elif_clause' || child.type === 'else_clause';
          if (!inCondition && !isClause) guards.push(conditionText(conditions));
          if (child.type === 'else_clause') guards.push(`not (${conditionText(conditions)})`);
          break;
        }
        case 'case_item': {
          const value = parent.parent?.childForFieldName('value')?.text ?? '';
          const patterns = parent.childrenForFieldName('value').map((pattern) => pattern.text);
          guards.push(`${oneLine(value, 40)} matches ${patterns.join('|')}`);
          break;
        }
        case 'list': {
          const operator = parent.children.find((part) => part.type === '&&' || part.type === '||');
          const left = parent.namedChildren[0];
          if (operator !== undefined && left !== undefined && child.startIndex >= operator.endIndex) {
            guards.push(operator.type === '&&' ? oneLine(left.text) : `not (${oneLine(left.text)})`);
          }
          break;
        }
        case 'function_definition': {
          const called = this.callGuard(parent, depth, visiting);
          if (called !== undefined) guards.push(called);
          return joinGuards(...guards.reverse());
        }
      }
    }
    return joinGuards(...guards.reverse());
  }

  /** The guard of a function's calls; undefined when one call is unguarded or none is in the script. */
  private callGuard(definition: Node, depth: number, visiting: Set<number>): string | undefined {
    const name = definition.childForFieldName('name')?.text;
    if (name === undefined || depth > MAX_CHAIN || visiting.has(definition.id)) return undefined;
    visiting.add(definition.id);
    try {
      const inside = (site: Node): boolean => site.startIndex >= definition.startIndex && site.endIndex <= definition.endIndex;
      const sites = (this.callers.get(name) ?? []).filter((site) => !inside(site));
      const guards: string[] = [];
      for (const site of sites) {
        const guard = this.guardOf(site, depth + 1, visiting);
        if (guard === undefined) return undefined;
        guards.push(`${guard} (line ${this.line(site)})`);
      }
      for (const site of this.dispatchers) {
        const guard = this.guardOf(site, depth + 1, visiting);
        guards.push(joinGuards(guard, `the script's arguments name ${name} (${oneLine(site.text, 20)}, line ${this.line(site)})`) ?? '');
      }
      const [first] = guards;
      if (first === undefined) return undefined;
      return guards.length === 1 ? first : `${first}, or ${guards.length - 1} other call${guards.length === 2 ? '' : 's'}`;
    } finally {
      visiting.delete(definition.id);
    }
  }
}

type Quoting = 'word' | 'double' | 'heredoc' | 'raw' | 'ansi';

const NODE_TYPES: ReadonlySet<string> = new Set(['command', 'variable_assignment', 'for_statement', 'function_definition', 'heredoc_redirect']);

function conditionText(conditions: readonly Node[]): string {
  return oneLine(conditions.map((part) => part.text).join(' ').replace(/;\s*$/, ''));
}
