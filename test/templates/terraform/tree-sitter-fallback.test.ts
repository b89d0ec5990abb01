// test-runner: own process (it checks a read in a process where nothing has loaded tree-sitter yet)
/**
 * A Terraform read that hands deep nesting to tree-sitter, in a process where nothing has
 * loaded it yet: the read runs again with it and gives its reading, not the stand-in's "gave up".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTerraform } from '../../../src/templates/terraform/read.js';
import { memory } from './read-module.js';

describe('Terraform and the tree-sitter fallback', () => {
  it('reads deep nesting with tree-sitter when it is not loaded yet, and says the budget', async () => {
    const text = `locals {\n  x = ${'('.repeat(5000)}"all"${')'.repeat(5000)}\n}\nresource "aws_ami_launch_permission" "x" {\n  group = local.x\n}\n`;
    const read = await readTerraform(['main.tf'], [], memory({ 'main.tf': text }));
    assert.deepEqual(read.problems, []);
    assert.deepEqual(
      read.subjects.flatMap((subject) => subject.launch.unknowns.map((unknown) => unknown.reason)),
      ["evaluation stopped: the expression is nested more than amiguard's budget of 200 levels"],
    );
  });
});
