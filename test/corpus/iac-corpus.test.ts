/**
 * Every labelled case of ../shared/corpus/iac (Terraform, CloudFormation, Ansible, scripts, CI
 * files): what amiguard reads from each case folder must match the label in manifest.json (see the
 * corpus README for what each label means). A case whose format no registered reader handles yet
 * is skipped, by name.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { ExpectedGrantee, ImageSubject, Sharing } from '../../src/core/index.js';
import { DEFAULT_POLICY } from '../../src/policy/index.js';
import { RULES, runRules } from '../../src/rules/index.js';
import { FORMATS, readTemplates, type FormatId } from '../../src/templates/index.js';
import type { Tri } from './manifest.js';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus/iac');

interface IacLabels {
  readonly public_ami: Tri;
  readonly public_snapshot: Tri;
  readonly shared_accounts: readonly string[];
  readonly snapshot_shared_accounts: readonly string[];
  readonly shared_orgs: readonly string[];
  readonly shared_ous: readonly string[];
  readonly invalid_grantees: readonly string[];
  /** The corpus names each runtime guard in words; amiguard names it as written. Compared: whether there is one. */
  readonly conditional: boolean;
}

interface IacCase {
  readonly id: string;
  readonly format: string;
  readonly var_files_applied: readonly string[];
  readonly expected: Omit<IacLabels, 'conditional'> & { readonly conditions: readonly string[]; readonly notes: string };
}

/** The readers a case needs, by the manifest's format. */
const READERS: Readonly<Record<string, readonly FormatId[]>> = {
  terraform: ['terraform'],
  cloudformation: ['cloudformation'],
  ansible: ['ansible'],
  shell: ['shell'],
  python: ['python'],
  workflow: ['ci'],
};

function loadCases(): IacCase[] {
  const manifest = join(CORPUS, 'manifest.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as IacCase[]) : [];
}

function expectedLabels(entry: IacCase): IacLabels {
  const labels = entry.expected;
  return {
    public_ami: labels.public_ami,
    public_snapshot: labels.public_snapshot,
    shared_accounts: [...labels.shared_accounts].sort(),
    snapshot_shared_accounts: [...labels.snapshot_shared_accounts].sort(),
    shared_orgs: [...labels.shared_orgs].sort(),
    shared_ous: [...labels.shared_ous].sort(),
    invalid_grantees: [...labels.invalid_grantees].sort(),
    conditional: labels.conditions.length > 0,
  };
}

/**
 * The labels computed from what the readers made of the case. An unknown value counts where its
 * field could hold it: an unknown group may be public, an unknown account list is `["variable"]`.
 * A whole permission list copied at run time (`any`) is labelled by the corpus as a possible
 * public grant and unknown accounts, not as organizations or OUs.
 */
function labelsOf(subjects: readonly ImageSubject[]): IacLabels {
  const side = (pick: (subject: ImageSubject) => Sharing): Sharing => ({
    grants: subjects.flatMap((subject) => pick(subject).grants),
    invalid: subjects.flatMap((subject) => pick(subject).invalid),
    unknowns: subjects.flatMap((subject) => pick(subject).unknowns),
  });
  const launch = side((subject) => subject.launch);
  const snapshot = side((subject) => subject.snapshot);
  const could = (sharing: Sharing, kinds: readonly ExpectedGrantee[]): boolean =>
    sharing.unknowns.some((unknown) => unknown.expects !== undefined && kinds.includes(unknown.expects));
  const publicness = (sharing: Sharing): Tri => {
    if (sharing.grants.some((grant) => grant.grantee.kind === 'public')) return true;
    const maybe = could(sharing, ['group', 'any']) || sharing.unknowns.some((unknown) => unknown.mayInclude?.includes('all') === true);
    return maybe ? 'depends-on-variable' : false;
  };
  const values = (sharing: Sharing, kind: 'account' | 'organization' | 'ou'): string[] => {
    if (could(sharing, kind === 'account' ? ['account', 'any'] : [kind])) return ['variable'];
    const known = sharing.grants.flatMap((grant) => {
      const grantee = grant.grantee;
      if (grantee.kind !== kind) return [];
      return [grantee.kind === 'account' ? grantee.id : grantee.arn];
    });
    const invalid = sharing.invalid.filter((entry) => entry.expects === kind || (kind === 'account' && entry.expects === 'any')).map((entry) => entry.raw);
    return [...new Set([...known, ...invalid])].sort();
  };
  const guarded = [launch, snapshot].some((sharing) =>
    [...sharing.grants, ...sharing.invalid, ...sharing.unknowns].some((entry) => entry.condition !== undefined),
  );
  return {
    public_ami: publicness(launch),
    public_snapshot: publicness(snapshot),
    shared_accounts: values(launch, 'account'),
    snapshot_shared_accounts: values(snapshot, 'account'),
    shared_orgs: values(launch, 'organization'),
    shared_ous: values(launch, 'ou'),
    invalid_grantees: [...new Set([...launch.invalid, ...snapshot.invalid].map((entry) => entry.raw))].sort(),
    conditional: guarded,
  };
}

describe('IaC corpus (../shared/corpus/iac/manifest.json)', () => {
  it('is present beside the repository', () => {
    assert.ok(existsSync(join(CORPUS, 'manifest.json')), `expected the shared corpus at ${CORPUS}`);
  });

  const registered = new Set(FORMATS.map((format) => format.id));
  for (const entry of loadCases()) {
    const readers = READERS[entry.format] ?? [];
    const missing = readers.filter((reader) => !registered.has(reader));
    it(entry.id, { skip: missing.length > 0 ? `no ${missing.join(', ')} reader registered` : false }, async () => {
      const dir = join(CORPUS, entry.id);
      const read = await readTemplates({
        paths: [dir],
        cwd: dir,
        variables: entry.var_files_applied.map((path) => ({ kind: 'var-file' as const, path })),
        useEnv: false,
        env: {},
      });
      const refusals = read.problems.filter((problem) => problem.unevaluated !== true);
      assert.deepEqual(refusals, [], 'a corpus case should read without problems');
      // The README labels conditions on procedural files only: the guard in a CloudFormation
      // template's inline Lambda code is not labelled, though amiguard names it.
      const procedural = entry.format !== 'terraform' && entry.format !== 'cloudformation';
      const computed = labelsOf(read.subjects);
      const expected = expectedLabels(entry);
      assert.deepEqual(procedural ? computed : { ...computed, conditional: expected.conditional }, expected, entry.expected.notes);

      // The rules see the same thing: a public label gives a public-* finding, and only then.
      const findings = runRules({ subjects: read.subjects, problems: read.problems, policy: DEFAULT_POLICY, rules: RULES, now: new Date() });
      assert.equal(findings.some((finding) => finding.ruleId === 'public-ami'), entry.expected.public_ami === true);
      assert.equal(findings.some((finding) => finding.ruleId === 'public-snapshot'), entry.expected.public_snapshot === true);
      if (entry.expected.public_ami === 'depends-on-variable') {
        assert.ok(findings.some((finding) => finding.ruleId === 'unresolved-sharing'));
      }
    });
  }
});
