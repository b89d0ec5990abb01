#!/usr/bin/env node
'use strict';
// The installed entry point: runs the bundled CLI (dist/cli, through its loader) and sets the
// process exit code from its result. CommonJS, so that a run loads no ES module machinery.

// The AWS SDK warns on every run that its 2027 releases will need Node 22; amiguard supports
// Node 20 with the SDK it ships, so the warning is noise in a CLI's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`amiguard undo --dry-run j.jsonl | head`) closes the pipe. The run
// goes on to its end without that output: a fix or an undo is never cut off half-way by it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

require('../dist/cli/index.cjs')
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
