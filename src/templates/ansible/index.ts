import { posix } from 'node:path';
import type { ClaimedFile, FoundFile, ReadUnit, TemplateFormat, UnitContext, UnitRead } from '../format.js';
import { readHead } from '../sniff.js';
import { HEAD_BYTES, looksLikeAnsible } from './sniff.js';

/** CI files are the CI format's, whatever YAML they hold. */
const CI_PATH = /(^|\/)(\.github|\.gitlab|\.circleci|\.buildkite|\.azure-pipelines)\/|(^|\/)(\.gitlab-ci|buildspec[\w-]*|azure-pipelines|bitbucket-pipelines|\.travis|\.drone|appveyor|cloudbuild)\.ya?ml$/i;
/** A role's task files are Ansible by their place: `roles/<role>/tasks/**.yml`. */
const ROLE_TASKS = /(^|\/)roles\/[^/]+\/tasks\/(.+\/)?[^/]+\.ya?ml$/i;
const YAML_NAME = /\.ya?ml$/i;

/**
 * Ansible (issue 9): playbooks and task files that grant launch permission (`ec2_ami`
 * `launch_permissions`) or create-volume permission (`ec2_snapshot` with
 * `modify_create_vol_permission`), with Jinja resolved from the play's variables, role defaults
 * and vars, facts set by literal `set_fact`, and `--var` / `--var-file` as extra vars.
 */
export const ansibleFormat: TemplateFormat = {
  id: 'ansible',
  reads: 'Ansible playbooks and task files (*.yml, *.yaml: a list of plays or tasks; roles/*/tasks/*.yml)',
  notMine: 'a YAML file that is not an Ansible playbook or task list',
  claim(file: FoundFile) {
    const path = file.path.replaceAll('\\', '/');
    if (!YAML_NAME.test(file.name) || CI_PATH.test(path)) return undefined;
    return ROLE_TASKS.test(path) ? 'template' : 'maybe';
  },
  sniff(file: FoundFile) {
    const head = readHead(file.absolute, HEAD_BYTES);
    if (head === 'binary') return false;
    if ('reason' in head) return head;
    return looksLikeAnsible(head.text, Buffer.byteLength(head.text) >= HEAD_BYTES);
  },
  async parseOnly(files) {
    const { parseYaml } = await import('./yaml-tree.js');
    for (const file of files) parseYaml(file.path, file.text);
  },
  group(files: readonly ClaimedFile[]): readonly ReadUnit[] {
    return groupByTree(files.map((file) => file.path.replaceAll('\\', '/'))).map(
      (unit): ReadUnit => ({ format: 'ansible', files: unit, read: readAnsible }),
    );
  },
};

/**
 * One unit per Ansible tree: the files under the shallowest folder that holds claimed files
 * (a role's tasks join the tree of the folder that holds `roles/`), so that a playbook and the
 * roles and task files it includes are read together and each task file once.
 */
export function groupByTree(paths: readonly string[]): string[][] {
  const rootOf = (path: string): string => {
    const roles = path.lastIndexOf('roles/');
    const folder = roles >= 0 && ROLE_TASKS.test(path) ? path.slice(0, Math.max(0, roles - 1)) : posix.dirname(path);
    return folder === '' ? '.' : folder;
  };
  const roots = new Set(paths.map(rootOf));
  // The shallowest ancestor (or itself) that is a root: a walk up the path, not a scan of every root.
  const top = (root: string): string => {
    if (roots.has('.')) return '.';
    const parts = root.split('/');
    for (let length = 1; length < parts.length; length += 1) {
      const ancestor = parts.slice(0, length).join('/');
      if (roots.has(ancestor)) return ancestor;
    }
    return root;
  };
  const units = new Map<string, string[]>();
  for (const path of [...paths].sort()) {
    const key = top(rootOf(path));
    units.set(key, [...(units.get(key) ?? []), path]);
  }
  return [...units.values()];
}

/** Playbooks no other imports first, then task files no other file includes, then whatever is left (include cycles). */
async function readAnsible(files: readonly string[], context: UnitContext): Promise<UnitRead> {
  // The reader and the YAML library are loaded when a playbook is read (start-up, issue 11).
  const { AnsibleReader, isPlaybook } = await import('./playbook.js');
  const reader = new AnsibleReader(context);
  reader.readInventory(commonFolder(files));
  const playbooks = files.filter((file) => isPlaybook(reader.parse(file)?.root));
  const included = new Set(files.flatMap((file) => reader.references(file)));
  const first = (file: string): boolean => !included.has(file);
  const entries = [...playbooks.filter(first), ...files.filter((file) => !playbooks.includes(file) && first(file)), ...files];
  for (const file of entries) {
    if (reader.reached.has(file)) continue;
    reader.reached.add(file);
    reader.readEntry(file);
  }
  return { subjects: reader.subjects, problems: reader.problems };
}

function commonFolder(files: readonly string[]): string {
  const folders = files.map((file) => posix.dirname(file).split('/'));
  const first = folders[0] ?? ['.'];
  let length = first.length;
  for (const folder of folders) while (length > 0 && folder.slice(0, length).join('/') !== first.slice(0, length).join('/')) length -= 1;
  // A role's tasks belong to the tree that holds roles/.
  const common = first.slice(0, length);
  const roles = common.lastIndexOf('roles');
  const root = (roles >= 0 ? common.slice(0, roles) : common).join('/');
  return root === '' ? '.' : root;
}
