/**
 * Library messages name no CLI flag (issue 10): errors carry the facts in `detail` and the CLI
 * words them with its flags (test/cli/library-words.test.ts). A scan of every string literal in
 * src/ outside src/cli keeps the CLI's flags and `amiguard COMMAND` phrases from coming back.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/main.js';
import { AmiguardError, type ErrorDetail } from '../../src/core/index.js';
import { toAmiguardError } from '../../src/aws/errors.js';
import { checkOwner } from '../../src/manage/change.js';
import { checkSelection, selectImages } from '../../src/manage/select.js';
import { findPolicyFile, loadPolicy } from '../../src/policy/index.js';
import { loadBaseline, parseBaseline } from '../../src/suppress/index.js';
import { readTemplates } from '../../src/templates/index.js';
import { AwsSession, blockPublicAccess, makeImagesPublic, SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Sandbox } from '../../src/index.js';
import { ROOT } from '../cli/run-cli.js';
import { cliFlags, cliWordsInLibrary, commandPattern } from './cli-words.js';

/**
 * The CLI words the library may still write, by file and word, and why. An entry no longer
 * needed fails the test, so the list only shrinks.
 */
const ALLOWED: readonly { readonly file: string; readonly words: readonly string[]; readonly why: string }[] = [
  // Findings' remediation and help name the amiguard command that fixes them: findings leave
  // amiguard as JSON, SARIF and HTML with no CLI in between to word them, and the structured
  // form a program acts on is the finding's `action` (what fix consumes).
  { file: 'src/rules/block-public-access-off.ts', words: ['amiguard block-public-access', '--block-public-access', '--regions'], why: 'finding remediation' },
  { file: 'src/rules/helpers.ts', words: ['amiguard fix', '--only', '--apply', '--journal', 'amiguard undo'], why: 'finding remediation' },
  { file: 'src/rules/invalid-suppression.ts', words: ['amiguard rules'], why: 'finding message' },
  { file: 'src/rules/unresolved-sharing.ts', words: ['--var', '--var-file', '--use-env'], why: 'finding remediation' },
  // Where a template's value came from, as the run was given it (`--var NAME`), and why a value
  // is unknown: part of lint findings, owned by the template readers.
  { file: 'src/templates/ansible/playbook.ts', words: ['--var', '--var-file'], why: 'source of a value' },
  { file: 'src/templates/cloudformation/evaluate.ts', words: ['--var'], why: 'source of a value' },
  { file: 'src/templates/hcl/functions.ts', words: ['--use-env'], why: 'why a value is unknown' },
  { file: 'src/templates/packer-hcl/variables.ts', words: ['--var'], why: 'source of a value' },
  { file: 'src/templates/packer-json/variables.ts', words: ['--use-env'], why: 'why a value is unknown' },
  { file: 'src/templates/scripts/index.ts', words: ['--var', '--use-env'], why: 'source of a value' },
  { file: 'src/templates/terraform/variables.ts', words: ['--var'], why: 'source of a value' },
  // Not amiguard's: the AWS CLI's own options, and CSS custom properties in the HTML report.
  { file: 'src/aws/profiles.ts', words: ['--profile'], why: '`aws configure --profile NAME`, the AWS CLI' },
  { file: 'src/templates/scripts/shell.ts', words: ['--dry-run'], why: 'the AWS CLI option a script passes' },
  { file: 'src/report/html.ts', words: ['--images'], why: 'a CSS custom property' },
  // Why a file was not read, in the coverage of lint's reports: owned by the template readers.
  { file: 'src/templates/index.ts', words: ['--exclude'], why: 'why a file was not read' },
  { file: 'src/templates/packer-hcl/format.ts', words: ['--var-file'], why: 'why a file was not read' },
  { file: 'src/templates/terraform/index.ts', words: ['--var-file'], why: 'why a file was not read' },
];

/** No CLI flag (`--region`) and no `amiguard COMMAND` in a library message or hint. */
function assertLibraryWords(text: string | undefined): void {
  assert.doesNotMatch(text ?? '', /(?<![\w-])--[a-z]/);
  assert.doesNotMatch(text ?? '', commandPattern(COMMANDS.map((command) => command.name)));
}

function detailOf(error: unknown): ErrorDetail | undefined {
  assert.ok(error instanceof AmiguardError, String(error));
  assertLibraryWords(error.message);
  assertLibraryWords(error.hint);
  return error.detail;
}

describe('library words', () => {
  it('no CLI flag or amiguard command in a string literal of src/ outside src/cli, but for the allowed ones', () => {
    const flags = cliFlags(ROOT);
    // The scan knows the CLI's flags from the CLI's own code: a sample, so that it cannot pass by finding none.
    for (const flag of ['--region', '--regions', '--role', '--profile', '--endpoint-url', '--name', '--config']) assert.ok(flags.has(flag), flag);
    const found = cliWordsInLibrary(ROOT, flags, COMMANDS.map((command) => command.name));
    const unexpected = found.filter((word) => !ALLOWED.some((entry) => entry.file === word.file && entry.words.includes(word.word)));
    assert.deepEqual(unexpected.map((word) => `${word.file}:${word.line}: ${word.word} in ${JSON.stringify(word.literal.slice(0, 120))}`), []);
    const stale = ALLOWED.flatMap((entry) => entry.words.filter((word) => !found.some((hit) => hit.file === entry.file && hit.word === word)).map((word) => `${entry.file}: ${word}`));
    assert.deepEqual(stale, [], 'allowed words no longer there: take them off the list');
  });

  it('AWS errors: the library\'s words and hint, the facts in detail', () => {
    const sdk = (name: string, message = '') => Object.assign(new Error(message), { name });
    const ec2 = { service: 'ec2' as const, region: 'eu-west-1' };
    assert.deepEqual(detailOf(toAmiguardError(sdk('CredentialsProviderError'), { ...ec2, action: 'DescribeImages' })), { kind: 'no-credentials' });
    assert.deepEqual(detailOf(toAmiguardError(sdk('UnauthorizedOperation'), { ...ec2, action: 'DescribeImages', command: 'show' })), {
      kind: 'not-permitted',
      permission: 'ec2:DescribeImages',
      command: 'show',
    });
    assert.deepEqual(detailOf(toAmiguardError(sdk('ECONNREFUSED'), { ...ec2, action: 'DescribeImages' })), { kind: 'unreachable', region: 'eu-west-1' });
    assert.deepEqual(detailOf(toAmiguardError(sdk('InvalidAMIID.NotFound'), { ...ec2, action: 'DescribeImages', resource: 'ami-12345678, ami-87654321' })), {
      kind: 'ami-not-found',
      amis: ['ami-12345678', 'ami-87654321'],
      regions: ['eu-west-1'],
    });
    assert.deepEqual(detailOf(toAmiguardError(sdk('AuthFailure'), { ...ec2, action: 'ModifyImageAttribute', resource: 'ami-12345678' })), { kind: 'not-owner' });
    assert.deepEqual(detailOf(toAmiguardError(sdk('AuthFailure'), { ...ec2, action: 'DescribeImages' })), { kind: 'region-refused', region: 'eu-west-1' });
    assert.deepEqual(detailOf(toAmiguardError(sdk('OptInRequired'), { ...ec2, action: 'DescribeImages' })), { kind: 'region-not-enabled', regions: ['eu-west-1'] });
    const unreachable = toAmiguardError(sdk('ECONNREFUSED'), { ...ec2, action: 'DescribeImages' });
    assert.equal(unreachable.hint, 'check the network, the region and the endpoint URL');
  });

  it('selections: the library\'s words, the facts in detail', () => {
    assert.throws(() => checkSelection({ ids: [], regions: [] }), (error: unknown) => {
      assert.deepEqual(detailOf(error), { kind: 'no-selection' });
      return true;
    });
    assert.throws(() => checkSelection({ ids: ['ami-12345678'], namePattern: 'golden-*', regions: [] }), (error: unknown) => {
      assert.deepEqual(detailOf(error), { kind: 'ids-and-name' });
      return true;
    });
  });

  it('policies, baselines and paths: the library\'s words, the facts in detail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-words-'));
    try {
      for (const tree of ['a', 'b']) {
        mkdirSync(join(dir, tree));
        writeFileSync(join(dir, tree, 'amiguard.yaml'), 'allow:\n  accounts: []\n');
      }
      assert.throws(() => findPolicyFile(['a', 'b'], dir), (error: unknown) => {
        assert.deepEqual(detailOf(error), { kind: 'several-policies' });
        return true;
      });
      assert.throws(() => loadPolicy(join(dir, 'none.yaml'), []), (error: unknown) => {
        assert.deepEqual(detailOf(error), { kind: 'policy-unreadable' });
        return true;
      });
      assert.throws(() => loadBaseline(join(dir, 'none.json'), 'none.json'), (error: unknown) => {
        assert.deepEqual(detailOf(error), { kind: 'baseline-unreadable' });
        return true;
      });
      assert.throws(() => parseBaseline('{}', 'x.json'), (error: unknown) => {
        assert.deepEqual(detailOf(error), { kind: 'not-a-baseline' });
        return true;
      });
      const request = { cwd: dir, variables: [], useEnv: false, env: {} };
      await assert.rejects(readTemplates({ ...request, paths: ['missing'] }), (error: unknown) => detailOf(error) === undefined);
      await assert.rejects(readTemplates({ ...request, paths: ['a'] }), (error: unknown) => {
        assert.match(String(error), /no template found in a: amiguard reads /);
        return detailOf(error) === undefined;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('against the sandbox', () => {
    let sandbox: Sandbox;
    let session: AwsSession;
    before(async () => {
      sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
      session = new AwsSession({ region: 'us-east-1', endpoint: sandbox.url, credentials: { ...SAMPLE_CREDENTIALS.management } });
    });
    after(async () => {
      session.destroy();
      await sandbox.close();
    });

    it('an AMI not found, a name that matches nothing, a region not enabled', async () => {
      const missing = 'ami-0123456789abcdef0';
      await assert.rejects(selectImages(session, { ids: [missing], regions: ['us-east-1', 'eu-west-1'] }, 'show'), (error: unknown) => {
        assert.deepEqual(detailOf(error), { kind: 'ami-not-found', amis: [missing], regions: ['us-east-1', 'eu-west-1'] });
        return true;
      });
      await assert.rejects(selectImages(session, { ids: [], namePattern: 'no-such-*', regions: ['us-east-1'] }, 'share'), (error: unknown) => {
        assert.deepEqual(detailOf(error), { kind: 'no-name-match', pattern: 'no-such-*', regions: ['us-east-1'] });
        return true;
      });
      const disabled = SAMPLE_IDS.regions.disabled;
      await assert.rejects(selectImages(session, { ids: [], namePattern: '*', regions: [disabled] }, 'show'), (error: unknown) => {
        assert.deepEqual(detailOf(error), { kind: 'region-not-enabled', regions: [disabled] });
        return true;
      });
    });

    it('an AMI of another account, and make-public refused by block public access', async () => {
      const [image] = await selectImages(session, { ids: [SAMPLE_IDS.images.goldenOrgShared], regions: [] }, 'share');
      assert.ok(image !== undefined);
      assert.throws(() => checkOwner(image, SAMPLE_IDS.accounts.dev), (error: unknown) => {
        assert.deepEqual(detailOf(error), { kind: 'not-owner' });
        return true;
      });
      const bpa = { regions: ['us-east-1'], images: true, snapshots: false, snapshotState: 'block-all-sharing' as const, dryRun: false, command: 'library' };
      await blockPublicAccess(session, { ...bpa, action: 'enable' });
      try {
        await assert.rejects(makeImagesPublic(session, { ids: [image.id], consent: true, dryRun: false, command: 'library' }), (error: unknown) => {
          assert.deepEqual(detailOf(error), { kind: 'image-block-public-access-on', region: 'us-east-1' });
          return true;
        });
      } finally {
        await blockPublicAccess(session, { ...bpa, action: 'disable' });
      }
      assert.ok(!(sandbox.state.image(image.id)?.launchPermissions ?? []).some((permission) => 'group' in permission));
    });
  });
});
