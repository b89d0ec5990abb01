import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeFileError } from '../core/index.js';

/** The files Packer reads as one HCL2 configuration: a folder's `*.pkr.hcl` / `*.pkr.json`. */
export interface HclConfiguration {
  readonly dir: string;
  readonly files: readonly string[];
  /** The folder's `*.auto.pkrvars.hcl` / `*.auto.pkrvars.json`, in the lexical order Packer loads them. */
  readonly autoVarFiles: readonly string[];
}

export interface Discovered {
  /** Legacy Packer JSON templates. */
  readonly jsonTemplates: readonly string[];
  /** One per folder, or per explicitly named file. */
  readonly hclConfigurations: readonly HclConfiguration[];
  /** Explicitly named paths that are missing or cannot be read. */
  readonly unreadable: readonly { path: string; reason: string }[];
  /** What the walk found and did not read, in path order. */
  readonly skipped: readonly SkippedPath[];
}

/**
 * A file or folder found under a named folder and not read. `unreadable` may hold templates that
 * were not checked (a folder that cannot be listed, a FIFO named like a template): lint reports
 * it as a problem. `excluded` (node_modules, dot-folders, a link back into the tree) and
 * `not-a-template` (a .json file without a top-level "builders" key) hold none by design.
 */
export interface SkippedPath {
  readonly path: string;
  readonly kind: 'unreadable' | 'excluded' | 'not-a-template';
  readonly reason: string;
}

const HCL_TEMPLATE = /\.pkr\.(?:hcl|json)$/;
/** Names a walk reads (templates, auto var-files, .json files to sniff): one that cannot be read is worth a word. */
function lookedFor(name: string): boolean {
  return HCL_TEMPLATE.test(name) || AUTO_VAR_FILE.test(name) || (name.endsWith('.json') && !VAR_FILE.test(name));
}
const AUTO_VAR_FILE = /\.auto\.pkrvars\.(?:hcl|json)$/;
const VAR_FILE = /\.pkrvars\.(?:hcl|json)$/;

/**
 * Finds the Packer templates under `paths` (the current folder when none): legacy JSON templates,
 * and HCL2 configurations (one per folder, as `packer build <folder>` reads them). Folders are
 * walked recursively, skipping `node_modules`, dot-folders and symlink loops. A file named on the
 * command line is always read, so that a broken template is reported rather than skipped.
 *
 * The file system calls are synchronous: for thousands of small reads they take half the time of
 * the promise API, and a lint run has nothing else to do meanwhile.
 */
export async function discoverTemplates(paths: readonly string[], cwd: string): Promise<Discovered> {
  const discovery = new Discovery(resolve(cwd));
  for (const path of paths.length === 0 ? ['.'] : paths) discovery.addNamed(path);
  discovery.walk();
  discovery.sniff();
  return discovery.result();
}

interface Folder {
  readonly files: Map<string, string>;
  readonly autoVarFiles: Map<string, string>;
}

class Discovery {
  private readonly cwd: string;
  private readonly namedFolders: string[] = [];
  private readonly visitedFolders = new Set<string>();
  private readonly folders = new Map<string, Folder>();
  /** Absolute path to shown path, for every map below. */
  private readonly jsonCandidates = new Map<string, string>();
  private readonly jsonTemplates = new Map<string, string>();
  private readonly singleFiles = new Map<string, string>();
  private readonly unreadable = new Map<string, string>();
  private readonly skipped = new Map<string, SkippedPath>();

  constructor(cwd: string) {
    this.cwd = cwd;
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
        this.addNamedFile(absolute, shown);
      } else {
        this.unreadable.set(shown, 'not a file or folder');
      }
    } catch (error) {
      this.unreadable.set(shown, describeFileError(error));
    }
  }

  private addNamedFile(absolute: string, shown: string): void {
    if (VAR_FILE.test(absolute)) {
      this.unreadable.set(shown, 'a variables file, not a template: pass it with --var-file');
    } else if (HCL_TEMPLATE.test(absolute) || absolute.endsWith('.hcl')) {
      // `packer build x.pkr.hcl` reads that file alone, without the folder's auto var-files.
      this.singleFiles.set(absolute, shown);
    } else if (absolute.endsWith('.json') || looksLikeLegacyTemplate(absolute) !== false) {
      // One that cannot be sniffed is read anyway, so that the reader reports why it cannot be.
      this.jsonTemplates.set(absolute, shown);
    } else {
      this.unreadable.set(shown, 'not a Packer template: expected a .pkr.hcl, .pkr.json, .hcl or .json file');
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
          if (lookedFor(entry.name)) this.skip(path, 'excluded', 'a symbolic link to nothing');
          continue;
        }
        if (isWithin(real, target.real) || roots.some((root) => isWithin(target.real, root))) {
          this.skip(path, 'excluded', `a symbolic link to ${this.show(target.real)}, read there or above`);
          continue;
        }
        kind = target.kind;
      }
      if (kind === 'folder') {
        if (entry.name.startsWith('.') || entry.name === 'node_modules') this.skip(path, 'excluded', 'node_modules and dot-folders are not searched');
        else subfolders.push(path);
      } else if (kind === 'file') {
        this.addFoundFile(folder, path, entry.name);
      } else if (lookedFor(entry.name)) {
        this.skip(path, 'unreadable', 'not a regular file (a FIFO, socket or device), so not read');
      }
    }
    return subfolders;
  }

  private skip(path: string, kind: SkippedPath['kind'], reason: string): void {
    const shown = this.show(path);
    this.skipped.set(shown, { path: shown, kind, reason });
  }

  private addFoundFile(folder: string, path: string, name: string): void {
    if (HCL_TEMPLATE.test(name)) this.folder(folder).files.set(path, this.show(path));
    else if (AUTO_VAR_FILE.test(name)) this.folder(folder).autoVarFiles.set(path, this.show(path));
    else if (name.endsWith('.json') && !VAR_FILE.test(name)) this.jsonCandidates.set(path, this.show(path));
  }

  private folder(path: string): Folder {
    let folder = this.folders.get(path);
    if (folder === undefined) {
      folder = { files: new Map(), autoVarFiles: new Map() };
      this.folders.set(path, folder);
    }
    return folder;
  }

  sniff(): void {
    for (const [path, shown] of this.jsonCandidates) {
      if (this.jsonTemplates.has(path)) continue;
      const sniffed = looksLikeLegacyTemplate(path);
      if (sniffed === true) this.jsonTemplates.set(path, shown);
      else if (sniffed === false) this.skipped.set(shown, { path: shown, kind: 'not-a-template', reason: 'a .json file without a top-level "builders" key' });
      else this.skipped.set(shown, { path: shown, kind: 'unreadable', reason: sniffed.reason });
    }
  }

  result(): Discovered {
    const configurations: HclConfiguration[] = [];
    const inFolders = new Set<string>();
    for (const [path, folder] of this.folders) {
      if (folder.files.size === 0) {
        for (const shown of folder.autoVarFiles.values()) {
          this.skipped.set(shown, { path: shown, kind: 'not-a-template', reason: 'an auto var-file in a folder without *.pkr.hcl or *.pkr.json' });
        }
        continue;
      }
      for (const file of folder.files.keys()) inFolders.add(file);
      configurations.push({
        dir: this.show(path),
        files: sorted(folder.files.values()),
        autoVarFiles: sorted(folder.autoVarFiles.values()),
      });
    }
    for (const [path, shown] of this.singleFiles) {
      // A file also read with its folder would be reported twice.
      if (!inFolders.has(path)) configurations.push({ dir: this.show(dirname(path)), files: [shown], autoVarFiles: [] });
    }
    configurations.sort((a, b) => compare(a.dir, b.dir) || compare(a.files[0] ?? '', b.files[0] ?? ''));
    return {
      jsonTemplates: sorted(this.jsonTemplates.values()),
      hclConfigurations: configurations,
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

const HEAD_BYTES = 8192;
const CHUNK_BYTES = 65536;
/** A template's "builders" comes after its variables; no real one has megabytes of them. */
const SNIFF_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Whether a file is a legacy template: a JSON object with a top-level "builders" key. The file is
 * scanned, not parsed, and only until the key shows up: binary files (a NUL byte in the first
 * 8 KB) and files that do not start like a JSON object are rejected at once.
 */
function looksLikeLegacyTemplate(path: string): boolean | { reason: string } {
  let descriptor: number;
  try {
    // Non-blocking: a file swapped for a FIFO since the walk saw it must not hang the run.
    descriptor = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { reason: describeFileError(error) };
  }
  try {
    const scanner = new TopLevelKeyScanner('builders');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let position = 0; position < SNIFF_LIMIT_BYTES; ) {
      const bytesRead = readSync(descriptor, buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) return false;
      const chunk = buffer.subarray(0, bytesRead);
      if (position < HEAD_BYTES && chunk.subarray(0, HEAD_BYTES - position).includes(0)) return false;
      const verdict = scanner.feed(chunk);
      if (verdict !== undefined) return verdict;
      position += bytesRead;
    }
    return false;
  } catch (error) {
    return { reason: describeFileError(error) };
  } finally {
    closeSync(descriptor);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Follows JSON structure byte by byte (every structural character is ASCII, so UTF-8 needs no
 * decoding) and answers once a top-level key equals `key`, ignoring ASCII case as Packer's
 * decoder does, or once the top-level object ends without it.
 */
class TopLevelKeyScanner {
  private readonly key: Buffer;
  private started = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectingKey = false;
  /** While reading a top-level key: how many bytes matched so far, or -1 once it cannot match. */
  private matched = -1;
  private capturing = false;

  constructor(key: string) {
    this.key = Buffer.from(key.toLowerCase(), 'ascii');
  }

  feed(chunk: Buffer): boolean | undefined {
    for (const byte of chunk) {
      if (!this.started) {
        if (isBlankOrBom(byte)) continue;
        if (byte !== OPEN_BRACE) return false;
        this.started = true;
        this.depth = 1;
        this.expectingKey = true;
        continue;
      }
      if (this.inString) {
        if (this.readStringByte(byte)) return true;
        continue;
      }
      const verdict = this.readStructureByte(byte);
      if (verdict !== undefined) return verdict;
    }
    return undefined;
  }

  /** True when a top-level key just ended and matched. */
  private readStringByte(byte: number): boolean {
    if (this.escaped) {
      this.escaped = false;
      this.matched = -1;
      return false;
    }
    if (byte === BACKSLASH) {
      this.escaped = true;
      return false;
    }
    if (byte === QUOTE) {
      this.inString = false;
      const found = this.capturing && this.matched === this.key.length;
      this.capturing = false;
      return found;
    }
    if (this.capturing && this.matched >= 0) {
      const lower = byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
      this.matched = this.key[this.matched] === lower ? this.matched + 1 : -1;
    }
    return false;
  }

  private readStructureByte(byte: number): boolean | undefined {
    switch (byte) {
      case QUOTE:
        this.inString = true;
        this.capturing = this.depth === 1 && this.expectingKey;
        this.matched = 0;
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        this.depth += 1;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        this.depth -= 1;
        if (this.depth === 0) return false;
        break;
      case COMMA:
        if (this.depth === 1) this.expectingKey = true;
        break;
      case COLON:
        if (this.depth === 1) this.expectingKey = false;
        break;
    }
    return undefined;
  }
}

function isBlankOrBom(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0xef || byte === 0xbb || byte === 0xbf;
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort(compare);
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
