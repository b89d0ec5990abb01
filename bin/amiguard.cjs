#!/usr/bin/env node
'use strict';
// The installed entry point: runs the bundled CLI (dist/cli, through its loader) and sets the
// process exit code from its result. CommonJS, so that a run loads no ES module machinery.

// The AWS SDK warns on every run that its 2027 releases will need Node 22; amiguard supports
// Node 20 with the SDK it ships, so the warning is noise in a CLI's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`amiguard undo --dry-run j.jsonl | head`) closes the pipe. The run
// goes on to its end without that output: a fix or an undo is never cut off half-way by it. Any
// other failure to write (a terminal gone, a full disk) does not cut it off either, but the run
// exits 2: its output was not all seen. The CLI writes to files, pipes and sockets itself
// (src/cli/io.ts, which reports its own failures) and Node's streams cost start-up, so each
// stream is guarded when something first makes it (a terminal, a warning), not made here.
let lostOutput;
/** The handler of a stream's write errors; its words are those src/cli/io.ts gives the same loss. */
const guardOutput = (what) => (error) => {
  if (error.code === 'EPIPE' || lostOutput !== undefined) return;
  lostOutput = error;
  process.exitCode = 2;
  try {
    require('node:fs').writeSync(2, `amiguard: error: cannot write to ${what}: ${error.code ?? error.message}; the output is incomplete\n`);
  } catch {
    // Standard error is what failed: the exit code says it.
  }
};
for (const [name, what] of [['stdout', 'standard output'], ['stderr', 'standard error']]) {
  const { get, enumerable } = Object.getOwnPropertyDescriptor(process, name) ?? {};
  if (get === undefined) {
    process[name].on('error', guardOutput(what));
    continue;
  }
  let stream;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable,
    get() {
      if (stream === undefined) {
        stream = get.call(process);
        stream.on('error', guardOutput(what));
      }
      return stream;
    },
  });
}

// The CLI turns every failure of a command into its exit code; what escapes it (the bundle
// cannot be read or loaded) is a broken install: exit 2, "could not do the job", never 1, which
// says "findings".
require('../dist/cli/index.cjs')
  .run(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = lostOutput === undefined ? code : 2;
    },
    (error) => {
      process.stderr.write(`amiguard: internal error (the installed bundle could not run; reinstall amiguard, or report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    },
  );
