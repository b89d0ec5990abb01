import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigurationError, type ResolvedPolicy } from '../core/index.js';
import { DEFAULT_POLICY, loadPolicy } from './load.js';

/** Looked for in each folder, in this order. */
export const POLICY_FILE_NAMES = ['amiguard.yaml', 'amiguard.yml', 'amiguard.json'] as const;

/** `--config F` (relative to the working folder), else the file `findPolicyFile` finds, else the built-in default. */
export function findAndLoadPolicy(
  configPath: string | undefined,
  cwd: string,
  knownRules: readonly string[],
  scanned: readonly string[] = [],
): ResolvedPolicy {
  if (configPath !== undefined) return loadPolicy(resolve(cwd, configPath), knownRules, configPath);
  const found = findPolicyFile(scanned, cwd);
  return found === undefined ? DEFAULT_POLICY : loadPolicy(found.path, knownRules, found.shown);
}

export interface FoundPolicy {
  readonly path: string;
  /** Relative to the working folder when it is under it, as the output names it. */
  readonly shown: string;
}

/**
 * The policy file for a run, as ESLint and Checkov find theirs: searching upward from each scanned
 * path (a file's folder, or the folder itself), then from the working folder. All scanned paths
 * must find the same file: one run applies one policy, and linting two trees governed by two
 * policies in one run would judge one of them by the wrong rules.
 */
export function findPolicyFile(scanned: readonly string[], cwd: string): FoundPolicy | undefined {
  const starts = scanned.length === 0 ? ['.'] : scanned;
  const found = new Map<string, string>();
  for (const path of starts) {
    const policy = searchUpward(startFolder(resolve(cwd, path)));
    if (policy !== undefined && !found.has(policy)) found.set(policy, path);
  }
  if (found.size > 1) {
    const list = [...found].map(([policy, path]) => `${path} -> ${shownPath(policy, cwd)}`).join(', ');
    throw new ConfigurationError(`the paths given are governed by different policy files (${list})`, {
      hint: 'lint them in separate runs, or name one policy file for all of them',
      detail: { kind: 'several-policies' },
    });
  }
  const [policy] = found.keys();
  const chosen = policy ?? searchUpward(resolve(cwd));
  return chosen === undefined ? undefined : { path: chosen, shown: shownPath(chosen, cwd) };
}

function startFolder(absolute: string): string {
  try {
    return statSync(absolute).isDirectory() ? absolute : dirname(absolute);
  } catch {
    // A missing path is reported when the templates are read; its folder still has a policy.
    return dirname(absolute);
  }
}

function searchUpward(folder: string): string | undefined {
  for (let current = folder; ; current = dirname(current)) {
    for (const name of POLICY_FILE_NAMES) {
      const candidate = join(current, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(current) === current) return undefined;
  }
}

function shownPath(path: string, cwd: string): string {
  const shown = relative(resolve(cwd), path);
  // Under the working folder or in a folder above it, the relative path is short and clear.
  const folders = shown.split(/[\\/]/).slice(0, -1);
  return !shown.startsWith('..') || folders.every((part) => part === '..') ? shown : path;
}
