/**
 * Hostile input to the Ansible reader: huge, FIFO, binary, deeply nested, alias bombs, files the
 * parser rejects, include cycles, random text. Each gives a problem with a place, never a hang,
 * a crash or a stack overflow.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ansibleFormat } from '../../../src/templates/ansible/index.js';
import { evaluateExpression } from '../../../src/templates/ansible/jinja.js';
import { AnsibleReader } from '../../../src/templates/ansible/playbook.js';
import { looksLikeAnsible } from '../../../src/templates/ansible/sniff.js';
import { parseYaml } from '../../../src/templates/ansible/yaml-tree.js';
import type { UnitContext } from '../../../src/templates/format.js';
import { Variables } from '../../../src/templates/ansible/variables.js';
import { sourceLocation } from '../../../src/core/index.js';
import { readAnsibleTree } from './read-ansible.js';

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'amiguard-ansible-hostile-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const found = (root: string, path: string) => ({ absolute: join(root, path), path, name: path.split('/').at(-1) ?? path, folder: dirname(join(root, path)), named: true });

describe('Ansible: hostile files', () => {
  it('a file over the size limit is a problem; its head is sniffed, not the whole file', async () => {
    const huge = `- hosts: all\n  tasks:\n${'    - debug: msg=x\n'.repeat(1_000_000)}`;
    const root = tree({ 'site.yml': huge });
    assert.equal(ansibleFormat.sniff?.(found(root, 'site.yml')), true);
    const read = await readAnsibleTree(root);
    assert.deepEqual(
      read.problems.map((problem) => [problem.message, problem.location.line]),
      [['cannot read template: 18.1 MB, over the 16 MB limit', 1]],
    );
  });

  it('a FIFO named like a playbook or a role task file neither hangs nor is read', async () => {
    const root = tree({});
    mkdirSync(join(root, 'roles/web/tasks'), { recursive: true });
    execFileSync('mkfifo', [join(root, 'site.yml'), join(root, 'roles/web/tasks/main.yml')]);
    assert.notEqual(ansibleFormat.sniff?.(found(root, 'site.yml')), true, 'returns at once, not sniffed as Ansible');
    const read = await readAnsibleTree(root);
    assert.deepEqual(read.problems.map((problem) => `${problem.location.file}: ${problem.message}`), ['roles/web/tasks/main.yml: cannot read template: not a regular file: a FIFO (named pipe)']);
  });

  it('binary content is not sniffed as Ansible, and is a problem where its path claims it', async () => {
    const binary = Buffer.from([0x2d, 0x20, 0x00, 0xff, 0x10, 0x0a]);
    const root = tree({ 'site.yml': binary, 'roles/web/tasks/main.yml': binary });
    assert.equal(ansibleFormat.sniff?.(found(root, 'site.yml')), false);
    const read = await readAnsibleTree(root);
    assert.deepEqual(read.problems.map((problem) => problem.message), ['binary file (it contains NUL bytes), not a template']);
  });

  it('deep nesting is refused before the YAML library sees it (it would overflow or abort)', () => {
    for (const text of [`- ec2_ami: ${'['.repeat(100_000)}`, `- ec2_ami: ${'{a: '.repeat(50_000)}`, `${'- '.repeat(20_000)}x`]) {
      const parsed = parseYaml('deep.yml', text);
      assert.equal(parsed.root, undefined);
      assert.match(parsed.problems[0]?.message ?? '', /nested deeper than 128 levels/);
    }
  });

  it('an alias bomb is a problem, not a billion nodes', () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let level = 1; level < 10; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const parsed = parseYaml('bomb.yml', `${lines.join('\n')}\n`);
    assert.match(parsed.problems[0]?.message ?? '', /more than 200000 YAML nodes/);
  });

  it('a syntax error is a problem at its line and column', async () => {
    const read = await readAnsibleTree(tree({ 'site.yml': '- hosts: all\n  tasks:\n    - ec2_ami: {image_id: ami-1\n' }));
    assert.equal(read.problems.length, 1);
    assert.match(read.problems[0]?.message ?? '', /^YAML syntax error: /);
    assert.equal(read.problems[0]?.location.line, 4);
  });

  it('include cycles and self-referencing variables end', async () => {
    const read = await readAnsibleTree(
      tree({
        'a.yml': '- include_tasks: b.yml\n- ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: "{{ x }}"}}\n  vars:\n    x: "{{ x }}"\n',
        'b.yml': '- include_tasks: a.yml\n',
      }),
    );
    assert.deepEqual(read.subjects.flatMap((subject) => subject.launch.unknowns.map((entry) => entry.reason)), ['variable "x" refers to itself']);
  });
});

describe('Ansible: random input never throws (fast-check)', () => {
  const alphabet = fc.constantFrom(...'-:{}[]"\'\n #&*|>!,'.split(''), '  ', 'hosts', 'tasks', 'ec2_ami', 'launch_permissions', 'group_names', 'all', '{{ ', ' }}', 'when', 'block', 'set_fact', 'include_tasks', 'x.yml', '<<', '&a ', '*a', 'loop');
  const text = fc.array(alphabet, { maxLength: 200 }).map((parts) => parts.join(''));

  it('parse, sniff and read', () => {
    fc.assert(
      fc.property(text, (source) => {
        looksLikeAnsible(source, false);
        const context: UnitContext = {
          cwd: tmpdir(),
          variables: [],
          useEnv: false,
          env: {},
          load: (path) => ({ path, text: source }),
          readVarFile: () => '',
          readCode: () => Promise.resolve({ subjects: [], problems: [] }),
        };
        const reader = new AnsibleReader(context);
        reader.readEntry('random.yml');
        for (const problem of reader.problems) assert.ok(problem.location.line >= 1 && problem.location.column >= 1);
      }),
      { numRuns: 400, seed: 20261130 },
    );
  });

  it('Jinja expressions', () => {
    const scope = new Variables([], new Map(), new Map(), 'nowhere');
    const expression = fc.array(fc.constantFrom(...'()[]{}|.,~+-:\'"=!<> '.split(''), 'x', 'default', 'if', 'else', 'and', 'not', '1', "'all'", 'lookup'), { maxLength: 40 });
    fc.assert(
      fc.property(expression, (parts) => {
        const value = evaluateExpression(parts.join(''), sourceLocation('x.yml', 1, 1), scope);
        assert.ok(['scalar', 'list', 'map', 'unknown'].includes(value.kind));
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
