/** No raw Node or SDK code reaches the user: each mistake is one clear line with a hint, exit 2. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startSandbox, SAMPLE_ESTATE } from '../../src/sandbox/index.js';
import { runInProcess } from './run-cli.js';

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
