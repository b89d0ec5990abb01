/** The Ansible reader on small trees: what is a grant, where its values come from, what stays unknown. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { ImageSubject, Location } from '../../../src/core/index.js';
import { ansibleFormat, groupByTree } from '../../../src/templates/ansible/index.js';
import { looksLikeAnsible } from '../../../src/templates/ansible/sniff.js';
import type { VariableInput } from '../../../src/templates/model.js';
import { readAnsibleTree } from './read-ansible.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'amiguard-ansible-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function read(files: Record<string, string>, variables: readonly VariableInput[] = []) {
  return readAnsibleTree(tree(files), { variables });
}

/** Every grant as `side kind value @line:column (condition)`. */
function grants(subjects: readonly ImageSubject[]): string[] {
  return subjects.flatMap((subject) =>
    (['launch', 'snapshot'] as const).flatMap((side) => [
      ...subject[side].grants.map((grant) => {
        const value = grant.grantee.kind === 'account' ? grant.grantee.id : grant.grantee.kind === 'public' ? 'all' : grant.grantee.arn;
        return `${side} ${grant.field}=${value} @${place(grant.location)}${grant.condition === undefined ? '' : ` (${grant.condition})`}`;
      }),
      ...subject[side].unknowns.map((entry) => `${side} ${entry.field}=? ${entry.reason}`),
      ...subject[side].invalid.map((entry) => `${side} ${entry.field}!=${entry.raw}`),
    ]),
  );
}

function place(location: Location): string {
  return location.kind === 'source' ? `${location.line}:${location.column}` : location.resourceId;
}

const PLAY = (tasks: string, head = ''): string => `- hosts: localhost\n${head}  tasks:\n${tasks}`;

describe('Ansible: grants', () => {
  it('reads ec2_ami launch_permissions under every module name, with line and column of each value', async () => {
    const result = await read({
      'site.yml': PLAY(
        [
          '    - name: share',
          '      amazon.aws.ec2_ami:',
          '        image_id: ami-1',
          '        launch_permissions:',
          '          group_names: [all]',
          '          user_ids: [123456789012]',
          '          org_arns: ["arn:aws:organizations::123456789012:organization/o-123ab4cdef"]',
          '    - community.aws.ec2_ami:',
          '        image_id: ami-1',
          '        launch_permissions: {user_ids: ["210987654321"]}',
          '',
        ].join('\n'),
      ),
    });
    assert.deepEqual(grants(result.subjects), [
      'launch launch_permissions.group_names=all @7:25',
      'launch launch_permissions.user_ids=123456789012 @8:22',
      'launch launch_permissions.org_arns=arn:aws:organizations::123456789012:organization/o-123ab4cdef @9:22',
      'launch launch_permissions.user_ids=210987654321 @12:41',
    ]);
    assert.equal(result.subjects[0]?.name, 'task "share"');
    assert.equal(result.subjects[1]?.name, 'task community.aws.ec2_ami (line 10)');
  });

  it('records a task or block when: as the condition, and the grant counts', async () => {
    const result = await read({
      'tasks.yml': [
        '- when: env == "prod"',
        '  block:',
        '    - ec2_ami:',
        '        image_id: ami-1',
        '        launch_permissions: {group_names: [all]}',
        '      when: production_tag',
        '',
      ].join('\n'),
    });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.group_names=all @5:44 (when: env == "prod" and production_tag)']);
  });

  it('state: absent, check_mode: true, an empty list and ec2_ami_copy grant nothing', async () => {
    const result = await read({
      'tasks.yml': [
        '- ec2_ami: {image_id: ami-1, state: absent, launch_permissions: {group_names: [all]}}',
        '- ec2_ami: {image_id: ami-1, launch_permissions: {group_names: [all]}}',
        '  check_mode: true',
        '- ec2_ami: {image_id: ami-1, launch_permissions: {group_names: []}}',
        '- ec2_ami_copy: {source_image_id: ami-1, source_region: us-east-1, region: eu-west-1}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(grants(result.subjects), []);
  });

  it('reads ec2_snapshot only when modify_create_vol_permission is on; a string is split at commas', async () => {
    const result = await read({
      'tasks.yml': [
        '- amazon.aws.ec2_snapshot: {snapshot_id: snap-1, user_ids: ["111111111111"]}',
        '- amazon.aws.ec2_snapshot: {snapshot_id: snap-1, modify_create_vol_permission: yes, user_ids: "111111111111,222222222222"}',
        '- ec2_snapshot: snapshot_id=snap-1 modify_create_vol_permission=true group_names=all',
        '- ec2_snapshot: {snapshot_id: snap-1, state: absent, modify_create_vol_permission: true, group_names: [all]}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(grants(result.subjects), ['snapshot user_ids=111111111111 @2:95', 'snapshot user_ids=222222222222 @2:95', 'snapshot group_names=all @3:82']);
    assert.equal(result.subjects[0]?.type, 'snapshot');
  });

  it('an unknown modify_create_vol_permission still counts, with the condition named; handlers and rescues say where they run', async () => {
    const result = await read({
      'site.yml': PLAY(
        [
          '    - block:',
          '        - ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: ["123456789012"]}}',
          '      rescue:',
          '        - ec2_snapshot: {snapshot_id: snap-1, modify_create_vol_permission: "{{ share }}", group_names: [all]}',
          '  handlers:',
          '    - ec2_ami: {image_id: ami-1, launch_permissions: {group_names: [all]}}',
          '',
        ].join('\n'),
      ),
    });
    assert.deepEqual(grants(result.subjects).map((line) => line.replace(/ @\S+/, '')), [
      'launch launch_permissions.user_ids=123456789012',
      'snapshot group_names=all (in a rescue, which runs only when the block fails; if modify_create_vol_permission ({{ share }}) is true)',
      'launch launch_permissions.group_names=all (in a handler, which runs only when notified)',
    ]);
  });

  it('reads free-form k=v arguments, action: and local_action:', async () => {
    const result = await read({
      'tasks.yml': [
        `- ec2_ami: image_id=ami-1 launch_permissions='{"group_names":["all"]}'`,
        '- action: ec2_ami image_id=ami-1 launch_permissions={"user_ids":["123456789012"]}',
        '- local_action:',
        '    module: ec2_ami',
        '    image_id: ami-1',
        '    launch_permissions: {user_ids: ["210987654321"]}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(
      grants(result.subjects).map((line) => line.replace(/ @.*/, '')),
      ['launch launch_permissions.group_names=all', 'launch launch_permissions.user_ids=123456789012', 'launch launch_permissions.user_ids=210987654321'],
    );
  });

  it('a string where ec2_ami expects a list is rejected by AWS (the module sends its characters)', async () => {
    const result = await read({ 'tasks.yml': '- ec2_ami: {image_id: ami-1, launch_permissions: {group_names: all}}\n' });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.group_names!=all']);
  });

  it('a module it does not know is read as ec2_ami when it is given launch_permissions, and says so', async () => {
    const result = await read({ 'tasks.yml': '- my_ec2_ami: {image_id: ami-1, launch_permissions: {group_names: [all]}}\n  register: shared\n' });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.group_names=all @1:68']);
    assert.equal(result.subjects[0]?.type, 'my_ec2_ami (read as ec2_ami)');
  });
});

describe('Ansible: variables', () => {
  const share = '    - ec2_ami:\n        image_id: ami-1\n        launch_permissions:\n          user_ids: "{{ accounts }}"\n          group_names: "{{ groups_to_share }}"\n';

  it('resolves play vars, with the use site as location and the definition as origin', async () => {
    const result = await read({ 'site.yml': PLAY(share, '  vars:\n    accounts: ["123456789012"]\n    groups_to_share: "{{ public_groups }}"\n    public_groups: [all]\n') });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.group_names=all @11:24', 'launch launch_permissions.user_ids=123456789012 @10:21']);
    const grant = result.subjects[0]?.launch.grants[0];
    assert.equal(grant?.via, '{{ groups_to_share }}');
    assert.equal(grant?.origin?.kind === 'source' ? grant.origin.line : 0, 5);
  });

  it('vars_files win over vars; --var-file and --var win over everything (extra vars)', async () => {
    const files = {
      'site.yml': PLAY(share, '  vars:\n    accounts: ["111111111111"]\n    groups_to_share: []\n  vars_files:\n    - vars/main.yml\n'),
      'vars/main.yml': 'accounts: ["222222222222"]\n',
      'extra.yml': 'accounts: ["333333333333"]\n',
    };
    assert.deepEqual(grants((await read(files)).subjects), ['launch launch_permissions.user_ids=222222222222 @11:21']);
    const extra = await read(files, [{ kind: 'var-file', path: 'extra.yml' }]);
    assert.deepEqual(grants(extra.subjects), ['launch launch_permissions.user_ids=333333333333 @11:21']);
    const cli = await read(files, [{ kind: 'var', name: 'groups_to_share', value: '["all"]' }]);
    assert.deepEqual(grants(cli.subjects), ['launch launch_permissions.group_names=all @12:24', 'launch launch_permissions.user_ids=222222222222 @11:21']);
  });

  it('an extra-vars file named like a template of one (vars.yml.template) applies; a broken one is a problem at its line', async () => {
    const files = { 'site.yml': PLAY(share, '  vars:\n    accounts: []\n    groups_to_share: []\n'), 'vars.yml.template': 'accounts: ["111111111111"]\n', 'bad.yml': 'accounts: [\n' };
    assert.deepEqual(grants((await read(files, [{ kind: 'var-file', path: 'vars.yml.template' }])).subjects), ['launch launch_permissions.user_ids=111111111111 @9:21']);
    const broken = await read(files, [{ kind: 'var-file', path: 'bad.yml' }]);
    assert.deepEqual(broken.problems.map((problem) => [problem.location.file, problem.location.line, problem.message.startsWith('YAML syntax error')]), [['bad.yml', 2, true]]);
  });

  it('a var-file that is another format\'s is not applied', async () => {
    const result = await read({ 'site.yml': PLAY(share, '  vars:\n    accounts: []\n    groups_to_share: []\n'), 'prod.tfvars.json': '{"accounts": ["111111111111"]}' }, [
      { kind: 'var-file', path: 'prod.tfvars.json' },
    ]);
    assert.deepEqual(grants(result.subjects), []);
  });

  it('role defaults are below play vars, role vars above; the role is followed from the playbook and read once', async () => {
    const result = await read({
      'site.yml': '- hosts: all\n  vars:\n    accounts: ["111111111111"]\n  roles:\n    - role: share\n      when: ship_it\n',
      'roles/share/defaults/main.yml': 'accounts: ["999999999999"]\ngroups_to_share: [all]\n',
      'roles/share/vars/main.yml': 'groups_to_share: []\n',
      'roles/share/tasks/main.yml': '- include_tasks: grant.yml\n',
      'roles/share/tasks/grant.yml': share.replace(/^ {4}/gm, ''),
    });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.user_ids=111111111111 @4:17 (when: ship_it)']);
    assert.deepEqual(result.claimed, ['roles/share/tasks/grant.yml', 'roles/share/tasks/main.yml', 'site.yml']);
  });

  it('in a role, include_tasks looks in the role\'s tasks/ first', async () => {
    const result = await read({
      'roles/share/tasks/main.yml': '- include_tasks: sub/a.yml\n',
      'roles/share/tasks/sub/a.yml': '- include_tasks: sub/b.yml\n',
      'roles/share/tasks/sub/b.yml': '- ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: ["123456789012"]}}\n',
    });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.user_ids=123456789012 @1:62']);
    assert.deepEqual(result.problems, []);
  });

  it('a vars_files entry it cannot read is named in the reason of what stays unknown, not a problem', async () => {
    const result = await read({ 'site.yml': PLAY(share, '  vars:\n    groups_to_share: []\n  vars_files:\n    - secrets.yml\n') });
    assert.deepEqual(result.problems, []);
    assert.match(result.subjects[0]?.launch.unknowns[0]?.reason ?? '', /variable "accounts" is not defined in .*; vars_files not read: secrets\.yml$/);
  });

  it('the AMI name is known when ec2_ami names it', async () => {
    const result = await read({ 'tasks.yml': '- ec2_ami: {name: "base-{{ version }}", launch_permissions: {group_names: [all]}}\n  vars: {version: "1.2"}\n' });
    assert.equal(result.subjects[0]?.amiName, 'base-1.2');
  });

  it('import_playbook is followed; the imported playbook gives one subject', async () => {
    const result = await read({
      'a-shared.yml': PLAY('    - ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: "{{ accounts }}"}}\n', '  vars:\n    accounts: ["111111111111"]\n'),
      'site.yml': '- import_playbook: a-shared.yml\n',
    });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.user_ids=111111111111 @5:65']);
  });

  it('a role default that group_vars also set is unknown, with both values (inventory wins over defaults)', async () => {
    const result = await read({
      'site.yml': '- hosts: all\n  roles: [share]\n',
      'roles/share/defaults/main.yml': 'accounts: []\ngroups_to_share: []\n',
      'roles/share/tasks/main.yml': share.replace(/^ {4}/gm, ''),
      'inventories/prod/group_vars/all.yml': 'groups_to_share: [all]\n',
    });
    const unknown = result.subjects[0]?.launch.unknowns[0];
    assert.equal(unknown?.reason, 'role default "groups_to_share" is overridden by inventories/prod/group_vars/all.yml on the hosts those apply to');
    assert.deepEqual(unknown?.mayInclude, ['all']);
    assert.equal(unknown?.origin?.kind === 'source' ? unknown.origin.file : '', 'roles/share/defaults/main.yml');
  });

  it('a variable only group_vars set is unknown with their values: which apply depends on the hosts', async () => {
    const result = await read({
      'site.yml': PLAY(share, '  vars:\n    groups_to_share: []\n'),
      'group_vars/prod.yml': 'accounts: ["111111111111"]\n',
      'group_vars/dev.yml': 'accounts: ["222222222222"]\n',
    });
    const unknown = result.subjects[0]?.launch.unknowns[0];
    assert.equal(unknown?.reason, '"accounts" is set by group_vars/dev.yml, group_vars/prod.yml, which apply depending on the hosts a play runs on');
    assert.deepEqual(unknown?.mayInclude, ['222222222222', '111111111111']);
  });

  it('a role task file alone takes its role defaults', async () => {
    const result = await read({
      'roles/share/defaults/main.yml': 'accounts: ["999999999999"]\ngroups_to_share: []\n',
      'roles/share/tasks/main.yml': share.replace(/^ {4}/gm, ''),
    });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.user_ids=999999999999 @4:17']);
  });

  it('follows a literal set_fact passed whole as launch_permissions', async () => {
    const result = await read({
      'tasks.yml': [
        '- set_fact:',
        '    perms:',
        '      user_ids: ["{{ dest }}", "123456789012"]',
        '- ec2_ami: {image_id: ami-1, launch_permissions: "{{ perms }}"}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(grants(result.subjects).map((line) => line.replace(/ \(inventory.*/, '')), [
      'launch launch_permissions.user_ids=123456789012 @4:50',
      'launch launch_permissions.user_ids=? variable "dest" is not defined in the play, its vars_files, the role\'s defaults and vars, group_vars, host_vars, or --var / --var-file',
    ]);
  });

  it('registered results, facts, lookups and filters it does not evaluate are unknowns naming them', async () => {
    const result = await read({
      'tasks.yml': [
        '- name: find',
        '  ec2_ami_info: {owners: self}',
        '  register: found',
        '- ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: "{{ found.images }}"}}',
        `- ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: "{{ lookup('env', 'ACCOUNTS') }}"}}`,
        `- ec2_ami: {image_id: ami-1, launch_permissions: {group_names: "{{ groups_csv | regex_replace('x', 'y') }}"}}`,
        '- ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: ["{{ ansible_facts.account }}"]}}',
        '',
      ].join('\n'),
      'vars.yml': 'x: 1\n',
    }, [{ kind: 'var', name: 'groups_csv', value: 'all' }]);
    assert.deepEqual(grants(result.subjects), [
      'launch launch_permissions.user_ids=? "found" is the result of task "find", known only at run time',
      `launch launch_permissions.user_ids=? lookup() in "{{ lookup('env', 'ACCOUNTS') }}" is evaluated at run time`,
      `launch launch_permissions.group_names=? "{{ groups_csv | regex_replace('x', 'y') }}" is not evaluated by amiguard (the filter "regex_replace")`,
      'launch launch_permissions.user_ids=? "ansible_facts" is set by Ansible at run time',
    ]);
    assert.equal(result.subjects[2]?.launch.unknowns[0]?.expects, 'group', 'an unknown group may be public');
    assert.equal(result.subjects[0]?.launch.unknowns[0]?.origin, undefined, 'a run-time value has no definition to point to');
  });

  it('a vars_prompt variable is known only when the playbook runs, unless --var gives it', async () => {
    const files = { 'site.yml': PLAY(share, '  vars_prompt:\n    - name: accounts\n      prompt: Accounts?\n  vars:\n    groups_to_share: []\n') };
    assert.deepEqual(grants((await read(files)).subjects), ['launch launch_permissions.user_ids=? "accounts" is prompted for when the playbook runs (vars_prompt)']);
    assert.deepEqual(grants((await read(files, [{ kind: 'var', name: 'accounts', value: '["111111111111"]' }])).subjects), ['launch launch_permissions.user_ids=111111111111 @11:21']);
  });

  it('an unresolved launch_permissions is an unknown that may be public', async () => {
    const result = await read({ 'tasks.yml': '- ec2_ami: {image_id: ami-1, launch_permissions: "{{ perms }}"}\n' });
    assert.equal(result.subjects[0]?.launch.unknowns[0]?.expects, 'any');
  });

  it('default() replaces an undefined variable; a known loop is expanded', async () => {
    const result = await read({
      'tasks.yml': [
        '- ec2_ami:',
        '    image_id: ami-1',
        '    launch_permissions:',
        '      user_ids: ["{{ item }}"]',
        '      group_names: "{{ share_groups | default([]) }}"',
        '  loop: ["111111111111", "222222222222"]',
        '',
      ].join('\n'),
    });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.user_ids=111111111111 @4:18', 'launch launch_permissions.user_ids=222222222222 @4:18']);
  });

  it('evaluates is defined, in and not in in an inline if', async () => {
    const result = await read({
      'tasks.yml': [
        `- ec2_ami: {image_id: ami-1, launch_permissions: {group_names: "{{ ['all'] if extra is defined else [] }}"}}`,
        `- ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: "{{ ['222222222222'] if 'prod' not in envs else [] }}"}}`,
        '  vars: {envs: [dev, prod]}',
        `- ec2_ami: {image_id: ami-1, launch_permissions: {user_ids: "{{ ['111111111111'] if 'prod' in envs else [] }}"}}`,
        '  vars: {envs: [dev, prod]}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.user_ids=111111111111 @4:61']);
  });

  it('a loop over regions gives each grant once', async () => {
    const result = await read({ 'tasks.yml': '- ec2_ami: {image_id: ami-1, region: "{{ item }}", launch_permissions: {group_names: [all]}}\n  loop: [us-east-1, eu-west-1]\n' });
    assert.deepEqual(grants(result.subjects), ['launch launch_permissions.group_names=all @1:87']);
  });

  it('an inline if on an unknown names both arms', async () => {
    const result = await read({ 'tasks.yml': `- ec2_ami: {image_id: ami-1, launch_permissions: {group_names: "{{ ['all'] if public else [] }}"}}\n` });
    assert.deepEqual(result.subjects[0]?.launch.unknowns[0]?.mayInclude, ['all']);
  });
});

describe('Ansible: claiming files', () => {
  const found = (path: string) => ({ absolute: `/x/${path}`, path, name: path.split('/').at(-1) ?? path, folder: '/x', named: false });

  it('claims role task files by path, other YAML by content, never CI files', () => {
    assert.equal(ansibleFormat.claim(found('roles/web/tasks/main.yml')), 'template');
    assert.equal(ansibleFormat.claim(found('site.yml')), 'maybe');
    assert.equal(ansibleFormat.claim(found('.github/workflows/ci.yml')), undefined);
    assert.equal(ansibleFormat.claim(found('buildspec.yml')), undefined);
    assert.equal(ansibleFormat.claim(found('main.tf')), undefined);
  });

  it('groups a tree into one unit: a role joins the folder that holds roles/, a subfolder its ancestor', () => {
    assert.deepEqual(groupByTree(['b/c/d/u.yml', 'a/site.yml', 'a/roles/x/tasks/main.yml', 'b/c/t.yml', 'e/roles/y/tasks/main.yml', '/abs/p.yml']), [
      ['/abs/p.yml'],
      ['a/roles/x/tasks/main.yml', 'a/site.yml'],
      ['b/c/d/u.yml', 'b/c/t.yml'],
      ['e/roles/y/tasks/main.yml'],
    ]);
    assert.deepEqual(groupByTree(['site.yml', 'deep/er/t.yml']), [['deep/er/t.yml', 'site.yml']]);
  });

  it('sniffs plays and tasks, not other YAML lists or mappings', () => {
    assert.equal(looksLikeAnsible('---\n- hosts: all\n  tasks: []\n', false), true);
    assert.equal(looksLikeAnsible('- import_playbook: other.yml\n', false), true);
    assert.equal(looksLikeAnsible('# tasks\n- name: x\n  set_fact:\n    a: 1\n', false), true);
    assert.equal(looksLikeAnsible('- name: x\n  oo_custom_module:\n    a: 1\n  register: r\n', false), true);
    assert.equal(looksLikeAnsible('- name: bug\n  color: red\n- name: feature\n  color: blue\n', false), false);
    const copies = '- name: copy\n  copy: {src: a, dest: b}\n'.repeat(20);
    assert.equal(looksLikeAnsible(`${copies}- name: share\n  ec2_ami: {image_id: ami-1}\n`, false), true, 'a sign anywhere in the head');
    assert.equal(looksLikeAnsible('- hosts: all\n  tasks:', false), true);
    assert.equal(looksLikeAnsible('- hosts: all\n  tasks:', true), false, 'the cut last line is not read');
    assert.equal(looksLikeAnsible('Resources:\n  X:\n    Type: AWS::S3::Bucket\n', false), false);
    assert.equal(looksLikeAnsible('on: push\njobs:\n  build:\n    steps:\n      - run: make\n', false), false);
  });
});
