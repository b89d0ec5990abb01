/**
 * Every labelled case of ../shared/corpus/packer: amiguard's evaluation of each template must
 * match the label in manifest.json (see the corpus README for what each label means).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY } from '../../src/policy/index.js';
import { RULES, runRules } from '../../src/rules/index.js';
import { readTemplates } from '../../src/templates/index.js';
import { CORPUS, corpusPresent, expectedLabels, labelsOf, loadManifest } from './manifest.js';

describe('Packer corpus (../shared/corpus/packer/manifest.json)', () => {
  it('is present beside the repository', () => {
    assert.ok(corpusPresent(), `expected the shared corpus at ${CORPUS}`);
  });

  const manifest = loadManifest();

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
      assert.deepEqual(labelsOf(read.images), expectedLabels(entry));
      const expected = entry.expected;

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
