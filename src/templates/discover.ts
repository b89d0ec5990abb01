import { accessSync, constants, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeFileError } from '../core/index.js';
import type { ClaimedFile, FoundFile, ReadUnit, TemplateFormat } from './format.js';

export interface Discovered {
  /** What the formats will read, before `--exclude`: in registry order, each format's units in its own order. */
  readonly units: readonly ReadUnit[];
  /** Explicitly named paths that are missing, cannot be read, or no format reads. */
  readonly unreadable: readonly { path: string; reason: string }[];
  /** What the walk found and did not read, in path order. */
  readonly skipped: readonly SkippedPath[];
}

/**
 * A file or folder found under a named folder and not read. `unreadable` may hold templates that
 * were not checked (a folder that cannot be listed, a FIFO named like a template): lint reports
 * it as a problem. `excluded` (tool folders, a link back into the tree) and `not-a-template` (a
 * .json file without a top-level "builders" key, a script that shares nothing) hold none by design.
 */
export interface SkippedPath {
  readonly path: string;
  readonly kind: 'unreadable' | 'excluded' | 'not-a-template';
  readonly reason: string;
}

/**
 * Folders never searched: dependencies, version control and tool caches (a Terraform module cache,
 * a virtualenv), which hold copies or code no one edits. Other dot-folders are searched: .github and
 * .buildkite hold the pipelines that share AMIs.
 */
const UNSEARCHED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.terraform',
  '.terragrunt-cache',
  '.venv',
  '.tox',
  '.cache',
  '.mypy_cache',
  '.pytest_cache',
  '__pycache__',
  '.aws-sam',
  '.idea',
]);
export const UNSEARCHED_REASON = 'dependency, version-control and tool cache folders (node_modules, .git, .terraform, ...) are not searched';

/**
 * Finds what the formats read under `paths` (the current folder when none). Folders are walked
 * recursively in name order, skipping dependency and tool folders and symlink loops; each file is
 * offered to the formats in registry order, and the first that claims it owns it. A file named on
 * the command line is always read when a format reads files like it, so that a broken template is
 * reported rather than skipped.
 *
 * The file system calls are synchronous: for thousands of small reads they take half the time of
 * the promise API, and a lint run has nothing else to do meanwhile.
 */
export async function discoverTemplates(paths: readonly string[], cwd: string, formats: readonly TemplateFormat[]): Promise<Discovered> {
  const discovery = new Discovery(resolve(cwd), formats);
  for (const path of paths.length === 0 ? ['.'] : paths) discovery.addNamed(path);
  discovery.walk();
  discovery.sniff();
  return discovery.result();
}

/** A file waiting for the formats that said `maybe` to look at its content. */
interface Pending {
  readonly file: FoundFile;
  readonly formats: readonly TemplateFormat[];
}

class Discovery {
  private readonly cwd: string;
  private readonly formats: readonly TemplateFormat[];
  private readonly namedFolders: string[] = [];
  private readonly visitedFolders = new Set<string>();
  /** Absolute path to the claimed file, per format id, in the order found. */
  private readonly claimed = new Map<string, Map<string, ClaimedFile>>();
  private readonly pending = new Map<string, Pending>();
  private readonly unreadable = new Map<string, string>();
  private readonly skipped = new Map<string, SkippedPath>();

  constructor(cwd: string, formats: readonly TemplateFormat[]) {
    this.cwd = cwd;
    this.formats = formats;
  }

  addNamed(path: string): void {
    const absolute = resolve(this.cwd, path);
    const shown = this.show(absolute);
    try {
      const info = statSync(absolute);
      if (info.isDirectory()) {
        // Fail now on a folder that cannot be listed, rather than skip it during the walk.
        accessSync(absolute, constants.R_OK | constants.X_OK);
        this.namedFolders.push(absolute);
      } else if (info.isFile()) {
        accessSync(absolute, constants.R_OK);
        this.offer(this.found(absolute, true), (reason) => this.unreadable.set(shown, reason));
      } else {
        this.unreadable.set(shown, 'not a file or folder');
      }
    } catch (error) {
      this.unreadable.set(shown, describeFileError(error));
    }
  }

  /**
   * Walks the named folders depth first in name order, so that the result does not depend on
   * timing. Symbolic links are followed, except those that point back to a folder above them (a
   * loop) or anywhere into a named folder (found there already, under its real name).
   */
  walk(): void {
    const roots = this.namedFolders.map((folder) => realpathSync(folder));
    const stack = [...this.namedFolders].reverse();
    while (stack.length > 0) {
      const folder = stack.pop();
      if (folder === undefined) break;
      const found = this.visit(folder, roots);
      stack.push(...found.reverse());
    }
  }

  /** Records the templates of one folder and returns its subfolders to walk. */
  private visit(folder: string, roots: readonly string[]): string[] {
    let real: string;
    let entries: Dirent[];
    try {
      real = realpathSync(folder);
      if (this.visitedFolders.has(real)) return [];
      this.visitedFolders.add(real);
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      // Its templates, if any, go unchecked: say so rather than leave them out.
      this.skip(folder, 'unreadable', `cannot list this folder (${describeFileError(error)}): any template in it was not checked`);
      return [];
    }
    entries.sort((a, b) => compare(a.name, b.name));
    const subfolders: string[] = [];
    for (const entry of entries) {
      const path = join(folder, entry.name);
      let kind: 'folder' | 'file' | 'other' = entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other';
      if (entry.isSymbolicLink()) {
        const target = linkTarget(path);
        if (target === undefined) {
          // An editor's lock file, a removed target: nothing to read, but worth listing.
          if (this.lookedFor(this.found(path, false))) this.skip(path, 'excluded', 'a symbolic link to nothing');
          continue;
        }
        if (isWithin(real, target.real) || roots.some((root) => isWithin(target.real, root))) {
          this.skip(path, 'excluded', `a symbolic link to ${this.show(target.real)}, read there or above`);
          continue;
        }
        kind = target.kind;
      }
      if (kind === 'folder') {
        if (UNSEARCHED_FOLDERS.has(entry.name)) this.skip(path, 'excluded', UNSEARCHED_REASON);
        else subfolders.push(path);
      } else if (kind === 'file') {
        this.offer(this.found(path, false));
      } else if (this.lookedFor(this.found(path, false))) {
        this.skip(path, 'unreadable', 'not a regular file (a FIFO, socket or device), so not read');
      }
    }
    return subfolders;
  }

  private skip(path: string, kind: SkippedPath['kind'], reason: string): void {
    const shown = this.show(path);
    this.skipped.set(shown, { path: shown, kind, reason });
  }

  private found(absolute: string, named: boolean): FoundFile {
    return { absolute, path: this.show(absolute), name: basename(absolute), folder: dirname(absolute), named };
  }

  /** Whether some format reads files named like this one: a FIFO or dangling link so named is worth a word. */
  private lookedFor(file: FoundFile): boolean {
    return this.formats.some((format) => format.claim(file) !== undefined);
  }

  /**
   * Gives a file to the first format that claims it by name; a `maybe` waits for the sniff. A
   * named file no format reads is `refused`, with the reason a format gave or the list of what is read.
   */
  private offer(file: FoundFile, refused?: (reason: string) => void): void {
    const maybe: TemplateFormat[] = [];
    for (const format of this.formats) {
      const claim = format.claim(file);
      if (claim === undefined) continue;
      if (typeof claim === 'object') {
        if (maybe.length === 0) {
          refused?.(claim.refuse);
          return;
        }
        continue;
      }
      if (claim === 'maybe') {
        maybe.push(format);
        continue;
      }
      if (maybe.length === 0) {
        this.claim(format, file, claim);
        return;
      }
      // A format that claims by name after one that must look: it is the fallback of the sniff.
      maybe.push(format);
      break;
    }
    if (maybe.length > 0) this.pending.set(file.absolute, { file, formats: maybe });
    else refused?.(this.notRead());
  }

  private notRead(): string {
    return `not a template amiguard reads: it reads ${this.formats.map((format) => format.reads).join('; ')}`;
  }

  private claim(format: TemplateFormat, file: FoundFile, claim: ClaimedFile['claim']): void {
    let files = this.claimed.get(format.id);
    if (files === undefined) {
      files = new Map();
      this.claimed.set(format.id, files);
    }
    // A file both named and found in a named folder is read with its folder.
    const known = files.get(file.absolute);
    if (known === undefined || (known.named && !file.named)) files.set(file.absolute, { ...file, claim });
  }

  /** Each waiting file goes to the first of its formats whose sniff says yes. */
  sniff(): void {
    for (const { file, formats } of this.pending.values()) {
      if ([...this.claimed.values()].some((files) => files.has(file.absolute))) continue;
      let refusal: string | undefined;
      let taken = false;
      for (const format of formats) {
        const claim = format.claim(file);
        if (claim !== 'maybe' && claim !== undefined && typeof claim !== 'object') {
          this.claim(format, file, claim);
          taken = true;
          break;
        }
        const verdict = format.sniff?.(file) ?? false;
        if (verdict === true) {
          this.claim(format, file, 'template');
          taken = true;
          break;
        }
        if (verdict !== false) {
          this.skipped.set(file.path, { path: file.path, kind: 'unreadable', reason: verdict.reason });
          taken = true;
          break;
        }
        refusal ??= format.notMine;
      }
      if (taken) continue;
      // A named file is read by a format that reads files named so, which then says what is wrong with it.
      const reader = file.named ? formats.find((format) => format.readsNamed?.(file) === true) : undefined;
      if (reader !== undefined) this.claim(reader, file, 'template');
      else if (file.named) this.unreadable.set(file.path, this.notRead());
      else if (refusal !== undefined) this.skipped.set(file.path, { path: file.path, kind: 'not-a-template', reason: refusal });
    }
  }

  result(): Discovered {
    const units: ReadUnit[] = [];
    for (const format of this.formats) {
      const files = [...(this.claimed.get(format.id)?.values() ?? [])].sort((a, b) => compare(a.path, b.path));
      if (files.length === 0) continue;
      const grouped = format.group(files);
      const used = new Set(grouped.flatMap((unit) => [...unit.files, ...(unit.companions ?? [])]));
      for (const file of files) {
        if (!used.has(file.path) && file.claim === 'companion') {
          this.skipped.set(file.path, { path: file.path, kind: 'not-a-template', reason: format.orphanReason ?? 'read only with the templates of its folder, and there are none' });
        }
      }
      units.push(...grouped);
    }
    return {
      units,
      unreadable: [...this.unreadable]
        .map(([path, reason]) => ({ path, reason }))
        .sort((a, b) => compare(a.path, b.path)),
      skipped: [...this.skipped.values()].sort((a, b) => compare(a.path, b.path)),
    };
  }

  /** Relative to the working folder with `/` when under it, as the user would type it; else absolute. */
  private show(absolute: string): string {
    const path = relative(this.cwd, absolute);
    if (path === '') return '.';
    if (path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) return absolute;
    return path.split(sep).join('/');
  }
}

function linkTarget(path: string): { real: string; kind: 'folder' | 'file' | 'other' } | undefined {
  try {
    const real = realpathSync(path);
    const info = statSync(real);
    return { real, kind: info.isDirectory() ? 'folder' : info.isFile() ? 'file' : 'other' };
  } catch {
    // A dangling link found while walking (an editor's lock file, a removed target) is nothing to read.
    return undefined;
  }
}

/** Whether `inner` is `outer` or lies below it. */
function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
