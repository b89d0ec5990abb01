import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigurationError, type ImageSubject, EMPTY_SHARING, sourceLocation } from '../../src/core/index.js';
import { DEFAULT_POLICY, findAndLoadPolicy, globToRegExp, matchPublicException, parsePolicy } from '../../src/policy/index.js';
import { RULE_IDS } from '../../src/rules/index.js';

const ORG = 'arn:aws:organizations::111122223333:organization/o-exampleorg1';
const OU = 'arn:aws:organizations::111122223333:ou/o-exampleorg1/ou-ab12-cd34ef56';

function fails(text: string, expected: RegExp): void {
  assert.throws(() => parsePolicy(text, 'amiguard.yaml', RULE_IDS), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    assert.match(error.message, expected);
    return true;
  });
}

describe('policy loading', () => {
  it('reads accounts, organizations, OUs (plain or with names), exceptions and severities', () => {
    const policy = parsePolicy(
      `version: 1
allow:
  accounts: ["111122223333", { id: "444455556666", name: shared }]
  organizations: [${ORG}]
  ous: [{ arn: "${OU}", name: platform }]
public-exceptions:
  - ami-name: "public-*"
    reason: published
    expires: "2027-01-31"
rules:
  unresolved-sharing: off
  unapproved-account: warning
`,
      'amiguard.yaml',
      RULE_IDS,
    );
    assert.deepEqual([...policy.accounts.keys()], ['111122223333', '444455556666']);
    assert.equal(policy.accounts.get('444455556666')?.name, 'shared');
    assert.deepEqual([...policy.organizations.keys()], [ORG]);
    assert.equal(policy.ous.get(OU)?.name, 'platform');
    assert.deepEqual(policy.publicExceptions, [{ reason: 'published', snapshots: false, amiName: 'public-*', expires: '2027-01-31' }]);
    assert.deepEqual(policy.severities, { 'unresolved-sharing': 'off', 'unapproved-account': 'warning' });
    assert.equal(policy.hasAllowList, true);
  });

  it('reads the same policy from JSON', () => {
    const policy = parsePolicy(JSON.stringify({ allow: { accounts: ['111122223333'] } }), 'amiguard.json', RULE_IDS);
    assert.deepEqual([...policy.accounts.keys()], ['111122223333']);
  });

  it('names the file, line, column and field of each mistake', () => {
    fails('allow:\n  accounts: ["1234"]\n', /^amiguard\.yaml:2:14: allow\.accounts\[0\]: "1234" is not an account id: it has 4 digits/);
    fails('allow:\n  accounts: [111122223333]\n', /allow\.accounts\[0\]: write account ids as quoted strings/);
    fails(`allow:\n  organizations: ["arn:aws:organizations::111122223333:account/o-exampleorg1"]\n`, /:2:19: allow\.organizations\[0\]: .*":account\/o-"/);
    fails(`allow:\n  ous: ["${ORG}"]\n`, /allow\.ous\[0\]: .*is an organization ARN/);
    fails('alow:\n  accounts: []\n', /^amiguard\.yaml:1:1: alow: unknown field; expected one of: version, allow, public-exceptions, rules/);
    fails('rules:\n  public-amis: error\n', /rules\.public-amis: unknown rule; the rules are: .*public-ami/);
    fails('rules:\n  public-ami: fatal\n', /rules\.public-ami: expected one of error, warning, note, off/);
    fails('public-exceptions:\n  - reason: x\n', /public-exceptions\[0\]: an exception needs "ami-name" or "file"/);
    fails('public-exceptions:\n  - ami-name: x\n', /public-exceptions\[0\]\.reason: missing/);
    fails('public-exceptions:\n  - ami-name: x\n    reason: y\n    expires: "2027-02-30"\n', /expires: "2027-02-30" is not a date/);
    fails('version: 2\n', /version: expected 1/);
    fails('allow: [\n', /^amiguard\.yaml:\d+:\d+: not valid YAML or JSON/);
    fails('- just\n- a list\n', /\(top level\): expected a mapping/);
  });

  it('treats an empty file as the default policy', () => {
    const policy = parsePolicy('', 'amiguard.yaml', RULE_IDS);
    assert.equal(policy.hasAllowList, false);
    assert.equal(policy.source, 'amiguard.yaml');
  });

  it('finds amiguard.yaml in the working folder, and reports a missing --config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-policy-'));
    assert.equal(findAndLoadPolicy(undefined, dir, RULE_IDS), DEFAULT_POLICY);
    writeFileSync(join(dir, 'amiguard.yaml'), 'allow:\n  accounts: ["111122223333"]\n');
    assert.equal(findAndLoadPolicy(undefined, dir, RULE_IDS).source, 'amiguard.yaml');
    assert.throws(() => findAndLoadPolicy(join(dir, 'nope.yaml'), dir, RULE_IDS), /cannot read policy file .*nope\.yaml: no such file or folder/);
  });
});

describe('public exceptions', () => {
  const subject = (amiName: string, file: string): ImageSubject => ({
    origin: 'template',
    name: 'amazon-ebs.x',
    type: 'amazon-ebs',
    amiName,
    file,
    location: sourceLocation(file, 1, 1),
    launch: EMPTY_SHARING,
    snapshot: EMPTY_SHARING,
  });
  const policy = parsePolicy(
    `public-exceptions:
  - ami-name: "public-*"
    reason: r1
    expires: "2027-01-31"
  - file: "community/**/*.pkr.hcl"
    reason: r2
`,
    'p.yaml',
    RULE_IDS,
  );

  it('matches by AMI name until the end of the expiry day, then reports it expired', () => {
    assert.equal(matchPublicException(subject('public-base', 'a.json'), policy, new Date('2027-01-31T23:59:59Z')).status, 'active');
    assert.equal(matchPublicException(subject('public-base', 'a.json'), policy, new Date('2027-02-01T00:00:00Z')).status, 'expired');
    assert.equal(matchPublicException(subject('private-base', 'a.json'), policy, new Date('2026-01-01')).status, 'none');
  });

  it('matches by file glob', () => {
    assert.equal(matchPublicException(subject('x', 'community/a/b.pkr.hcl'), policy, new Date()).status, 'active');
    assert.equal(matchPublicException(subject('x', 'community/b.pkr.hcl'), policy, new Date()).status, 'active');
    assert.equal(matchPublicException(subject('x', 'internal/community/b.pkr.hcl'), policy, new Date()).status, 'none');
  });

  it('globs: * stays within a path segment, ** crosses them, ? is one character', () => {
    assert.ok(globToRegExp('a/*.json', true).test('a/b.json'));
    assert.ok(!globToRegExp('a/*.json', true).test('a/b/c.json'));
    assert.ok(globToRegExp('a/**', true).test('a/b/c.json'));
    assert.ok(globToRegExp('ami-?', false).test('ami-1'));
    assert.ok(!globToRegExp('ami.x', false).test('amiXx'));
  });
});
