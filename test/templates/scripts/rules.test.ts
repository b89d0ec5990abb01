/**
 * The rules on scripts and CI files, through lint(): each finding's rule id, file, line and
 * column, and the runtime guard named in its message.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { lint } from '../../../src/lint/index.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');

async function findings(...paths: string[]): Promise<string[]> {
  const result = await lint({ paths, cwd: FIXTURES, env: {} });
  return result.findings.map((finding) => {
    const at = finding.location.kind === 'source' ? `${finding.location.file}:${finding.location.line}:${finding.location.column}` : '';
    return `${finding.ruleId} ${at}`;
  });
}

describe('rules on shell scripts', () => {
  it('public-ami, public-snapshot, invalid-grantee and unresolved-sharing at the value', async () => {
    assert.deepEqual(await findings('share.sh'), [
      'public-ami share.sh:5:81',
      'public-snapshot share.sh:9:75',
      'invalid-grantee share.sh:12:106',
      'unresolved-sharing share.sh:13:82',
    ]);
  });

  it('the message names the variable and the guard', async () => {
    const result = await lint({ paths: ['share.sh'], cwd: FIXTURES, env: {} });
    assert.deepEqual(
      result.findings.slice(0, 2).map((finding) => finding.message),
      [
        'modify-image-attribute call: --launch-permission (from $GROUP) makes the AMI public: every AWS account can launch it',
        'modify-snapshot-attribute call: --group-names (when [ "${SHARE_SNAPSHOT:-false}" = true ]) makes the AMI\'s snapshots public: anyone can create volumes from them and read the disk',
      ],
    );
  });

  it('a variable the script does not set takes --var, else the environment with --use-env', async () => {
    const given = async (options: { variables?: { kind: 'var'; name: string; value: string }[]; useEnv?: boolean; env?: Record<string, string> }): Promise<string[]> => {
      const result = await lint({ paths: ['share.sh'], cwd: FIXTURES, env: {}, ...options });
      return result.findings.filter((finding) => finding.location.kind === 'source' && finding.location.line === 13).map((finding) => `${finding.ruleId}: ${finding.message}`);
    };
    assert.deepEqual(await given({ variables: [{ kind: 'var', name: 'PARTNER_ACCOUNT', value: '123456789012' }] }), [
      'unapproved-account: modify-image-attribute call: --launch-permission (from $PARTNER_ACCOUNT from --var PARTNER_ACCOUNT) shares the AMI with account 123456789012; no policy approves any grantee',
    ]);
    assert.deepEqual(await given({ useEnv: true, env: { PARTNER_ACCOUNT: 'all' } }), [
      'invalid-grantee: modify-image-attribute call: --launch-permission (from $PARTNER_ACCOUNT from the environment (--use-env)): "all" is not an account id: AWS expects 12 digits; AWS rejects the whole --launch-permission change',
    ]);
    assert.deepEqual((await given({ useEnv: false, env: { PARTNER_ACCOUNT: '123456789012' } })).map((line) => line.split(':')[0]), ['unresolved-sharing']);
  });

  it('a permission list copied at run time is unresolved-sharing; --var gives the value the run would see', async () => {
    assert.deepEqual(await findings('copy-permissions.sh'), ['unresolved-sharing copy-permissions.sh:3:69']);
    const copied = '{"LaunchPermission": {"Add": [{"Group": "all"}]}}';
    const result = await lint({ paths: ['copy-permissions.sh'], cwd: FIXTURES, env: {}, variables: [{ kind: 'var', name: 'PERMISSIONS', value: copied }] });
    assert.deepEqual(
      result.findings.map((finding) => `${finding.ruleId}: ${finding.message}`),
      ['public-ami: modify-image-attribute call: --cli-input-json LaunchPermission (from $PERMISSIONS from --var PERMISSIONS) makes the AMI public: every AWS account can launch it'],
    );
  });

  it('an extension-less script with a shell #! line', async () => {
    assert.deepEqual(await findings('bin/share-ami'), ['public-ami bin/share-ami:2:81']);
  });
});

describe('rules on Python', () => {
  it('public-ami behind an if, public-snapshot', async () => {
    assert.deepEqual(await findings('publish.py'), ['public-ami publish.py:8:91', 'public-snapshot publish.py:9:99']);
  });
});

describe('rules on CI files', () => {
  it('a workflow: public-ami, unapproved-account and public-snapshot at their place in the YAML', async () => {
    assert.deepEqual(await findings('ci/.github/workflows/release.yml'), [
      'public-ami ci/.github/workflows/release.yml:15:46',
      'unapproved-account ci/.github/workflows/release.yml:17:90',
      'public-snapshot ci/.github/workflows/release.yml:22:86',
    ]);
  });

  it('buildspec, Buildkite and Concourse', async () => {
    assert.deepEqual(await findings('ci/buildspec.yml', 'ci/.buildkite/pipeline.yml', 'ci/concourse/pipeline.yml'), [
      'public-ami ci/.buildkite/pipeline.yml:4:96',
      'public-ami ci/buildspec.yml:6:97',
      'public-snapshot ci/buildspec.yml:9:107',
      'public-ami ci/concourse/pipeline.yml:13:52',
    ]);
  });

  it('a YAML syntax error is a parse-error at its place', async () => {
    assert.deepEqual(await findings('ci/broken/buildspec.yml'), ['parse-error ci/broken/buildspec.yml:4:72']);
  });
});

describe('amiguard lint with no path', () => {
  it('finds every script and CI file in the tree, and leaves the others', async () => {
    const result = await lint({ cwd: FIXTURES, env: {} });
    const files = new Set(result.findings.map((finding) => (finding.location.kind === 'source' ? finding.location.file : '')));
    assert.deepEqual([...files].sort(), [
      'bin/share-ami',
      'ci/.buildkite/pipeline.yml',
      'ci/.github/workflows/release.yml',
      'ci/broken/buildspec.yml',
      'ci/buildspec.yml',
      'ci/concourse/pipeline.yml',
      'copy-permissions.sh',
      'publish.py',
      'share.sh',
    ]);
  });
});
