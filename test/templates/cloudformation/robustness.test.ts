/**
 * Hostile input never crashes or hangs the CloudFormation reader: a huge file, a FIFO named like a
 * template, binary content, deep nesting, YAML alias bombs, expressions that would take exponential
 * time, and random text each give a result or a problem with a place.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cloudFormation, HEAD_BYTES } from '../../../src/templates/cloudformation/index.js';
import type { FoundFile } from '../../../src/templates/format.js';
import { readWith } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'amiguard-cfn-hostile-'));

function found(name: string): FoundFile {
  return { absolute: join(dir, name), path: name, name, folder: dir, named: false };
}

function sniff(name: string): boolean | { readonly reason: string } | undefined {
  return cloudFormation.sniff?.(found(name));
}

const HEADER = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n";

describe('CloudFormation: hostile files', () => {
  it('claims only names that may be templates, leaving other formats theirs', () => {
    const claim = (name: string, named = false) => cloudFormation.claim({ ...found(name), named });
    assert.equal(claim('stack.yaml'), 'maybe');
    assert.equal(claim('stack.template.json'), 'maybe');
    assert.equal(claim('stack.template'), 'maybe');
    assert.equal(claim('build.pkr.json'), undefined);
    assert.equal(claim('main.tf.json'), undefined);
    assert.equal(claim('package.json'), undefined);
    assert.equal(claim('README.md'), undefined);
    assert.equal(claim('stack.cfn', true), 'maybe', 'a file named on the command line is looked at');
  });

  it('sniffs by content: a version, or top-level Resources with AWS:: types; not a playbook or workflow', () => {
    const cases: [string, string, boolean][] = [
      ['version.yaml', "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", true],
      ['cdk.json', '{\n "Resources": {\n  "A": {\n   "Type": "AWS::S3::Bucket"\n  }\n }\n}', true],
      ['resources.yml', 'Parameters:\n  X:\n    Type: String\nResources:\n  A:\n    Type: "AWS::S3::Bucket"\n', true],
      ['playbook.yml', '- hosts: all\n  tasks:\n    - name: Resources\n      debug: {msg: "Type: AWS::S3::Bucket"}\n', false],
      ['workflow.yml', 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n', false],
      ['nested.yml', 'resources:\n  Resources:\n    A:\n      Type: AWS::S3::Bucket\n', false],
      ['data.json', '{"Resources": "none"}', false],
    ];
    for (const [name, text, expected] of cases) {
      writeFileSync(join(dir, name), text);
      assert.equal(sniff(name), expected, name);
    }
  });

  it('sniffs only the head of a huge file', () => {
    const path = join(dir, 'huge.yaml');
    const descriptor = openSync(path, 'w');
    writeSync(descriptor, 'Description: x\n'.repeat(HEAD_BYTES / 15 + 10));
    // Sparse: 64 MB on disk costs nothing, and reading it all would show in the test's time.
    writeSync(descriptor, `\n${HEADER}  A:\n    Type: AWS::S3::Bucket\n`, 64 * 1024 * 1024);
    closeSync(descriptor);
    assert.equal(sniff('huge.yaml'), false);
  });

  it('a file over the size limit is a problem at its first line, not read', async () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(path, HEADER + '# padding\n'.repeat((17 * 1024 * 1024) / 10));
    assert.equal(sniff('big.yaml'), true);
    const result = await readWith(['big.yaml'], dir);
    assert.deepEqual(result.subjects, []);
    assert.match(result.ledger.problems[0]?.message ?? '', /over the 16 MB limit/);
    assert.equal(result.ledger.problems[0]?.location.line, 1);
  });

  it('a FIFO named like a template neither hangs the sniff nor the read', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const sniffed = sniff('pipe.yaml');
    assert.ok(typeof sniffed === 'object', 'a reason, not a verdict');
    const result = await readWith(['pipe.yaml'], dir);
    assert.match(result.ledger.problems[0]?.message ?? '', /FIFO/);
  });

  it('binary content is not a template', async () => {
    writeFileSync(join(dir, 'binary.yaml'), Buffer.concat([Buffer.from(HEADER), Buffer.from([0, 1, 2, 0xff, 0])]));
    assert.equal(sniff('binary.yaml'), false);
    const result = await readWith(['binary.yaml'], dir);
    assert.match(result.ledger.problems[0]?.message ?? '', /binary file/);
  });

  it('deep nesting in YAML and JSON is a problem, not a stack overflow', async () => {
    const depth = 100_000;
    writeFileSync(join(dir, 'deep.yaml'), `${HEADER}  A: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    writeFileSync(join(dir, 'deep-block.yaml'), `${HEADER}${Array.from({ length: 500 }, (_, level) => `${' '.repeat(2 * level + 2)}k${level}:`).join('\n')} x\n`);
    writeFileSync(join(dir, 'deep.json'), `{"Resources": {"A": ${'['.repeat(depth)}${']'.repeat(depth)}}}`);
    for (const name of ['deep.yaml', 'deep-block.yaml', 'deep.json']) {
      const result = await readWith([name], dir);
      assert.deepEqual(result.subjects, [], name);
      assert.equal(result.problems.length, 1, name);
      assert.match(result.problems[0]?.message ?? '', /nested|invalid/, name);
    }
  });

  it('expressions nested too deep to evaluate, and conditions that refer to themselves, end as unknowns', async () => {
    const ifs = (level: number): string => (level === 0 ? "'all'" : `!If [Unknown, 'none', ${ifs(level - 1)}]`);
    const selects = (level: number): string => (level === 0 ? "['111111111111']" : `[!Select [0, ${selects(level - 1)}]]`);
    const text = `Parameters:
  P:
    Type: String
Conditions:
  Unknown: !Equals [!Ref P, x]
  Loop: !Not [!Condition Loop]
Resources:
  Dist:
    Type: AWS::ImageBuilder::DistributionConfiguration
    Properties:
      Distributions:
        - AmiDistributionConfiguration:
            LaunchPermissionConfiguration:
              UserGroups: [${ifs(80)}]
              UserIds: [!Select [0, ${selects(40)}]]
              OrganizationArns: [!If [Loop, a, b]]
`;
    writeFileSync(join(dir, 'exponential.yaml'), text);
    const result = await readWith(['exponential.yaml'], dir);
    const reasons = result.subjects[0]?.launch.unknowns.map((unknown) => unknown.reason) ?? [];
    assert.equal(reasons.length, 3);
    assert.match(reasons[0] ?? '', /too large/);
    assert.match(reasons[1] ?? '', /too large/);
    assert.match(reasons[2] ?? '', /refers to itself/);
  });

  it('a map of 50,000 keys is read (the YAML library checks unique keys in quadratic time; the reader does not ask it to)', async () => {
    const keys = Array.from({ length: 50_000 }, (_, index) => `    Key${index}: value`).join('\n');
    writeFileSync(join(dir, 'wide.yaml'), `${HEADER}  Bucket:\n    Type: AWS::S3::Bucket\n  Tags:\n${keys}\n`);
    assert.deepEqual((await readWith(['wide.yaml'], dir)).problems, []);
    writeFileSync(join(dir, 'duplicate.yaml'), `${HEADER}  Bucket:\n    Type: AWS::S3::Bucket\n  Bucket:\n    Type: AWS::S3::Bucket\n`);
    const duplicate = await readWith(['duplicate.yaml'], dir);
    assert.deepEqual(duplicate.problems.map((problem) => [problem.message, problem.location.line, problem.location.column]), [['invalid YAML: duplicate key "Bucket": map keys must be unique', 5, 3]]);
  });

  it('any text gives subjects or problems, never an exception', async () => {
    const alphabet = fc.constantFrom(...'{}[]":,\n -!&*|>#\'ab01'.split(''), 'Resources:\n', '  D:\n', '    Type: AWS::ImageBuilder::DistributionConfiguration\n', '!Ref ', '!Sub ', '!If ', '"Fn::Join"', 'UserGroups', 'all', '${AWS::AccountId}', '  ');
    let index = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 200 }).map((parts) => parts.join('')), fc.boolean(), async (text, json) => {
        index += 1;
        const name = `random-${index}.${json ? 'json' : 'yaml'}`;
        writeFileSync(join(dir, name), text);
        const result = await readWith([name], dir);
        for (const problem of result.problems) assert.ok(problem.location.line >= 1 && problem.location.column >= 1);
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });
});
