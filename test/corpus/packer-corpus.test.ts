/**
 * Every labelled case of ../shared/corpus/packer: amiguard's evaluation of each template must
 * match the label in manifest.json (see the corpus README for what each label means).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY } from '../../src/policy/index.js';
import { RULES, runRules } from '../../src/rules/index.js';
import { readTemplates, type SharingField, type TemplateImage } from '../../src/templates/index.js';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus/packer');

type Tri = boolean | 'depends-on-variable';
interface Expected {
  readonly public_ami: Tri;
  readonly public_snapshot: Tri;
  readonly shared_accounts: readonly string[];
  readonly snapshot_shared_accounts: readonly string[];
  readonly shared_orgs: readonly string[];
}
interface Case {
  readonly id: string;
  readonly var_files_applied: readonly string[];
  readonly expected: Expected;
}

/** What the corpus labels, computed from amiguard's evaluated templates. */
function summarize(images: readonly TemplateImage[]): Expected {
  const items = (fields: readonly SharingField[]) =>
    images.flatMap((image) => fields.flatMap((field) => image.fields[field]?.items ?? []));
  const publicness = (field: SharingField): Tri => {
    const all = items([field]);
    if (all.some((item) => item.kind === 'known' && item.value === 'all')) return true;
    return all.some((item) => item.kind === 'unknown') ? 'depends-on-variable' : false;
  };
  const values = (fields: readonly SharingField[]): string[] => {
    const all = items(fields);
    if (all.some((item) => item.kind === 'unknown')) return ['variable'];
    return [...new Set(all.flatMap((item) => (item.kind === 'known' ? [item.value] : [])))].sort();
  };
  return {
    public_ami: publicness('ami_groups'),
    public_snapshot: publicness('snapshot_groups'),
    shared_accounts: values(['ami_users']),
    snapshot_shared_accounts: values(['snapshot_users']),
    shared_orgs: values(['ami_org_arns', 'ami_ou_arns']),
  };
}

describe('Packer corpus (../shared/corpus/packer/manifest.json)', () => {
  it('is present beside the repository', () => {
    assert.ok(existsSync(join(CORPUS, 'manifest.json')), `expected the shared corpus at ${CORPUS}`);
  });

  const manifest = existsSync(join(CORPUS, 'manifest.json'))
    ? (JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Case[])
    : [];

  for (const entry of manifest) {
    it(entry.id, async () => {
      const dir = join(CORPUS, entry.id);
      const read = await readTemplates({
        paths: [dir],
        cwd: dir,
        variables: entry.var_files_applied.map((path) => ({ kind: 'var-file' as const, path })),
        useEnv: false,
        env: {},
      });
      assert.deepEqual(read.problems, [], 'a corpus template should read without problems');
      const actual = summarize(read.images);
      const expected = entry.expected;
      assert.deepEqual(actual, {
        public_ami: expected.public_ami,
        public_snapshot: expected.public_snapshot,
        shared_accounts: [...expected.shared_accounts].sort(),
        snapshot_shared_accounts: [...expected.snapshot_shared_accounts].sort(),
        shared_orgs: [...expected.shared_orgs].sort(),
      });

      // The rules see the same thing: a public label gives a public-* finding, and only then.
      const findings = runRules({ subjects: read.subjects, problems: read.problems, policy: DEFAULT_POLICY, rules: RULES, now: new Date() });
      assert.equal(findings.some((finding) => finding.ruleId === 'public-ami'), expected.public_ami === true);
      assert.equal(findings.some((finding) => finding.ruleId === 'public-snapshot'), expected.public_snapshot === true);
      if (expected.public_ami === 'depends-on-variable') {
        assert.ok(findings.some((finding) => finding.ruleId === 'unresolved-sharing'));
      }
    });
  }
});
