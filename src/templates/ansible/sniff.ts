/** Enough of a file to see its first tasks or plays. */
export const HEAD_BYTES = 16 * 1024;

/** Play keywords that only a playbook's plays have. */
const PLAY_KEYS = new Set(['hosts', 'import_playbook', 'ansible.builtin.import_playbook']);
const PLAY_BODY = new Set(['tasks', 'roles', 'pre_tasks', 'post_tasks', 'handlers', 'gather_facts', 'become', 'vars', 'vars_files', 'connection', 'remote_user']);
/** Task keywords that say "this is an Ansible task" beside its module. */
const TASK_SIGNS = new Set([
  'register', 'when', 'loop', 'loop_control', 'become', 'become_user', 'delegate_to', 'ignore_errors', 'changed_when', 'failed_when',
  'notify', 'block', 'rescue', 'always', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'include_vars', 'set_fact',
  'action', 'local_action', 'run_once', 'check_mode', 'no_log', 'until', 'retries', 'debug', 'include',
]);
/** Modules named in a fully qualified way (`amazon.aws.ec2_ami`) or well known by their short name. */
const MODULE = /^([a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+|ec2(_[a-z0-9_]+)?|command|shell|apt|yum|dnf|systemd|lineinfile|get_url|unarchive|pip|wait_for)$/;

/**
 * Whether the head of a YAML file is Ansible: a list whose first items are plays (`hosts` with a
 * play body, or `import_playbook`), or tasks (a module Ansible knows, or a task keyword such as
 * `register` or `when`). Other YAML lists (labels, inventories, CI steps inside a mapping) are not.
 * `truncated`: the head stops inside the file, so its last line may be cut.
 */
export function looksLikeAnsible(head: string, truncated: boolean): boolean {
  const lines = head.split('\n');
  if (truncated) lines.pop();
  let keys: string[] = [];
  let keyIndent = -1;
  let items = 0;
  const ansible = (): boolean =>
    (keys.some((key) => PLAY_KEYS.has(key)) && keys.some((key) => PLAY_BODY.has(key) || key.endsWith('import_playbook'))) ||
    keys.some((key) => TASK_SIGNS.has(key) || MODULE.test(key));
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*(#.*)?$/.test(line) || line.startsWith('---') || line.startsWith('%')) continue;
    if (line.startsWith('-')) {
      // A new top-level item: decide on the one before it.
      if (ansible()) return true;
      items += 1;
      const item = /^(- +)([A-Za-z_][\w.]*)\s*:/.exec(line);
      keys = item === null ? [] : [item[2] ?? ''];
      keyIndent = item === null ? -1 : (item[1] ?? '').length;
      continue;
    }
    // The file is not a top-level list (a mapping, a scalar): not a playbook or a task file.
    if (items === 0 || /^\S/.test(line)) return false;
    const key = /^( +)([A-Za-z_][\w.]*)\s*:/.exec(line);
    if (key !== null && (key[1] ?? '').length === keyIndent) keys.push(key[2] ?? '');
  }
  return ansible();
}
