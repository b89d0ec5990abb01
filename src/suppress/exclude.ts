import { relative, sep } from 'node:path';
import type { PathPattern } from '../core/index.js';
import { globToRegExp } from '../policy/index.js';

/**
 * Whether a file is excluded by `--exclude` (relative to the working folder) or the policy's
 * `exclude:` (relative to the policy file's folder). A glob matches the file's path or one of
 * its folders, so `legacy` and `legacy/**` both exclude everything under `legacy/`.
 */
export function excludeMatcher(patterns: readonly PathPattern[]): ((absolute: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const compiled = patterns.map((pattern) => ({ base: pattern.base, regex: globToRegExp(pattern.glob.replace(/\/+$/, ''), true) }));
  return (absolute) =>
    compiled.some(({ base, regex }) => {
      const path = relative(base, absolute).split(sep).join('/');
      if (path.startsWith('../') || path === '..') return false;
      const parts = path.split('/');
      return parts.some((_part, index) => regex.test(parts.slice(0, index + 1).join('/')));
    });
}
