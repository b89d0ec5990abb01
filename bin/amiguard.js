#!/usr/bin/env node
// The installed entry point: runs the compiled CLI and sets the process exit code from its result.

// The AWS SDK warns on every run that its 2027 releases will need Node 22; amiguard supports
// Node 20 with the SDK it ships, so the warning is noise in a CLI's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { run } = await import('../dist/src/cli/main.js');
process.exitCode = await run(process.argv.slice(2));
