/**
 * Hostile or unusual input ends with an unknown or a problem, never a hang, a stack overflow or
 * an exception: reference cycles, deep nesting, exponential values, big files.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHclOnly } from '../../../src/templates/hcl/parse-only.js';
import { describeItem, only, readFiles, readFilesAsGiven, span, values } from './read-config.js';

async function usersOf(text: string): Promise<string[] | undefined> {
  const result = await readFiles({ 'r.pkr.hcl': text });
  return values(only(result.images), 'ami_users');
}

const DEEP = 5000;

describe('reference cycles', () => {
  it('makes every local of a cycle unknown, naming the cycle', async () => {
    const text = 'locals {\n  a = local.b\n  b = concat(local.a, ["111122223333"])\n  c = local.a\n}\nsource "amazon-ebs" "x" {\n  ami_users  = local.c\n  ami_groups = local.b\n}\n';
    const image = only((await readFiles({ 'r.pkr.hcl': text })).images);
    assert.deepEqual(values(image, 'ami_users'), ['?local.a is part of a reference cycle']);
    assert.deepEqual(values(image, 'ami_groups'), ['?local.a is part of a reference cycle']);
  });

  it('makes a local that refers to itself unknown', async () => {
    assert.deepEqual(await usersOf('locals {\n  a = [local.a]\n}\nsource "amazon-ebs" "x" {\n  ami_users = local.a\n}\n'), [
      '?local.a is part of a reference cycle',
    ]);
  });

  it('keeps locals outside the cycle known', async () => {
    const text = 'locals {\n  a = local.a\n  ok = ["111122223333"]\n}\nsource "amazon-ebs" "x" {\n  ami_users = concat(local.ok, try(local.a, []))\n}\n';
    assert.deepEqual(await usersOf(text), ['111122223333', '?local.a is part of a reference cycle']);
  });

  it('defines a local with the local block too', async () => {
    assert.deepEqual(await usersOf('local "ids" {\n  expression = ["111122223333"]\n}\nsource "amazon-ebs" "x" {\n  ami_users = local.ids\n}\n'), ['111122223333']);
  });
});

describe('deep nesting', () => {
  const cases: Record<string, string> = {
    parentheses: `${'('.repeat(DEEP)}["1"]${')'.repeat(DEEP)}`,
    lists: `${'['.repeat(DEEP)}"1"${']'.repeat(DEEP)}`,
    'binary operators': `["\${${Array.from({ length: DEEP }, () => '1').join(' + ')}}"]`,
    'unary operators': `["\${${'-'.repeat(DEEP)}1}"]`,
    conditionals: `[${'true ? "a" : '.repeat(DEEP)}"b"]`,
    'function calls': `[${'lower('.repeat(DEEP)}"A"${')'.repeat(DEEP)}]`,
    objects: `[${'{ a = '.repeat(DEEP)}1${' }'.repeat(DEEP)}]`,
    'attribute chains': `[var.m${'.a'.repeat(DEEP)}]`,
    'index chains': `[var.m${'[0]'.repeat(DEEP)}]`,
  };
  for (const [name, expr] of Object.entries(cases)) {
    it(`survives ${DEEP} levels of ${name} with an unknown or a problem, not a stack overflow`, async () => {
      const result = await readFiles({ 'r.pkr.hcl': `variable "m" {\n  default = {}\n}\nsource "amazon-ebs" "x" {\n  ami_users = ${expr}\n}\n` });
      // Nesting past the budget is unknown; a list or object where a string belongs, refused.
      const outcome = result.images.length === 0 ? result.problems.map((problem) => problem.message) : values(only(result.images), 'ami_users');
      assert.equal(outcome?.length, 1);
      assert.match(outcome[0] ?? '', /^\?|Packer rejects it$/);
    });
  }

  it('says why when an expression is too deep', async () => {
    assert.deepEqual(await usersOf(`source "amazon-ebs" "x" {\n  ami_users = ${'('.repeat(DEEP)}["1"]${')'.repeat(DEEP)}\n}\n`), [
      "?evaluation stopped: the expression is nested more than amiguard's budget of 200 levels",
    ]);
  });

  it('evaluates nesting within the limit', async () => {
    assert.deepEqual(await usersOf(`source "amazon-ebs" "x" {\n  ami_users = ${'('.repeat(50)}["1"]${')'.repeat(50)}\n}\n`), ['1']);
  });

  it('stops a chain of references deeper than the budget with an error naming the budget, at the field', async () => {
    const chain = Array.from({ length: DEEP }, (_, index) => `  l${index} = local.l${index + 1}`).join('\n');
    const result = await readFiles({ 'r.pkr.hcl': `locals {\n${chain}\n  l${DEEP} = ["all"]\n}\nsource "amazon-ebs" "x" {\n  ami_groups = local.l0\n}\n` });
    const reason = "evaluation stopped: expressions and the references they follow nest more than amiguard's budget of 400 levels";
    assert.deepEqual(values(only(result.images), 'ami_groups'), [`?${reason}`]);
    const problem = only(result.problems);
    assert.deepEqual([problem.message, problem.location.line, problem.location.column, problem.unevaluated], [
      `amazon-ebs.x: ami_groups: ${reason}; who it is shared with is not known`,
      DEEP + 5,
      16,
      true,
    ]);
  });

  it('evaluates a chain of references within the budget', async () => {
    const chain = Array.from({ length: 100 }, (_, index) => `  l${index} = local.l${index + 1}`).join('\n');
    const result = await readFiles({ 'r.pkr.hcl': `locals {\n${chain}\n  l100 = ["all"]\n}\nsource "amazon-ebs" "x" {\n  ami_groups = local.l0\n}\n` });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(values(only(result.images), 'ami_groups'), ['all']);
  });

  it('survives deep JSON: past 1,000 levels a problem at the bracket, too deep to evaluate an unknown', async () => {
    const json = (depth: number): string => `{"source": {"amazon-ebs": {"x": {"ami_users": [${'['.repeat(depth)}${']'.repeat(depth)}]}}}}`;
    const tooDeep = await readFilesAsGiven({ 'r.pkr.json': json(DEEP) });
    assert.deepEqual(tooDeep.images, []);
    assert.deepEqual(
      tooDeep.problems.map((problem) => `${span(problem.location)} ${problem.message}`),
      ['r.pkr.json:1:1043-1:1044 the JSON is nested too deeply to read (more than 1000 levels)'],
    );
    const deep = await readFiles({ 'r.pkr.json': json(300) });
    assert.deepEqual(deep.images, []);
    assert.deepEqual(deep.problems.map((problem) => problem.message), ['amazon-ebs.x: ami_users: a list where Packer expects a string; Packer rejects it']);
  });
});

describe('runaway evaluation', () => {
  it('stops values that double at every local with an unknown', async () => {
    const locals = Array.from({ length: 40 }, (_, index) => `  e${index} = [local.e${index + 1}, local.e${index + 1}]`).join('\n');
    const items = await usersOf(`locals {\n${locals}\n  e40 = ["x"]\n}\nsource "amazon-ebs" "x" {\n  ami_users = flatten(local.e0)\n}\n`);
    assert.deepEqual(items, ["?evaluation stopped: the configuration needs more than amiguard's evaluation budget (500000 steps plus 1 per character of input)"]);
  });
});

describe('reading expressions again', () => {
  it('bounds how much a file is read again per use: an expression used by many builds is, past the bound, not known (never nothing shared)', async () => {
    // 200 KB of comment inside the list: cheap to evaluate, dear to read again for each build.
    const builds = Array.from({ length: 100 }, (_, index) => `build {\n  name    = "b${index}"\n  sources = ["source.amazon-ebs.x"]\n}\n`).join('');
    const text = `source "amazon-ebs" "x" {\n  ami_users = [/* ${'x'.repeat(200_000)} */ "111122223333"]\n}\n${builds}`;
    const result = await readFiles({ 'r.pkr.hcl': text });
    assert.equal(result.images.length, 100);
    const reason = "evaluation stopped: the configuration's expressions are read again, once per use, more than amiguard's budget (8000000 characters plus 8 per character of the file)";
    const outcomes = result.images.map((image) => values(image, 'ami_users')?.join());
    assert.deepEqual([...new Set(outcomes)].sort(), ['111122223333', `?${reason}`]);
    const stopped = outcomes.filter((outcome) => outcome !== '111122223333').length;
    // 8 MB plus 8 x 207 KB is 9.7 MB of reading: 48 reads of the 200 KB expression.
    assert.ok(stopped > 45 && stopped < 60, `${stopped} images stopped`);
    assert.equal(result.problems.length, stopped);
    for (const problem of result.problems) {
      assert.equal(problem.unevaluated, true);
      assert.match(problem.message, /ami_users: evaluation stopped: .* read again.*; who it is shared with is not known$/);
      assert.deepEqual([problem.location.line, problem.location.column], [2, 15]);
    }
  });
});

describe('big files', () => {
  it('reads a file of thousands of sources and builds', async () => {
    const count = 3000;
    const text = Array.from(
      { length: count },
      (_, index) =>
        `variable "v${index}" {\n  default = ["${String(index).padStart(12, '0')}"]\n}\nsource "amazon-ebs" "s${index}" {\n  ami_users = var.v${index}\n}\nbuild {\n  sources = ["source.amazon-ebs.s${index}"]\n  provisioner "shell" {\n    inline = ["echo ${index}"]\n  }\n}\n`,
    ).join('');
    const result = await readFiles({ 'big.pkr.hcl': text });
    assert.equal(result.images.length, count);
    const last = result.images.at(-1);
    assert.equal(last?.name, `amazon-ebs.s${count - 1}`);
    assert.deepEqual(last?.fields.ami_users?.items.map(describeItem), [String(count - 1).padStart(12, '0')]);
    assert.equal(last?.fields.ami_users?.items[0]?.location.line, 12 * (count - 1) + 5);
  });

  it('reads a long string', async () => {
    const value = 'é'.repeat(200_000);
    assert.deepEqual(await usersOf(`source "amazon-ebs" "x" {\n  ami_users = ["${value}"]\n}\n`), [value]);
  });
});

describe('parseHclOnly', () => {
  it('parses broken HCL and JSON without throwing, as the benchmark\'s baseline', async () => {
    await assert.doesNotReject(parseHclOnly([
      { path: 'a.pkr.hcl', text: 'source "amazon-ebs" "x" {' },
      { path: 'b.pkr.json', text: '{ "source": ' },
      { path: 'c.pkr.hcl', text: 'locals {\n  a = 1\n}\n' },
    ]));
  });
});
