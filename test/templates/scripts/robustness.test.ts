/**
 * Hostile input to the script readers: random text, a huge file, a FIFO named like a script or
 * a workflow, binary content, deep nesting, and text the grammars choke on each give subjects or
 * a problem with a place, never a hang, a crash or a stack overflow.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { UnitRead } from '../../../src/templates/format.js';
import { python, shell } from './read-helpers.js';
import { claimant, found, readFiles } from './unit-helpers.js';

function wellFormed(read: UnitRead): void {
  for (const problem of read.problems) assert.ok(problem.location.line >= 1 && problem.location.column >= 1, 'problems have a 1-based place');
  for (const subject of read.subjects) {
    for (const side of [subject.launch, subject.snapshot]) {
      for (const item of [...side.grants, ...side.unknowns, ...side.invalid]) {
        assert.ok(item.location.kind === 'source' && item.location.line >= 1 && item.location.column >= 1);
      }
    }
  }
}

const CALL = 'aws ec2 modify-image-attribute --image-id x --launch-permission "Add=[{Group=all}]"\n';

describe('script readers under random input (fast-check)', () => {
  const shellAlphabet = fc.constantFrom(...'"\'`$(){}[]|&;<>\\\n #=,-'.split(''), 'aws ec2 modify-image-attribute ', '--launch-permission ', 'Add=[{Group=all}]', '--user-ids ', 'if ', 'then ', 'fi', 'case ', 'esac', '<<EOF\n', 'EOF\n', '${X:-all}', 'X=all\n');
  const pythonAlphabet = fc.constantFrom(...'"\'(){}[]:,=.\n #\\'.split(''), 'ec2.modify_image_attribute(', 'LaunchPermission=', "{'Add': [{'Group': 'all'}]}", 'groups=', "'all'", 'def f(x):\n    ', 'if x:\n    ', 'f"{x}"', 'X = ');

  it('shell: any text gives subjects or problems, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(shellAlphabet, { maxLength: 120 }).map((parts) => parts.join('')), async (text) => wellFormed(await shell(text))),
      { numRuns: 200, seed: 20261130 },
    );
  });

  it('python: any text gives subjects or problems, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pythonAlphabet, { maxLength: 120 }).map((parts) => parts.join('')), async (text) => wellFormed(await python(text))),
      { numRuns: 200, seed: 20261130 },
    );
  });
});

describe('hostile files', () => {
  it('a script over the size limit that mentions a call is a problem, not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-scripts-huge-'));
    writeFileSync(join(dir, 'huge.sh'), CALL + '#'.repeat(17 * 1024 * 1024));
    const read = await readFiles(dir, ['huge.sh']);
    assert.equal(read.subjects.length, 0);
    assert.equal(read.problems.length, 1);
    assert.match(read.problems[0]?.message ?? '', /over the 16 MB limit/);
    assert.equal(read.problems[0]?.location.file, 'huge.sh');
  });

  it('a 1 MB script is read, with its call at the right line', async () => {
    const filler = Array.from({ length: 30_000 }, (_, index) => `echo "step ${index} padding padding"`).join('\n');
    const read = await shell(`${filler}\n${CALL}`);
    assert.equal(read.subjects[0]?.launch.grants[0]?.location.kind === 'source' ? read.subjects[0].launch.grants[0].location.line : 0, 30_001);
  });

  it('a FIFO named like a script, a Python file or a workflow does not hang: the sniff says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-scripts-fifo-'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'deploy.sh'), join(dir, 'publish.py'), join(dir, '.github', 'workflows', 'release.yml')]);
    for (const path of ['deploy.sh', 'publish.py', '.github/workflows/release.yml']) {
      assert.deepEqual(claimant(found(dir, path)), { reason: 'not a regular file: a FIFO (named pipe)' }, path);
    }
  });

  it('binary content is not a script, even with a call in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-scripts-binary-'));
    writeFileSync(join(dir, 'tool.sh'), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]), Buffer.from(CALL)]));
    writeFileSync(join(dir, 'tool.py'), Buffer.concat([Buffer.from([0x00, 0x00]), Buffer.from('c.modify_image_attribute(groups="all")')]));
    assert.equal(claimant(found(dir, 'tool.sh')), undefined);
    assert.equal(claimant(found(dir, 'tool.py')), undefined);
  });

  it('deep nesting: command substitutions, Python lists, JSON and YAML', async () => {
    const deepShell = await shell(`${'x=$('.repeat(3000)}${')'.repeat(3000)}\n${CALL}`);
    wellFormed(deepShell);
    assert.equal(deepShell.subjects.length, 1);
    const deepPython = await python(`c.modify_image_attribute(LaunchPermission={'Add': ${'['.repeat(5000)}${']'.repeat(5000)}})\n`);
    wellFormed(deepPython);
    assert.equal(deepPython.subjects[0]?.launch.unknowns.length, 1, 'an unreadable permission list is unknown, not nothing');
    const deepJson = await shell(`aws ec2 modify-image-attribute --image-id x --launch-permission '${'['.repeat(5000)}${']'.repeat(5000)}'\n`);
    assert.equal(deepJson.subjects[0]?.launch.unknowns.length, 1);
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-scripts-deep-'));
    writeFileSync(join(dir, 'buildspec.yml'), `phases:\n  build:\n    commands: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n# modify-image-attribute\n`);
    const deepYaml = await readFiles(dir, ['buildspec.yml']);
    assert.equal(deepYaml.problems.length, 1);
    assert.match(deepYaml.problems[0]?.message ?? '', /nested too deeply/);
  });
});
