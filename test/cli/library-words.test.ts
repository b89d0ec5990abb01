/**
 * The CLI words library errors with its flags: the library says "a name pattern" and "the
 * AMI's region" and carries the facts in `detail` (test/library/library-words.test.ts); the user
 * of the CLI reads `--name PATTERN` and `--region`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmiguardError, type ErrorDetail } from '../../src/core/index.js';
import { errorHint, errorMessage } from '../../src/cli/errors.js';
import { SAMPLE_IDS } from '../../src/sandbox/index.js';
import { runInProcess, sampleSandbox } from './run-cli.js';

/** Every kind of detail, with the message or hint the CLI prints for it (the other stays the library's): a new kind must be worded here. */
const WORDED: { readonly [Kind in ErrorDetail['kind']]: { readonly detail: Extract<ErrorDetail, { kind: Kind }>; readonly message?: string; readonly hint?: string } } = {
  'no-credentials': {
    detail: { kind: 'no-credentials' },
    hint: 'set credentials the usual way (AWS_PROFILE or --profile, environment variables, SSO), or try amiguard against the local sandbox: amiguard sandbox',
  },
  'not-permitted': { detail: { kind: 'not-permitted', permission: 'ec2:DescribeImages', command: 'show' }, hint: 'amiguard iam-policy show prints the least-privilege policy this command needs' },
  unreachable: { detail: { kind: 'unreachable', region: 'eu-west-1' }, hint: 'check the network, --region and --endpoint-url' },
  'ami-not-found': {
    detail: { kind: 'ami-not-found', amis: ['ami-12345678'], regions: ['eu-west-1'] },
    hint: 'AMIs are regional: pass the AMI\'s --region, or search several regions with --regions (or select by --name)',
  },
  'not-owner': {
    detail: { kind: 'not-owner' },
    hint: 'only the AMI\'s owner can read or change its permissions: run this with the owning account\'s credentials (e.g. --profile), or ask its owner',
  },
  'region-refused': {
    detail: { kind: 'region-refused', region: 'eu-west-1' },
    hint: 'check that eu-west-1 is enabled for the account (amiguard block-public-access status --regions all lists the enabled ones) and that the credentials are valid',
  },
  'region-not-enabled': { detail: { kind: 'region-not-enabled', regions: ['af-south-1'] }, hint: 'enable the region, or leave it out of --regions' },
  'no-region': { detail: { kind: 'no-region' }, message: 'no AWS region: pass --region, or set AWS_REGION or a region in your profile' },
  'no-role': {
    detail: { kind: 'no-role', account: '111111111111', caller: '222222222222' },
    message: 'account 111111111111 is not the credentials\' account (222222222222): pass --role to reach it',
  },
  'no-selection': { detail: { kind: 'no-selection' }, message: 'name the AMIs: give AMI ids, or --name PATTERN' },
  'ids-and-name': { detail: { kind: 'ids-and-name' }, message: 'give AMI ids or --name, not both' },
  'no-name-match': {
    detail: { kind: 'no-name-match', pattern: 'golden-*', regions: ['us-east-1', 'eu-west-1'] },
    message: 'no AMI owned by this account matches --name "golden-*" in us-east-1, eu-west-1',
  },
  'change-not-shown': { detail: { kind: 'change-not-shown' }, hint: 'AWS accepted the change but does not show it: run the command again, then check with amiguard show' },
  'image-block-public-access-on': {
    detail: { kind: 'image-block-public-access-on', region: 'us-east-1' },
    hint: 'if this AMI really must be public: amiguard block-public-access disable --images --regions us-east-1 (takes up to 10 minutes to apply), then run make-public again',
  },
  'several-policies': { detail: { kind: 'several-policies' }, hint: 'lint them in separate runs, or pass one policy with --config' },
  'policy-unreadable': { detail: { kind: 'policy-unreadable' }, hint: 'pass a regular file with --config, or run without one to use the built-in default policy' },
  'baseline-unreadable': { detail: { kind: 'baseline-unreadable' }, hint: 'record one with: amiguard baseline --output FILE' },
  'not-a-baseline': { detail: { kind: 'not-a-baseline' }, hint: 'record it again with: amiguard baseline --output FILE' },
};


describe('library errors in the CLI\'s words', () => {
  it('every kind of detail, worded with the flags; without a detail, the library\'s own words', () => {
    for (const { detail, message, hint } of Object.values(WORDED)) {
      const error = new AmiguardError('USAGE', 'the library\'s message', { hint: 'the library\'s hint', detail });
      assert.equal(errorMessage(error), message ?? 'the library\'s message', detail.kind);
      assert.equal(errorHint(error), hint ?? 'the library\'s hint', detail.kind);
    }
    const plain = new AmiguardError('USAGE', 'the library\'s message', { hint: 'the library\'s hint' });
    assert.equal(errorMessage(plain), 'the library\'s message');
    assert.equal(errorHint(plain), 'the library\'s hint');
  });

  describe('through the commands, against the sandbox', () => {
    const sandbox = sampleSandbox();
    const aws = (args: readonly string[]) => runInProcess([...args, '--endpoint-url', sandbox().url, '--region', 'us-east-1']);

    it('a selection: no AMIs named, a name that matches nothing, an AMI in another region, a region not enabled', async () => {
      const none = await aws(['share', '--account', SAMPLE_IDS.accounts.dev]);
      assert.equal(none.code, 2);
      assert.equal(none.stderr, 'amiguard share: error: name the AMIs: give AMI ids, or --name PATTERN\n');
      const nothing = await aws(['share', '--name', 'no-such-*', '--account', SAMPLE_IDS.accounts.dev]);
      assert.equal(nothing.code, 2);
      assert.match(nothing.stderr, /^amiguard share: error: no AMI owned by this account matches --name "no-such-\*" in us-east-1\n/);
      const elsewhere = await aws(['show', SAMPLE_IDS.images.goldenCopyUnshared]);
      assert.equal(elsewhere.code, 2);
      assert.match(elsewhere.stderr, /not found in us-east-1 \(InvalidAMIID\.NotFound\)\n {2}hint: AMIs are regional: pass the AMI's --region, or search several regions with --regions/);
      const disabled = await aws(['show', '--name', '*', '--regions', SAMPLE_IDS.regions.disabled]);
      assert.equal(disabled.code, 2);
      assert.match(disabled.stderr, /hint: enable the region, or leave it out of --regions\n$/);
    });

    it('audit: an account with no role to reach it is named with the flag that reaches it', async () => {
      const result = await aws(['audit', '--accounts', SAMPLE_IDS.accounts.prod, '--regions', 'us-east-1']);
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        new RegExp(`could not read ${SAMPLE_IDS.accounts.prod}: account ${SAMPLE_IDS.accounts.prod} is not the credentials' account \\(${SAMPLE_IDS.accounts.management}\\): pass --role to reach it\\n`),
      );
      // JSON carries the library's words and the facts, for a program to act on.
      const json = await aws(['audit', '--accounts', SAMPLE_IDS.accounts.prod, '--regions', 'us-east-1', '--format', 'json']);
      const gaps = (JSON.parse(json.stdout) as { coverage: { unread: { reason: string; detail?: unknown }[] } }).coverage.unread;
      assert.deepEqual(gaps.map((gap) => gap.detail), [{ kind: 'no-role', account: SAMPLE_IDS.accounts.prod, caller: SAMPLE_IDS.accounts.management }]);
      assert.doesNotMatch(gaps[0]?.reason ?? '', /--role/);
    });
  });
});
