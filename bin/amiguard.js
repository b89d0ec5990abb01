#!/usr/bin/env node
// The installed entry point: runs the compiled CLI and sets the process exit code from its result.
import { setFlagsFromString } from 'node:v8';

// The AWS SDK warns on every run that its 2027 releases will need Node 22; amiguard supports
// Node 20 with the SDK it ships, so the warning is noise in a CLI's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// V8 compiles the hot parts of the HCL parser (WebAssembly) a second time, optimised, after a
// small budget of work: for a lint of a few files that costs more CPU (~0.15 s) and memory
// (~18 MiB) than the parsing itself. A budget 100x V8's default keeps short runs on the baseline
// code; a lint of thousands of files still tiers up, a few seconds later (issue 11, README figures).
setFlagsFromString('--wasm-tiering-budget=180000000');

// A reader that stops early (`amiguard undo --dry-run j.jsonl | head`) closes the pipe. The run
// goes on to its end without that output: a fix or an undo is never cut off half-way by it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// The bundled CLI (scripts/bundle-cli.mjs): a few files to load instead of a hundred.
const { run } = await import('../dist/cli/main.js');
process.exitCode = await run(process.argv.slice(2));
