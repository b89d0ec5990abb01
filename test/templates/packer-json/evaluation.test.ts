import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvaluatedScalar } from '../../../src/templates/model.js';
import { toImageSubject } from '../../../src/templates/subject.js';
import { at, only, options, readFixture, readText, values, varFiles } from './read-fixture.js';

const LOCATIONS = 'locations.json';

describe('readPackerJson: positions and provenance', () => {
  const result = readFixture(LOCATIONS);
  const image = only(result.images);

  it('reads the builder with its name, type and object position', () => {
    assert.deepEqual(result.problems, []);
    assert.equal(image.format, 'packer-json');
    assert.equal(image.type, 'amazon-ebs');
    assert.equal(image.name, 'main');
    assert.equal(image.file, LOCATIONS);
    assert.deepEqual(image.location, at(LOCATIONS, 8, 5, 18, 6));
  });

  it('places a value from a variable at the use site, with the default as origin', () => {
    const field = image.fields.ami_groups;
    assert.deepEqual(field?.location, at(LOCATIONS, 12, 7, 12, 40));
    assert.deepEqual(field?.items, [
      {
        kind: 'known',
        value: 'all',
        location: at(LOCATIONS, 12, 21, 12, 40),
        via: '{{user `groups`}}',
        origin: at(LOCATIONS, 3, 15, 3, 20),
      },
    ]);
  });

  it('keeps list elements whole, each at its own position', () => {
    assert.deepEqual(image.fields.ami_users?.items, [
      { kind: 'known', value: '777788889999', location: at(LOCATIONS, 13, 21, 13, 35) },
      {
        kind: 'known',
        value: '111122223333,444455556666',
        location: at(LOCATIONS, 13, 37, 13, 57),
        via: '{{user `users`}}',
        origin: at(LOCATIONS, 4, 14, 4, 41),
      },
    ]);
  });

  it('splits a string on commas, every item at the string', () => {
    const shared = { location: at(LOCATIONS, 14, 25, 14, 43), via: '{{user `users`}}', origin: at(LOCATIONS, 4, 14, 4, 41) };
    assert.deepEqual(image.fields.snapshot_users?.items, [
      { kind: 'known', value: '111122223333', ...shared },
      { kind: 'known', value: '444455556666', ...shared },
    ]);
  });

  it('makes a required variable unknown, pointing at its declaration', () => {
    assert.deepEqual(image.fields.ami_org_arns?.items, [
      {
        kind: 'unknown',
        reason: 'variable "org" has no default and no value was given',
        location: at(LOCATIONS, 15, 24, 15, 42),
        via: '{{user `org`}}',
        origin: at(LOCATIONS, 5, 12, 5, 16),
      },
    ]);
  });

  it('evaluates ami_name, encrypt_boot and the customer key', () => {
    assert.deepEqual(image.amiName, { kind: 'known', value: 'base-all', location: at(LOCATIONS, 11, 7, 11, 43) });
    assert.deepEqual(image.encryptBoot, { kind: 'known', value: true, location: at(LOCATIONS, 16, 7, 16, 29) });
    assert.deepEqual(image.customerKmsKey, { kind: 'known', value: true, location: at(LOCATIONS, 17, 7, 17, 35) });
  });

  it('gives a --var value no origin, and a var-file value the var-file entry as origin', () => {
    const passed = only(readFixture(LOCATIONS, options({ variables: [{ kind: 'var', name: 'org', value: 'arn:x' }] })).images);
    const org = passed.fields.ami_org_arns?.items[0];
    assert.equal(org?.kind, 'known');
    assert.equal(org.value, 'arn:x');
    assert.equal(org.origin, undefined);
    assert.equal(org.via, '{{user `org`}}');

    const fromFile = only(readFixture('precedence.json', options({ variables: varFiles('precedence-second.vars.json') })).images);
    assert.deepEqual(fromFile.fields.ami_users?.items[0]?.origin, at('precedence-second.vars.json', 2, 12, 2, 26));
  });
});

describe('readPackerJson: where values come from', () => {
  it('applies defaults, then var-files in command-line order, then every --var wherever it stands', () => {
    const read = (...variables: Parameters<typeof options>[0][]) =>
      only(readFixture('precedence.json', options(Object.assign({}, ...variables))).images);
    assert.deepEqual(values(read(), 'ami_users'), ['111111111111']);
    assert.deepEqual(values(read(), 'ami_groups'), []);

    const fileThenFile = read({ variables: varFiles('precedence-first.vars.json', 'precedence-second.vars.json') });
    assert.deepEqual(values(fileThenFile, 'ami_users'), ['333333333333']);
    assert.deepEqual(values(fileThenFile, 'ami_groups'), ['all']);

    const varThenFile = read({
      variables: [{ kind: 'var', name: 'users', value: '444444444444' }, ...varFiles('precedence-first.vars.json')],
    });
    assert.deepEqual(values(varThenFile, 'ami_users'), ['444444444444']);
    assert.deepEqual(values(varThenFile, 'ami_groups'), ['all']);

    const fileThenVar = read({
      variables: [...varFiles('precedence-first.vars.json'), { kind: 'var', name: 'groups', value: '' }],
    });
    assert.deepEqual(values(fileThenVar, 'ami_groups'), []);
    assert.deepEqual(values(fileThenVar, 'ami_users'), ['222222222222']);
  });

  it('takes a value for an undeclared variable from --var, as Packer does', () => {
    const text = '{"builders": [{"type": "amazon-ebs", "ami_users": "{{user `ami_users`}}"}]}';
    assert.deepEqual(values(only(readText('t.json', text).images), 'ami_users'), [
      '?user variable "ami_users" is not declared in "variables"',
    ]);
    const passed = options({ variables: [{ kind: 'var', name: 'ami_users', value: '111122223333,444455556666' }] });
    assert.deepEqual(values(only(readText('t.json', text, passed).images), 'ami_users'), ['111122223333', '444455556666']);
  });

  it('leaves {{env}} defaults unknown without --use-env, naming the environment variable', () => {
    const image = only(readFixture('env.json').images);
    assert.deepEqual(values(image, 'ami_groups'), ['?{{env `AMI_GROUPS`}} is not read without --use-env']);
    assert.deepEqual(values(image, 'ami_users'), ['?{{env `AMI_USERS`}} is not read without --use-env']);
    assert.equal(image.fields.ami_groups?.items[0]?.via, '{{user `groups`}}');
  });

  it('reads {{env}} defaults with --use-env; an unset variable is empty', () => {
    const image = only(readFixture('env.json', options({ useEnv: true, env: { AMI_GROUPS: 'all' } })).images);
    assert.deepEqual(values(image, 'ami_groups'), ['all']);
    assert.deepEqual(values(image, 'ami_users'), []);
  });

  it('refuses {{env}} outside "variables" even with --use-env, as Packer does', () => {
    const image = only(readFixture('env.json', options({ useEnv: true, env: { AMI_GROUPS: 'all' } })).images);
    assert.deepEqual(values(image, 'snapshot_groups'), [
      '?{{env `AMI_GROUPS`}} is only allowed in "variables"; Packer rejects it in a builder',
    ]);
  });

  it('resolves variables that refer to other variables, in any order', () => {
    const text = JSON.stringify({
      variables: { c: '{{user `b`}}3', a: '1', b: '{{user `a`}}2' },
      builders: [{ type: 'amazon-ebs', ami_users: '{{user `c`}}' }],
    });
    assert.deepEqual(values(only(readText('t.json', text).images), 'ami_users'), ['123']);
  });

  it('refuses a cycle of variables as Packer does ("Failed to interpolate"), at each variable: nothing is shared', () => {
    const text = JSON.stringify({
      variables: { a: 'x{{user `b`}}', b: '{{user `c`}}', c: '{{user `a`}}', self: '{{user `self`}}', fine: '1' },
      builders: [{ type: 'amazon-ebs', ami_users: '{{user `a`}}', ami_groups: ['{{user `b`}}', '{{user `self`}}'] }],
    });
    const result = readText('t.json', text);
    assert.deepEqual(result.images, []);
    assert.deepEqual(
      result.problems.map((problem) => [problem.message, problem.location.column]),
      [
        ['Packer cannot interpolate user variable "a" and stops before building ("Failed to interpolate"): user variables refer to each other in a cycle: a -> b -> c -> a', 19],
        ['Packer cannot interpolate user variable "self" and stops before building ("Failed to interpolate"): user variables refer to each other in a cycle: self -> self', 80],
      ],
    );
  });

  it('refuses a chain of references deeper than Packer\'s 100 rounds with an error naming them, without a stack overflow', () => {
    const variables: Record<string, string> = { v0: '111122223333' };
    for (let index = 1; index <= 5000; index += 1) variables[`v${index}`] = `{{user \`v${index - 1}\`}}`;
    const text = JSON.stringify({ variables, builders: [{ type: 'amazon-ebs', ami_users: '{{user `v5000`}}' }] });
    const result = readText('t.json', text);
    assert.deepEqual(result.images, []);
    const [first] = result.problems;
    assert.match(first?.message ?? '', /: user variables nest more than 100 deep, past Packer's budget of 100 interpolation rounds$/);
    assert.equal(first?.location.line, 1);
  });

  it('names the function that makes a sharing value unknown', () => {
    const text = JSON.stringify({
      variables: { stamp: '{{timestamp}}' },
      builders: [
        {
          type: 'amazon-ebs',
          ami_users: ['{{uuid}}', '{{user `stamp`}}', '{{ .SourceAMIOwner }}', '{{ user `x` | lower }}', '{{vault `a` `b`}}'],
          ami_groups: '{{user `missing`',
        },
      ],
    });
    const image = only(readText('t.json', text).images);
    assert.deepEqual(values(image, 'ami_users'), [
      '?template function "uuid" (in {{uuid}}) is only known when Packer runs',
      '?template function "timestamp" (in {{timestamp}}) is only known when Packer runs',
      '?{{ .SourceAMIOwner }} is build data, only known while Packer builds',
      '?template function "lower" (in {{ user `x` | lower }}) is not evaluated by amiguard',
      '?template function "vault" (in {{vault `a` `b`}}) reads a value from outside the template',
    ]);
    assert.deepEqual(values(image, 'ami_groups'), ['?invalid template: unclosed action "{{user `missing`"']);
  });

  it('reads {{user}} in every spelling, several per string, embedded in text', () => {
    const text = JSON.stringify({
      variables: { a: '1111', b: '2222', c: '3333' },
      builders: [{ type: 'amazon-ebs', ami_users: ['{{user `a`}}{{ user "b" }}{{- user `c` -}}', 'x-{{user `a`}}-y'] }],
    });
    assert.deepEqual(values(only(readText('t.json', text).images), 'ami_users'), ['111122223333', 'x-1111-y']);
  });

  it('splits on commas after rendering, keeping the known items beside an unknown one', () => {
    const text = JSON.stringify({
      variables: { both: '111122223333,444455556666', gone: null },
      builders: [
        {
          type: 'amazon-ebs',
          ami_users: '777788889999,{{user `both`}}',
          snapshot_users: '777788889999,{{user `gone`}},888899990000',
          ami_groups: ',',
          snapshot_groups: 'all,',
        },
      ],
    });
    const image = only(readText('t.json', text).images);
    assert.deepEqual(values(image, 'ami_users'), ['777788889999', '111122223333', '444455556666']);
    assert.deepEqual(values(image, 'snapshot_users'), [
      '777788889999',
      '?variable "gone" has no default and no value was given',
      '888899990000',
    ]);
    assert.deepEqual(values(image, 'ami_groups'), ['', '']);
    assert.deepEqual(values(image, 'snapshot_groups'), ['all', '']);
    const [first, second] = image.fields.ami_users?.items ?? [];
    assert.equal(first?.via, undefined, 'a literal item names no variable');
    assert.equal(second?.via, '{{user `both`}}');
  });

  it('coerces as mapstructure does: numbers to decimal strings, "" elements kept', () => {
    const text = '{"builders": [{"type": "amazon-ebs", "ami_users": [111122223333, "", 1e12, null], "snapshot_users": 444455556666, "ami_groups": null}]}';
    const image = only(readText('t.json', text).images);
    assert.deepEqual(values(image, 'ami_users'), ['111122223333', '', '1000000000000', '']);
    assert.deepEqual(values(image, 'snapshot_users'), ['444455556666']);
    assert.deepEqual(values(image, 'ami_groups'), []);
  });

  it('matches setting names case-insensitively, and refuses a duplicate key like Packer', () => {
    const image = only(readText('t.json', '{"Builders": [{"Type": "amazon-ebs", "AMI_Groups": ["all"], "ami_users": ["111122223333"]}]}').images);
    assert.deepEqual(values(image, 'ami_groups'), ['all']);
    assert.deepEqual(values(image, 'ami_users'), ['111122223333']);
    const text = '{"Builders": [{"Type": "amazon-ebs", "AMI_Groups": ["all"], "ami_users": ["1"], "ami_users": ["111122223333"]}]}';
    const result = readText('t.json', text);
    assert.deepEqual(result.images, []);
    assert.deepEqual(
      result.problems.map((problem) => [problem.message, problem.location.column]),
      [['duplicate key "ami_users": Packer rejects a template with duplicate keys', 81]],
    );
  });

  it('reads encrypt_boot strings as Go does, and unset when empty', () => {
    const read = (settings: Record<string, unknown>) =>
      only(readText('t.json', JSON.stringify({ builders: [{ type: 'amazon-ebs', ...settings }] })).images);
    const scalar = (value: EvaluatedScalar<boolean> | undefined) =>
      value === undefined ? undefined : value.kind === 'known' ? value.value : `?${value.reason}`;
    assert.equal(scalar(read({ encrypt_boot: 'false' }).encryptBoot), false);
    assert.equal(scalar(read({ encrypt_boot: 'T' }).encryptBoot), true);
    assert.equal(scalar(read({ encrypt_boot: '' }).encryptBoot), undefined);
    assert.deepEqual(read({ encrypt_boot: 'yes' }).encryptBoot, {
      kind: 'unknown',
      reason: '"yes" is not true or false, and Packer rejects it',
      location: at('t.json', 1, 35, 1, 55),
    });
    assert.equal(scalar(read({ encrypt_boot: true, kms_key_id: '' }).customerKmsKey), false);
    const regional = { encrypt_boot: true, kms_key_id: '', region_kms_key_ids: { 'us-east-1': 'alias/x' } };
    assert.equal(scalar(read(regional).customerKmsKey), true);
    assert.equal(scalar(read({ kms_key_id: '{{user `missing`}}' }).customerKmsKey), '?user variable "missing" is not declared in "variables"');
    assert.equal(read({ encrypt_boot: true }).customerKmsKey, undefined);
  });
});

describe('readPackerJson: comma-separated strings as AWS receives them', () => {
  const text = [
    '{"builders": [{',
    '  "type": "amazon-ebs",',
    '  "ami_users": "111111111111, 222222222222",',
    '  "ami_groups": "all",',
    '  "snapshot_users": "333333333333,444444444444"',
    '}]}',
  ].join('\n');
  const image = only(readText('t.json', text).images);

  it('splits without trimming: the item after ", " keeps its space', () => {
    assert.deepEqual(values(image, 'ami_users'), ['111111111111', ' 222222222222']);
    assert.deepEqual(image.fields.ami_users?.items[1]?.location, at('t.json', 3, 16, 3, 44));
  });

  it('counts no grant from a field AWS rejects whole, and reports the bad item', () => {
    const subject = toImageSubject(image);
    assert.deepEqual(
      subject.launch.grants.map((grant) => `${grant.field} ${JSON.stringify(grant.grantee)}`),
      ['ami_groups {"kind":"public"}'],
    );
    assert.deepEqual(
      subject.launch.invalid.map((entry) => [entry.field, entry.raw, entry.problem, entry.location]),
      [
        [
          'ami_users',
          ' 222222222222',
          '" 222222222222" is not an account id: it has surrounding white space; AWS rejects the whole ami_users change, so none of its 2 values is shared',
          at('t.json', 3, 16, 3, 44),
        ],
      ],
    );
    assert.deepEqual(
      subject.snapshot.grants.map((grant) => grant.grantee),
      [{ kind: 'account', id: '333333333333' }, { kind: 'account', id: '444444444444' }],
    );
  });
});
