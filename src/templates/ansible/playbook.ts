import { existsSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { sharingFromCalls, type GrantCall } from '../subject.js';
import type { ImageSubject, InvalidGrant, SourceLocation } from '../../core/index.js';
import type { UnitContext } from '../format.js';
import type { TemplateProblem, VariableInput } from '../model.js';
import { launchGrants, moduleKind, snapshotGrants, snapshotModifies, type TaskGrants } from './grants.js';
import { evaluateNode, literalData, renderString } from './jinja.js';
import { layerOf, Variables, type Binding, type Facts, type Layer } from './variables.js';
import { inventoryVarFiles, inventoryVariables, literalStrings, type InventoryVariables } from './inventory.js';
import { ansibleBool, scalar, unknown, type Value } from './values.js';
import { parseYaml, type ParsedYaml, type YMap, type YNode, type YPair } from './yaml-tree.js';

/** Task keywords (Ansible's Task and Block attributes): every other key of a task names its module. */
const TASK_KEYWORDS = new Set([
  'name', 'when', 'register', 'loop', 'loop_control', 'vars', 'tags', 'become', 'become_user', 'become_method', 'become_flags',
  'become_exe', 'delegate_to', 'delegate_facts', 'run_once', 'ignore_errors', 'ignore_unreachable', 'changed_when', 'failed_when',
  'until', 'retries', 'delay', 'notify', 'listen', 'environment', 'no_log', 'check_mode', 'diff', 'args', 'async', 'poll',
  'any_errors_fatal', 'throttle', 'timeout', 'module_defaults', 'collections', 'connection', 'debugger', 'remote_user', 'port',
  'block', 'rescue', 'always',
]);
const INCLUDE_TASKS = new Set(['include_tasks', 'import_tasks', 'include', 'ansible.builtin.include_tasks', 'ansible.builtin.import_tasks', 'ansible.builtin.include']);
const INCLUDE_ROLE = new Set(['include_role', 'import_role', 'ansible.builtin.include_role', 'ansible.builtin.import_role']);
const SET_FACT = new Set(['set_fact', 'ansible.builtin.set_fact']);
const INCLUDE_VARS = new Set(['include_vars', 'ansible.builtin.include_vars']);

const MISSING = 'the play, its vars_files, the role\'s defaults and vars, group_vars, host_vars, or --var / --var-file (inventory files are not read)';
const COMMAND_LINE: SourceLocation = { kind: 'source', file: '<command line>', line: 1, column: 1, endLine: 1, endColumn: 1 };
/** Bounds on what one unit reads: includes nest, loops repeat, files include each other. */
const MAX_INCLUDE_DEPTH = 24;
const MAX_LOOP_ITEMS = 1000;
const MAX_TASKS = 100_000;

/** Whether a parsed file is a playbook (a list of plays). */
export function isPlaybook(root: YNode | undefined): boolean {
  if (root?.kind !== 'seq') return false;
  return root.items.some((item) => item.kind === 'map' && item.pairs.some((pair) => pair.key === 'hosts' || pair.key === 'import_playbook' || pair.key === 'ansible.builtin.import_playbook'));
}

interface Frame {
  /** The file the tasks are in, as shown. */
  readonly file: string;
  readonly scope: Variables;
  /** The `when:` guards around the tasks (play role, block, include, task), and notes such as "in a handler". */
  readonly conditions: readonly string[];
  readonly notes: readonly string[];
  /** Files being included, for cycles and depth. */
  readonly stack: readonly string[];
  /** The role folder (as shown) the tasks belong to, for include_role and include_vars. */
  readonly roleDir?: string;
}

/** Reads the playbooks and task files of one unit into subjects. */
export class AnsibleReader {
  readonly subjects: ImageSubject[] = [];
  readonly problems: TemplateProblem[] = [];
  /** Files read as part of a playbook or an include, not to be read again on their own. */
  readonly reached = new Set<string>();
  private readonly parsed = new Map<string, ParsedYaml | undefined>();
  private readonly seenSubjects = new Set<string>();
  private readonly extra: Layer;
  private tasks = 0;

  private inventory: InventoryVariables = new Map();
  /** What group_vars and host_vars set, each an unknown with its values; looked up when no layer defines the name. */
  private inventoryLayer: Layer = new Map();

  constructor(private readonly context: UnitContext) {
    this.extra = this.extraVars(context.variables);
  }

  /** Reads the `group_vars` / `host_vars` under `root`: they override role defaults on the hosts they apply to. */
  readInventory(root: string): void {
    const files = inventoryVarFiles(this.context.cwd, root).map((path) => ({ path, root: this.parse(path)?.root }));
    this.inventory = inventoryVariables(files);
    const layer = new Map<string, Binding>();
    for (const [name, inventory] of this.inventory) {
      const first = inventory.nodes[0];
      if (first === undefined) continue;
      const reason = `"${name}" is set by ${inventory.files.join(', ')}, which apply depending on the hosts a play runs on`;
      layer.set(name, { kind: 'value', value: unknown(reason, first.location, { mayInclude: [...new Set(inventory.nodes.flatMap(literalStrings))] }) });
    }
    this.inventoryLayer = layer;
  }

  /** A file of the unit, parsed once; its problems are reported once. */
  parse(file: string): ParsedYaml | undefined {
    if (this.parsed.has(file)) return this.parsed.get(file);
    const source = this.context.load(file, 'template', 'hash');
    const parsed = source === undefined ? undefined : parseYaml(file, source.text);
    if (parsed !== undefined) this.problems.push(...parsed.problems);
    this.parsed.set(file, parsed);
    return parsed;
  }

  /** Reads a file as an entry point: a playbook's plays, or a task file with its role's variables. */
  readEntry(file: string): void {
    const root = this.parse(file)?.root;
    if (root === undefined) return;
    if (isPlaybook(root)) {
      this.readPlaybook(file, root, []);
      return;
    }
    if (root.kind !== 'seq') return;
    const roleDir = roleFolderOf(file);
    const scope = this.scope([]).under(roleDir === undefined ? undefined : this.roleLayer(roleDir, 'defaults', [file])).with(roleDir === undefined ? undefined : this.roleLayer(roleDir, 'vars', [file]));
    this.walkTasks(root.items, { file, scope, conditions: [], notes: [], stack: [file], ...(roleDir === undefined ? {} : { roleDir }) });
  }

  /** The literal task files and playbooks a file includes, so that they are read from it rather than alone. */
  references(file: string): string[] {
    const root = this.parse(file)?.root;
    const found: string[] = [];
    const visit = (node: YNode, depth: number): void => {
      if (depth > 64) return;
      if (node.kind === 'seq') for (const item of node.items) visit(item, depth + 1);
      if (node.kind !== 'map') return;
      for (const pair of node.pairs) {
        const target = INCLUDE_TASKS.has(pair.key) || pair.key === 'import_playbook' || pair.key === 'ansible.builtin.import_playbook' ? includeTarget(pair.value) : undefined;
        if (target !== undefined && !target.includes('{{')) found.push(posix.join(posix.dirname(file), target));
        visit(pair.value, depth + 1);
      }
    };
    if (root !== undefined) visit(root, 0);
    return found;
  }

  private scope(layers: readonly Layer[]): Variables {
    return new Variables(layers, new Map(), this.extra, MISSING, this.inventoryLayer);
  }

  private readPlaybook(file: string, root: YNode, stack: readonly string[]): void {
    if (root.kind !== 'seq' || stack.includes(file) || stack.length > MAX_INCLUDE_DEPTH) return;
    const here = [...stack, file];
    // Facts set in one play stay for the plays after it (same hosts).
    const facts: Facts = new Map();
    for (const play of root.items) {
      if (play.kind !== 'map') continue;
      const imported = field(play, 'import_playbook') ?? field(play, 'ansible.builtin.import_playbook');
      if (imported !== undefined) {
        const target = includeTarget(imported.value);
        if (target === undefined || target.includes('{{')) {
          this.unevaluated(`import_playbook ${describeNode(imported.value)} is not a literal path: that playbook was not read`, imported.value.location);
          continue;
        }
        const path = posix.join(posix.dirname(file), target);
        const other = this.existing(path, imported.value.location, 'import_playbook');
        const otherRoot = other === undefined ? undefined : this.parse(other)?.root;
        if (other !== undefined && otherRoot !== undefined) {
          this.reached.add(other);
          this.readPlaybook(other, otherRoot, here);
        }
        continue;
      }
      this.readPlay(file, play, facts, here);
    }
  }

  private readPlay(file: string, play: YMap, facts: Facts, stack: readonly string[]): void {
    const base = new Variables([promptedLayer(field(play, 'vars_prompt')?.value), layerOf(field(play, 'vars')?.value)], facts, this.extra, MISSING, this.inventoryLayer);
    const varsFiles = this.varsFiles(file, field(play, 'vars_files')?.value, base);
    const scope = base.with(varsFiles.layer).withMissing(varsFiles.unread.length === 0 ? MISSING : `${MISSING}; vars_files not read: ${varsFiles.unread.join(', ')}`);
    const frame: Frame = { file, scope, conditions: [], notes: [], stack };
    const sections: readonly (readonly [string, string | undefined])[] = [
      ['pre_tasks', undefined],
      ['roles', undefined],
      ['tasks', undefined],
      ['post_tasks', undefined],
      ['handlers', 'in a handler, which runs only when notified'],
    ];
    for (const [section, condition] of sections) {
      const value = field(play, section)?.value;
      if (value?.kind !== 'seq') continue;
      if (section === 'roles') {
        for (const role of value.items) this.playRole(role, frame);
        continue;
      }
      this.walkTasks(value.items, condition === undefined ? frame : { ...frame, notes: [condition] });
    }
  }

  /**
   * `vars_files`: paths relative to the playbook, read in order (later wins). One amiguard cannot
   * read is not a problem of its own (it often holds secrets kept out of the repository): the
   * variables it would define are unknown, and their reason names it.
   */
  private varsFiles(file: string, node: YNode | undefined, scope: Variables): { layer: Layer; unread: string[] } {
    const layer = new Map<string, Binding>();
    const unread: string[] = [];
    if (node === undefined) return { layer, unread };
    for (const entry of node.kind === 'seq' ? node.items : [node]) {
      const name = entry.kind === 'scalar' ? renderString(String(entry.value), entry.location, scope) : undefined;
      const path = name?.kind === 'scalar' && typeof name.value === 'string' ? posix.normalize(posix.join(posix.dirname(file), name.value)) : undefined;
      if (path === undefined || !this.exists(path)) {
        unread.push(entry.kind === 'scalar' ? String(entry.value) : describeNode(entry));
        continue;
      }
      this.reached.add(path);
      for (const [key, binding] of layerOf(this.parse(path)?.root)) layer.set(key, binding);
    }
    return { layer, unread };
  }

  private playRole(role: YNode, frame: Frame): void {
    const spec = role.kind === 'scalar' ? { name: role, params: undefined } : role.kind === 'map' ? { name: (field(role, 'role') ?? field(role, 'name'))?.value, params: role } : undefined;
    if (spec?.name === undefined) return;
    const params = new Map<string, Binding>();
    let conditions = frame.conditions;
    if (spec.params !== undefined) {
      for (const pair of spec.params.pairs) {
        if (pair.key === 'when') conditions = [...conditions, conditionText(pair.value)];
        else if (pair.key === 'vars') for (const [key, binding] of layerOf(pair.value)) params.set(key, binding);
        else if (!['role', 'name', 'tags', 'become', 'become_user', 'delegate_to'].includes(pair.key)) params.set(pair.key, { kind: 'node', node: pair.value });
      }
    }
    this.runRole(spec.name, 'main', params, { ...frame, conditions });
  }

  private runRole(nameNode: YNode, tasksFrom: string, params: Layer, frame: Frame): void {
    const name = nameNode.kind === 'scalar' ? renderString(String(nameNode.value), nameNode.location, frame.scope) : undefined;
    if (name?.kind !== 'scalar' || typeof name.value !== 'string') {
      this.unevaluated(`role ${describeNode(nameNode)} is not a name amiguard can resolve: its tasks were not read`, nameNode.location);
      return;
    }
    const dir = this.findRole(name.value, frame);
    if (dir === undefined) {
      this.unevaluated(`role "${name.value}" is not in the files read (roles/ next to the playbook): its tasks were not checked`, nameNode.location);
      return;
    }
    const tasksFile = ['yml', 'yaml', ''].map((ext) => posix.join(dir, 'tasks', ext === '' ? tasksFrom : `${tasksFrom}.${ext}`)).find((path) => this.exists(path));
    if (tasksFile === undefined) return;
    const stack = [...frame.stack, tasksFile];
    const scope = frame.scope
      .under(this.roleLayer(dir, 'defaults', stack))
      .with(this.roleLayer(dir, 'vars', stack))
      .with(params);
    this.includeTasks(tasksFile, { ...frame, scope, roleDir: dir });
  }

  private findRole(name: string, frame: Frame): string | undefined {
    const candidates = [posix.join(posix.dirname(frame.file), 'roles', name), posix.join(posix.dirname(frame.file), name)];
    if (frame.roleDir !== undefined) candidates.push(posix.join(posix.dirname(frame.roleDir), name));
    // A playbook in a subfolder (playbooks/site.yml) with the roles beside that folder.
    candidates.push(posix.join(posix.dirname(posix.dirname(frame.file)), 'roles', name));
    return candidates.find((candidate) => this.exists(posix.join(candidate, 'tasks')));
  }

  /** A role's `defaults/main.yml` or `vars/main.yml`, when it has one. */
  private roleLayer(dir: string, kind: 'defaults' | 'vars', stack: readonly string[]): Layer | undefined {
    const file = ['main.yml', 'main.yaml'].map((name) => posix.join(dir, kind, name)).find((path) => this.exists(path));
    if (file === undefined || stack.includes(file)) return undefined;
    this.reached.add(file);
    const layer = layerOf(this.parse(file)?.root);
    if (kind === 'vars') return layer;
    // Inventory variables win over role defaults on the hosts they apply to, and which hosts a play
    // runs on is not known here: a default that group_vars or host_vars also set is one of their values.
    for (const [name, binding] of layer) {
      const inventory = this.inventory.get(name);
      if (inventory === undefined || binding.kind !== 'node') continue;
      const reason = `role default "${name}" is overridden by ${inventory.files.join(', ')} on the hosts those apply to`;
      const mayInclude = [...new Set([...literalStrings(binding.node), ...inventory.nodes.flatMap(literalStrings)])];
      layer.set(name, { kind: 'value', value: unknown(reason, binding.node.location, { mayInclude }) });
    }
    return layer;
  }

  private includeTasks(file: string, frame: Frame): void {
    if (frame.stack.length > MAX_INCLUDE_DEPTH) {
      this.unevaluated(`includes nested deeper than ${MAX_INCLUDE_DEPTH} levels: ${file} was not read`, at(file));
      return;
    }
    this.reached.add(file);
    const root = this.parse(file)?.root;
    if (root?.kind !== 'seq') return;
    this.walkTasks(root.items, { ...frame, file, stack: [...frame.stack, file] });
  }

  private walkTasks(tasks: readonly YNode[], frame: Frame): void {
    for (const task of tasks) {
      if (task.kind !== 'map') continue;
      this.tasks += 1;
      if (this.tasks > MAX_TASKS) {
        this.unevaluated(`more than ${MAX_TASKS} tasks once includes are followed: the rest were not read`, task.location);
        return;
      }
      this.walkTask(task, frame);
    }
  }

  private walkTask(task: YMap, frame: Frame): void {
    const when = field(task, 'when');
    const taskVars = layerOf(field(task, 'vars')?.value);
    const inner: Frame = {
      ...frame,
      scope: frame.scope.with(taskVars),
      conditions: when === undefined ? frame.conditions : [...frame.conditions, conditionText(when.value)],
    };
    const block = field(task, 'block');
    if (block !== undefined) {
      for (const section of ['block', 'rescue', 'always']) {
        const body = field(task, section)?.value;
        if (body?.kind === 'seq') this.walkTasks(body.items, section === 'rescue' ? { ...inner, notes: [...inner.notes, 'in a rescue, which runs only when the block fails'] } : inner);
      }
      return;
    }
    const action = moduleOf(task);
    if (action === undefined) return;
    if (INCLUDE_TASKS.has(action.module)) this.followInclude(action, inner);
    else if (INCLUDE_ROLE.has(action.module)) this.followRole(action, inner);
    else if (SET_FACT.has(action.module)) this.setFact(task, action, inner);
    else if (INCLUDE_VARS.has(action.module)) this.includeVars(action, inner);
    else this.readModule(task, action, inner);
    const register = field(task, 'register')?.value;
    if (register?.kind === 'scalar' && register.value !== null) {
      frame.scope.setFact(String(register.value), { kind: 'runtime', reason: `"${String(register.value)}" is the result of task ${taskName(task, action.module)}, known only at run time` });
    }
  }

  private followInclude(action: Action, frame: Frame): void {
    const target = action.free ?? includeTarget(action.args.get('file')?.node ?? action.node);
    const rendered = target === undefined ? undefined : renderString(target, action.node.location, frame.scope);
    if (rendered?.kind !== 'scalar' || typeof rendered.value !== 'string') {
      this.unevaluated(`${action.module} ${describeNode(action.node)} is not a path amiguard can resolve: those tasks were not read`, action.node.location);
      return;
    }
    // In a role, Ansible looks in the role's tasks/ first, then beside the including file.
    const candidates = [...(frame.roleDir === undefined ? [] : [posix.join(frame.roleDir, 'tasks', rendered.value)]), posix.join(posix.dirname(frame.file), rendered.value)];
    const path = this.existing(candidates.find((candidate) => this.exists(candidate)) ?? candidates.at(-1) ?? rendered.value, action.node.location, action.module);
    if (path === undefined) return;
    if (frame.stack.includes(path)) return;
    const params = new Map<string, Binding>();
    for (const [key, arg] of action.args) if (key !== 'file' && key !== '_raw_params' && key !== 'apply') params.set(key, { kind: 'node', node: arg.node });
    this.includeTasks(path, { ...frame, scope: frame.scope.with(params) });
  }

  private followRole(action: Action, frame: Frame): void {
    const name = action.args.get('name')?.node;
    if (name === undefined) return;
    const tasksFrom = action.args.get('tasks_from')?.node;
    const from = tasksFrom?.kind === 'scalar' && typeof tasksFrom.value === 'string' ? tasksFrom.value.replace(/\.ya?ml$/, '') : 'main';
    this.runRole(name, from, new Map(), frame);
  }

  /** `set_fact` is evaluated when it runs; under a condition or a loop its value is known only then. */
  private setFact(task: YMap, action: Action, frame: Frame): void {
    const guarded = frame.conditions.length > 0 || frame.notes.length > 0 || loopOf(task) !== undefined;
    for (const [name, arg] of action.args) {
      if (name === 'cacheable') continue;
      if (guarded && frame.scope.hasFact(name)) {
        frame.scope.setFact(name, { kind: 'runtime', reason: `"${name}" is set by set_fact ${taskName(task, action.module)} under ${guardText(frame) ?? 'a loop'}, known only at run time` });
        continue;
      }
      if (loopOf(task) !== undefined) {
        frame.scope.setFact(name, { kind: 'runtime', reason: `"${name}" is set by set_fact in a loop, known only at run time` });
        continue;
      }
      frame.scope.setFact(name, { kind: 'value', value: evaluateNode(arg.node, frame.scope) });
    }
  }

  private includeVars(action: Action, frame: Frame): void {
    const target = action.free ?? includeTarget(action.args.get('file')?.node ?? action.node);
    const rendered = target === undefined ? undefined : renderString(target, action.node.location, frame.scope);
    const path =
      rendered?.kind === 'scalar' && typeof rendered.value === 'string'
        ? [frame.roleDir === undefined ? undefined : posix.join(frame.roleDir, 'vars', rendered.value), posix.join(posix.dirname(frame.file), rendered.value)].find(
            (candidate): candidate is string => candidate !== undefined && this.exists(candidate),
          )
        : undefined;
    if (path === undefined) {
      this.unevaluated(`include_vars ${describeNode(action.node)} is not a file amiguard can read: the variables it sets are unknown`, action.node.location);
      return;
    }
    this.reached.add(path);
    for (const [key, binding] of layerOf(this.parse(path)?.root)) frame.scope.setFact(key, binding);
  }

  private readModule(task: YMap, action: Action, frame: Frame): void {
    const kind = moduleKind(action.module, new Set(action.args.keys()));
    if (kind === undefined) return;
    // A task in check mode reports what it would change and changes nothing.
    const checkMode = field(task, 'check_mode')?.value;
    if (checkMode?.kind === 'scalar' && ansibleBool(checkMode.value) === true) return;
    const condition = guardText(frame);
    const grants: TaskGrants[] = [];
    let amiName: string | undefined;
    for (const scope of this.loopScopes(task, frame.scope)) {
      const args = new Map<string, Value>();
      for (const [key, arg] of action.args) args.set(key, arg.free === undefined ? evaluateNode(arg.node, scope) : freeFormValue(arg.free, arg.node.location, scope));
      const state = args.get('state');
      if (state?.kind === 'scalar' && state.value === 'absent') return;
      if (kind === 'snapshot') {
        const modifies = snapshotModifies(args.get('modify_create_vol_permission'));
        if (modifies === false) return;
        grants.push(snapshotGrants(args, typeof modifies === 'string' ? guardText({ ...frame, notes: [...frame.notes, modifies] }) : condition));
        continue;
      }
      // The AMI's name, for public exceptions by name: ec2_ami names the AMI it creates with `name`.
      const name = args.get('name');
      if (name?.kind === 'scalar' && typeof name.value === 'string') amiName ??= name.value;
      const permissions = args.get('launch_permissions');
      const location = action.args.get('launch_permissions')?.node.location;
      if (permissions !== undefined && location !== undefined) grants.push(launchGrants(permissions, location, condition));
    }
    if (grants.length === 0) return;
    // A loop over regions repeats the same grant: one finding per value, not per region.
    const distinct = new Map(grants.map((grant) => [JSON.stringify(grant), grant]));
    this.addSubject(task, action, kind, frame.file, [...distinct.values()], amiName);
  }

  /** One scope per loop item when the loop is known; `item` unknown otherwise. */
  private loopScopes(task: YMap, scope: Variables): Variables[] {
    const loop = loopOf(task);
    if (loop === undefined) return [scope];
    const control = field(task, 'loop_control')?.value;
    const loopVarNode = control?.kind === 'map' ? field(control, 'loop_var')?.value : undefined;
    const loopVar = loopVarNode?.kind === 'scalar' && typeof loopVarNode.value === 'string' ? loopVarNode.value : 'item';
    const value = loop.kind === 'with_items' || loop.kind === 'with_list' || loop.kind === 'loop' ? evaluateNode(loop.node, scope) : undefined;
    if (value?.kind === 'list' && value.items.length <= MAX_LOOP_ITEMS) {
      const items = loop.kind === 'with_items' ? value.items.flatMap((item) => (item.kind === 'list' ? item.items : [item])) : value.items;
      return items.map((item) => scope.with(new Map([[loopVar, { kind: 'value', value: item }]])));
    }
    const reason = `loop variable "${loopVar}" takes the values of ${loop.kind}: ${describeNode(loop.node)}, ${value?.kind === 'unknown' ? value.reason : 'not evaluated by amiguard'}`;
    return [scope.with(new Map([[loopVar, { kind: 'runtime', reason }]]))];
  }

  private addSubject(task: YMap, action: Action, kind: string, file: string, grants: readonly TaskGrants[], amiName: string | undefined): void {
    const launch = sharingFromCalls(grants.flatMap((grant): GrantCall[] => [...grant.launch]));
    const invalid: InvalidGrant[] = grants.flatMap((grant) => [...grant.invalid]);
    const subject: ImageSubject = {
      origin: 'template',
      name: `task ${taskName(task, action.module)}`,
      // A module amiguard does not know, given launch_permissions (a renamed copy of ec2_ami), says how it was read.
      type: kind === 'snapshot' ? 'snapshot' : kind === 'custom-ami' ? `${action.module} (read as ec2_ami)` : action.module,
      file,
      location: task.location,
      launch: { ...launch, invalid: [...launch.invalid, ...invalid] },
      snapshot: sharingFromCalls(grants.flatMap((grant): GrantCall[] => [...grant.snapshot])),
      ...(amiName === undefined || kind === 'snapshot' ? {} : { amiName }),
    };
    const key = `${file}:${task.location.line}:${task.location.column}:${JSON.stringify([subject.launch, subject.snapshot])}`;
    if (this.seenSubjects.has(key)) return;
    this.seenSubjects.add(key);
    this.subjects.push(subject);
  }

  private extraVars(inputs: readonly VariableInput[]): Layer {
    const layer = new Map<string, Binding>();
    for (const input of inputs) {
      if (input.kind === 'var') {
        layer.set(input.name, { kind: 'value', value: scalar(input.value, COMMAND_LINE) });
        continue;
      }
      if (input.kind !== 'var-file' || !isExtraVarsName(input.path)) continue;
      const parsed = parseYaml(input.path, this.context.readVarFile(input.path));
      if (parsed.root === undefined) {
        this.problems.push(...parsed.problems);
        continue;
      }
      // A var-file that is not a mapping is another format's (a CloudFormation parameter list).
      for (const [key, binding] of layerOf(parsed.root)) layer.set(key, binding);
    }
    // Every --var after the var-files, as the other formats do.
    for (const input of inputs) if (input.kind === 'var') layer.set(input.name, { kind: 'value', value: scalar(input.value, COMMAND_LINE) });
    return layer;
  }

  private exists(path: string): boolean {
    return existsSync(resolve(this.context.cwd, path));
  }

  private existing(path: string, location: SourceLocation, what: string): string | undefined {
    const normal = posix.normalize(path);
    if (this.exists(normal)) return normal;
    this.unevaluated(`${what} ${normal} is not found: what it does was not checked`, location);
    return undefined;
  }

  private unevaluated(message: string, location: SourceLocation): void {
    this.problems.push({ message, location, unevaluated: true });
  }
}

/** A `k=v` value: rendered, and a JSON-looking string taken as data as the module's argument spec does (check_type_dict). */
function freeFormValue(text: string, location: SourceLocation, scope: Variables): Value {
  const value = renderString(text, location, scope);
  return value.kind === 'scalar' && typeof value.value === 'string' ? literalData(value.value, value.location) : value;
}

/** `vars_prompt`: values typed in when the playbook runs (a `--var` of the same name wins, as Ansible skips the prompt). */
function promptedLayer(node: YNode | undefined): Layer {
  const layer = new Map<string, Binding>();
  for (const entry of node?.kind === 'seq' ? node.items : []) {
    const name = entry.kind === 'map' ? field(entry, 'name')?.value : undefined;
    if (name?.kind === 'scalar' && name.value !== null) layer.set(String(name.value), { kind: 'runtime', reason: `"${String(name.value)}" is prompted for when the playbook runs (vars_prompt)` });
  }
  return layer;
}

/** A `--var-file` Ansible takes as extra vars (`-e @file`): YAML or JSON, not another tool's var-file. */
export function isExtraVarsName(path: string): boolean {
  const name = posix.basename(path.replaceAll('\\', '/')).toLowerCase();
  if (/\.(tfvars|pkrvars)\.json$/.test(name)) return false;
  return /\.(ya?ml|json)$/.test(name) || /\.ya?ml\.[a-z]+$/.test(name);
}

interface Arg {
  readonly node: YNode;
  /** A free-form `k=v` value (a string to render). */
  readonly free?: string;
}

interface Action {
  readonly module: string;
  /** The module's value as written (a mapping or a free-form string). */
  readonly node: YNode;
  readonly args: ReadonlyMap<string, Arg>;
  /** The free-form text left after `k=v` pairs (`include_tasks: other.yml`). */
  readonly free?: string;
}

/** The module a task calls and its arguments: `module: {args}`, `module: k=v ...`, `action:` / `local_action:`, plus `args:`. */
function moduleOf(task: YMap): Action | undefined {
  let module: string | undefined;
  let node: YNode | undefined;
  for (const pair of task.pairs) {
    if (pair.key === 'action' || pair.key === 'local_action') {
      const parsed = actionKeyword(pair);
      if (parsed !== undefined) ({ module, node } = parsed);
      break;
    }
    if (!TASK_KEYWORDS.has(pair.key) && !pair.key.startsWith('with_')) {
      module = pair.key;
      node = pair.value;
      break;
    }
  }
  if (module === undefined || node === undefined) return undefined;
  const args = new Map<string, Arg>();
  const extra = field(task, 'args')?.value;
  if (extra?.kind === 'map') for (const pair of extra.pairs) args.set(pair.key, { node: pair.value });
  let free: string | undefined;
  if (node.kind === 'map') {
    for (const pair of node.pairs) if (pair.key !== 'module') args.set(pair.key, { node: pair.value });
  } else if (node.kind === 'scalar' && node.value !== null) {
    const parsed = parseKeyValues(String(node.value), node);
    for (const [key, arg] of parsed.args) args.set(key, arg);
    if (parsed.free !== '') free = parsed.free;
  }
  return { module, node, args, ...(free === undefined ? {} : { free }) };
}

/** `action: ec2_ami image_id=x` or `local_action: {module: ec2_ami, ...}`. */
function actionKeyword(pair: YPair): { module: string; node: YNode } | undefined {
  const value = pair.value;
  if (value.kind === 'map') {
    const name = field(value, 'module')?.value;
    return name?.kind === 'scalar' && typeof name.value === 'string' ? { module: name.value, node: value } : undefined;
  }
  if (value.kind !== 'scalar' || typeof value.value !== 'string') return undefined;
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(value.value);
  if (match === null) return undefined;
  return { module: match[1] ?? '', node: { kind: 'scalar', value: match[2] ?? '', location: value.location } };
}

/**
 * Ansible's `parse_kv`: `key=value` pairs separated by spaces, values quoted or not; what is not
 * a pair is the free-form part. Values stay strings (rendered later); their places are the string's.
 */
function parseKeyValues(text: string, node: YNode): { args: Map<string, Arg>; free: string } {
  const args = new Map<string, Arg>();
  const free: string[] = [];
  let from = 0;
  for (const word of splitArgs(text)) {
    const offset = text.indexOf(word, from);
    from = offset + word.length;
    const match = /^([A-Za-z_][\w]*)=([\s\S]*)$/.exec(word);
    if (match === null) {
      free.push(word);
      continue;
    }
    const value = unquote(match[2] ?? '');
    const location = wordLocation(node, text, offset + (match[1] ?? '').length + 1, (match[2] ?? '').length);
    args.set(match[1] ?? '', { node: { kind: 'scalar', value, location }, free: value });
  }
  return { args, free: free.join(' ') };
}

/**
 * Where a `k=v` value sits: exact in a one-line scalar written as it reads (plain, or quoted with
 * nothing escaped); the whole string otherwise.
 */
function wordLocation(node: YNode, text: string, offset: number, length: number): SourceLocation {
  const where = node.location;
  if (where.line !== where.endLine) return where;
  const width = where.endColumn - where.column;
  const shift = width === text.length ? 0 : width === text.length + 2 ? 1 : undefined;
  if (shift === undefined) return where;
  const column = where.column + shift + offset;
  return { ...where, column, endColumn: column + length };
}

function splitArgs(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let depth = 0;
  for (const char of text) {
    if (quote !== undefined) {
      current += char;
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === '{' || char === '[') {
      depth += 1;
      current += char;
    } else if ((char === '}' || char === ']') && depth > 0) {
      depth -= 1;
      current += char;
    } else if (/\s/.test(char) && depth === 0) {
      if (current !== '') words.push(current);
      current = '';
    } else current += char;
  }
  if (current !== '') words.push(current);
  return words;
}

function unquote(text: string): string {
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.at(-1) === text[0]) return text.slice(1, -1);
  return text;
}

function loopOf(task: YMap): { kind: string; node: YNode } | undefined {
  const pair = task.pairs.find((candidate) => candidate.key === 'loop' || candidate.key.startsWith('with_'));
  return pair === undefined ? undefined : { kind: pair.key, node: pair.value };
}

export function field(map: YMap, key: string): YPair | undefined {
  return map.pairs.find((pair) => pair.key === key);
}

function includeTarget(node: YNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'scalar' && typeof node.value === 'string') return node.value.trim().split(/\s+/)[0];
  if (node.kind === 'map') return includeTarget(field(node, 'file')?.value);
  return undefined;
}

/** The guards of a frame as the messages show them: `when: production_tag`, `when: a and b; in a handler, ...`. */
function guardText(frame: Pick<Frame, 'conditions' | 'notes'>): string | undefined {
  const parts = [...(frame.conditions.length === 0 ? [] : [`when: ${frame.conditions.join(' and ')}`]), ...frame.notes];
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** A `when:` as written: `production_tag`, a list joined with `and`. */
function conditionText(node: YNode): string {
  if (node.kind === 'seq') return node.items.map(conditionText).join(' and ');
  if (node.kind === 'scalar') return String(node.value);
  return describeNode(node);
}

function describeNode(node: YNode): string {
  if (node.kind === 'scalar') return JSON.stringify(String(node.value));
  return node.kind === 'seq' ? '(a list)' : '(a mapping)';
}

function taskName(task: YMap, module: string): string {
  const name = field(task, 'name')?.value;
  return name?.kind === 'scalar' && name.value !== null ? JSON.stringify(String(name.value)) : `${module} (line ${task.location.line})`;
}

/** The role folder a task file is in: `roles/x` for `roles/x/tasks/main.yml`, or any `x/tasks/` with defaults or vars beside it. */
export function roleFolderOf(file: string): string | undefined {
  const parts = file.split('/');
  const tasks = parts.lastIndexOf('tasks');
  if (tasks < 1) return undefined;
  return parts.slice(0, tasks).join('/');
}

function at(file: string): SourceLocation {
  return { kind: 'source', file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}
