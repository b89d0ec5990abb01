#!/usr/bin/env node
// The installed entry point: runs the compiled CLI and sets the process exit code from its result.

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

// The bundled CLI (scripts/bundle-cli.mjs): a few files to load instead of a hundred.
const { run } = await import('../dist/cli/main.js');
process.exitCode = await run(process.argv.slice(2));
