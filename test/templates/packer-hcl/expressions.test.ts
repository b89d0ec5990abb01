/**
 * The expression evaluator: literals, templates, heredocs, operators, conditionals, for
 * expressions, splats, functions, and how unknowns propagate with their root cause.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { only, options, readSource, values } from './read-config.js';

const PRELUDE = `
variable "groups" {
  type    = list(string)
  default = ["a", "b"]
}
variable "m" {
  default = { k = "v", n = 2 }
}
variable "version" {
  type = string
}
locals {
  objs = [{ id = "1" }, { id = "2" }]
}
`;

/** The items of `ami_users = <expr>`, evaluated with PRELUDE's variables and locals. */
async function evaluate(expr: string, prelude = PRELUDE): Promise<string[] | undefined> {
  const result = await readSource(`  ami_users = ${expr}`, prelude);
  return values(only(result.images), 'ami_users');
}

describe('literals and templates', () => {
  it('evaluates numbers, bools and escapes', async () => {
    assert.deepEqual(await evaluate('["x\\ty", "\\u00e9\\"", 111122223333, 1.5, true, 0x1F]'), ['x\ty', 'é"', '111122223333', '1.5', 'true', '31']);
  });

  it('keeps the type of a template that is exactly one interpolation', async () => {
    assert.deepEqual(await evaluate('"${var.groups}"'), ['a', 'b']);
    assert.deepEqual(await evaluate('["${var.groups[0]}-${var.m.n}", "$${literal} %%{x}"]'), ['a-2', '${literal} %{x}']);
  });

  it('strips white space at ~ markers', async () => {
    assert.deepEqual(await evaluate('["a  ${~ "b" ~}  c"]'), ['abc']);
  });

  it('reads heredocs, keeping the final newline, and <<- without the common indentation', async () => {
    const heredocs = '[<<EOT\n  kept ${var.m.k}\nEOT\n, <<-EOT\n    one\n      two\n    EOT\n]';
    assert.deepEqual(await evaluate(heredocs), ['  kept v\n', 'one\n  two\n']);
  });

  // Expected texts are what `packer console` prints for the same templates.
  it('renders %{ if } and %{ else } by the condition, converting "true" to a bool', async () => {
    assert.deepEqual(await evaluate('["%{ if var.m.k == "v" }all%{ else }none%{ endif }", "%{ if "true" }s%{ endif }", "%{ if false }s%{ endif }"]'), ['all', 's', '']);
  });

  it('renders %{ for } once per element, with the key when asked', async () => {
    assert.deepEqual(await evaluate('["%{ for i, g in var.groups }${i}=${g},%{ endfor }", "%{ for k, v in var.m }${k}:${v};%{ endfor }"]'), ['0=a,1=b,', 'k:v;n:2;']);
  });

  it('strips white space at the ~ markers of directives', async () => {
    assert.deepEqual(
      await evaluate('["x %{~ if false ~} y %{~ else ~}   z   %{~ endif ~} w", "[%{ for g in var.groups ~}  ${g}  %{~ endfor }]", "a %{ if true ~}  b  %{~ endif } c"]'),
      ['xzw', '[ab]', 'a b c'],
    );
    assert.deepEqual(await evaluate('[<<EOT\n%{ for g in var.groups ~}\n${g}\n%{ endfor ~}\nend\nEOT\n]'), ['a\nb\nend\n']);
  });

  it('makes a directive unknown when its condition or collection is, and shows a grantee it decides', async () => {
    assert.deepEqual(await evaluate('["%{ if var.version == "1" }all%{ endif }"]'), ['?variable "version" has no value']);
    const result = await readSource('  ami_groups = ["%{ if var.m.n > 1 }all%{ endif }"]', PRELUDE);
    const item = only(only(result.images).fields.ami_groups?.items ?? []);
    assert.deepEqual([item.kind === 'known' ? item.value : item.reason, item.location.line, item.location.column], ['all', 17, 17]);
  });
});

describe('operators and conditionals', () => {
  it('follows HCL precedence', async () => {
    assert.deepEqual(await evaluate('["${1 + 2 * 3}", "${(1 + 2) * 3}", "${-1 + 5 % 3}", "${10 / 4}", "${!false && 2 >= 2 || false}"]'), ['7', '9', '1', '2.5', 'true']);
  });

  it('compares values with their types', async () => {
    assert.deepEqual(await evaluate('["${"1" == 1}", "${[1] == [1]}", "${var.m == { k = "v", n = 2 }}", "${"5" + 1}"]'), ['false', 'true', 'true', '6']);
  });

  it('takes the arm the condition selects', async () => {
    assert.deepEqual(await evaluate('length(var.groups) > 1 ? ["all"] : []'), ['all']);
    assert.deepEqual(await evaluate('var.m.k == "x" ? ["all"] : ["111122223333"]'), ['111122223333']);
  });

  it('gives an unknown condition over two known lists the union of both arms as mayInclude', async () => {
    const result = await readSource('  ami_groups = var.version == "1" ? ["all"] : ["x", "all"]', PRELUDE);
    const item = only(only(result.images).fields.ami_groups?.items ?? []);
    assert.equal(item.kind, 'unknown');
    assert.equal(item.reason, 'variable "version" has no value');
    assert.deepEqual(item.mayInclude, ['all', 'x']);
    assert.equal(item.via, 'var.version');
  });

  it('decides && and || from one known operand', async () => {
    assert.deepEqual(await evaluate('var.version == "1" && false ? ["all"] : []'), []);
    assert.deepEqual(await evaluate('var.version == "1" || true ? ["all"] : []'), ['all']);
  });

  it('knows the result when both arms are equal', async () => {
    assert.deepEqual(await evaluate('var.version == "1" ? ["same"] : ["same"]'), ['same']);
  });
});

describe('collections', () => {
  it('indexes lists and maps, with legacy .0 indexes', async () => {
    assert.deepEqual(await evaluate('[var.groups[1], var.groups.0, var.m["k"], var.m.k]'), ['b', 'a', 'v', 'v']);
  });

  it('splats lists of objects, with [*] and .*', async () => {
    assert.deepEqual(await evaluate('concat(local.objs[*].id, local.objs.*.id)'), ['1', '2', '1', '2']);
  });

  it('evaluates for expressions over lists and maps, with conditions and grouping', async () => {
    assert.deepEqual(await evaluate('[for s in var.groups : upper(s) if s != "a"]'), ['B']);
    assert.deepEqual(await evaluate('[for i, s in var.groups : "${i}:${s}"]'), ['0:a', '1:b']);
    assert.deepEqual(await evaluate('[for k, v in var.m : "${k}=${v}"]'), ['k=v', 'n=2']);
    assert.deepEqual(await evaluate('values({ for s in ["x", "y", "x"] : s => s... })[0]'), ['x', 'x']);
    assert.deepEqual(await evaluate('keys({ for o in local.objs : "id-${o.id}" => o })'), ['id-1', 'id-2']);
  });

  it('iterates objects in lexical key order, as HCL does', async () => {
    assert.deepEqual(await evaluate('[for k, v in { z = 1, a = 2 } : k]'), ['a', 'z']);
  });

  it('keeps the known elements of a list beside an unknown one', async () => {
    assert.deepEqual(await evaluate('["111122223333", var.version]'), ['111122223333', '?variable "version" has no value']);
  });

  it('marks an element that a for condition may or may not keep', async () => {
    const result = await readSource('  ami_groups = [for g in ["all", "x"] : g if var.version == "1"]', PRELUDE);
    const items = only(result.images).fields.ami_groups?.items ?? [];
    assert.deepEqual(items.map((item) => (item.kind === 'unknown' ? item.mayInclude : item.value)), [['all'], ['x']]);
  });
});

describe('functions', () => {
  it('evaluates string functions', async () => {
    assert.deepEqual(
      await evaluate('[lower("ABC"), upper("abc"), trimspace("  t "), trimprefix("p-x", "p-"), trimsuffix("x.y", ".y"), replace("a-b-c", "-", "_"), replace("abc", "/[ac]/", "Z"), regex_replace("a1b22", "[0-9]+", "#"), format("%s-%d-%v%%", "p", 7, true), join(",", ["a", "b"]), "${5}"]'),
      // Packer's replace() is literal: `/regex/` is Terraform's form.
      ['abc', 'ABC', 't', 'x', 'x', 'a_b_c', 'abc', 'a#b#', 'p-7-true%', 'a,b', '5'],
    );
    assert.deepEqual(await evaluate('split(",", "a,b,,c")'), ['a', 'b', '', 'c']);
  });

  it('evaluates list and map functions', async () => {
    assert.deepEqual(await evaluate('concat(["a"], [], ["b", "c"])'), ['a', 'b', 'c']);
    assert.deepEqual(await evaluate('distinct(["a", "b", "a"])'), ['a', 'b']);
    assert.deepEqual(await evaluate('compact(["", "a", ""])'), ['a']);
    assert.deepEqual(await evaluate('flatten([["a"], [["b"], "c"]])'), ['a', 'b', 'c']);
    assert.deepEqual(await evaluate('sort(["b", "c", "a"])'), ['a', 'b', 'c']);
    assert.deepEqual(await evaluate('setunion(["b", "a"], ["a", "c"])'), ['a', 'b', 'c']);
    assert.deepEqual(await evaluate('setunion(["b", "a", "b"])'), ['a', 'b']);
    assert.deepEqual(await evaluate('keys(merge(var.m, { z = 1 }))'), ['k', 'n', 'z']);
    assert.deepEqual(await evaluate('values({ b = "2", a = "1" })'), ['1', '2']);
    assert.deepEqual(await evaluate('[element(["a", "b"], 3), lookup(var.m, "k"), lookup(var.m, "x", "d"), coalesce("", "c")]'), ['b', 'v', 'd', 'c']);
    assert.deepEqual(await evaluate('coalescelist([], ["x"])'), ['x']);
    assert.deepEqual(await evaluate('["${length(var.groups)}", "${length("héllo")}", "${length(var.m)}", "${contains(var.groups, "b")}"]'), ['2', '5', '2', 'true']);
    // `...` spreads the final list into separate arguments.
    assert.deepEqual(await evaluate('concat([["x"], ["y"]]...)'), ['x', 'y']);
  });

  it('falls back in try() only on an error, and can() tells errors apart', async () => {
    assert.deepEqual(await evaluate('[try(var.m.missing, "fallback"), try(var.m.k, "unused"), "${can(var.m.missing)}", "${can(var.m.k)}"]'), ['fallback', 'v', 'false', 'true']);
    assert.deepEqual(await evaluate('[try(var.version, "fallback")]'), ['?variable "version" has no value']);
  });

  it('counts a list with unknown elements, but not a list of unknown length', async () => {
    assert.deepEqual(await evaluate('["${length([var.version, "x"])}"]'), ['2']);
    assert.deepEqual(await evaluate('["${length(concat(["x"], var.version))}"]'), ['?variable "version" has no value']);
  });

  it('keeps what concat knows when one argument is unknown', async () => {
    assert.deepEqual(await evaluate('concat(["111122223333"], var.version)'), ['111122223333', '?variable "version" has no value']);
  });

  it('names unsupported and time-dependent functions as the reason', async () => {
    assert.deepEqual(await evaluate('[timestamp(), uuidv4(), formatdate("YYYY", "x")]'), [
      '?function timestamp() is not evaluated: its value is the time of the build',
      '?function uuidv4() is not evaluated: its value is random',
      '?function formatdate() is not evaluated: date formatting is not evaluated',
    ]);
    // Packer rejects a call to a function it does not have: the template builds nothing.
    const refused = await readSource('  ami_users = [nosuchfunction(1)]', PRELUDE);
    assert.deepEqual(refused.images, []);
    assert.ok(refused.problems.some((problem) => problem.message.includes('there is no function named "nosuchfunction" in Packer')), JSON.stringify(refused.problems));
  });

  it('names data sources and build-time references as the reason', async () => {
    assert.deepEqual(await evaluate('[data.amazon-ami.base.id, build.ID, packer.version]'), [
      '?data source data.amazon-ami.base is not evaluated',
      '?build.ID is only known during the build',
      '?packer.version is not evaluated',
    ]);
  });

  it('reads env() only with --use-env', async () => {
    const result = await readSource('  ami_groups = [env("GROUP")]', '', options({ useEnv: true, env: { GROUP: 'all' } }));
    assert.deepEqual(values(only(result.images), 'ami_groups'), ['all']);
    assert.deepEqual(await evaluate('[env("GROUP")]'), ['?env("GROUP") is not read without --use-env']);
  });

  it('reports a wrong argument as an error Packer stops on, rather than guessing: nothing is shared', async () => {
    const refused = async (expr: string): Promise<string[]> => {
      const result = await readSource(`  ami_users = ${expr}`, PRELUDE);
      assert.deepEqual(result.images, []);
      return result.problems.map((problem) => `${problem.location.line}:${problem.location.column} ${problem.message}`);
    };
    assert.deepEqual(await refused('[lower(["a"])]'), ['17:16 amazon-ebs.x: ami_users: function lower() needs a string as argument 1, found a list']);
    assert.deepEqual(await refused('[var.groups[5]]'), ['17:16 amazon-ebs.x: ami_users: index 5 is out of range for a list of 2']);
  });
});

describe('field shapes', () => {
  it('reports a string where Packer expects a list as an error at the value: Packer stops, nothing is shared', async () => {
    const result = await readSource('  ami_groups = "all"');
    assert.deepEqual(result.images, []);
    assert.deepEqual(
      result.problems.map((problem) => `${problem.location.line}:${problem.location.column} ${problem.message}`),
      ['3:16 amazon-ebs.x: ami_groups: a string where Packer expects a list of strings; Packer rejects it'],
    );
  });

  it('treats null as an unset field with no items', async () => {
    const result = await readSource('  ami_groups = null');
    assert.deepEqual(values(only(result.images), 'ami_groups'), []);
  });
});
