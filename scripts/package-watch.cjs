'use strict';
// Preloaded with `node --require` by bench/startup.ts and test/cli/start-up.test.ts: writes
// "PACKAGE <name>" to standard error for each package a run resolves, through require (the CLI's
// chunks, and what they load on first use) or import (ESM hooks: package-watch-hooks.mjs).
const Module = require('node:module');
const { writeSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const resolved = resolveFilename.apply(this, args);
  const match = /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(resolved);
  if (match) writeSync(2, `PACKAGE ${match[1]}\n`);
  return resolved;
};
Module.register(pathToFileURL(join(__dirname, 'package-watch-hooks.mjs')));
