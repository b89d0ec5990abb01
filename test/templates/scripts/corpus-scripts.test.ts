/**
 * The script cases of the IaC corpus (../shared/corpus/iac, 027-033), read through the script
 * formats directly, and the labels computed from their subjects as the corpus README defines them.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { ImageSubject, Sharing } from '../../../src/core/index.js';
import { readFiles } from './unit-helpers.js';

const CORPUS = resolve(import.meta.dirname, '../../../../shared/corpus/iac');
const CASES = /^0(2[7-9]|3[0-3])-/;

interface Case {
  readonly id: string;
  readonly expected: {
    readonly public_ami: boolean | string;
    readonly public_snapshot: boolean | string;
    readonly shared_accounts: readonly string[];
    readonly snapshot_shared_accounts: readonly string[];
    readonly shared_orgs: readonly string[];
    readonly shared_ous: readonly string[];
    readonly invalid_grantees: readonly string[];
    readonly conditions: readonly string[];
  };
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function publicness(sharing: readonly Sharing[]): boolean | 'depends-on-variable' {
  if (sharing.some((side) => side.grants.some((grant) => grant.grantee.kind === 'public'))) return true;
  const maybe = sharing.some((side) => side.unknowns.some((unknown) => unknown.expects === 'any' || unknown.expects === 'group' || unknown.mayInclude?.includes('all') === true));
  return maybe ? 'depends-on-variable' : false;
}

function granted(sharing: readonly Sharing[], kind: 'account' | 'organization' | 'ou'): string[] {
  const values = sharing.flatMap((side) =>
    side.grants.flatMap((grant) => (grant.grantee.kind === kind ? [grant.grantee.kind === 'account' ? grant.grantee.id : grant.grantee.arn] : [])),
  );
  // A whole permission list that is not known (`--cli-input-json "$JSON"`) is labelled as public
  // maybe and accounts unknown; the corpus leaves organizations and OUs empty for it (033).
  const unknown = sharing.some((side) => side.unknowns.some((item) => item.expects === kind || (item.expects === 'any' && kind === 'account')));
  return [...new Set([...values, ...(unknown ? ['variable'] : [])])].sort();
}

function labels(subjects: readonly ImageSubject[]) {
  const launch = subjects.map((subject) => subject.launch);
  const snapshot = subjects.map((subject) => subject.snapshot);
  const all = [...launch, ...snapshot];
  return {
    public_ami: publicness(launch),
    public_snapshot: publicness(snapshot),
    shared_accounts: granted(launch, 'account'),
    snapshot_shared_accounts: granted(snapshot, 'account'),
    shared_orgs: granted(launch, 'organization'),
    shared_ous: granted(launch, 'ou'),
    invalid_grantees: [...new Set(all.flatMap((side) => side.invalid.map((invalid) => invalid.raw)))].sort(),
    conditions: all.some((side) => [...side.grants, ...side.unknowns].some((grant) => grant.condition !== undefined)),
  };
}

const present = existsSync(join(CORPUS, 'manifest.json'));
const cases = present ? (JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Case[]).filter((entry) => CASES.test(entry.id)) : [];

describe('IaC corpus: the script cases', { skip: present ? false : 'the corpus is not beside the repository' }, () => {
  it('has the seven script cases', () => assert.equal(cases.length, 7));
  for (const entry of cases) {
    it(entry.id, async () => {
      const folder = join(CORPUS, entry.id);
      const read = await readFiles(folder, filesUnder(folder).map((path) => relative(folder, path)));
      assert.deepEqual(read.problems, []);
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
    });
  }
});
