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
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const BUILD = '__AMIGUARD_BUILD__';
const ENTRY = './main.cjs';
/** A cache larger than this is not read: the biggest chunk's cache is well under it. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;

const nodeRequire = createRequire(__filename);
const modules = new Map();
/** Chunks compiled without a usable cache in this run, whose cache is written at its end. */
const compiled = [];
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

/** Old builds' cache folders are removed when a new build first writes its own. */
const STALE_MS = 7 * 24 * 60 * 60 * 1000;

function readCache(name) {
  if (cacheFolder === undefined) return undefined;
  try {
    if (!checked) {
      checked = true;
      if (!trusted(cacheFolder)) {
        cacheFolder = undefined;
        return undefined;
      }
    }
    // Only a regular file of a sane size: a FIFO would block the read, a huge file fill memory.
    const file = path.join(cacheFolder, name);
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > MAX_CACHE_BYTES) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCaches() {
  if (cacheFolder === undefined || compiled.length === 0) return;
  // Made under other V8 flags (src/core/v8-flags.ts), a cache would be rejected by every next run.
  if (globalThis[Symbol.for('amiguard.v8-flags-changed')] === true) return;
  try {
    const created = fs.mkdirSync(cacheFolder, { recursive: true, mode: 0o700 });
    if (!trusted(cacheFolder)) return;
    if (created !== undefined) removeStaleBuilds(path.dirname(path.dirname(cacheFolder)), path.basename(path.dirname(cacheFolder)));
    for (const { name, script } of compiled) {
      // Written whole, then renamed: two runs at once never leave half a cache.
      const temporary = path.join(cacheFolder, `.${name}.${process.pid}`);
      fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temporary, path.join(cacheFolder, name));
    }
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

/** The exports of a chunk of the bundle (`./name.cjs`), loaded once. */
function load(specifier) {
  const name = specifier.slice(2).replace(/\.js$/, '.cjs');
  const known = modules.get(name);
  if (known !== undefined) return known.exports;
  const file = path.join(__dirname, name);
  const source = fs.readFileSync(file, 'utf8');
  // A chunk changed in place (same build, another size or time) never meets its old cache.
  const { size, mtimeMs } = fs.statSync(file);
  const cacheName = `${name}.${size}.${Math.trunc(mtimeMs)}`;
  const cachedData = readCache(cacheName);
  // The chunk is written as the function it is called as (scripts/bundle-cli.mjs): compiled as read.
  const script = new vm.Script(source, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) compiled.push({ name: cacheName, script });
  const module = { exports: {} };
  modules.set(name, module);
  script.runInThisContext()(module.exports, chunkRequire, module, file, __dirname, `${folderUrl()}${name}`);
  return module.exports;
}

/** What a chunk's `require` does: its sibling chunks through load(), packages and built-ins through Node. */
function chunkRequire(specifier) {
  return specifier.startsWith('./') ? load(specifier) : nodeRequire(specifier);
}

/** Runs the CLI with `argv`; resolves to the exit code. */
async function run(argv) {
  cacheFolder = cacheFolderFor(argv[0]);
  const code = await load(ENTRY).run(argv);
  writeCaches();
  return code;
}

module.exports = { run };
