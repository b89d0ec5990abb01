/**
 * One CLI grammar (issue 10): every command takes -f/--format json, -o/--output FILE, -q/--quiet
 * and --color/--no-color, run in process against the sandbox.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMANDS, run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { STATE_DIR } from '../remediate/helpers.js';
import { ROOT, useSampleCredentials } from './run-cli.js';

const IMAGES = SAMPLE_IDS.images;
const POLICY = `allow:\n  organizations: ["${SAMPLE_IDS.organization.arn}"]\n`;

let sandbox: Sandbox;
let dir: string;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function amiguard(args: readonly string[], options: { aws?: boolean } = {}): Promise<Ran> {
  const restore = useSampleCredentials();
  try {
    return await runHere(args, options);
  } finally {
    restore();
  }
}

async function runHere(args: readonly string[], options: { aws?: boolean }): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd: dir,
    env: { AWS_REGION: 'us-east-1', AMIGUARD_STATE_DIR: STATE_DIR, NO_COLOR: '1' },
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
  };
  const code = await run(options.aws === false ? args : [...args, '--endpoint-url', sandbox.url], io);
  return { code, stdout, stderr };
}

/** Each command with arguments that make it succeed against a fresh sample estate (order matters: fix before undo). */
function invocations(): readonly { readonly args: readonly string[]; readonly aws?: boolean }[] {
  return [
    { args: ['lint', join(ROOT, 'examples')], aws: false },
    { args: ['rules'], aws: false },
    { args: ['iam-policy', 'show'], aws: false },
    { args: ['show', IMAGES.goldenOrgShared] },
    { args: ['share', IMAGES.goldenOrgShared, '--account', SAMPLE_IDS.accounts.dev] },
    { args: ['unshare', IMAGES.goldenOrgShared, '--account', SAMPLE_IDS.accounts.dev] },
    { args: ['make-private', IMAGES.goldenOrgShared] },
    { args: ['make-public', IMAGES.goldenOrgShared, '--dry-run', '--i-understand-this-is-public'] },
    { args: ['block-public-access', 'status'] },
    { args: ['audit', '--regions', 'us-east-1', '--fail-on', 'note'] },
    { args: ['fix', '--regions', 'us-east-1'] },
    { args: ['fix', '--regions', 'us-east-1', '--apply', '--journal', 'fix.jsonl'] },
    { args: ['undo', 'fix.jsonl', '--i-understand-this-is-public'] },
  ];
}

describe('one grammar on every command', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'amiguard-grammar-'));
    writeFileSync(join(dir, 'amiguard.yaml'), POLICY);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('-f json gives JSON on standard output, -o writes the same to a file, -q and --no-color are taken', async () => {
    for (const variant of ['stdout', 'file', 'quiet'] as const) {
      sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
      rmSync(join(dir, 'fix.jsonl'), { force: true });
      try {
        for (const { args, aws } of invocations()) {
          const name = args.join(' ');
          const extra = variant === 'stdout' ? ['-f', 'json', '--no-color'] : variant === 'file' ? ['--format', 'json', '-o', 'out.json', '--color'] : ['-q'];
          const ran = await amiguard([...args, ...extra], aws === undefined ? {} : { aws });
          assert.ok(ran.code === 0 || ((args[0] === 'audit' || args[0] === 'lint') && ran.code === 1), `${name} ${variant}: exit ${ran.code}: ${ran.stderr}`);
          if (variant === 'stdout') {
            assert.doesNotThrow(() => JSON.parse(ran.stdout), `${name}: not JSON: ${ran.stdout.slice(0, 200)}`);
          } else if (variant === 'file') {
            assert.equal(ran.stdout, '', `${name} -o wrote to stdout`);
            assert.doesNotThrow(() => JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')), `${name}: the file is not JSON`);
            rmSync(join(dir, 'out.json'));
          } else if (!['lint', 'audit', 'iam-policy'].includes(args[0] ?? '')) {
            // lint and audit keep their errors under -q; iam-policy's default format is json, which -q keeps.
            assert.equal(ran.stdout, '', `${name} -q printed ${ran.stdout.slice(0, 200)}`);
          }
        }
      } finally {
        await sandbox.close();
      }
    }
  });

  it('the fix plan and undo in JSON say what was planned and done', async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    rmSync(join(dir, 'fix.jsonl'), { force: true });
    try {
      const plan = await amiguard(['fix', '--regions', 'us-east-1', '-f', 'json']);
      const planned = JSON.parse(plan.stdout) as { version: number; plan: { steps: { key: string }[] }; applied?: unknown };
      assert.equal(planned.version, 1);
      assert.ok(planned.plan.steps.some((step) => step.key.includes(IMAGES.publicDemo)), plan.stdout);
      assert.equal(planned.applied, undefined);
      const applied = JSON.parse((await amiguard(['fix', '--regions', 'us-east-1', '-f', 'json', '--apply', '--journal', 'fix.jsonl'])).stdout) as { applied: { steps: { status: string }[] } };
      assert.ok(applied.applied.steps.length > 0 && applied.applied.steps.every((step) => step.status === 'changed'));
      const undone = JSON.parse((await amiguard(['undo', 'fix.jsonl', '-f', 'json', '--i-understand-this-is-public'])).stdout) as { steps: { status: string }[]; publicRestored: unknown[]; failed: unknown[] };
      assert.equal(undone.steps.length, applied.applied.steps.length);
      assert.ok(undone.publicRestored.length > 0);
      assert.deepEqual(undone.failed, []);
    } finally {
      await sandbox.close();
    }
  });

  it('a refused command leaves no empty --output file', async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    try {
      const refused = await amiguard(['make-public', IMAGES.goldenOrgShared, '-o', 'refused.txt']);
      assert.equal(refused.code, 2);
      assert.equal(existsSync(join(dir, 'refused.txt')), false);
    } finally {
      await sandbox.close();
    }
  });

  it('the sandbox says where it listens in JSON, to a file, as soon as it listens', async () => {
    const running = amiguard(['sandbox', '--port', '0', '-f', 'json', '-o', 'sandbox.json'], { aws: false });
    const file = join(dir, 'sandbox.json');
    while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
    process.emit('SIGINT');
    assert.equal((await running).code, 0);
    const started = JSON.parse(readFileSync(file, 'utf8')) as { url: string; accounts: { id: string }[] };
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(started.accounts.some((account) => account.id === SAMPLE_IDS.accounts.management));
  });

  it('every command\'s help names -f, -o, -q and --color', async () => {
    for (const entry of COMMANDS) {
      const help = (await entry.load()).help;
      for (const flag of ['-f, --format', '-o, --output', '-q, --quiet', '--color, --no-color']) {
        assert.ok(help.includes(flag), `${entry.name} --help lacks ${flag}`);
      }
    }
  });

  it('every command\'s help lists its exit codes and hides internal knobs; unshare says --snapshot-account removes', async () => {
    for (const entry of COMMANDS) {
      const help = (await entry.load()).help;
      assert.match(help, /\nExit codes: 0 /, `${entry.name} --help lists no exit codes`);
      assert.doesNotMatch(help, /sandbox-speed/, `${entry.name} --help shows --sandbox-speed`);
    }
    const unshare = (await COMMANDS.find((entry) => entry.name === 'unshare')?.load())?.help ?? '';
    assert.match(unshare, /--snapshot-account ID {4}with --with-snapshots: also REMOVE these accounts' create-volume/);
    assert.doesNotMatch(unshare, /also give these accounts/);
  });

  it('the audit summary counts accounts and regions, not their pairs', async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    try {
      const audited = await amiguard(['audit', '--organization', '--role', 'OrganizationAccountAccessRole']);
      assert.match(audited.stdout, /^3 accounts, 3 regions \(9 account-regions\), 15 AMIs read with \d+ API calls in /m, audited.stdout);
      const html = await amiguard(['audit', '--organization', '--role', 'OrganizationAccountAccessRole', '-f', 'html']);
      assert.match(html.stdout, /Read 15 AMIs in 3 accounts and 3 regions\./);
    } finally {
      await sandbox.close();
    }
  });

  it('undo without the role fix used words the library\'s no-role error with the flag to pass', async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    rmSync(join(dir, 'org-fix.jsonl'), { force: true });
    try {
      const fixed = await amiguard(['fix', '--organization', '--role', 'OrganizationAccountAccessRole', '--apply', '--journal', 'org-fix.jsonl']);
      assert.equal(fixed.code, 0, fixed.stderr);
      const undone = await amiguard(['undo', 'org-fix.jsonl', '--i-understand-this-is-public']);
      assert.equal(undone.code, 2);
      assert.match(undone.stdout, new RegExp(`FAILED: account ${SAMPLE_IDS.accounts.prod} is not the credentials' account \\(${SAMPLE_IDS.accounts.management}\\): pass --role to reach it`));
    } finally {
      await sandbox.close();
    }
  });
});
