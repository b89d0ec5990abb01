/**
 * Bad input never crashes or hangs a reader: random text (property-based), truncated, binary and
 * huge files, deep nesting, and cyclic references each give a result or a problem with a place.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lint } from '../../src/lint/index.js';
import type { ReadOptions, SourceFile, TemplateReadResult } from '../../src/templates/index.js';
import { readPackerHcl } from '../../src/templates/packer-hcl/index.js';
import { readPackerJson } from '../../src/templates/packer-json/index.js';

const OPTIONS: ReadOptions = { variables: [], useEnv: false, env: {}, readFile: () => '' };

function wellFormed(result: TemplateReadResult): void {
  for (const problem of result.problems) {
    assert.equal(typeof problem.message, 'string');
    assert.ok(problem.location.line >= 1 && problem.location.column >= 1, 'problems have a 1-based place');
  }
  for (const image of result.images) {
    for (const field of Object.values(image.fields)) {
      for (const item of field.items) assert.ok(item.location.line >= 1 && item.location.column >= 1);
    }
  }
}

const hclAlphabet = fc.constantFrom(...'{}[]()"=:,.?!<>%$#*/\\\n \tabcxyz019_-'.split(''), 'source ', 'build ', 'variable ', '${', '%{', '<<EOF\n', 'EOF\n', '"all"', 'ami_groups', 'var.', 'local.');
const jsonAlphabet = fc.constantFrom(...'{}[]":,\n tfn0123456789-.eE\\'.split(''), '"builders"', '"type"', '"amazon-ebs"', '"ami_groups"', '"all"', '{{user `x`}}', 'true', 'null');

describe('readers under random input (fast-check)', () => {
  it('HCL: any text gives images or problems, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hclAlphabet, { maxLength: 200 }).map((parts) => parts.join('')), async (text) => {
        wellFormed(await readPackerHcl([{ path: 'random.pkr.hcl', text }], [], OPTIONS));
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });

  it('HCL: arbitrary unicode text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), async (text) => {
        wellFormed(await readPackerHcl([{ path: 'random.pkr.hcl', text }], [], OPTIONS));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('JSON: any text gives images or problems, never an exception', () => {
    fc.assert(
      fc.property(fc.array(jsonAlphabet, { maxLength: 200 }).map((parts) => parts.join('')), (text) => {
        wellFormed(readPackerJson({ path: 'random.json', text }, OPTIONS));
      }),
      { numRuns: 500, seed: 20261126 },
    );
  });

  it('JSON: any JSON value under "builders"', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        wellFormed(readPackerJson({ path: 'random.json', text: JSON.stringify({ builders: value }) }, OPTIONS));
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('hostile files', () => {
  const hcl = (text: string): Promise<TemplateReadResult> => readPackerHcl([{ path: 'x.pkr.hcl', text }], [], OPTIONS);
  const json = (text: string): TemplateReadResult => readPackerJson({ path: 'x.json', text } satisfies SourceFile, OPTIONS);

  it('truncated files are problems at the place they end', async () => {
    const cut = await hcl('source "amazon-ebs" "x" {\n  ami_groups = ["all"');
    assert.ok(cut.problems.length > 0);
    assert.equal(cut.problems[0]?.location.line, 2);
    const cutJson = json('{"builders": [{"type": "amazon-ebs", "ami_groups": ["al');
    assert.equal(cutJson.problems.length, 1);
    assert.equal(cutJson.problems[0]?.location.line, 1);
  });

  it('deeply nested expressions give a problem or an unknown, not a stack overflow', async () => {
    const depth = 50_000;
    const nested = `${'['.repeat(depth)}"all"${']'.repeat(depth)}`;
    const result = await hcl(`source "amazon-ebs" "x" {\n  ami_groups = ${nested}\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n`);
    assert.ok(result.problems.length > 0 || result.images.length > 0);
    const parens = await hcl(`locals {\n  x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n}\nsource "amazon-ebs" "x" {\n  ami_users = [local.x]\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n`);
    const parenItem = parens.images[0]?.fields.ami_users?.items[0];
    assert.ok(parens.problems.length > 0 || parenItem?.kind === 'unknown', 'too deep to evaluate: said, not guessed');
    const deepJson = json(`{"builders": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    assert.ok(deepJson.problems.length > 0);
  });

  it('cyclic locals are unknowns naming the cycle; cyclic legacy variables an error naming it', async () => {
    const result = await hcl(
      'locals {\n  a = local.b\n  b = local.a\n}\nsource "amazon-ebs" "x" {\n  ami_groups = local.a\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n',
    );
    const item = result.images[0]?.fields.ami_groups?.items[0];
    assert.equal(item?.kind, 'unknown');
    assert.match(item?.kind === 'unknown' ? item.reason : '', /cycle/);
    const cyclicJson = json('{"variables": {"a": "{{user `b`}}", "b": "{{user `a`}}"}, "builders": [{"type": "amazon-ebs", "ami_users": "{{user `a`}}"}]}');
    // Packer fails to interpolate a cycle of legacy user variables: an error, and nothing shared.
    assert.deepEqual(cyclicJson.images, []);
    assert.match(cyclicJson.problems[0]?.message ?? '', /cycle/);
  });

  it('a 10 MB template is read, with its finding at the right line', async () => {
    const filler = Array.from({ length: 230_000 }, (_, i) => `  tag_${i} = "value-${i}-padding-padding"`).join('\n');
    const text = `source "amazon-ebs" "big" {\n${filler}\n  ami_groups = ["all"]\n}\nbuild {\n  sources = ["source.amazon-ebs.big"]\n}\n`;
    assert.ok(text.length > 10_000_000, `${text.length} bytes`);
    const result = await hcl(text);
    const item = result.images[0]?.fields.ami_groups?.items[0];
    assert.equal(item?.location.line, 230_002);
    const bigJson = JSON.stringify({ builders: [{ type: 'amazon-ebs', tags: Object.fromEntries(Array.from({ length: 400_000 }, (_, i) => [`tag_${i}`, `value-${i}-padding`])), ami_groups: ['all'] }] });
    assert.ok(bigJson.length > 10_000_000);
    assert.equal(json(bigJson).images[0]?.fields.ami_groups?.items[0]?.kind, 'known');
  });

  it('binary files and non-templates named on the command line are findings, not crashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-hostile-'));
    writeFileSync(join(dir, 'blob.json'), Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x01]));
    writeFileSync(join(dir, 'image.pkr.hcl'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]));
    const result = await lint({ paths: ['blob.json', 'image.pkr.hcl'], cwd: dir, env: {} });
    assert.deepEqual(result.findings.map((finding) => finding.ruleId), ['parse-error', 'parse-error']);
  });
});

describe('var-files with hundreds of thousands of entries, under the size limit', () => {
  it('give at most 100 problems per file and a count of the rest, not a stack overflow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-many-'));
    const names = Array.from({ length: 350_000 }, (_, index) => `a${index.toString(36)}`);
    // Legacy var-files take only strings: every number is a problem.
    writeFileSync(join(dir, 'many.json'), `{${names.map((name) => `"${name}":1`).join(',')}}`);
    writeFileSync(join(dir, 'template.json'), '{"builders": [{"type": "amazon-ebs"}]}');
    const result = await lint({ paths: ['template.json'], cwd: dir, env: {}, variables: [{ kind: 'var-file', path: 'many.json' }] });
    const problems = result.findings.filter((finding) => finding.ruleId === 'parse-error' && 'file' in finding.location && finding.location.file === 'many.json');
    assert.equal(problems.length, 101);
    assert.ok(problems.some((finding) => finding.message === '349900 more problems in this file are not listed (350000 in all)'));
  });
});

describe('reading a tree of templates', () => {
  it('reads every JSON template and HCL configuration once, in discovery order, with a broken one as a problem', async () => {
    const { readTemplates } = await import('../../src/templates/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'amiguard-tree-'));
    for (let index = 0; index < 12; index++) {
      writeFileSync(join(dir, `t${index}.json`), `{"builders": [{"type": "amazon-ebs", "ami_users": ["${String(index).padStart(12, '1')}"]}]}\n`);
      mkdirSync(join(dir, `h${index}`));
      writeFileSync(join(dir, `h${index}`, 'x.pkr.hcl'), `source "amazon-ebs" "x" {\n  ami_groups = ${index % 2 === 0 ? '["all"]' : '[]'}\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n`);
    }
    writeFileSync(join(dir, 'broken.json'), '{"builders": [');
    const read = await readTemplates({ paths: [], cwd: dir, variables: [], useEnv: false, env: {} });
    assert.equal(read.images.length, 24);
    assert.equal(read.artifacts.length, 25);
    assert.equal(new Set(read.artifacts).size, 25);
    assert.deepEqual(read.problems.map((problem) => problem.location.file), ['broken.json']);
    // Legacy JSON templates first, then the HCL configurations, as discovered.
    assert.ok(read.artifacts.slice(0, 13).every((file) => file.endsWith('.json')));
    assert.ok(read.artifacts.slice(13).every((file) => file.endsWith('.pkr.hcl')));
  });
});
