import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/index.js';
import { parsePackerJsonOnly } from '../../../src/templates/packer-json/index.js';
import { at, only, options, readFixture, readText, values, varFiles } from './read-fixture.js';

/** `message @ line:column` for each problem. */
function problemsOf(text: string, readOptions = options()): string[] {
  return readText('t.json', text, readOptions).problems.map(
    (problem) => `${problem.message} @ ${problem.location.file}:${problem.location.line}:${problem.location.column}`,
  );
}

describe('readPackerJson: files that are not valid templates', () => {
  it('reports invalid JSON once, at the error, in JSON terms', () => {
    assert.deepEqual(problemsOf('{\n  "builders": [\n    {"type": "amazon-ebs",}\n  ]\n}'), [
      'invalid JSON: unexpected "}": JSON allows no comma after the last element @ t.json:3:27',
    ]);
    assert.deepEqual(problemsOf('{"builders": [] // none\n}'), ['invalid JSON: unexpected "/": JSON has no comments @ t.json:1:17']);
    assert.deepEqual(problemsOf("{'builders': []}"), [`invalid JSON: unexpected "'": JSON strings need double quotes @ t.json:1:2`]);
    assert.deepEqual(problemsOf('{"builders": [tru]}'), [
      'invalid JSON: unexpected word "tru": JSON values are strings in double quotes, numbers, true, false or null @ t.json:1:15',
    ]);
    assert.deepEqual(problemsOf('{"a": 1 "b": 2}'), ['invalid JSON: unexpected a string @ t.json:1:9']);
    assert.deepEqual(problemsOf('\u0000\u0001'), ['invalid JSON: unexpected character "\\u0000" @ t.json:1:1']);
  });

  it('reports a truncated file at its end', () => {
    const result = readFixture('truncated.json');
    assert.deepEqual(result.images, []);
    assert.deepEqual(result.problems, [
      {
        message: 'invalid JSON: the file ends before the JSON is complete (is it truncated, or missing a "}" or "]"?)',
        location: at('truncated.json', 6, 1, 6, 1),
      },
    ]);
    assert.deepEqual(problemsOf(''), [
      'invalid JSON: the file ends before the JSON is complete (is it truncated, or missing a "}" or "]"?) @ t.json:1:1',
    ]);
  });

  it('reads through a byte order mark, keeping columns', () => {
    const image = only(readText('t.json', '\uFEFF{"builders": [{"type": "amazon-ebs", "ami_groups": "all"}]}').images);
    assert.deepEqual(values(image, 'ami_groups'), ['all']);
    assert.equal(image.location.column, 15);
  });

  it('survives nesting deep enough to overflow a recursive parser', () => {
    const deep = `{"builders": [{"type": "amazon-ebs", "ami_groups": ["all"]}], "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    assert.deepEqual(problemsOf(deep), [
      // At the 1,001st level: the 1,000th "[" after the 67 characters before "x"'s value.
      'invalid JSON: nested too deeply to read (more than 1000 levels; a Packer template is a few levels deep) @ t.json:1:1067',
    ]);
    assert.deepEqual(problemsOf('['.repeat(100_000)).length, 1);
    parsePackerJsonOnly({ path: 't.json', text: '['.repeat(100_000) });
  });

  it('reads a 10 MB template', () => {
    const builder = { type: 'amazon-ebs', ami_groups: '{{user `groups`}}', ami_users: ['111122223333', '444455556666'], tags: { a: 'x'.repeat(320) } };
    const builders = Array.from({ length: 25_000 }, (_, index) => ({ ...builder, name: `b${index}` }));
    const text = JSON.stringify({ variables: { groups: 'all' }, builders });
    assert.ok(text.length > 10_000_000);
    const result = readText('big.json', text);
    assert.deepEqual(result.problems, []);
    assert.equal(result.images.length, 25_000);
    assert.deepEqual(values(result.images.at(-1), 'ami_groups'), ['all']);
  });
});

describe('readPackerJson: settings of the wrong kind', () => {
  it('reports a top level that is not an object, and a file without builders', () => {
    assert.deepEqual(problemsOf('[]'), ['a Packer JSON template is an object with "builders", found a list @ t.json:1:1']);
    assert.deepEqual(problemsOf('{"ami_users": "1"}'), ['no "builders" in this file: it is not a Packer JSON template @ t.json:1:1']);
  });

  it('reports builders that are not a list, and builders that are not objects', () => {
    assert.deepEqual(problemsOf('{"builders": {"type": "amazon-ebs"}}'), [
      '"builders" must be a list of objects, found an object @ t.json:1:14',
    ]);
    const text = '{"builders": ["amazon-ebs", {"type": 3}, {"type": "amazon-ebs", "ami_groups": ["all"]}]}';
    const result = readText('t.json', text);
    assert.deepEqual(
      result.problems.map((problem) => [problem.message, problem.location.column]),
      [
        ['builders[0] must be an object, found a string', 15],
        ['builders[1].type must be a string, found a number', 38],
      ],
    );
    // Packer refuses the template: nothing of it is shared.
    assert.deepEqual(result.images, []);
  });

  it('reports sharing settings and list elements Packer cannot decode: the template shares nothing', () => {
    const text = '{"builders": [{"type": "amazon-ebs", "ami_groups": {"all": true}, "ami_users": ["111122223333", ["x"]]}]}';
    const result = readText('t.json', text);
    assert.deepEqual(
      result.problems.map((problem) => [problem.message, problem.location.column]),
      [
        ['builders[0].ami_users[1] is a list; Packer expects a string', 97],
        ['builders[0].ami_groups is an object; Packer expects a list of strings or a comma-separated string', 52],
      ],
    );
    assert.deepEqual(result.images, []);
  });

  it('reports post-processor sequences nested in sequences', () => {
    assert.deepEqual(problemsOf('{"builders": [], "post-processors": [[["amazon-import"]], 7]}'), [
      'post-processors[0][0]: a sequence cannot hold another sequence @ t.json:1:39',
      'post-processors[1] must be a type name or an object, found a number @ t.json:1:59',
    ]);
  });

  it('reports variables Packer would refuse: the template shares nothing', () => {
    const text = '{"variables": {"users": ["111122223333"]}, "builders": [{"type": "amazon-ebs", "ami_users": "{{user `users`}}"}]}';
    const result = readText('t.json', text);
    const reason = 'variable "users" has a list as default; Packer accepts only a string or null';
    assert.deepEqual(result.problems, [{ message: reason, location: at('t.json', 1, 25, 1, 41) }]);
    assert.deepEqual(result.images, []);
    assert.deepEqual(problemsOf('{"variables": [], "builders": []}'), [
      '"variables" must be an object of name to default value, found a list @ t.json:1:15',
    ]);
  });
});

describe('readPackerJson: var-files', () => {
  const template = '{"variables": {"users": null}, "builders": [{"type": "amazon-ebs", "ami_users": "{{user `users`}}"}]}';

  it('reports a var-file that cannot be read: Packer stops, nothing is shared', () => {
    const readFile = (path: string): string => {
      throw new InputError(`cannot read var-file ${path}: ENOENT`);
    };
    const result = readText('t.json', template, options({ variables: varFiles('missing.json'), readFile }));
    assert.deepEqual(result.problems, [{ message: 'cannot read var-file missing.json: ENOENT', location: at('t.json', 1, 1, 1, 1) }]);
    assert.deepEqual(result.images, []);
  });

  it('reports invalid JSON in a var-file at its own position', () => {
    const readFile = (): string => '{\n  "users": "111122223333",\n}';
    const result = readText('t.json', template, options({ variables: varFiles('broken-a.json'), readFile }));
    assert.deepEqual(result.problems, [
      {
        message: 'var-file invalid JSON: unexpected "}": JSON allows no comma after the last element',
        location: at('broken-a.json', 3, 1, 3, 1),
      },
    ]);
  });

  it('reports var-file values that are not strings: Packer stops, nothing is shared', () => {
    const readFile = (): string => '{"size": 20, "users": "111122223333", "empty": null}';
    const result = readText('t.json', template, options({ variables: varFiles('mixed-b.json'), readFile }));
    assert.deepEqual(result.problems, [
      {
        message: 'var-file value of "size" is a number; Packer accepts only strings in a var-file',
        location: at('mixed-b.json', 1, 10, 1, 12),
      },
    ]);
    assert.deepEqual(result.images, []);
    assert.deepEqual(problemsOf(template, options({ variables: varFiles('list-c.json'), readFile: () => '[]' })), [
      'a var-file must be a JSON object of variable name to value, found a list @ list-c.json:1:1',
    ]);
  });

  it('lets errors other than InputError through: they are bugs', () => {
    const readFile = (): string => {
      throw new TypeError('bug');
    };
    assert.throws(() => readText('t.json', template, options({ variables: varFiles('x.json'), readFile })), TypeError);
  });
});
