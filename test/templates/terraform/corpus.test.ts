/**
 * The Terraform cases of ../shared/corpus/iac read by the Terraform reader alone, from the root
 * the label names (`root_module`) with the var-files it lists (`var_files_applied`), and
 * compared with their labels as the corpus README defines them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { ImageSubject, Sharing, UnknownGrant } from '../../../src/core/index.js';
import { readFolder } from './read-module.js';

const CORPUS = resolve(import.meta.dirname, '../../../../shared/corpus/iac');

type Tri = boolean | 'depends-on-variable';

interface Labels {
  readonly public_ami: Tri;
  readonly public_snapshot: Tri;
  readonly shared_accounts: readonly string[];
  readonly snapshot_shared_accounts: readonly string[];
  readonly shared_orgs: readonly string[];
  readonly shared_ous: readonly string[];
  readonly invalid_grantees: readonly string[];
}

interface IacCase {
  readonly id: string;
  readonly format: string;
  readonly var_files_applied: readonly string[];
  readonly root_module?: string;
  readonly expected: Labels;
}

function labelsOf(subjects: readonly ImageSubject[]): Labels {
  const side = (pick: (subject: ImageSubject) => Sharing): Sharing => ({
    grants: subjects.flatMap((subject) => pick(subject).grants),
    invalid: subjects.flatMap((subject) => pick(subject).invalid),
    unknowns: subjects.flatMap((subject) => pick(subject).unknowns),
  });
  const launch = side((subject) => subject.launch);
  const snapshot = side((subject) => subject.snapshot);
  const mayBe = (unknown: UnknownGrant, kind: string): boolean => unknown.expects === kind || unknown.expects === 'any';
  const publicness = (sharing: Sharing): Tri => {
    if (sharing.grants.some((grant) => grant.grantee.kind === 'public')) return true;
    return sharing.unknowns.some((unknown) => mayBe(unknown, 'group') || unknown.mayInclude?.includes('all') === true) ? 'depends-on-variable' : false;
  };
  const values = (sharing: Sharing, kind: 'account' | 'organization' | 'ou'): string[] => {
    if (sharing.unknowns.some((unknown) => mayBe(unknown, kind) && unknown.mayInclude?.includes('all') !== true)) return ['variable'];
    const known = sharing.grants.flatMap((grant) =>
      grant.grantee.kind === kind ? [grant.grantee.kind === 'account' ? grant.grantee.id : 'arn' in grant.grantee ? grant.grantee.arn : ''] : [],
    );
    const invalid = sharing.invalid.filter((entry) => entry.expects === kind).map((entry) => entry.raw);
    return [...new Set([...known, ...invalid])].sort();
  };
  return {
    public_ami: publicness(launch),
    public_snapshot: publicness(snapshot),
    shared_accounts: values(launch, 'account'),
    snapshot_shared_accounts: values(snapshot, 'account'),
    shared_orgs: values(launch, 'organization'),
    shared_ous: values(launch, 'ou'),
    invalid_grantees: [...new Set([...launch.invalid, ...snapshot.invalid].map((entry) => entry.raw))].sort(),
  };
}

const cases: IacCase[] = existsSync(join(CORPUS, 'manifest.json'))
  ? (JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as IacCase[]).filter((entry) => entry.format === 'terraform')
  : [];

describe('the Terraform cases of the IaC corpus', { skip: cases.length === 0 ? 'the corpus is not beside the repository' : false }, () => {
  it('holds the 12 Terraform cases', () => {
    assert.equal(cases.length, 12);
  });
  for (const entry of cases) {
    it(`${entry.id} reads as labelled`, async () => {
      const folder = join(CORPUS, entry.id);
      const root = entry.root_module === undefined ? folder : join(folder, entry.root_module);
      const read = await readFolder(root, {
        cwd: folder,
        variables: entry.var_files_applied.map((path) => ({ kind: 'var-file' as const, path })),
      });
      assert.deepEqual(read.problems, [], 'a corpus case should read without problems');
      const { public_ami, public_snapshot, shared_accounts, snapshot_shared_accounts, shared_orgs, shared_ous, invalid_grantees } = entry.expected;
      assert.deepEqual(labelsOf(read.subjects), {
        public_ami,
        public_snapshot,
        shared_accounts: [...shared_accounts].sort(),
        snapshot_shared_accounts: [...snapshot_shared_accounts].sort(),
        shared_orgs: [...shared_orgs].sort(),
        shared_ous: [...shared_ous].sort(),
        invalid_grantees: [...invalid_grantees].sort(),
      });
    });
  }
});
