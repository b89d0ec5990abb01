/** No raw Node or SDK code reaches the user: each mistake is one clear line with a hint, exit 2. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AwsSession, NoRegion } from '../../src/aws/index.js';
import { SAMPLE_ESTATE, SAMPLE_IDS, startSandbox } from '../../src/sandbox/index.js';
import { runCli, runInProcess, useSampleCredentials, withEnv } from './run-cli.js';

describe('clear errors instead of raw codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amiguard-errors-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an --output in a folder that does not exist', async () => {
    for (const command of [['lint', 'examples'], ['baseline', 'examples']]) {
      const result = await runInProcess([...(command as string[]), '--output', join(dir, 'no-such-folder', 'out.txt')]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /cannot write .*no-such-folder\/out\.txt: no such file or folder\n {2}hint: check that the folder exists/);
      assert.doesNotMatch(result.stderr, /ENOENT/);
    }
  });

  it('an --endpoint-url without a scheme, before any AWS call', async () => {
    const result = await runInProcess(['show', 'ami-12345678', '--endpoint-url', '127.0.0.1:4566', '--region', 'us-east-1']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--endpoint-url "127\.0\.0\.1:4566" is not an http or https URL\n {2}hint: write it with its scheme, e\.g\. --endpoint-url http:\/\/127\.0\.0\.1:4566/);
    assert.doesNotMatch(result.stderr, /ERR_INVALID_URL/);
  });

  it('a --profile that no config or credentials file defines is named, before any AWS call', async () => {
    writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n');
    writeFileSync(join(dir, 'credentials'), '[ci]\naws_access_key_id = AKIDEXAMPLE\n');
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
    for (const command of [['show', 'ami-12345678'], ['audit'], ['block-public-access', 'status']]) {
      const result = await runInProcess([...command, '--profile', 'prod', '--endpoint-url', 'http://127.0.0.1:9'], { env });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr,
        `amiguard ${command[0] ?? ''}: error: no AWS profile named "prod" in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE}\n  hint: the profiles there are: ci, default, dev\n`,
      );
    }
  });

  it('an AWS config file that is a FIFO is named, not waited on forever', async () => {
    const fifo = join(dir, 'config-fifo');
    execFileSync('mkfifo', [fifo]);
    // Spawned with a kill timer: a plain read of a FIFO would block this very process.
    const result = await runCli(['show', 'ami-12345678', '--profile', 'prod', '--endpoint-url', 'http://127.0.0.1:9'], {
      env: { AWS_CONFIG_FILE: fifo, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') },
      process: { timeout: 20_000 },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /cannot read aws-config .*config-fifo: not a regular file: a FIFO/);
  });

  it('an unknown or malformed --region is refused up front, as --regions is', async () => {
    const sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    const restore = useSampleCredentials();
    try {
      for (const command of [['show', SAMPLE_IDS.images.goldenOrgShared], ['audit'], ['make-public', SAMPLE_IDS.images.goldenOrgShared]]) {
        const unknown = await runInProcess([...command, '--region', 'us-east-9', '--endpoint-url', sandbox.url]);
        assert.equal(unknown.code, 2, unknown.stderr);
        assert.match(unknown.stderr, /^amiguard [a-z-]+: error: unknown region: us-east-9\n {2}hint: EC2's regions are: af-south-1, ap-southeast-2, eu-west-1, us-east-1\n$/);
        const malformed = await runInProcess([...command, '--region', 'us_east_1', '--endpoint-url', sandbox.url]);
        assert.equal(malformed.code, 2);
        assert.match(malformed.stderr, /error: "us_east_1" is not an AWS region name\n {2}hint: region names look like us-east-1/);
      }
    } finally {
      restore();
      await sandbox.close();
    }
  });

  it('no region anywhere: the library says so without naming a flag, the CLI names --region', async () => {
    const unset = {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    };
    await withEnv(unset, async () => {
      const session = new AwsSession({});
      await assert.rejects(session.defaultRegion(), (error: unknown) => error instanceof NoRegion && !error.message.includes('--'));
      session.destroy();
      const result = await runInProcess(['show', 'ami-12345678', '--endpoint-url', 'http://127.0.0.1:9'], { env: { AWS_CONFIG_FILE: join(dir, 'no-config') } });
      assert.equal(result.code, 2);
      assert.equal(result.stderr, 'amiguard show: error: no AWS region: pass --region, or set AWS_REGION or a region in your profile\n');
    });
  });

  it('a sandbox port in use names the port and suggests --port', async () => {
    const first = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    try {
      const port = new URL(first.url).port;
      const result = await runInProcess(['sandbox', '--port', port]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, new RegExp(`cannot start the sandbox: port ${port} on 127\\.0\\.0\\.1 is already in use\\n {2}hint: choose another port with --port N`));
      assert.doesNotMatch(result.stderr, /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
