import { AmiguardError, UsageError } from '../../core/index.js';
import { loadEstate, SAMPLE_CREDENTIALS, SAMPLE_ESTATE, startSandbox } from '../../sandbox/index.js';
import { parseCommandArgs } from '../args.js';
import { printable, type Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport } from '../output.js';
import type { Command } from './command.js';

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run a local EC2-compatible endpoint with a sample estate, to try amiguard without AWS',
  help: `Usage: amiguard sandbox [--estate FILE] [--port N] [--speed N] [options]

Starts a local endpoint that speaks EC2's and STS's Query protocols and the Organizations API,
seeded with an estate: accounts, an organization, regions, AMIs, snapshots and their
permissions. The real AWS SDK (and aws --endpoint-url) talk to it. Runs until interrupted.

Options:
  --estate FILE    an estate file (JSON or YAML); default: the built-in sample estate
  --port N         port on 127.0.0.1 (default: 4566; 0 picks a free one)
  --speed N        throttling refills N times faster than AWS (default 1; 0 turns it off)
${outputHelp('text (default) or json (url and each account\'s keys, for scripts)', 'print nothing once listening')}

Exit codes: 0 stopped by an interrupt, 2 could not start (port in use, bad estate file).

Examples:
  amiguard sandbox
  AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=${SAMPLE_CREDENTIALS.management.accessKeyId} \\
    AWS_SECRET_ACCESS_KEY=${SAMPLE_CREDENTIALS.management.secretAccessKey} amiguard show --name '*' --regions all --region us-east-1
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('sandbox', args, {
      estate: { type: 'string' },
      port: { type: 'string' },
      speed: { type: 'string' },
      ...OUTPUT_OPTIONS,
    });
    const out = outputFrom(parsed, ['text', 'json'] as const, 'text');
    const number = (name: string, fallback: number): number => {
      const raw = parsed.values[name];
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (typeof raw !== 'string' || !Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a number of at least 0; got "${String(raw)}"`);
      return value;
    };
    const estatePath = parsed.values['estate'];
    const estate = typeof estatePath === 'string' ? loadEstate(estatePath) : SAMPLE_ESTATE;
    const speed = number('speed', 1);
    const port = number('port', 4566);
    const sandbox = await startSandbox({ estate, port, speed: speed === 0 ? Infinity : speed }).catch((error: unknown) => {
      if (error instanceof AmiguardError && /already in use|needs privileges/.test(error.message)) {
        throw new AmiguardError('SANDBOX', error.message, { hint: `choose another port with --port N (--port 0 picks a free one)`, cause: error });
      }
      throw error;
    });
    // Written as soon as it listens (a script waits for the file), not when it stops.
    await withReport(io, out, async (report) => {
      if (out.format === 'json') {
        const accounts = estate.accounts.flatMap((account) => {
          const key = account.accessKeys?.[0];
          return key === undefined ? [] : [{ id: account.id, name: account.name, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }];
        });
        report.stdout.write(`${JSON.stringify({ url: sandbox.url, estate: typeof estatePath === 'string' ? estatePath : 'sample', accounts }, null, 2)}\n`);
        return;
      }
      // The estate file's path, names and keys are shown escaped: it may come from anyone.
      report.stdout.write(`amiguard sandbox listening on ${sandbox.url} (${typeof estatePath === 'string' ? printable(estatePath) : 'sample estate'})\n`);
      for (const account of estate.accounts) {
        const key = account.accessKeys?.[0];
        if (key !== undefined) report.stdout.write(`${printable(`  account ${account.id} ${account.name}: AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`)}\n`);
      }
      report.stdout.write(`Try: AWS_ENDPOINT_URL=${sandbox.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... amiguard show --name '*' --regions all\n`);
    }).catch(async (error: unknown) => {
      await sandbox.close();
      throw error;
    });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sandbox.close();
    return 0;
  },
};
