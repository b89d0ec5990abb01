'use strict';
// The loader of the bundled CLI (scripts/bundle-cli.mjs copies it to dist/cli/index.cjs, with the
// build's id in BUILD). Node 20 has no compile cache for modules, and compiling the JavaScript a
// command runs was the largest part of a one-file lint's start-up (issue 11). This loader runs the
// bundle's CommonJS chunks through vm.Script with a V8 code cache: the first run of a command
// compiles them and saves what V8 compiled; later runs of that command start from it.
//
// The cache is an optimisation, never a condition: any error reading or writing it, a cache V8
// rejects (another Node, other flags) or a folder it cannot trust, and the chunk is compiled from
// source as Node would. A cached chunk is only used for the same build (BUILD is a hash of every
// chunk), the same Node and the same command.
//
// Where: $AMIGUARD_CACHE_DIR, else $XDG_CACHE_HOME/amiguard, else ~/.cache/amiguard; a folder
// another user owns or can write is not used (a crafted cache is code). AMIGUARD_CACHE_DIR=off
// turns it off.
const { Buffer } = require('node:buffer');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const BUILD = '__AMIGUARD_BUILD__';
/** The chunks that share a file (scripts/bundle-cli.mjs packs the small ones), by chunk: its file. */
const PACKED = '__AMIGUARD_PACKED__';
const ENTRY = './main.cjs';
/** A cache larger than this is not read: the biggest chunk's cache is well under it. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;

const modules = new Map();
let cacheFolder;

/** The folder of this build's caches for `command`, if there is one amiguard may use. */
function cacheFolderFor(command) {
  const setting = process.env.AMIGUARD_CACHE_DIR;
  if (setting === 'off' || process.getuid === undefined) return undefined;
  const home = process.env.HOME;
  const root =
    setting !== undefined && setting !== ''
      ? setting
      : process.env.XDG_CACHE_HOME
        ? path.join(process.env.XDG_CACHE_HOME, 'amiguard')
        : home
          ? path.join(home, '.cache', 'amiguard')
          : undefined;
  if (root === undefined || !path.isAbsolute(root)) return undefined;
  // argv[0] names the cache only when it is a command's name: never a path.
  const name = /^[a-z][a-z-]{0,40}$/.test(command ?? '') ? command : '-';
  return path.join(root, `${BUILD}-node${process.versions.v8}-${process.arch}`, name);
}

/**
 * Whether `folder` (which exists) and the two above it (this build's, and amiguard's) are ours
 * alone: owned by this user, writable by no one else.
 */
function trusted(folder) {
  for (const each of [folder, path.dirname(folder), path.dirname(path.dirname(folder))]) {
    const stat = fs.statSync(each);
    if (!stat.isDirectory() || stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0) return false;
  }
  return true;
}

let checked = false;
/**
 * The chunks whose caches hold what the runs that wrote them compiled (the file COVERED lists
 * them). A cache holds only the functions its run ran: a JSON lint's cache of a chunk it shares
 * with an HCL lint lacks the HCL reader's functions, which every later HCL lint then compiled
 * again. So a run that loads a chunk the list does not name writes the caches of every chunk it
 * loaded, each with what this run compiled and what its old cache gave: the caches grow to what
 * the command's runs use, and stop being written once they hold it.
 */
let covered = new Set();
const COVERED = 'chunks';
/**
 * Every file this run read, with its script (a cache is made from it at the end) and whether it
 * was compiled without a usable cache (`fresh`: its cache is written in any case).
 */
const loaded = [];

/** Old builds' cache folders are removed when a new build first writes its own. */
const STALE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * One buffer for every cache this run reads: V8 copies what it needs while compiling, so the
 * next read can reuse it. Reading each into a buffer of its own touched ~60 more pages of
 * memory and cost ~2 ms more, on a machine where a first-touched page costs ~15 us.
 */
let readBuffer;

/** Reads the open file `descriptor`, of `size` bytes, into the shared buffer: its bytes, valid until the next read. */
function readInto(descriptor, size) {
  if (readBuffer === undefined || readBuffer.length < size) readBuffer = Buffer.allocUnsafeSlow(Math.max(size, 128 * 1024));
  let length = 0;
  while (length < size) {
    const read = fs.readSync(descriptor, readBuffer, length, size - length, length);
    if (read === 0) break;
    length += read;
  }
  return readBuffer.subarray(0, length);
}

/**
 * The file `name` in the cache folder, if it is a regular file of a sane size: its bytes, valid
 * until the next read. Opened without blocking, and checked once open: a FIFO would block the
 * read, a huge file fill memory.
 */
function readCacheFile(name) {
  const descriptor = fs.openSync(path.join(cacheFolder, name), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stat = fs.fstatSync(descriptor);
    if (!stat.isFile() || stat.size > MAX_CACHE_BYTES) return undefined;
    return readInto(descriptor, stat.size);
  } finally {
    fs.closeSync(descriptor);
  }
}

/**
 * A file of the bundle: its text, and its size and time. Read through the shared buffer, as the
 * caches are: readFileSync decodes from a buffer of its own, ~120 KB of fresh memory per large
 * chunk. The build writes ASCII only (scripts/bundle-cli.mjs checks it), so latin1 is the text.
 */
function readBundleFile(file) {
  const descriptor = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(descriptor);
    return { source: readInto(descriptor, stat.size).toString('latin1'), size: stat.size, mtimeMs: stat.mtimeMs };
  } finally {
    fs.closeSync(descriptor);
  }
}

function readCache(name) {
  if (cacheFolder === undefined) return undefined;
  try {
    if (!checked) {
      checked = true;
      if (!trusted(cacheFolder)) {
        cacheFolder = undefined;
        return undefined;
      }
      try {
        covered = new Set(readCacheFile(COVERED)?.toString('latin1').split('\n'));
      } catch {
        // None yet: every chunk this run loads is written at its end.
      }
    }
    return readCacheFile(name);
  } catch {
    return undefined;
  }
}

/** Writes `data` as the cache folder's file `name`: whole, then renamed, so two runs at once never leave half a file. */
function writeCacheFile(name, data) {
  const temporary = path.join(cacheFolder, `.${name}.${process.pid}`);
  fs.writeFileSync(temporary, data, { mode: 0o600 });
  fs.renameSync(temporary, path.join(cacheFolder, name));
}

function writeCaches() {
  if (cacheFolder === undefined) return;
  const uncovered = loaded.some(({ name }) => !covered.has(name));
  const fresh = loaded.filter((file) => file.fresh);
  if (!uncovered && fresh.length === 0) return;
  // Made under other V8 flags (src/core/v8-flags.ts), a cache would be rejected by every next run.
  if (globalThis[Symbol.for('amiguard.v8-flags-changed')] === true) return;
  try {
    const created = fs.mkdirSync(cacheFolder, { recursive: true, mode: 0o700 });
    if (!trusted(cacheFolder)) return;
    const build = path.dirname(cacheFolder);
    if (created !== undefined) removeStaleBuilds(path.dirname(build), path.basename(build));
    // The build's folder is what removeStaleBuilds dates (creating a command's folder in it was
    // the only thing that did): a build whose caches were written in the last week is kept. One
    // only read from since may be removed, and then compiles once again.
    const now = new Date();
    fs.utimesSync(build, now, now);
    for (const { name, script } of uncovered ? loaded : fresh) writeCacheFile(name, script.createCachedData());
    if (uncovered) writeCacheFile(COVERED, [...new Set([...covered, ...loaded.map(({ name }) => name)])].join('\n'));
  } catch {
    // A read-only or full disk: the next run compiles again.
  }
}

/** Removes the cache folders of other builds (or Nodes) that no run has written for a week. */
function removeStaleBuilds(root, current) {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === current || !/^[0-9a-f]{16}-node/.test(entry.name)) continue;
    const folder = path.join(root, entry.name);
    if (Date.now() - fs.statSync(folder).mtimeMs > STALE_MS) fs.rmSync(folder, { recursive: true, force: true });
  }
}

let folderHref;

/** The file URL of this folder, with its closing slash; a chunk's name needs no escaping. */
function folderUrl() {
  folderHref ??= pathToFileURL(path.join(__dirname, path.sep)).href;
  return folderHref;
}

/** Each file read, by name: the functions of the chunks it holds, by chunk. */
const files = new Map();

/** The chunks of the file `name`, read and compiled once. */
function chunksOf(name) {
  const known = files.get(name);
  if (known !== undefined) return known;
  const file = path.join(__dirname, name);
  const { source, size, mtimeMs } = readBundleFile(file);
  // A file changed in place (same build, another size or time) never meets its old cache.
  const cacheName = `${name}.${size}.${Math.trunc(mtimeMs)}`;
  const cachedData = readCache(cacheName);
  const script = new vm.Script(source, { filename: file, cachedData });
  loaded.push({ name: cacheName, script, fresh: cachedData === undefined || script.cachedDataRejected === true });
  const chunks = script.runInThisContext();
  files.set(name, chunks);
  return chunks;
}

/** The exports of a chunk of the bundle (`./name.cjs`), run once. */
function load(specifier) {
  const name = specifier.slice(2).replace(/\.js$/, '.cjs');
  const known = modules.get(name);
  if (known !== undefined) return known.exports;
  const chunk = chunksOf(PACKED[name] ?? name)[name];
  const module = { exports: {} };
  modules.set(name, module);
  const meta = {
    get url() {
      return `${folderUrl()}${name}`;
    },
  };
  try {
    chunk(module.exports, chunkRequire, module, path.join(__dirname, name), __dirname, meta);
  } catch (error) {
    // As Node's require: a module that threw is not kept half-run; the next require runs it again.
    modules.delete(name);
    throw error;
  }
  return module.exports;
}

/**
 * What a chunk's `require` does: its sibling chunks through load(), packages and built-ins through
 * this file's own require (which resolves from dist/cli, as the chunks would).
 */
function chunkRequire(specifier) {
  return specifier.startsWith('./') ? load(specifier) : require(specifier);
}

/** Runs the CLI with `argv`; resolves to the exit code. */
async function run(argv) {
  cacheFolder = cacheFolderFor(argv[0]);
  const main = load(ENTRY);
  const code = await main.run(argv);
  // A folder is named after a command, or '-' (an option: --version, --help); a name that is
  // neither (a typo, `amiguard lnt`) would leave a folder of its own behind for every typo.
  if (cacheFolder !== undefined && (path.basename(cacheFolder) === '-' || main.COMMANDS?.some((entry) => entry.name === argv[0]) === true)) writeCaches();
  return code;
}

module.exports = { run };
