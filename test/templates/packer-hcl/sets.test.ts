/**
 * Sets as cty has them: distinct elements of one type, in cty's order, made by the set
 * functions and by conversion to a set type; a conditional's arms unified as HCL unifies them.
 * Every expected value and error here was compared with `packer console` (Packer 1.6.6).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageNamed, options, readFiles, span, values } from './read-config.js';
import { run, type Plain } from './evaluate-expression.js';

const CASES: readonly (readonly [string, Plain])[] = [
  // Strings lexically, numbers by value, each once.
  ['setunion(["b", "a"], ["a", "c"])', ['a', 'b', 'c']],
  ['setunion([10, 2], [1])', [1, 2, 10]],
  ['convert(["b", "a", "b"], set(string))', ['a', 'b']],
  // Elements unify to one type: a string and a number make strings.
  ['setunion(["a"], [1])', ['1', 'a']],
  ['setintersection(["a", 1], [1])', ['1']],
  // A number and a bool have no type in common: Packer rejects the call.
  ['setunion([1, true], [])', { error: 'function setunion(): invalid value for argument 1: all set elements must have the same type', at: '2:7' }],
  ['distinct([1, true])', { error: 'function distinct(): invalid value for argument 1: all list elements must have the same type', at: '2:7' }],
  ['coalesce(1, true)', { error: 'function coalesce(): all arguments must have the same type', at: '2:7' }],
  // A set arm and a tuple arm unify to a set: the tuple arm, chosen, is made distinct and sorted.
  ['false ? setunion(["b", "a"], ["a"]) : ["z", "y", "z"]', ['y', 'z']],
  // A list is tried before a set: a set arm and a list arm make a list, in its order.
  ['false ? setunion(["b", "a"]) : convert(["b", "a"], list(string))', ['b', 'a']],
  // Tuples of one length unify element by element.
  ['true ? ["a", 1] : [2, "b"]', ['a', '1']],
  ['true ? null : setunion(["b", "a"])', null],
  // A typed null is of its type: a tuple arm and a list(string) null make a list, and then a set
  // arm and that list make a list, in its order (an untyped null would have made a set).
  ['false ? setunion(["b", "a"]) : (true ? ["z", "y", "z"] : convert(null, list(string)))', ['z', 'y', 'z']],
  ['false ? setunion(["b", "a"]) : (true ? ["z", "y", "z"] : null)', ['y', 'z']],
  ['true ? [1, true] : [2]', { error: 'inconsistent conditional result types: the true and false results must have consistent types (tuple([number, bool]) and tuple([number]))', at: '2:14' }],
  // A set is no list to concat(), has no index, and each element is its own key.
  ['concat(setunion(["a"]), ["b"])', { error: 'function concat(): invalid value for argument 1: all arguments must be lists or tuples; got a set', at: '2:7' }],
  ['setunion(["a"])[0]', { error: 'invalid index: elements of a set are identified only by their value and have no index or key to select with', at: '2:7' }],
  ['[for k, v in setunion(["b", "a"]) : "${k}=${v}"]', ['a=a', 'b=b']],
];

describe('sets', () => {
  for (const [expression, expected] of CASES) {
    it(expression, async () => {
      assert.deepEqual(await run(expression), expected);
    });
  }
});

describe('sets in sharing fields', () => {
  const template = (share: string): Record<string, string> => ({
    'main.pkr.hcl': [
      'variable "public" {',
      '  type    = bool',
      '  default = false',
      '}',
      'source "amazon-ebs" "x" {',
      `  ami_users = ${share}`,
      '}',
    ].join('\n'),
  });

  it('shares with the set a conditional makes of a tuple arm', async () => {
    const result = await readFiles(template('var.public ? setunion(["all"]) : ["222222222222", "111111111111", "222222222222"]'));
    assert.deepEqual(result.problems, []);
    assert.deepEqual(values(imageNamed(result, 'amazon-ebs.x'), 'ami_users'), ['111111111111', '222222222222']);
  });

  // 1.6.6 cannot check this one (it types `default = []` as the empty tuple): current Packer leaves
  // such a variable's type open (types.variables.go), so a var-file's list stays a tuple, and a
  // tuple and a set unify to a set; typed list(string), it is a list, kept in order.
  for (const [type, expected] of [['', ['111111111111', '222222222222']], ['  type = list(string)\n', ['222222222222', '111111111111']]] as const) {
    it(`a var-file list in a variable with default = []${type === '' ? ' and no type is a tuple: a set arm makes it a set' : ' typed list(string) is a list: a set arm keeps its order'}`, async () => {
      const files = {
        'main.pkr.hcl': `variable "users" {\n${type}  default = []\n}\nsource "amazon-ebs" "x" {\n  ami_users = false ? setunion(["all"]) : var.users\n}\n`,
      };
      const result = await readFiles(files, options(), { 'users.auto.pkrvars.hcl': 'users = ["222222222222", "111111111111"]\n' });
      assert.deepEqual(result.problems, []);
      assert.deepEqual(values(imageNamed(result, 'amazon-ebs.x'), 'ami_users'), expected);
    });
  }

  it('refuses a set of a number and a bool, at the call: nothing is shared', async () => {
    const result = await readFiles(template('setunion([111122223333, true], ["all"])'));
    assert.deepEqual(result.images, []);
    assert.deepEqual(
      result.problems.map((problem) => `${span(problem.location)} ${problem.message}`),
      ['main.pkr.hcl:6:15-6:54 amazon-ebs.x: ami_users: function setunion(): invalid value for argument 1: all set elements must have the same type'],
    );
  });

  it('refuses a configuration whose unused local fails, as Packer evaluates every local', async () => {
    const result = await readFiles({ ...template('["111122223333"]'), 'locals.pkr.hcl': 'locals {\n  unused = distinct([1, true])\n}\n' });
    assert.deepEqual(result.images, []);
    assert.deepEqual(
      result.problems.map((problem) => `${span(problem.location)} ${problem.message}`),
      ['locals.pkr.hcl:2:12-2:31 local.unused: function distinct(): invalid value for argument 1: all list elements must have the same type'],
    );
  });
});
