/**
 * The Ansible cases of ../shared/corpus/iac read directly through the format (claim, sniff,
 * group, read) and compared with their labels, until the format-neutral corpus test runs them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { ImageSubject, Sharing } from '../../../src/core/index.js';
import { readAnsibleTree } from './read-ansible.js';

const CORPUS = resolve(import.meta.dirname, '../../../../shared/corpus/iac');

interface Expected {
  readonly public_ami: boolean | string;
  readonly public_snapshot: boolean | string;
  readonly shared_accounts: readonly string[];
  readonly snapshot_shared_accounts: readonly string[];
  readonly shared_orgs: readonly string[];
  readonly shared_ous: readonly string[];
  readonly invalid_grantees: readonly string[];
  readonly conditions: readonly string[];
}

interface Case {
  readonly id: string;
  readonly format: string;
  readonly var_files_applied: readonly string[];
  readonly expected: Expected;
}

const cases = (JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Case[]).filter((entry) => entry.format === 'ansible');

function publicLabel(sides: readonly Sharing[]): boolean | string {
  if (sides.some((side) => side.grants.some((grant) => grant.grantee.kind === 'public'))) return true;
  if (sides.some((side) => side.unknowns.some((entry) => entry.expects === 'group' || entry.expects === 'any'))) return 'depends-on-variable';
  return false;
}

function values(sides: readonly Sharing[], kind: 'account' | 'organization' | 'ou'): string[] {
  const found = new Set<string>();
  for (const side of sides) {
    for (const grant of side.grants) {
      if (grant.grantee.kind === 'account' && kind === 'account') found.add(grant.grantee.id);
      if (grant.grantee.kind === 'organization' && kind === 'organization') found.add(grant.grantee.arn);
      if (grant.grantee.kind === 'ou' && kind === 'ou') found.add(grant.grantee.arn);
    }
    for (const entry of side.invalid) if (entry.expects === kind) found.add(entry.raw);
    for (const entry of side.unknowns) if (entry.expects === kind) found.add('variable');
  }
  return [...found].sort();
}

function labels(subjects: readonly ImageSubject[]): Omit<Expected, 'conditions'> & { conditions: boolean } {
  const launch = subjects.map((subject) => subject.launch);
  const snapshot = subjects.map((subject) => subject.snapshot);
  const all = [...launch, ...snapshot];
  return {
    public_ami: publicLabel(launch),
    public_snapshot: publicLabel(snapshot),
    shared_accounts: values(launch, 'account'),
    snapshot_shared_accounts: values(snapshot, 'account'),
    shared_orgs: values(launch, 'organization'),
    shared_ous: values(launch, 'ou'),
    invalid_grantees: [...new Set(all.flatMap((side) => side.invalid.map((entry) => entry.raw)))].sort(),
    conditions: all.some((side) => [...side.grants, ...side.unknowns, ...side.invalid].some((entry) => entry.condition !== undefined)),
  };
}

describe('iac corpus: Ansible cases match their labels', () => {
  it('has the five Ansible cases', () => {
    assert.deepEqual(cases.map((entry) => entry.id.slice(0, 3)), ['022', '023', '024', '025', '026']);
  });
  for (const entry of cases) {
    it(entry.id, async () => {
      const folder = join(CORPUS, entry.id);
      const read = await readAnsibleTree(folder, { variables: entry.var_files_applied.map((path) => ({ kind: 'var-file', path })) });
      const { expected } = entry;
      assert.deepEqual(labels(read.subjects), {
        public_ami: expected.public_ami,
        public_snapshot: expected.public_snapshot,
        shared_accounts: [...expected.shared_accounts].sort(),
        snapshot_shared_accounts: [...expected.snapshot_shared_accounts].sort(),
        shared_orgs: [...expected.shared_orgs].sort(),
        shared_ous: [...expected.shared_ous].sort(),
        invalid_grantees: [...expected.invalid_grantees].sort(),
        conditions: expected.conditions.length > 0,
      });
      assert.deepEqual(read.problems.filter((problem) => problem.unevaluated !== true), [], 'no file is refused');
    });
  }
});
