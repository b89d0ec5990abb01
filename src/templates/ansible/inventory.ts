import { readdirSync, type Dirent } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { YNode } from './yaml-tree.js';

/** Folders and files looked at while finding `group_vars` / `host_vars`: a bound on a huge tree. */
const MAX_DEPTH = 4;
const MAX_ENTRIES = 20_000;

/**
 * The `group_vars/` and `host_vars/` files under a tree (`group_vars/all.yml`,
 * `group_vars/prod/main.yml`, `host_vars/web1`), as shown. Ansible reads them beside the inventory
 * and the playbook; which apply depends on the hosts a play runs on, which amiguard does not know.
 */
export function inventoryVarFiles(cwd: string, root: string): string[] {
  const found: string[] = [];
  let entries = 0;
  const list = (folder: string): Dirent[] => {
    try {
      const listed = readdirSync(resolve(cwd, folder), { withFileTypes: true });
      entries += listed.length;
      return listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return [];
    }
  };
  const collect = (folder: string, depth: number): void => {
    for (const entry of list(folder)) {
      if (entries > MAX_ENTRIES) return;
      const path = posix.join(folder, entry.name);
      if (entry.isFile() && !entry.name.startsWith('.') && /^[^.]*$|\.ya?ml$|\.json$/i.test(entry.name)) found.push(path);
      else if (entry.isDirectory() && depth < 2) collect(path, depth + 1);
    }
  };
  const walk = (folder: string, depth: number): void => {
    for (const entry of list(folder)) {
      if (entries > MAX_ENTRIES || !entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = posix.join(folder, entry.name);
      if (entry.name === 'group_vars' || entry.name === 'host_vars') collect(path, 0);
      else if (depth < MAX_DEPTH && entry.name !== 'roles') walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

/** Variables some `group_vars` / `host_vars` file defines: the files, and the values they give. */
export type InventoryVariables = ReadonlyMap<string, { readonly files: readonly string[]; readonly nodes: readonly YNode[] }>;

export function inventoryVariables(files: readonly { readonly path: string; readonly root: YNode | undefined }[]): InventoryVariables {
  const variables = new Map<string, { files: string[]; nodes: YNode[] }>();
  for (const file of files) {
    if (file.root?.kind !== 'map') continue;
    for (const pair of file.root.pairs) {
      const entry = variables.get(pair.key) ?? { files: [], nodes: [] };
      entry.files.push(file.path);
      entry.nodes.push(pair.value);
      variables.set(pair.key, entry);
    }
  }
  return variables;
}

/** The literal strings in a YAML value, for `mayInclude`. */
export function literalStrings(node: YNode): string[] {
  switch (node.kind) {
    case 'scalar':
      return node.value === null || (typeof node.value === 'string' && node.value.includes('{{')) ? [] : [String(node.value)];
    case 'seq':
      return node.items.flatMap(literalStrings);
    case 'map':
      return node.pairs.flatMap((pair) => literalStrings(pair.value));
  }
}
