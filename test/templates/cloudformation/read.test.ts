import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ImageSubject } from '../../../src/core/index.js';
import type { VariableInput } from '../../../src/templates/model.js';
import { readWith } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'amiguard-cfn-'));
let count = 0;

async function read(text: string, options: { name?: string; variables?: readonly VariableInput[] } = {}) {
  count += 1;
  const name = options.name ?? `t${count}.yaml`;
  writeFileSync(join(dir, name), text);
  return readWith([name], dir, options.variables === undefined ? {} : { variables: options.variables });
}

/** A template with one distribution whose LaunchPermissionConfiguration is `permission` (YAML, indented 10). */
function template(permission: string, extra = ''): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
${extra}
Resources:
  Dist:
    Type: AWS::ImageBuilder::DistributionConfiguration
    Properties:
      Name: dist
      Distributions:
        - Region: us-east-1
          AmiDistributionConfiguration:
            LaunchPermissionConfiguration:
${permission}
`;
}

function only(subjects: readonly ImageSubject[]): ImageSubject {
  assert.equal(subjects.length, 1, `one subject, got ${subjects.map((subject) => subject.name).join(', ')}`);
  const [subject] = subjects;
  assert.ok(subject !== undefined);
  return subject;
}

function granted(subject: ImageSubject): string[] {
  return subject.launch.grants.map((grant) => `${grant.field}=${grant.grantee.kind === 'account' ? grant.grantee.id : grant.grantee.kind === 'public' ? 'all' : grant.grantee.arn}`);
}

describe('CloudFormation reader: Image Builder launch permissions', () => {
  it('reads literal values with the field, line and column of each', async () => {
    const result = await read(template(`              UserGroups: [all]
              UserIds:
                - '111122223333'
              OrganizationArns: ["arn:aws:organizations::111122223333:organization/o-abcdefghij"]`));
    const subject = only(result.subjects);
    assert.equal(subject.name, 'AWS::ImageBuilder::DistributionConfiguration Dist');
    assert.equal(subject.type, 'AWS::ImageBuilder::DistributionConfiguration');
    assert.deepEqual(granted(subject), [
      'LaunchPermissionConfiguration.UserGroups=all',
      'LaunchPermissionConfiguration.UserIds=111122223333',
      'LaunchPermissionConfiguration.OrganizationArns=arn:aws:organizations::111122223333:organization/o-abcdefghij',
    ]);
    const [group, user] = subject.launch.grants;
    assert.deepEqual([group?.location.kind === "source" && group.location.line, group?.location.kind === "source" && group.location.column], [12, 28]);
    assert.deepEqual([user?.location.kind === "source" && user.location.line, user?.location.kind === "source" && user.location.column], [14, 19]);
    assert.deepEqual(subject.snapshot, { grants: [], invalid: [], unknowns: [] }, 'Image Builder never shares snapshots');
    assert.deepEqual(result.problems, []);
  });

  it('keeps a plain account id as written (a leading zero is not a number)', async () => {
    const subject = only((await read(template('              UserIds: [012345678901]'))).subjects);
    assert.deepEqual(granted(subject), ['LaunchPermissionConfiguration.UserIds=012345678901']);
  });

  it('resolves Ref and !Sub of a parameter default, with the default as origin', async () => {
    const result = await read(
      template('              UserIds: [!Ref Account, !Sub "${Other}"]', 'Parameters:\n  Account:\n    Type: String\n    Default: "444455556666"\n  Other:\n    Type: String\n    Default: 777788889999'),
    );
    const subject = only(result.subjects);
    assert.deepEqual(granted(subject), ['LaunchPermissionConfiguration.UserIds=444455556666', 'LaunchPermissionConfiguration.UserIds=777788889999']);
    const [first] = subject.launch.grants;
    assert.equal(first?.via, 'parameter Account');
    assert.equal(first?.origin?.kind === 'source' && first.origin.line, 5);
    assert.equal(first?.location.kind === 'source' && first.location.column, 25, 'the use site starts at the tag');
  });

  it('a parameter with no default is an unknown naming it; --var gives it a value', async () => {
    const text = template('              UserIds: [!Ref Account]', 'Parameters:\n  Account:\n    Type: String');
    const unknown = only((await read(text)).subjects).launch.unknowns;
    assert.equal(unknown.length, 1);
    assert.match(unknown[0]?.reason ?? '', /parameter Account has no Default/);
    assert.equal(unknown[0]?.expects, 'account');
    const given = only((await read(text, { variables: [{ kind: 'var', name: 'Account', value: '123456789012' }] })).subjects);
    assert.deepEqual(granted(given), ['LaunchPermissionConfiguration.UserIds=123456789012']);
    assert.equal(given.launch.grants[0]?.via, '--var Account');
  });

  it('takes both parameters file formats from --var-file, later winning, and ignores other var-files', async () => {
    writeFileSync(join(dir, 'params-list.json'), JSON.stringify([{ ParameterKey: 'Groups', ParameterValue: 'none' }, { ParameterKey: 'Account', ParameterValue: '111111111111' }]));
    writeFileSync(join(dir, 'params-object.json'), JSON.stringify({ Parameters: { Groups: 'all' } }));
    writeFileSync(join(dir, 'other.tfvars'), 'Groups = "x"\n');
    const text = template('              UserGroups: !Ref Groups\n              UserIds: [!Ref Account]', 'Parameters:\n  Groups:\n    Type: CommaDelimitedList\n  Account:\n    Type: String');
    const subject = only(
      (
        await read(text, {
          variables: [
            { kind: 'var-file', path: 'params-list.json' },
            { kind: 'var-file', path: 'params-object.json' },
            { kind: 'var-file', path: 'other.tfvars' },
          ],
        })
      ).subjects,
    );
    assert.deepEqual(granted(subject), ['LaunchPermissionConfiguration.UserGroups=all', 'LaunchPermissionConfiguration.UserIds=111111111111']);
  });

  it('splits a CommaDelimitedList parameter into its members, trimmed', async () => {
    const text = template('              UserIds: !Ref Accounts', "Parameters:\n  Accounts:\n    Type: CommaDelimitedList\n    Default: '111111111111, 222222222222'");
    assert.deepEqual(granted(only((await read(text)).subjects)), ['LaunchPermissionConfiguration.UserIds=111111111111', 'LaunchPermissionConfiguration.UserIds=222222222222']);
  });

  it('evaluates Fn::Join, Fn::Split, Fn::Select and Fn::FindInMap', async () => {
    const text = template(
      [
        "              UserIds: !Split [',', !Join [',', ['111111111111', !Select [1, ['x', '222222222222']]]]]",
        '              UserGroups: [!FindInMap [Sharing, !Ref Stage, Group]]',
      ].join('\n'),
      "Parameters:\n  Stage:\n    Type: String\n    Default: prod\nMappings:\n  Sharing:\n    prod:\n      Group: all\n    dev:\n      Group: none",
    );
    assert.deepEqual(granted(only((await read(text)).subjects)), [
      'LaunchPermissionConfiguration.UserGroups=all',
      'LaunchPermissionConfiguration.UserIds=111111111111',
      'LaunchPermissionConfiguration.UserIds=222222222222',
    ]);
  });

  it('Fn::FindInMap with an unknown key may give any value of the map', async () => {
    const text = template('              UserGroups: [!FindInMap [Sharing, !Ref Stage, Group]]', 'Parameters:\n  Stage:\n    Type: String\nMappings:\n  Sharing:\n    prod:\n      Group: all\n    dev:\n      Group: none');
    const [unknown] = only((await read(text)).subjects).launch.unknowns;
    assert.deepEqual(unknown?.mayInclude, ['all', 'none']);
    assert.match(unknown?.reason ?? '', /parameter Stage has no Default/);
  });

  it('evaluates Fn::If over Conditions, and an undecided one may give either value', async () => {
    const extra = "Parameters:\n  Public:\n    Type: String\n    Default: 'no'\n  Mode:\n    Type: String\nConditions:\n  IsPublic: !Equals [!Ref Public, 'yes']\n  NotPublic: !Not [!Condition IsPublic]\n  Either: !Or [!Equals [!Ref Mode, a], !Condition NotPublic]\n  Undecided: !And [!Equals [!Ref Mode, a], !Condition NotPublic]";
    const decided = template("              UserGroups: !If [IsPublic, [all], !Ref AWS::NoValue]\n              UserIds: !If [Either, ['111111111111'], ['222222222222']]", extra);
    assert.deepEqual(granted(only((await read(decided)).subjects)), ['LaunchPermissionConfiguration.UserIds=111111111111']);
    const undecided = only((await read(template('              UserGroups: !If [Undecided, [all], []]', extra))).subjects);
    assert.deepEqual(undecided.launch.grants, []);
    assert.deepEqual(undecided.launch.unknowns[0]?.mayInclude, ['all']);
    assert.match(undecided.launch.unknowns[0]?.reason ?? '', /condition Undecided: parameter Mode has no Default/);
  });

  it('a LaunchPermissionConfiguration behind an undecided Fn::If is only possible: unknowns that may be its values', async () => {
    const text = `Parameters:
  Share:
    Type: String
Conditions:
  Sharing: !Equals [!Ref Share, 'true']
Resources:
  Dist:
    Type: AWS::ImageBuilder::DistributionConfiguration
    Properties:
      Distributions:
        - Region: us-east-1
          AmiDistributionConfiguration:
            LaunchPermissionConfiguration: !If
              - Sharing
              - UserGroups: [all]
              - !Ref AWS::NoValue
`;
    const subject = only((await read(text)).subjects);
    assert.deepEqual(subject.launch.grants, []);
    assert.deepEqual(subject.launch.unknowns.map((unknown) => [unknown.mayInclude, unknown.expects]), [[['all'], 'group']]);
  });

  it('a resource whose Condition is false shares nothing; an undecided one only may', async () => {
    const body = (condition: string) => `Parameters:
  Env:
    Type: String
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Unknown: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Dist:
    Type: AWS::ImageBuilder::DistributionConfiguration
    Condition: ${condition}
    Properties:
      Distributions:
        - AmiDistributionConfiguration:
            LaunchPermissionConfiguration:
              UserGroups: [all]
`;
    assert.deepEqual((await read(body('IsProd'))).subjects, []);
    const unknown = only((await read(body('Unknown'))).subjects).launch.unknowns;
    assert.deepEqual(unknown.map((item) => item.mayInclude), [['all']]);
    assert.match(unknown[0]?.reason ?? '', /created only if condition Unknown holds: AWS::Region is known only when the stack is deployed/);
  });

  it('a grant to AWS::AccountId is the owner (not listed); an ARN built from it is unknown', async () => {
    const text = template(
      [
        '              UserIds: [!Ref AWS::AccountId, !Sub "${AWS::AccountId}"]',
        "              OrganizationArns: [!Sub 'arn:${AWS::Partition}:organizations::${AWS::AccountId}:organization/o-abcdefghij']",
        "              OrganizationalUnitArns: [!Sub 'arn:${AWS::Partition}:organizations::111122223333:ou/o-abcdefghij/ou-ab12-abcdefgh']",
      ].join('\n'),
    );
    const subject = only((await read(text)).subjects);
    assert.deepEqual(granted(subject), ['LaunchPermissionConfiguration.OrganizationalUnitArns=arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-abcdefgh']);
    assert.deepEqual(subject.launch.unknowns.map((unknown) => [unknown.field, unknown.expects]), [['LaunchPermissionConfiguration.OrganizationArns', 'organization']]);
    assert.match(subject.launch.unknowns[0]?.reason ?? '', /AWS::AccountId is the account that deploys the stack/);
    const given = only((await read(text, { variables: [{ kind: 'var', name: 'AWS::AccountId', value: '111122223333' }] })).subjects);
    assert.deepEqual(granted(given), [
      'LaunchPermissionConfiguration.OrganizationArns=arn:aws:organizations::111122223333:organization/o-abcdefghij',
      'LaunchPermissionConfiguration.OrganizationalUnitArns=arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-abcdefgh',
    ], 'the owner given by --var is still no share; an ARN built from it is known');
  });

  it('resource attributes, imports and SSM parameter types are unknowns that say so', async () => {
    const text = template(
      '              UserIds: [!GetAtt Other.AccountId, !ImportValue shared-account, !Ref FromSsm]',
      'Parameters:\n  FromSsm:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /accounts/share',
    );
    const reasons = only((await read(text)).subjects).launch.unknowns.map((unknown) => unknown.reason);
    assert.equal(reasons.length, 3);
    assert.match(reasons[0] ?? '', /Other\.AccountId is an attribute of a resource/);
    assert.match(reasons[1] ?? '', /Fn::ImportValue/);
    assert.match(reasons[2] ?? '', /SSM parameter "\/accounts\/share"/);
  });

  it('reads JSON templates (CDK synth output style), with positions', async () => {
    const text = JSON.stringify(
      {
        Resources: {
          Dist: {
            Type: 'AWS::ImageBuilder::DistributionConfiguration',
            Properties: {
              Distributions: [
                { Region: 'us-east-1', AmiDistributionConfiguration: { LaunchPermissionConfiguration: { UserGroups: ['all'], UserIds: [{ 'Fn::Join': ['', ['1111', '22223333']] }] } } },
                { Region: 'eu-west-1', AmiDistributionConfiguration: { Name: 'x' } },
              ],
            },
          },
        },
      },
      null,
      1,
    );
    const result = await read(text, { name: 'stack.template.json' });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.subjects.map((subject) => subject.name),
      ['AWS::ImageBuilder::DistributionConfiguration Dist Distributions[0]', 'AWS::ImageBuilder::DistributionConfiguration Dist Distributions[1]'],
    );
    assert.deepEqual(granted(result.subjects[0] as ImageSubject), ['LaunchPermissionConfiguration.UserGroups=all', 'LaunchPermissionConfiguration.UserIds=111122223333']);
    const group = result.subjects[0]?.launch.grants[0]?.location;
    assert.deepEqual(group?.kind === 'source' && [group.line, group.column], [text.split('\n').findIndex((line) => line.includes('"all"')) + 1, 10]);
  });

  it('a distribution made by Fn::ForEach is not expanded: a problem says it was not checked', async () => {
    const text = `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Regions:
    - Region
    - [us-east-1, eu-west-1]
    - Dist\${Region}:
        Type: AWS::ImageBuilder::DistributionConfiguration
        Properties:
          Distributions:
            - AmiDistributionConfiguration:
                LaunchPermissionConfiguration: {UserGroups: [all]}
`;
    const result = await read(text);
    assert.deepEqual(result.problems.map((problem) => [problem.location.line, problem.location.column, problem.unevaluated]), [[3, 3, true]]);
    assert.match(result.problems[0]?.message ?? '', /Fn::ForEach::Regions makes AWS::ImageBuilder::DistributionConfiguration resources that amiguard does not expand/);
  });

  it('EC2 and custom resources are not sharing', async () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: ami-12345678
  Share:
    Type: Custom::ShareAmi
    Properties:
      UserGroups: [all]
      LaunchPermission: {Add: [{Group: all}]}
`;
    const result = await read(text);
    assert.deepEqual(result.subjects, []);
    assert.deepEqual(result.problems, []);
  });
});

describe('CloudFormation reader: templates CloudFormation rejects', () => {
  it('a YAML syntax error is a problem with its place', async () => {
    const result = await read("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [unclosed\n");
    assert.equal(result.subjects.length, 0);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]?.message ?? '', /^invalid YAML/);
    assert.ok((result.problems[0]?.location.line ?? 0) >= 3);
  });

  it('a JSON syntax error is a problem with its place', async () => {
    const result = await read('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": }}', { name: 'bad.json' });
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]?.message ?? '', /^invalid JSON: unexpected "}"/);
    assert.equal(result.problems[0]?.location.column, 63);
  });

  it('a template without Resources is a problem', async () => {
    const result = await read("AWSTemplateFormatVersion: '2010-09-09'\nDescription: nothing\n");
    assert.match(result.problems[0]?.message ?? '', /needs a Resources map/);
  });

  it('YAML aliases are refused as CloudFormation refuses them, never expanded (billion laughs)', async () => {
    const lines = ["AWSTemplateFormatVersion: '2010-09-09'", 'Parameters:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 12; level += 1) lines.push(`  ${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(',')}]`);
    lines.push('Resources:', '  Dist:', '    Type: AWS::ImageBuilder::DistributionConfiguration', '    Properties:', '      Distributions: [*l]');
    const result = await read(lines.join('\n'));
    assert.deepEqual(result.subjects, []);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]?.message ?? '', /does not allow YAML aliases/);
    assert.deepEqual([result.problems[0]?.location.line, result.problems[0]?.location.column], [4, 10]);
  });
});
