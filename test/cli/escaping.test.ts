/**
 * Text that reaches the terminal carries values from templates, policies, var-file names and
 * AWS: a control character in them is shown escaped, never obeyed (an ESC would recolour or
 * rewrite the screen, a bidi override reorder it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../../src/cli/main.js';
import { escapingIo, type Io } from '../../src/cli/io.js';
import { renderImageViews, renderOutcomes } from '../../src/cli/render.js';

/** Whether the text holds a character a terminal would obey, other than a line break. */
function hasRaw(text: string): boolean {
  return [...text].some((character) => {
    const code = character.codePointAt(0) ?? 0;
    return (code < 0x20 && character !== '\n') || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
  });
}

async function runCaptured(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd,
    env: { NO_COLOR: '1' },
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

describe('control characters in terminal output', () => {
  it('CLI error messages built from arguments, paths and policy keys are escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-escape-'));
    writeFileSync(join(dir, 'a.pkr.hcl'), 'source "amazon-ebs" "x" {}\n');
    writeFileSync(join(dir, 'policy.yaml'), 'allow:\n  "acc\u001b]0;pwned\u0007ounts": []\n');
    const cases: [string[], string][] = [
      [['lint', '--var-file', 'evil\u001b[2J.pkrvars.hcl'], 'evil\\x1b[2J.pkrvars.hcl'],
      [['lint', 'gone\u202e.pkr.hcl'], 'gone\\u202e.pkr.hcl'],
      [['lint', '--config', 'policy.yaml'], 'acc\\x1b]0;pwned\\x07ounts'],
      [['lint', '--format', 'x\u009b31m'], 'x\\x9b31m'],
      [['no\u001bpe'], 'no\\x1bpe'],
    ];
    for (const [args, shown] of cases) {
      const result = await runCaptured(args, dir);
      assert.equal(result.code, 2, result.stderr);
      assert.ok(result.stderr.includes(shown), `${JSON.stringify(result.stderr)} shows ${shown}`);
      assert.ok(!hasRaw(result.stderr), JSON.stringify(result.stderr));
    }
  });

  it('show and share output escapes AMI names, ARNs, warnings and skip reasons from AWS', () => {
    const text = renderImageViews([
      {
        image: { id: 'ami-0123456789abcdef0', name: 'evil\u001b[31mred', ownerId: '111122223333', region: 'us-east-1', state: 'available', public: false, snapshotIds: [], productCodes: [] },
        launch: [{ kind: 'organization', arn: 'arn:aws:organizations::111122223333:organization/o-abc\u001b[0m' }],
        snapshots: [{ id: 'snap-0123456789abcdef0', info: { id: 'snap-0123456789abcdef0', ownerId: '111122223333', encrypted: true, kmsKeyId: 'key\u0007' }, defaultKey: false, permissions: [] }],
        blockPublicAccess: { images: { state: 'unblocked', managedBy: 'account' }, snapshots: { state: 'unblocked', managedBy: 'account' } },
        warnings: ['bell\u0007'],
        unread: [],
      },
    ]);
    assert.ok(!hasRaw(text), JSON.stringify(text));
    assert.ok(text.includes('"evil\\x1b[31mred"') && text.includes('o-abc\\x1b[0m') && text.includes('key\\x07') && text.includes('bell\\x07'));
    const outcome = renderOutcomes([
      { region: 'us-east-1', imageId: 'ami-0123456789abcdef0', resource: { kind: 'image', id: 'ami-0123456789abcdef0' }, direction: 'add', added: [], removed: [], unchanged: [], skipped: 'AWS said: \u001b[8mhidden', dryRun: false },
    ]);
    assert.ok(!hasRaw(outcome), JSON.stringify(outcome));
    assert.ok(outcome.includes('\\x1b[8mhidden'));
  });
});

describe('escapingIo: the change commands (share, unshare, make-private, make-public, block-public-access, fix, undo)', () => {
  it('escapes every control character but line breaks and tabs, on both streams', () => {
    let stdout = '';
    let stderr = '';
    const io = escapingIo({
      cwd: '/',
      env: {},
      stdout: { write: (text) => void (stdout += text), isTTY: false },
      stderr: { write: (text) => void (stderr += text), isTTY: false },
    });
    io.stdout.write('ami "evil\u001b[31mred"\tok\n');
    io.stderr.write('AWS said: \u009b8m\u202ehidden\n');
    assert.equal(stdout, 'ami "evil\\x1b[31mred"\tok\n');
    assert.equal(stderr, 'AWS said: \\x9b8m\\u202ehidden\n');
  });

  it('keeps JSON output valid: the same characters become JSON escapes that decode to the value', () => {
    let stdout = '';
    const io = escapingIo(
      { cwd: '/', env: {}, stdout: { write: (text) => void (stdout += text), isTTY: false }, stderr: { write: () => undefined, isTTY: false } },
      'json',
    );
    const value = { name: 'evil\u009b31m\u202ered\u007f' };
    io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    assert.ok(!/[\u007f-\u009f\u202e]/.test(stdout), stdout);
    assert.deepEqual(JSON.parse(stdout), value);
  });

  it('undo names a journal path with an escape sequence escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-escaping-undo-'));
    const result = await runCaptured(['undo', 'j\u001b]0;pwned\u0007.jsonl', '--endpoint-url', 'http://127.0.0.1:9'], dir);
    assert.equal(result.code, 2, result.stderr);
    assert.ok(!hasRaw(result.stdout + result.stderr), JSON.stringify(result));
    assert.ok(result.stderr.includes('j\\x1b]0;pwned\\x07.jsonl'), result.stderr);
  });
});
