/**
 * The pre-commit hook (.pre-commit-hooks.yaml) as pre-commit itself reads and runs it: the
 * manifest validates, and `pre-commit try-repo` of this repository in a temporary git repository
 * runs amiguard-lint, which fails while a template makes an AMI public (even when the commit
 * touches no template) and passes once it is private. Skipped, saying so, when pre-commit is not
 * installed (npm run setup installs Debian's as root).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from './run-cli.js';

const PRE_COMMIT = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const SKIP = PRE_COMMIT.status === 0 ? false : 'pre-commit is not installed: apt-get install pre-commit (npm run setup does, as root)';

interface Hook {
  readonly id: string;
  readonly [key: string]: unknown;
}

const PUBLIC_TEMPLATE = `source "amazon-ebs" "base" {
  region        = "us-east-1"
  instance_type = "t3.micro"
  source_ami    = "ami-0abcdef1234567890"
  ssh_username  = "ec2-user"
  ami_name      = "base"
  ami_groups    = ["all"]
}

build {
  sources = ["source.amazon-ebs.base"]
}
`;

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe('the pre-commit hook', { skip: SKIP }, () => {
  let dir: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'amiguard-pre-commit-'));
    // amiguard on PATH, as `npm install --global amiguard` puts it: the built binary of this checkout.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'amiguard'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/amiguard.cjs')}" "$@"\n`);
    chmodSync(join(bin, 'amiguard'), 0o755);
    env = {
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      HOME: dir,
      PRE_COMMIT_HOME: join(dir, 'cache'),
      NO_COLOR: '1',
      // try-repo commits this checkout's uncommitted changes to a shadow copy.
      GIT_AUTHOR_NAME: 'amiguard test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'amiguard test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    };
    repo = join(dir, 'repo');
    mkdirSync(repo);
    spawnSync('git', ['init', '-q', repo], { env });
    writeFileSync(join(repo, 'base.pkr.hcl'), PUBLIC_TEMPLATE);
    writeFileSync(join(repo, 'README.md'), '# images\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the manifest is valid for pre-commit: one hook that lints the whole tree on every commit', async () => {
    const validated = await run('pre-commit', ['validate-manifest', join(ROOT, '.pre-commit-hooks.yaml')], ROOT, env);
    assert.equal(validated.code, 0, validated.output);
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
    assert.deepEqual(
      hooks.map((hook) => ({ id: hook.id, entry: hook['entry'], language: hook['language'], pass_filenames: hook['pass_filenames'], always_run: hook['always_run'], files: hook['files'] })),
      [{ id: 'amiguard-lint', entry: 'amiguard lint', language: 'system', pass_filenames: false, always_run: true, files: undefined }],
    );
  });

  it('try-repo: fails while an AMI is public, even for a commit of a README; passes once it is private', async () => {
    const tryHook = async (): Promise<{ code: number; output: string }> => {
      spawnSync('git', ['add', '-A'], { cwd: repo, env });
      return run('pre-commit', ['try-repo', ROOT, 'amiguard-lint', '--files', 'README.md', '--color', 'never'], repo, env);
    };
    const failed = await tryHook();
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.output, /^amiguard lint \(public or unapproved AMI sharing\)\.+Failed$/m);
    assert.match(failed.output, /base\.pkr\.hcl\n +7:\d+ +error .*public-ami/);

    writeFileSync(join(repo, 'base.pkr.hcl'), PUBLIC_TEMPLATE.replace('  ami_groups    = ["all"]\n', ''));
    const passed = await tryHook();
    assert.equal(passed.code, 0, passed.output);
    assert.match(passed.output, /^amiguard lint \(public or unapproved AMI sharing\)\.+Passed$/m);
  });
});
