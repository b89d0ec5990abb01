#!/usr/bin/env node
// The installed entry point: runs the compiled CLI and sets the process exit code from its result.
import { run } from '../dist/src/cli/main.js';

process.exitCode = await run(process.argv.slice(2));
