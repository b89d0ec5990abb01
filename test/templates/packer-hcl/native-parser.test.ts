/**
 * The hand-written HCL parser against the tree-sitter reading it replaced: the same syntax tree
 * with every location, on the corpus, on generated templates and on constructs written for the
 * purpose, and a problem at the same place for broken text.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readHclBody } from '../../../src/templates/hcl/parser/index.js';
import { loadHclParser, parseHclBody, parseHclBodyWithTreeSitter, parseHclExpression } from '../../../src/templates/hcl/hcl-parser.js';
import type { BlockSchema, BodySchema, Expr } from '../../../src/templates/hcl/syntax.js';
import { FEATURES, generateTemplate, Random } from './generate-templates.js';

const CORPUS = join(import.meta.dirname, '../../../../shared/corpus');

/** Keeps every attribute of every block, so that the whole file is compared. */
class EveryBlock extends Map<string, BlockSchema> {
  override get(): BlockSchema {
    return EVERY_BLOCK;
  }
}
const EVERYTHING: BodySchema = { blocks: new EveryBlock() };
const EVERY_BLOCK: BlockSchema = { labels: 0, body: () => EVERYTHING };

async function assertSameReading(text: string, what: string): Promise<void> {
  const parser = await loadHclParser();
  const expected = parseHclBodyWithTreeSitter(parser, 'f.pkr.hcl', text, EVERYTHING);
  assert.deepEqual(withLocations(readHclBody('f.pkr.hcl', text, EVERYTHING)), withLocations(expected), what);
}

/**
 * A reading with every node's `type` and `loc` read, and every attribute's `expr`: nodes compute
 * them (the hand-written parser's attributes read their expression again when asked for it), and
 * deepEqual compares own properties only. Where an attribute's value starts is the hand-written
 * parser's own field, left out.
 */
function withLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withLocations);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (key !== 'valueStart') copy[key] = withLocations(item);
  if ('type' in value) copy['type'] = value.type;
  if ('loc' in value) copy['loc'] = value.loc;
  if ('expr' in value && !Object.hasOwn(value, 'expr')) copy['expr'] = withLocations(value.expr);
  return copy;
}

function hclFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hclFiles(path);
    return name.endsWith('.hcl') ? [path] : [];
  });
}

describe('the hand-written HCL parser reads as tree-sitter does', () => {
  it('on every HCL file of the corpus', async () => {
    const files = hclFiles(CORPUS);
    assert.ok(files.length >= 20, `corpus files: ${files.length}`);
    for (const file of files) await assertSameReading(readFileSync(file, 'utf8'), file);
  });

  it('on generated templates with every feature', async () => {
    const random = new Random(7);
    for (let index = 0; index < 300; index += 1) {
      const template = generateTemplate(random, `t${index}`, (feature) => FEATURES.includes(feature));
      await assertSameReading(template.text.current, template.text.current);
    }
  });

  const constructs: Record<string, string> = {
    'conditionals and operators by precedence': 'a = x ? b : c\nb = -a.b + !c * 2 / 3 % 4 - 5 < 6 == 7 && 8 || 9 >= 1 != 2 <= 3\nc = a == b == c\nd = (a + b) * c\n',
    'parentheses around traversals': 'a = (a).b\nb = (x)[0].c\nc = (a + b).c\n',
    'numbers and keywords': 'a = 0x1F\nb = 1.5e3\nc = 1.5\nd = null\ne = true\nf = false\n',
    'comments anywhere': '# c\n// d\n/* e */ a /* x */ = /* y */ 1 # z\nb = [ # c\n  1, // d\n  2 /* e */ ]\n',
    'escapes and labels': 'a = "\\u00e9\\n\\"$${x}%%{y}\\U0001F600"\nb "x" "y\\n" z {\n  c = 1\n}\n',
    'splats and legacy indices': 'a = x.*.b[0].0\nb = x[*].y[1]\nc = x.0.1\nd = x[*][*]\n',
    'calls': 'a = f(x...)\nb = f()\nc = f(1,)\nd = provider::p::f(1, [2], {a = 3})\n',
    'for expressions': 'a = [for x in y : x if x]\nb = {for k, v in m : k => v... if v}\nc = [for i, v in l : "${i}${v}"]\n',
    'object keys': 'a = {a = 1 b = 2, "c" = 3, (d) = 4, e.f = 5, true = 6, g: 7}\n',
    'templates with strip markers and directives': 'a = "${x} y %{ if a ~} b %{~ else } c %{ endif } d"\nb = "${~ x ~}"\nc = "${}"\nd = "%{ for k, v in m }${k}=${v},%{ endfor ~} end"\n',
    'heredocs': 'a = <<-EOT\n    x ${y}\n      %{ for k, v in m ~}\n  ${k}\n  %{~ endfor }\n  EOT\nb = <<EOT\nEOT\nc = <<EOT\n  $${x}\n  EOTX\n  EOT  \nd = <<EOT\n${"EOT"}\nEOT\n',
    'non-ASCII text before a node': 'a = "é😀"\nb = ["é😀", x.y]\nc = "${"é"}${x}"\n',
    'a file that is one object': '{\n  a = 1\n}\n',
    'single-line blocks': 'locals { a = 1 }\nsource "x" "y" { b = [1] }\n',
  };
  for (const [name, text] of Object.entries(constructs)) {
    it(`on ${name}`, async () => {
      await assertSameReading(text, text);
    });
  }

  const nesting: Record<string, string> = {
    parentheses: `${'('.repeat(300)}1${')'.repeat(300)}`,
    lists: `${'['.repeat(150)}1${']'.repeat(150)}`,
    'binary chains': Array.from({ length: 400 }, (_, index) => String(index)).join(' + '),
    'mixed chains': Array.from({ length: 250 }, (_, index) => `(${index} * x)`).join(' - '),
    unary: `${'-'.repeat(250)}1`,
    'conditionals in the condition': `${'(true ? '.repeat(120)}1${' : 2)'.repeat(120)} ? 3 : 4`,
    'conditionals in the result': `${'true ? 1 : ('.repeat(150)}2${')'.repeat(150)}`,
    // Tree-sitter's template scanner loses its state past 127 open strings and interpolations.
    'templates in templates': `${'('.repeat(150)}${'"${'.repeat(30)}1${'}"'.repeat(30)}${')'.repeat(150)}`,
    directives: `"${'%{ if true }'.repeat(120)}x${'%{ endif }'.repeat(120)}"`,
    objects: `${'{ a = '.repeat(150)}1${' }'.repeat(150)}`,
  };
  for (const [name, expr] of Object.entries(nesting)) {
    it(`with the same depth budget on nested ${name}`, async () => {
      await assertSameReading(`a = ${expr}\n`, name);
    });
  }

  const broken: Record<string, string> = {
    'an unclosed string': 'a = ["all]\n}\n',
    'an extra closing brace': 'a = 1\n}\n',
    'an unclosed block': 'b {\n  a = 1\n',
    'a missing "="': 'b {\n  a ["x"]\n}\n',
    'a missing operand': 'a = 1 +\n',
    'a missing operand at the end': 'a = 1 +',
    'a call cut off': 'a = f(["x"],',
    'an unclosed heredoc': 'a = <<EOT\n  text\n',
    'an unclosed interpolation': 'a = "${var.x"\n',
    'two list items without a comma': 'a = ["é😀" "x"]\n',
    'an element after a closed list': 'a = [1]]\n',
    'a bad escape': 'a = "\\q"\n',
    'a name cut off at the end of the file': 'b {\n  a = "x"\n}\nso',
  };
  for (const [name, text] of Object.entries(broken)) {
    // The wording may differ (tree-sitter's own is kept where tests assert it, in syntax-errors.test.ts).
    it(`with a problem at the same place for ${name}`, async () => {
      const parser = await loadHclParser();
      const expected = parseHclBodyWithTreeSitter(parser, 'f.pkr.hcl', text, EVERYTHING);
      const actual = readHclBody('f.pkr.hcl', text, EVERYTHING);
      assert.ok(!expected.ok && actual !== undefined && !actual.ok, text);
      assert.deepEqual(actual.problem.location, expected.problem.location, `${actual.problem.message} / ${expected.problem.message}`);
    });
  }
});

describe('the hand-written HCL parser on its own', () => {
  it('hands nesting too deep for recursion to tree-sitter, which keeps the budget', async () => {
    const parser = await loadHclParser();
    const deep = `a = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`;
    assert.equal(readHclBody('f.pkr.hcl', deep, EVERYTHING), undefined);
    const read = parseHclBody(parser, 'f.pkr.hcl', deep, EVERYTHING);
    assert.ok(read.ok);
    assert.equal(read.value.attributes[0]?.expr.type, 'unsupported');
  });

  it('keeps blocks and attributes, not expressions: an attribute reads its expression again, as a new tree, each time it is asked for (issue 11)', () => {
    const read = readHclBody('f.pkr.hcl', 'locals {\n  a = [for x in ["y"] : upper(x)]\n}\n', EVERYTHING);
    assert.ok(read?.ok);
    // Expression nodes compute `type` (a getter); blocks hold it.
    const expressions: unknown[] = [];
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      if ('type' in value && !Object.hasOwn(value, 'type')) expressions.push(value);
      for (const item of Object.values(value)) walk(item);
    };
    walk(read.value);
    assert.deepEqual(expressions, []);
    const attribute = read.value.blocks[0]?.body.attributes[0];
    assert.ok(attribute !== undefined);
    const first = attribute.expr;
    const second = attribute.expr;
    assert.notEqual(first, second);
    assert.equal(first.type, 'for-tuple');
    assert.deepEqual(withLocations(second), withLocations(first));
    assert.deepEqual([first.loc.line, first.loc.column, first.loc.endColumn], [2, 7, 34]);
  });

  it('reads heredocs nested in heredocs in linear time: a few itself, many through tree-sitter', async () => {
    const parser = await loadHclParser();
    const nested = (levels: number): string => {
      let expr = '"x"';
      for (let level = 0; level < levels; level += 1) expr = `<<EOT\n\${${expr}}\nEOT\n`;
      return `a = ${expr}`;
    };
    await assertSameReading(nested(4), 'four levels');
    assert.equal(readHclBody('f.pkr.hcl', nested(30), EVERYTHING), undefined);
    assert.deepEqual(
      withLocations(parseHclBody(parser, 'f.pkr.hcl', nested(30), EVERYTHING)),
      withLocations(parseHclBodyWithTreeSitter(parser, 'f.pkr.hcl', nested(30), EVERYTHING)),
    );
  });

  it('refuses text after a heredoc marker on its line, as HCL does (tree-sitter read it as the template\'s start)', () => {
    const read = readHclBody('f.pkr.hcl', 'a = <<EOT ${x}\nEOT\n', EVERYTHING);
    assert.ok(read !== undefined && !read.ok);
    assert.deepEqual([read.problem.location.line, read.problem.location.column], [1, 11]);
  });

  it('reads a conditional in the false branch as HCL does: `a ? b : c ? d : e` is `a ? b : (c ? d : e)`', async () => {
    const parser = await loadHclParser();
    const loc = { kind: 'source', file: 'x', line: 1, column: 1, endLine: 1, endColumn: 1 } as const;
    const read = parseHclExpression(parser, 'a ? b : c ? d : e', loc);
    assert.ok(read.ok);
    const expr: Expr = read.value;
    assert.equal(expr.type, 'conditional');
    assert.equal(expr.type === 'conditional' ? expr.condition.type : undefined, 'reference');
    assert.equal(expr.type === 'conditional' ? expr.whenFalse.type : undefined, 'conditional');
  });
});
