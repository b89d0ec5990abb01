import { readdirSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { SourceLocation } from '../../core/index.js';
import type { UnitContext } from '../format.js';
import type { SourceFile, TemplateProblem } from '../model.js';
import { Evaluator, LOCAL_NAMESPACE, unknownNamespace, VARIABLE_NAMESPACE, type EvaluationEnvironment, type Namespace } from '../hcl/evaluate.js';
import { parseHclBody, parseHclTemplate, type HclTreeParser } from '../hcl/hcl-parser.js';
import { parseHclJson } from '../hcl/json-syntax.js';
import { attribute, type Body } from '../hcl/syntax.js';
import { asString, at, error, str, unknown, type Budget, type Value } from '../hcl/value.js';
import { VariableValues, type VariableSource } from '../hcl/variables.js';
import { collectBlocks, providerReference, type BlockInstance, type PlacedSubject } from './block-public-access.js';
import { assembleModule, type ModuleCall, type ModuleConfiguration } from './configuration.js';
import { expandInstances } from './expand.js';
import { TERRAFORM_FUNCTIONS } from './functions.js';
import { collectSubjects, imagesOf } from './resources.js';
import { MODULE_SCHEMA } from './schema.js';
import { TERRAFORM_VARIABLES } from './variables.js';

/** Local modules calling local modules deeper than this are not followed. */
export const MAX_MODULE_DEPTH = 16;
/** A local module folder with more files than this is not read. */
const MAX_MODULE_FILES = 500;

/** The meta-arguments of a module call; every other attribute is an input variable. */
const MODULE_META: ReadonlySet<string> = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

/** What one reading of a root module shares: the parser, the context, and what is found. */
export interface ReadSession {
  readonly parser: HclTreeParser;
  readonly context: UnitContext;
  readonly problems: TemplateProblem[];
  readonly budget: Budget;
  /** The root module's folder, as shown: `path.root`, and what file functions resolve against. */
  readonly root: string;
  /** The modules `terraform init` installed for the root, by module key (`vpc`, `vpc.subnets`): their folders. */
  readonly installed: () => ReadonlyMap<string, string>;
  /** The AMI resources of every module instance read so far, by address. */
  readonly images: Map<string, () => string | undefined>;
  /** The `aws_ec2_image_block_public_access` instances of every module instance read so far. */
  readonly blocks: BlockInstance[];
  /** The AWS provider configurations declared in the root and its modules, in the root's terms (`aws`, `aws.west`, `module.x.aws`). */
  readonly awsConfigurations: Set<string>;
}

/** How the root module's own references name configurations: as written (an undeclared `aws` is the implicit default). */
export const ROOT_PROVIDERS = (reference: string): string => reference;

/**
 * The modules `terraform init` installed under the root (`.terraform/modules/modules.json`), by
 * key, with their folders as shown; none when the root was not initialised.
 */
export function installedModules(root: string, context: UnitContext): ReadonlyMap<string, string> {
  const path = posix.join(root, '.terraform/modules/modules.json');
  const installed = new Map<string, string>();
  try {
    if (!statSync(resolve(context.cwd, path)).isFile()) return installed;
  } catch {
    return installed;
  }
  const file = context.load(path, 'template', 'none');
  if (file === undefined) return installed;
  let manifest: unknown;
  try {
    manifest = JSON.parse(file.text);
  } catch {
    return installed;
  }
  const modules = typeof manifest === 'object' && manifest !== null && 'Modules' in manifest && Array.isArray(manifest.Modules) ? (manifest.Modules as unknown[]) : [];
  for (const entry of modules) {
    if (typeof entry !== 'object' || entry === null || !('Key' in entry) || !('Dir' in entry)) continue;
    const { Key: key, Dir: dir } = entry;
    if (typeof key === 'string' && typeof dir === 'string' && key !== '') installed.set(key, posix.normalize(posix.join(root, dir.split('\\').join('/'))));
  }
  return installed;
}

export function isJson(path: string): boolean {
  return path.endsWith('.json');
}

/** Parses the files of one module folder into its declarations; a file that does not parse is a problem. */
export function parseModule(session: ReadSession, folder: string, files: readonly SourceFile[]): ModuleConfiguration {
  const bodies: { file: string; body: Body }[] = [];
  // Terraform joins a folder's files in lexical order.
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    const parsed = isJson(file.path)
      ? parseHclJson(session.parser, file.path, file.text, MODULE_SCHEMA)
      : parseHclBody(session.parser, file.path, file.text, MODULE_SCHEMA);
    if (parsed.ok) bodies.push({ file: file.path, body: parsed.value });
    else session.problems.push(parsed.problem);
  }
  return assembleModule(folder, bodies, session.problems);
}

/**
 * One instance of a module: the root, or a local module called from it (once per instance of
 * the call). Its variables come from the root's inputs or from the call's arguments; its
 * resources make subjects, and its local module calls are followed.
 */
export class ModuleInstance {
  readonly evaluator: Evaluator;
  readonly providerOf: (reference: string) => string | undefined;
  private readonly children = new Map<string, readonly ModuleInstance[]>();
  private readonly childrenInProgress = new Set<string>();

  constructor(
    private readonly session: ReadSession,
    readonly config: ModuleConfiguration,
    /** `module.images.` for a child, '' for the root. */
    readonly prefix: string,
    /** The module key `terraform init` records (`images`, `images.inner`), '' for the root. */
    private readonly key: string,
    sources: readonly VariableSource[],
    readonly doubt: string | undefined,
    /** The folders of the modules that called this one, to stop a module that calls itself. */
    private readonly callers: readonly string[],
    /** What the caller's configurations are for this module's provider references that it does not declare itself. */
    inherited: (reference: string) => string | undefined,
  ) {
    const own = new Set(config.providers.map((provider) => provider.address));
    this.providerOf = (reference) => (own.has(reference) ? `${prefix}${reference}` : inherited(reference));
    for (const address of own) if (address === 'aws' || address.startsWith('aws.')) session.awsConfigurations.add(`${prefix}${address}`);
    const base = {
      useEnv: session.context.useEnv,
      env: session.context.env,
      pathRoot: session.root,
      cwd: session.context.cwd,
      parseTemplate: (text: string, loc: SourceLocation) => {
        const parsed = parseHclTemplate(session.parser, text, loc);
        return parsed.ok ? parsed.value : parsed.problem.message;
      },
      budget: session.budget,
      functions: TERRAFORM_FUNCTIONS,
    };
    // Defaults and var-files are values: Terraform allows no references in them.
    const literalEnvironment: EvaluationEnvironment = {
      ...base,
      variable: (name) => at(unknown(`var.${name} cannot be used in a variable's value`), undefined),
      locals: undefined,
      namespace: (root) => (root === 'var' ? VARIABLE_NAMESPACE : root === 'local' ? LOCAL_NAMESPACE : undefined),
    };
    const variables = new VariableValues(
      {
        parser: session.parser,
        declarations: config.variables,
        sources,
        convention: TERRAFORM_VARIABLES,
        readFile: (path) => session.context.readVarFile(path),
        problems: session.problems,
      },
      new Evaluator(literalEnvironment),
    );
    this.evaluator = new Evaluator({
      ...base,
      variable: (name) => variables.value(name),
      locals: config.locals,
      namespace: (root) => this.namespace(root),
    });
    for (const [address, name] of imagesOf(this)) session.images.set(address, name);
  }

  get images(): ReadonlyMap<string, () => string | undefined> {
    return this.session.images;
  }

  /** The subjects of this module's resources, then those of the local modules it calls; its block public access resources go to the session. */
  subjects(): PlacedSubject[] {
    this.session.blocks.push(...collectBlocks(this));
    const subjects = collectSubjects(this);
    for (const name of this.config.modules.keys()) {
      for (const child of this.instancesOf(name)) subjects.push(...child.subjects());
    }
    return subjects;
  }

  private namespace(root: string): Namespace | undefined {
    switch (root) {
      case 'var':
        return VARIABLE_NAMESPACE;
      case 'local':
        return LOCAL_NAMESPACE;
      case 'path':
        return this.pathNamespace;
      case 'data':
        return DATA_NAMESPACE;
      case 'module':
        return this.moduleNamespace;
      case 'count':
      case 'each':
        return unknownNamespace(1, ([name = '']) => `${root}.${name} is only known in a block with ${root === 'count' ? 'count' : 'for_each'}`);
      case 'self':
        return unknownNamespace(1, ([name = '']) => `self.${name} is only known in a provisioner or connection block`);
      case 'terraform':
        return unknownNamespace(1, ([name = '']) => `terraform.${name} is the workspace selected when Terraform runs`);
      default:
        return this.resourceNamespace(root);
    }
  }

  /**
   * `path.*` as Terraform gives them when it runs in the root module's folder: the root is `.`,
   * a module's folder is relative to it, and file functions resolve relative paths against it.
   */
  private readonly pathNamespace: Namespace = {
    depth: 1,
    resolve: ([name = ''], loc) => {
      if (name === 'module') return { value: str(posix.relative(this.session.root, this.config.folder) || '.', loc) };
      if (name === 'root') return { value: str('.', loc) };
      if (name === 'cwd') return { value: str(resolve(this.session.context.cwd, this.session.root), loc) };
      return { value: at(error(`path.${name} does not exist (path.module, path.root and path.cwd do)`), loc) };
    },
  };

  /** `type.name`: a managed resource's attributes are known only once Terraform has applied it. */
  private resourceNamespace(type: string): Namespace {
    const declared = this.config.resourceTypes.has(type);
    return {
      depth: 1,
      resolve: ([name = ''], loc) => {
        if (!declared || !this.config.resources.has(`${type}.${name}`)) {
          return { value: at(error(`reference to undeclared resource ${type}.${name}; Terraform rejects it`), loc) };
        }
        // The address goes with the value (`via`), so that a permission's image_id can name the AMI it shares.
        const address = `${this.prefix}${type}.${name}`;
        return { value: at(unknown(`resource ${address} is known only after terraform apply`), loc), via: address };
      },
    };
  }

  /** `module.name.output`: a local module's output, evaluated in that module. */
  private readonly moduleNamespace: Namespace = {
    depth: 2,
    resolve: ([name = '', output], loc) => {
      const call = this.config.modules.get(name);
      if (call === undefined) return { value: at(error(`reference to undeclared module "${name}"; Terraform rejects it`), loc) };
      if (output === undefined) return { value: at(unknown(`module.${name} is used whole: amiguard evaluates a module's outputs by name only`), loc) };
      const instances = this.instancesOf(name);
      const [only] = instances;
      if (only === undefined || instances.length > 1 || attribute(call.body, 'count') !== undefined || attribute(call.body, 'for_each') !== undefined) {
        return { value: at(unknown(`module.${name}.${output} is not evaluated: the module is not local, or has count or for_each`), loc) };
      }
      const value = only.output(output);
      if (value === undefined) return { value: at(error(`module "${name}" has no output "${output}"; Terraform rejects it`), loc) };
      return { value, via: `module.${name}.${output}` };
    },
  };

  private output(name: string): Value | undefined {
    const expr = this.config.outputs.get(name);
    return expr === undefined ? undefined : this.evaluator.evaluate(expr);
  }

  /** The instances of a module call, read once; none for a module amiguard does not follow. */
  private instancesOf(name: string): readonly ModuleInstance[] {
    const known = this.children.get(name);
    if (known !== undefined) return known;
    const call = this.config.modules.get(name);
    if (call === undefined || this.childrenInProgress.has(name)) return [];
    this.childrenInProgress.add(name);
    let instances: readonly ModuleInstance[];
    try {
      instances = this.callModule(call);
    } finally {
      this.childrenInProgress.delete(name);
    }
    this.children.set(name, instances);
    return instances;
  }

  private callModule(call: ModuleCall): ModuleInstance[] {
    const source = attribute(call.body, 'source');
    const sourceValue = source === undefined ? undefined : asString(this.evaluator.evaluate(source.expr));
    const where = source?.loc ?? call.loc;
    if (sourceValue === undefined) {
      this.unevaluated(`module "${call.name}" has no literal source; what it shares is not checked`, where);
      return [];
    }
    const key = this.key === '' ? call.name : `${this.key}.${call.name}`;
    const local = sourceValue.startsWith('./') || sourceValue.startsWith('../');
    const installed = local ? undefined : this.session.installed().get(key);
    if (!local && installed === undefined) {
      this.unevaluated(
        `module "${call.name}" comes from ${JSON.stringify(sourceValue)}, which is not a local path: amiguard does not fetch registry or remote modules, so what it shares is not checked (after terraform init, amiguard reads the copy in .terraform/modules)`,
        where,
      );
      return [];
    }
    const folder = installed ?? (posix.normalize(posix.join(this.config.folder, sourceValue)).replace(/\/$/, '') || '.');
    if (this.callers.includes(folder) || folder === this.config.folder) {
      this.unevaluated(`module "${call.name}" calls ${folder}, which is already being read (a module that calls itself); Terraform rejects it`, where);
      return [];
    }
    if (this.callers.length >= MAX_MODULE_DEPTH) {
      this.unevaluated(`module "${call.name}" is nested more than ${MAX_MODULE_DEPTH} local modules deep: amiguard does not follow it`, where);
      return [];
    }
    const files = this.loadFolder(folder, where, call.name);
    if (files === undefined) return [];
    const config = parseModule(this.session, folder, files);
    const address = `${this.prefix}module.${call.name}`;
    const inherited = this.passedProviders(call);
    return expandInstances(call.body, this.evaluator, address, this.doubt).map((instance) => {
      const sources: VariableSource[] = [];
      for (const argument of call.body.attributes) {
        if (MODULE_META.has(argument.name)) continue;
        const expr = argument.expr;
        sources.push({
          kind: 'value',
          name: argument.name,
          value: this.evaluator.evaluate(expr, instance.scope),
          loc: expr.loc,
          what: `argument of module "${call.name}"`,
        });
      }
      return new ModuleInstance(this.session, config, `${address}${instance.key}.`, key, sources, instance.doubt, [...this.callers, this.config.folder], inherited);
    });
  }

  /**
   * The configurations a module call passes: those its `providers` map names, or without one,
   * the caller's default configurations (Terraform passes aliased ones only through the map).
   */
  private passedProviders(call: ModuleCall): (reference: string) => string | undefined {
    const providers = attribute(call.body, 'providers')?.expr;
    if (providers === undefined) return (reference) => (reference.includes('.') ? undefined : this.providerOf(reference));
    const passed = new Map<string, string | undefined>();
    if (providers.type === 'object') {
      for (const item of providers.items) {
        const child = providerReference(item.key);
        const parent = providerReference(item.value);
        if (child !== undefined) passed.set(child, parent === undefined ? undefined : this.providerOf(parent));
      }
    }
    return (reference) => passed.get(reference);
  }

  /** The `.tf` and `.tf.json` files of a local module's folder, through the bounded reader. */
  private loadFolder(folder: string, where: SourceLocation, name: string): SourceFile[] | undefined {
    let names: string[];
    try {
      names = readdirSync(resolve(this.session.context.cwd, folder)).filter((entry) => entry.endsWith('.tf') || entry.endsWith('.tf.json'));
    } catch (caught) {
      const reason = caught instanceof Error && 'code' in caught ? String(caught.code) : 'it cannot be listed';
      this.session.problems.push({ message: `module "${name}": cannot read its folder ${folder} (${reason}); Terraform rejects the configuration`, location: where });
      return undefined;
    }
    if (names.length > MAX_MODULE_FILES) {
      this.unevaluated(`module "${name}": its folder ${folder} holds ${names.length} Terraform files, more than amiguard reads (${MAX_MODULE_FILES})`, where);
      return undefined;
    }
    const files: SourceFile[] = [];
    for (const entry of names.sort()) {
      const path = folder === '.' ? entry : `${folder}/${entry}`;
      const loaded = this.session.context.load(path, 'template', isJson(entry) ? 'hcl-json' : 'hcl');
      if (loaded !== undefined) files.push(loaded);
    }
    return files;
  }

  private unevaluated(message: string, location: SourceLocation): void {
    this.session.problems.push({ message, location, unevaluated: true });
  }
}

/** `data.type.name`: read from the provider when Terraform plans. */
const DATA_NAMESPACE: Namespace = unknownNamespace(2, (names) => `data source data.${names.join('.')} is read only when Terraform runs`);
