/**
 * Hostile YAML never takes the process down: the yaml library aborts the whole process near
 * 10,000 levels of flow nesting and takes minutes over a map of tens of thousands of keys with
 * its own duplicate check. Every reader of YAML (the policy, CloudFormation, CI files, Ansible,
 * yamldecode()) refuses such input first. These tests run in-process: an abort fails them all.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/core/index.js';
import { firstDuplicateKey, yaml, yamlTooDeep } from '../../src/core/yaml.js';
import { lint } from '../../src/lint/index.js';
import { parsePolicy } from '../../src/policy/index.js';
import { RULE_IDS } from '../../src/rules/index.js';
import { yamlDecode } from '../../src/templates/hcl/functions/yaml.js';

const BOMB = `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;

describe('yamlTooDeep', () => {
  it('finds flow and indentation nesting past the limit, at its place', () => {
    assert.deepEqual(yamlTooDeep(`x: 1\ny: ${'['.repeat(5)}`, 4), { line: 2, column: 8 });
    assert.deepEqual(yamlTooDeep(`x:\n${' '.repeat(17)}y: 1\n`, 4), { line: 2, column: 1 });
    assert.equal(yamlTooDeep(`x: ${'['.repeat(4)}${']'.repeat(4)}`, 4), undefined);
  });

  it('does not count brackets in quotes or comments', () => {
    assert.equal(yamlTooDeep(`x: "${'['.repeat(50)}" # ${'{'.repeat(50)}\n`, 4), undefined);
  });
});

describe('firstDuplicateKey', () => {
  it('finds a repeated key in a nested map, with its offset', () => {
    const text = 'a:\n  b: 1\n  b: 2\n';
    const duplicate = firstDuplicateKey(yaml().parseDocument(text, { uniqueKeys: false }));
    assert.deepEqual(duplicate, { key: 'b', offset: text.lastIndexOf('b') });
  });

  it('answers for 60,000 keys (the library check would take minutes)', () => {
    const text = Array.from({ length: 60_000 }, (_, index) => `k${index}: 1`).join('\n');
    assert.equal(firstDuplicateKey(yaml().parseDocument(text, { uniqueKeys: false })), undefined);
  });
});

describe('readers of YAML under hostile input', () => {
  it('the policy: too deep, or a repeated key, is a configuration error with its place', () => {
    assert.throws(() => parsePolicy(BOMB, 'amiguard.yaml', RULE_IDS), (error: unknown) => error instanceof ConfigurationError && /amiguard\.yaml:1:\d+: nested more than 128 levels/.test(error.message));
    assert.throws(
      () => parsePolicy('version: 1\nallow:\n  accounts: []\nversion: 1\n', 'amiguard.yaml', RULE_IDS),
      (error: unknown) => error instanceof ConfigurationError && error.message.startsWith('amiguard.yaml:4:1: not valid YAML or JSON: map keys must be unique ("version" is repeated)'),
    );
  });

  it('yamldecode() of a bomb is an explicit unknown', () => {
    assert.equal(yamlDecode(BOMB).kind, 'unknown');
  });

  it('a CloudFormation template and a workflow that nest too deep are problems, not an abort', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-yaml-bomb-'));
    writeFileSync(join(dir, 'stack.yaml'), `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  X: ${'['.repeat(20_000)}\n`);
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/release.yml'), `on: push\njobs: ${'['.repeat(20_000)}\n# aws ec2 modify-image-attribute\n`);
    const result = await lint({ paths: ['stack.yaml', '.github/workflows/release.yml'], cwd: dir, env: {} });
    assert.deepEqual(
      result.findings.map((finding) => [finding.ruleId, finding.location.kind === 'source' ? finding.location.file : '']).sort(),
      [
        ['parse-error', '.github/workflows/release.yml'],
        ['parse-error', 'stack.yaml'],
      ],
    );
  });
});
