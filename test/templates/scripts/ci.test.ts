import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { summarize } from './read-helpers.js';
import { claimant, found, readFiles } from './unit-helpers.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');

describe('CI files: scripts in steps, located in the YAML', () => {
  it('a GitHub workflow: run: steps with the job and step if:, and a shell: python step', async () => {
    const read = await readFiles(FIXTURES, ['ci/.github/workflows/release.yml']);
    assert.deepEqual(summarize(read), [
      "launch public --launch-permission 15:46-15:49 [when github.ref == 'refs/heads/main' and inputs.public]",
      "launch 123456789012 --user-ids 17:90-17:102 [when github.ref == 'refs/heads/main']",
      "snapshot public GroupNames 22:86-22:89 [when github.ref == 'refs/heads/main']",
    ]);
    assert.ok(read.subjects.every((subject) => subject.file === 'ci/.github/workflows/release.yml'));
  });

  it('a CodeBuild buildspec: commands, with an if inside a block', async () => {
    assert.deepEqual(summarize(await readFiles(FIXTURES, ['ci/buildspec.yml'])), [
      'launch public --launch-permission 6:97-6:100',
      'snapshot public --create-volume-permission 9:107-9:110 [when [ "$PUBLISH" = "yes" ]]',
    ]);
  });

  it('a Buildkite pipeline: command and commands, the step if:; Remove grants nothing', async () => {
    assert.deepEqual(summarize(await readFiles(FIXTURES, ['ci/.buildkite/pipeline.yml'])), ['launch public --launch-permission 4:96-4:99 [when build.branch == "main"]']);
  });

  it('a Concourse pipeline: a task that runs sh -exc SCRIPT', async () => {
    assert.deepEqual(summarize(await readFiles(FIXTURES, ['ci/concourse/pipeline.yml'])), ['launch public --launch-permission 13:52-13:55']);
  });

  it('a YAML syntax error is a problem in the file', async () => {
    const read = await readFiles(FIXTURES, ['ci/broken/buildspec.yml']);
    assert.equal(read.subjects.length, 0);
    assert.equal(read.problems.length, 1);
    assert.match(read.problems[0]?.message ?? '', /YAML syntax error/);
    assert.equal(read.problems[0]?.location.file, 'ci/broken/buildspec.yml');
    assert.equal(read.problems[0]?.location.line, 4);
  });
});

describe('claiming', () => {
  it('CI files by place, Concourse by content; other YAML is not taken', () => {
    assert.equal(id(claimant(found(FIXTURES, 'ci/.github/workflows/release.yml'))), 'ci');
    assert.equal(id(claimant(found(FIXTURES, 'ci/concourse/pipeline.yml'))), 'ci');
    assert.equal(id(claimant(found(FIXTURES, 'ci/not-ci.yml'))), undefined);
  });

  it('scripts by name or shebang, and only when they mention a call', () => {
    assert.equal(id(claimant(found(FIXTURES, 'share.sh'))), 'shell');
    assert.equal(id(claimant(found(FIXTURES, 'publish.py'))), 'python');
    assert.equal(id(claimant(found(FIXTURES, 'bin/share-ami'))), 'shell');
    assert.equal(id(claimant(found(FIXTURES, 'bin/no-call.sh'))), undefined);
  });
});

function id(format: ReturnType<typeof claimant>): string | undefined {
  return format === undefined || !('id' in format) ? undefined : format.id;
}
