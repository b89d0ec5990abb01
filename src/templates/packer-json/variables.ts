import type { ValueNode } from '@humanwhocodes/momoa';
import { InputError, sourceLocation, type SourceLocation } from '../../core/index.js';
import type { ReadOptions, TemplateProblem } from '../model.js';
import { parseGoTemplate, type TemplatePart } from './go-template.js';
import { describeNode, locationOf, memberName } from './json-tree.js';
import { parseJson } from './parse.js';

/** A user variable's value as Packer would see it, or why it cannot be known. */
export type Resolution =
  | { readonly kind: 'known'; readonly value: string; readonly origin?: SourceLocation }
  | { readonly kind: 'unknown'; readonly reason: string; readonly origin?: SourceLocation };

/** Where a variable's effective value is written: a template default, a var-file, or `--var`. */
interface Definition {
  /** The raw value, itself a template; `null` for a required variable (default `null`). */
  readonly value: string | null;
  readonly origin?: SourceLocation;
  /** Set when Packer would refuse the definition; the variable is then unknown for this reason. */
  readonly invalid?: string;
}

/** Packer renders variables in at most 100 rounds, so a deeper chain of references fails there too. */
const MAX_REFERENCE_DEPTH = 100;

export function userReference(name: string): string {
  return `{{user \`${name}\`}}`;
}

export function envReference(name: string): string {
  return `{{env \`${name}\`}}`;
}

/**
 * The user variables of one legacy template: `"variables"` defaults, then the `--var-file`s in
 * command-line order (later wins), then every `--var`. Values are rendered on demand, with `{{env}}` and references
 * to other user variables, and cycles end as unknown values rather than loops.
 */
export class VariableScope {
  private readonly definitions: ReadonlyMap<string, Definition>;
  private readonly options: ReadOptions;
  private readonly resolved = new Map<string, Resolution>();
  private readonly resolving: string[] = [];
  /** How deep each rendered variable's chain of references goes (1: it refers to none). */
  private readonly depths = new Map<string, number>();
  /** The deepest chain among the references of the variable being rendered. */
  private referenceDepth = 0;
  /** Variables Packer cannot interpolate (a cycle, a chain past its 100 rounds): it stops there. */
  private readonly failures = new Map<string, { readonly message: string; readonly origin: SourceLocation | undefined }>();

  constructor(definitions: ReadonlyMap<string, Definition>, options: ReadOptions) {
    this.definitions = definitions;
    this.options = options;
  }

  resolve(name: string): Resolution {
    const done = this.resolved.get(name);
    if (done !== undefined) return done;
    const definition = this.definitions.get(name);
    if (definition === undefined) {
      return { kind: 'unknown', reason: `user variable "${name}" is not declared in "variables"` };
    }
    const origin = definition.origin === undefined ? {} : { origin: definition.origin };
    if (definition.invalid !== undefined) return { kind: 'unknown', reason: definition.invalid, ...origin };
    if (definition.value === null) {
      return { kind: 'unknown', reason: `variable "${name}" has no default and no value was given`, ...origin };
    }
    const cycleStart = this.resolving.indexOf(name);
    if (cycleStart >= 0) {
      const cycle = [...this.resolving.slice(cycleStart), name].join(' -> ');
      return this.fail(name, `user variables refer to each other in a cycle: ${cycle}`, definition.origin);
    }
    const tooDeep = `user variables nest more than ${MAX_REFERENCE_DEPTH} deep, past Packer's budget of ${MAX_REFERENCE_DEPTH} interpolation rounds`;
    if (this.resolving.length >= MAX_REFERENCE_DEPTH) return this.fail(name, tooDeep, definition.origin);
    const outer = this.referenceDepth;
    this.referenceDepth = 0;
    this.resolving.push(name);
    const rendered = this.render(name, definition.value);
    this.resolving.pop();
    const depth = this.referenceDepth + 1;
    this.referenceDepth = outer;
    this.depths.set(name, depth);
    let resolution: Resolution =
      rendered.kind === 'known'
        ? { kind: 'known', value: rendered.value, ...origin }
        : { kind: 'unknown', reason: rendered.reason, ...origin };
    // Reported once, where the chain crosses the limit; the variables above it inherit the reason.
    if (depth === MAX_REFERENCE_DEPTH + 1) resolution = this.fail(name, tooDeep, definition.origin);
    else if (depth > MAX_REFERENCE_DEPTH + 1) resolution = { kind: 'unknown', reason: tooDeep, ...origin };
    this.resolved.set(name, resolution);
    return resolution;
  }

  /**
   * Every variable as Packer renders them all before building (renderVarsRecursively), and the
   * ones it fails on: "Failed to interpolate", located at the variable's definition.
   */
  resolveAll(fallback: SourceLocation): TemplateProblem[] {
    for (const name of this.definitions.keys()) this.resolve(name);
    return [...this.failures.values()].map(({ message, origin }) => ({ message, location: origin ?? fallback }));
  }

  private fail(name: string, reason: string, origin: SourceLocation | undefined): Resolution {
    if (!this.failures.has(name)) {
      this.failures.set(name, {
        message: `Packer cannot interpolate user variable "${name}" and stops before building ("Failed to interpolate"): ${reason}`,
        origin,
      });
    }
    return { kind: 'unknown', reason, ...(origin === undefined ? {} : { origin }) };
  }

  /** Renders a variable's value the way Packer does for `"variables"`: `{{env}}` allowed. */
  private render(name: string, value: string): { kind: 'known'; value: string } | { kind: 'unknown'; reason: string } {
    const parsed = parseGoTemplate(value);
    if (!parsed.ok) return { kind: 'unknown', reason: `variable "${name}" is not a valid template: ${parsed.problem}` };
    let text = '';
    for (const part of parsed.parts) {
      const piece = this.renderPart(part);
      if (piece.kind === 'unknown') return piece;
      text += piece.value;
    }
    return { kind: 'known', value: text };
  }

  private renderPart(part: TemplatePart): { kind: 'known'; value: string } | { kind: 'unknown'; reason: string } {
    switch (part.kind) {
      case 'text':
        return { kind: 'known', value: part.text };
      case 'user': {
        const resolution = this.resolve(part.name);
        this.referenceDepth = Math.max(this.referenceDepth, this.depths.get(part.name) ?? 0);
        return resolution.kind === 'known'
          ? { kind: 'known', value: resolution.value }
          : { kind: 'unknown', reason: resolution.reason };
      }
      case 'env':
        if (!this.options.useEnv) {
          return { kind: 'unknown', reason: `${envReference(part.name)} is not read without --use-env` };
        }
        // Packer reads an unset environment variable as the empty string.
        return { kind: 'known', value: this.options.env[part.name] ?? '' };
      case 'other':
        return { kind: 'unknown', reason: unevaluatedReason(part) };
    }
  }
}

const RUN_TIME_FUNCTIONS = new Set([
  'timestamp',
  'isotime',
  'strftime',
  'uuid',
  'build_name',
  'build_type',
  'build',
  'packer_version',
  'pwd',
  'template_dir',
]);
const EXTERNAL_FUNCTIONS = new Set(['consul_key', 'vault', 'aws_secretsmanager', 'aws_secretsmanager_raw']);

/** Why an action other than `user`/`env` has no value here, naming the function. */
export function unevaluatedReason(part: Extract<TemplatePart, { kind: 'other' }>): string {
  if (part.name.startsWith('.')) return `${part.source} is build data, only known while Packer builds`;
  if (RUN_TIME_FUNCTIONS.has(part.name)) {
    return `template function "${part.name}" (in ${part.source}) is only known when Packer runs`;
  }
  if (EXTERNAL_FUNCTIONS.has(part.name)) {
    return `template function "${part.name}" (in ${part.source}) reads a value from outside the template`;
  }
  return `template function "${part.name}" (in ${part.source}) is not evaluated by amiguard`;
}

export interface ScopeBuild {
  readonly scope: VariableScope;
  readonly problems: readonly TemplateProblem[];
}

/** Collects the definitions of a template's `"variables"` and of the command line's values. */
export function buildScope(file: string, variables: ValueNode | undefined, options: ReadOptions): ScopeBuild {
  const definitions = new Map<string, Definition>();
  const problems: TemplateProblem[] = [];
  if (variables !== undefined) {
    if (variables.type === 'Object') {
      for (const member of variables.members) {
        const name = memberName(member);
        const origin = locationOf(file, member.value);
        if (definitions.has(name)) {
          problems.push({
            message: `variable "${name}" is declared twice; Packer rejects duplicate keys`,
            location: locationOf(file, member),
          });
        }
        definitions.set(name, templateDefinition(name, member.value, origin, problems));
      }
    } else if (variables.type !== 'Null') {
      problems.push({
        message: `"variables" must be an object of name to default value, found ${describeNode(variables)}`,
        location: locationOf(file, variables),
      });
    }
  }
  // Packer merges the var-files in command-line order, then lets every --var win over them
  // (command/meta.go Core), wherever it stands on the command line.
  for (const input of options.variables) {
    if (input.kind !== 'var-file') continue;
    const varFile = readVarFile(file, input.path, options);
    for (const problem of varFile.problems) problems.push(problem);
    for (const [name, definition] of varFile.definitions) definitions.set(name, definition);
  }
  for (const input of options.variables) {
    if (input.kind === 'var') definitions.set(input.name, { value: input.value });
  }
  return { scope: new VariableScope(definitions, options), problems };
}

function templateDefinition(name: string, value: ValueNode, origin: SourceLocation, problems: TemplateProblem[]): Definition {
  switch (value.type) {
    case 'String':
      return { value: value.value, origin };
    case 'Null':
      return { value: null, origin };
    default: {
      const invalid = `variable "${name}" has ${describeNode(value)} as default; Packer accepts only a string or null`;
      problems.push({ message: invalid, location: origin });
      return { value: null, origin, invalid };
    }
  }
}

interface VarFile {
  readonly definitions: ReadonlyMap<string, Definition>;
  readonly problems: readonly TemplateProblem[];
}

/**
 * The last var-file read, by path: every template of a run gets the same var-files, and parsing
 * them once per template would cost as much as the templates themselves.
 */
const varFileCache = new Map<string, { readonly text: string; readonly parsed: VarFile }>();

function readVarFile(templateFile: string, path: string, options: ReadOptions): VarFile {
  let text: string;
  try {
    text = options.readFile(path);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { definitions: new Map(), problems: [{ message: error.message, location: sourceLocation(templateFile, 1, 1) }] };
  }
  const cached = varFileCache.get(path);
  if (cached !== undefined && cached.text === text) return cached.parsed;
  const parsed = parseVarFile(path, text);
  varFileCache.set(path, { text, parsed });
  return parsed;
}

/** A legacy var-file is one JSON object of name to string (Packer decodes it into map[string]string). */
function parseVarFile(path: string, text: string): VarFile {
  const parsed = parseJson(path, text);
  if (!parsed.ok) {
    return { definitions: new Map(), problems: [{ ...parsed.problem, message: `var-file ${parsed.problem.message}` }] };
  }
  const body = parsed.document.body;
  if (body.type !== 'Object') {
    return {
      definitions: new Map(),
      problems: [
        {
          message: `a var-file must be a JSON object of variable name to value, found ${describeNode(body)}`,
          location: locationOf(path, body),
        },
      ],
    };
  }
  const definitions = new Map<string, Definition>();
  const problems: TemplateProblem[] = [];
  for (const member of body.members) {
    const name = memberName(member);
    if (member.value.type === 'String') {
      definitions.set(name, { value: member.value.value, origin: locationOf(path, member.value) });
    } else if (member.value.type === 'Null') {
      // Go decodes null into a map[string]string entry as the empty string.
      definitions.set(name, { value: '', origin: locationOf(path, member.value) });
    } else {
      problems.push({
        message: `var-file value of "${name}" is ${describeNode(member.value)}; Packer accepts only strings in a var-file`,
        location: locationOf(path, member.value),
      });
    }
  }
  return { definitions, problems };
}
