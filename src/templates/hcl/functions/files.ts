/**
 * Packer's file-system functions (go-cty-funcs `filesystem`, Packer's `filebase64`). Packer
 * resolves a relative path against the configuration's folder as given on its command line
 * (`path.root`), itself relative to the working directory (`path.cwd`); amiguard takes the
 * folder as it was given to `amiguard lint`, from the same working directory.
 *
 * A template must not make amiguard read what lies outside the working directory and the
 * configuration's folder (`file("~/.aws/credentials")` would land in a finding): such a path is
 * an unknown that names the function, as is a file over the size limit or one that is not a
 * regular file.
 */
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import { bool, error, list, str, unknown, type Value } from '../value.js';
import { fileKind, listFiles, MAX_WALK_ENTRIES, readBoundedFile, realPath } from './file-system.js';
import { needString, needStrings, strict, type CallContext, type FunctionSpec } from './spec.js';

/** Go's path.Clean: no trailing slash, "." for nothing. */
function clean(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** Go's filepath.Base. */
function basename(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Go's filepath.Dir: everything before the last slash, cleaned. */
function dirname(path: string): string {
  return clean(path.slice(0, path.lastIndexOf('/') + 1));
}

interface Resolved {
  /** As Packer names it in its messages: path.root joined with the argument, cleaned. */
  readonly display: string;
  readonly absolute: string;
}

type Located = { readonly ok: true; readonly path: Resolved } | { readonly ok: false; readonly failure: Value };

function locate(name: string, path: string, call: CallContext): Located {
  const { cwd, pathRoot } = call.environment;
  const quoted = `${name}(${JSON.stringify(path)})`;
  if (path.startsWith('~')) return { ok: false, failure: unknown(`${quoted} is not evaluated: it names the home directory of the machine that runs ${call.environment.functions.tool}`) };
  const display = isAbsolute(path) ? clean(path) : clean(join(pathRoot, path));
  const absolute = resolve(cwd, display);
  const roots = [resolve(cwd), resolve(cwd, pathRoot)].map((root) => realPath(root) ?? root);
  const target = realPath(absolute) ?? absolute;
  if (!roots.some((root) => target === root || target.startsWith(root.endsWith(sep) ? root : `${root}${sep}`))) {
    return { ok: false, failure: unknown(`${quoted} is not read: the path is outside the working directory and the configuration's folder`) };
  }
  return { ok: true, path: { display, absolute } };
}

/** Reads a file argument the way `file()` does: located, contained, bounded. */
export function readFile(name: string, input: Value | undefined, call: CallContext): Buffer | Value {
  const path = needString(name, input, 1);
  if (typeof path !== 'string') return path;
  const located = locate(name, path, call);
  if (!located.ok) return located.failure;
  const read = readBoundedFile(located.path.absolute);
  if (read.ok) {
    call.environment.budget.spend(read.bytes.length);
    return read.bytes;
  }
  if (read.missing) return error(`function ${name}(): no file exists at ${located.path.display}`);
  return unknown(`${name}(${JSON.stringify(path)}) is not read: ${read.reason}`);
}

/** doublestar's glob syntax as a regular expression over `/`-separated relative paths. */
function globToRegex(pattern: string): RegExp | undefined {
  let out = '';
  let braces = 0;
  for (let index = 0; index < pattern.length; index += 1) {
    const c = pattern[index] ?? '';
    if (c === '*' && pattern[index + 1] === '*') {
      const atStart = index === 0 || pattern[index - 1] === '/';
      const atEnd = index + 2 === pattern.length || pattern[index + 2] === '/';
      if (atStart && atEnd) {
        out += index + 2 === pattern.length ? '.*' : '(?:.*/)?';
        index += pattern[index + 2] === '/' ? 2 : 1;
        continue;
      }
      out += '[^/]*';
      index += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', index + 2);
      if (end === -1) return undefined;
      const body = pattern.slice(index + 1, end).replace(/^[!^]/, '^').replace(/\\/g, '\\\\');
      out += `[${body}]`;
      index = end;
    } else if (c === '{') {
      braces += 1;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces -= 1;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '\\' && index + 1 < pattern.length) {
      index += 1;
      out += (pattern[index] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  if (braces !== 0) return undefined;
  try {
    return new RegExp(`^${out}$`, 'u');
  } catch {
    return undefined;
  }
}

export const FILE_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['file', strict(1, 1, ([input], call) => {
    const bytes = readFile('file', input, call);
    if (!Buffer.isBuffer(bytes)) return bytes;
    try {
      return str(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      const path = input?.kind === 'string' ? input.value : '';
      return error(`function file(): contents of ${path} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead`);
    }
  })],
  ['filebase64', strict(1, 1, ([input], call) => {
    const bytes = readFile('filebase64', input, call);
    return Buffer.isBuffer(bytes) ? str(bytes.toString('base64')) : bytes;
  })],
  ['fileexists', strict(1, 1, ([input], call) => {
    const path = needString('fileexists', input, 1);
    if (typeof path !== 'string') return path;
    const located = locate('fileexists', path, call);
    if (!located.ok) return located.failure;
    const kind = fileKind(located.path.absolute);
    if (kind === 'other') return error(`function fileexists(): ${located.path.display} is not a regular file`);
    return bool(kind === 'file');
  })],
  ['fileset', strict(2, 2, (args, call) => {
    const strings = needStrings('fileset', args);
    if (!Array.isArray(strings)) return strings;
    const [path = '', pattern = ''] = strings;
    const located = locate('fileset', path, call);
    if (!located.ok) return located.failure;
    const matcher = globToRegex(posix.normalize(pattern));
    if (matcher === undefined) return error(`function fileset(): failed to glob pattern (${join(located.path.display, pattern)}): syntax error in pattern`);
    const files = listFiles(located.path.absolute);
    if (files === undefined) return unknown(`fileset(${JSON.stringify(path)}, ${JSON.stringify(pattern)}) is not evaluated: the folder holds more than ${MAX_WALK_ENTRIES} entries`);
    call.environment.budget.spend(files.length);
    return list(files.filter((file) => matcher.test(file)).map((file) => str(file)));
  })],
  ['abspath', strict(1, 1, ([input], call) => {
    const path = needString('abspath', input, 1);
    return typeof path === 'string' ? str(resolve(call.environment.cwd, path).split(sep).join('/')) : path;
  })],
  ['basename', strict(1, 1, ([input]) => {
    const path = needString('basename', input, 1);
    return typeof path === 'string' ? str(basename(path)) : path;
  })],
  ['dirname', strict(1, 1, ([input]) => {
    const path = needString('dirname', input, 1);
    return typeof path === 'string' ? str(dirname(path)) : path;
  })],
  ['pathexpand', strict(1, 1, ([input], call) => {
    const path = needString('pathexpand', input, 1);
    if (typeof path !== 'string') return path;
    const tool = call.environment.functions.tool;
    return path.startsWith('~') ? unknown(`pathexpand(${JSON.stringify(path)}) is not evaluated: it names the home directory of the machine that runs ${tool}`) : str(path);
  })],
]);
