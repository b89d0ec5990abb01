/**
 * `--only` / `--except` as `packer build -only/-except` applies them to an HCL2 configuration
 * (hcl2template GetBuilds, getCoreBuildPostProcessors): gobwas globs over
 * `build-name.type.source-name`, post-processor chains cut by `-except`, and "No builds to run".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuildFilter, TemplateReadResult } from '../../../src/templates/model.js';
import { compileGlob } from '../../../src/templates/packer-hcl/build-filter.js';
import { options, readFilesAsGiven, span } from './read-config.js';

const CONFIGURATION = [
  'source "amazon-ebs" "staging" {',
  '  ami_groups = ["all"]',
  '}',
  'source "amazon-ebs" "prod" {',
  '  ami_users = ["111122223333"]',
  '}',
  'build {',
  '  name    = "app"',
  '  sources = ["source.amazon-ebs.staging", "source.amazon-ebs.prod"]',
  '}',
  'build {',
  '  source "amazon-ebs.prod" {',
  '    name = "nightly"',
  '  }',
  '  post-processors {',
  '    post-processor "manifest" {}',
  '    post-processor "amazon-import" {',
  '      ami_groups = ["all"]',
  '    }',
  '  }',
  '  post-processor "amazon-import" {',
  '    name      = "share"',
  '    ami_users = ["444455556666"]',
  '  }',
  '}',
].join('\n');

function read(only: readonly string[], except: readonly string[] = []): Promise<TemplateReadResult> {
  const builds: BuildFilter = { only, except };
  return readFilesAsGiven({ 'main.pkr.hcl': CONFIGURATION }, options({ builds }));
}

/** The images built, each with the line its sharing is written on. */
async function built(only: readonly string[], except: readonly string[] = []): Promise<string[]> {
  const result = await read(only, except);
  assert.deepEqual(result.problems, []);
  return result.images.map((image) => {
    const field = image.fields.ami_groups ?? image.fields.ami_users;
    return `${image.name} ${field?.items.map((item) => (item.kind === 'known' ? item.value : '?')).join(',') ?? ''} line ${field?.location.line ?? '?'}`;
  });
}

describe('--only and --except on an HCL2 configuration', () => {
  it('builds everything without them', async () => {
    assert.deepEqual(await built([], []), [
      'amazon-ebs.staging all line 2',
      'amazon-ebs.prod 111122223333 line 5',
      'amazon-ebs.nightly 111122223333 line 5',
      'amazon-import #1 all line 18',
      'amazon-import #2 444455556666 line 23',
    ]);
  });

  it('matches build-name.type.source-name, or type.source-name for a build without a name', async () => {
    assert.deepEqual(await built(['app.amazon-ebs.prod']), ['amazon-ebs.prod 111122223333 line 5']);
    // Post-processors run for the sources that run: the second build's run for nightly.
    assert.deepEqual(await built(['amazon-ebs.nightly']), [
      'amazon-ebs.nightly 111122223333 line 5',
      'amazon-import #1 all line 18',
      'amazon-import #2 444455556666 line 23',
    ]);
  });

  it('matches globs: * across dots, alternatives, classes', async () => {
    assert.deepEqual(await built(['*.prod']), ['amazon-ebs.prod 111122223333 line 5']);
    assert.deepEqual(await built(['app.*']), ['amazon-ebs.staging all line 2', 'amazon-ebs.prod 111122223333 line 5']);
    assert.deepEqual(await built(['app.amazon-ebs.{staging,none}']), ['amazon-ebs.staging all line 2']);
    assert.deepEqual(await built(['app.amazon-ebs.[p-s]taging']), ['amazon-ebs.staging all line 2']);
  });

  it('leaves out what --except matches', async () => {
    assert.deepEqual(await built([], ['app.*']), [
      'amazon-ebs.nightly 111122223333 line 5',
      'amazon-import #1 all line 18',
      'amazon-import #2 444455556666 line 23',
    ]);
  });

  it('cuts a post-processor chain where --except names one, by its name or its type', async () => {
    // "manifest" comes first in the chain: the import after it does not run either.
    assert.deepEqual(await built([], ['manifest']), [
      'amazon-ebs.staging all line 2',
      'amazon-ebs.prod 111122223333 line 5',
      'amazon-ebs.nightly 111122223333 line 5',
      'amazon-import 444455556666 line 23',
    ]);
    assert.deepEqual(await built([], ['share', 'app.*']), ['amazon-ebs.nightly 111122223333 line 5', 'amazon-import all line 18']);
  });

  it('passes over a post-processor its own only / except skips for a source before --except can end the chain there (getCoreBuildPostProcessors)', async () => {
    const configuration = (only: string): string =>
      [
        'source "amazon-ebs" "a" {}',
        'source "amazon-ebs" "b" {}',
        'build {',
        '  sources = ["source.amazon-ebs.a", "source.amazon-ebs.b"]',
        '  post-processors {',
        `    post-processor "manifest" { ${only} }`,
        '    post-processor "amazon-import" {',
        '      ami_groups = ["all"]',
        '    }',
        '  }',
        '}',
      ].join('\n');
    const imports = async (only: string, except: readonly string[]): Promise<string[]> => {
      const result = await readFilesAsGiven({ 'main.pkr.hcl': configuration(only) }, options({ builds: { only: [], except } }));
      assert.deepEqual(result.problems, []);
      return result.images.filter((image) => image.type === 'amazon-import').map((image) => image.name);
    };
    // After a, the manifest is skipped and the import runs; after b, -except ends the chain.
    assert.deepEqual(await imports('only = ["amazon-ebs.b"]', ['manifest']), ['amazon-import']);
    // Run after every source, the manifest ends the chain for each.
    assert.deepEqual(await imports('', ['manifest']), []);
    // Whether it runs is not known (a variable without a value): the import's sharing stays checked.
    assert.deepEqual(await imports('only = var.none', ['manifest']), ['amazon-import']);
  });

  it('says nothing is built when the filter leaves no build, at the first build block', async () => {
    const result = await read(['amazon-ebs.staging']);
    assert.deepEqual(result.images, []);
    assert.deepEqual(
      result.problems.map((problem) => `${span(problem.location)} ${problem.message}`),
      [
        'main.pkr.hcl:7:1-7:6 the only / except build filters leave none of this configuration\'s builds to run ' +
          '(app.amazon-ebs.staging, app.amazon-ebs.prod, amazon-ebs.nightly); Packer stops with "No builds to run"',
      ],
    );
  });

  it('refuses a pattern gobwas/glob cannot compile, as Packer does', async () => {
    const result = await read(['app.amazon-ebs.{prod']);
    assert.deepEqual(result.images, []);
    assert.deepEqual(result.problems.map((problem) => `${span(problem.location)} ${problem.message}`), ['main.pkr.hcl:1:1-1:1 Packer rejects the -only pattern "app.amazon-ebs.{prod": unclosed "{"']);
  });
});

describe('gobwas glob syntax', () => {
  const cases: readonly (readonly [string, string, boolean])[] = [
    ['*', 'a.b.c', true],
    ['a?c', 'abc', true],
    ['a?c', 'a.bc', false],
    ['[!a]x', 'bx', true],
    ['[!a]x', 'ax', false],
    ['{x,y*}.z', 'yy.z', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['a-b.c', 'a-b.c', true],
    ['a.b', 'axb', false],
  ];
  it('matches a pattern of many stars against a long name without backtracking into every split', { timeout: 20_000 }, () => {
    // As a regular expression (.*a.*a...b) this took minutes; the wildcard algorithm is linear in each.
    const glob = compileGlob(`${'*a'.repeat(30)}*b`);
    assert.ok(typeof glob !== 'string' && 'test' in glob);
    assert.equal(glob.test('a'.repeat(200)), false);
    assert.equal(glob.test(`${'a'.repeat(200)}b`), true);
  });

  it('refuses alternatives that expand past what it compares, naming the pattern', () => {
    assert.deepEqual(compileGlob('{a,b}'.repeat(13)), { unsupported: 'its alternatives make more than 4096 patterns' });
  });

  for (const [pattern, name, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${name}`, () => {
      const glob = compileGlob(pattern);
      assert.ok(typeof glob !== 'string' && 'test' in glob);
      assert.equal(glob.test(name), expected);
    });
  }
});
