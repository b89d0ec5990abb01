/**
 * Sources as builds use them: `sources = [...]`, build-level `source` overrides, `dynamic
 * "source"`, amazon-import post-processors, amazon-ebsvolume volumes, and how images are named.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageNamed, only, readFiles, readFilesAsGiven, span, values } from './read-config.js';

describe('builds', () => {
  it('returns a source once per build that uses it, named after the build when needed', async () => {
    const text = [
      'source "amazon-ebs" "base" {',
      '  ami_groups = ["all"]',
      '}',
      'build {',
      '  name    = "first"',
      '  sources = ["source.amazon-ebs.base"]',
      '}',
      'build {',
      '  sources = ["amazon-ebs.base", "sources.amazon-ebs.base"]',
      '}',
    ].join('\n');
    const result = await readFiles({ 'b.pkr.hcl': text });
    assert.deepEqual(result.images.map((image) => image.name), [
      'amazon-ebs.base (build "first")',
      'amazon-ebs.base (build 2) #1',
      'amazon-ebs.base (build 2) #2',
    ]);
    for (const image of result.images) assert.deepEqual(values(image, 'ami_groups'), ['all']);
  });

  it('makes no image of a source no build uses: Packer never builds it', async () => {
    const text = [
      'source "amazon-ebs" "lonely" {',
      '  ami_groups = ["all"]',
      '}',
      'source "amazon-ebs" "built" {',
      '  ami_users = ["111122223333"]',
      '}',
      'build {',
      '  sources = ["source.amazon-ebs.built"]',
      '}',
    ].join('\n');
    const result = await readFilesAsGiven({ 'b.pkr.hcl': text });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.images.map((image) => [image.name, span(image.fields.ami_users?.items[0]?.location)]), [
      ['amazon-ebs.built', 'b.pkr.hcl:5:16-5:30'],
    ]);
    const alone = await readFilesAsGiven({ 'b.pkr.hcl': 'source "amazon-ebs" "lonely" {\n  ami_groups = ["all"]\n}\n' });
    assert.deepEqual(alone, { images: [], problems: [] });
  });

  it('applies a build-level source block: its fields add to the source\'s and are located there, its name renames the build', async () => {
    const text = [
      'source "amazon-ebs" "base" {', //         1
      '  ami_users = ["111122223333"]', //       2
      '}', //                                    3
      'build {', //                              4
      '  source "source.amazon-ebs.base" {', //  5
      '    name       = "public"', //            6
      '    ami_groups = ["all"]', //             7
      '  }', //                                  8
      '  source "amazon-ebs.base" {', //         9
      '    snapshot_users = ["444455556666"]', // 10
      '  }', //                                  11
      '}',
    ].join('\n');
    const result = await readFiles({ 'b.pkr.hcl': text });
    assert.deepEqual(result.problems, []);
    const renamed = imageNamed(result, 'amazon-ebs.public');
    assert.equal(span(renamed.location), 'b.pkr.hcl:5:3-5:34');
    assert.deepEqual(values(renamed, 'ami_groups'), ['all']);
    assert.equal(span(renamed.fields.ami_groups?.location), 'b.pkr.hcl:7:5-7:25');
    assert.deepEqual(values(renamed, 'ami_users'), ['111122223333']);
    assert.equal(span(renamed.fields.ami_users?.location), 'b.pkr.hcl:2:3-2:31');

    const overridden = imageNamed(result, 'amazon-ebs.base');
    assert.deepEqual(values(overridden, 'ami_users'), ['111122223333']);
    assert.deepEqual(values(overridden, 'snapshot_users'), ['444455556666']);
    assert.equal(span(overridden.fields.snapshot_users?.items[0]?.location), 'b.pkr.hcl:10:23-10:37');
  });

  it('refuses a setting given both in the source and in the build\'s source block ("Duplicate argument"): nothing is shared', async () => {
    const text = [
      'source "amazon-ebs" "base" {',
      '  ami_users = ["111122223333"]',
      '}',
      'build {',
      '  source "amazon-ebs.base" {',
      '    ami_users = ["444455556666"]',
      '  }',
      '}',
    ].join('\n');
    const result = await readFiles({ 'b.pkr.hcl': text });
    assert.deepEqual(result.images, []);
    const problem = only(result.problems);
    // Packer names the second setting's name (hcl mergedBodies).
    assert.equal(span(problem.location), 'b.pkr.hcl:6:5-6:14');
    assert.equal(
      problem.message,
      'Duplicate argument: ami_users is already set in source "amazon-ebs" "base" (b.pkr.hcl:2:3); Packer refuses the configuration before building',
    );
  });

  it('knows source.name and source.type inside the source, with the build\'s name for it', async () => {
    const text = [
      'source "amazon-ebs" "base" {',
      '  ami_name = "${source.type}/${source.name}"',
      '}',
      'build {',
      '  source "amazon-ebs.base" {',
      '    name = "renamed"',
      '  }',
      '}',
    ].join('\n');
    const image = only((await readFiles({ 'b.pkr.hcl': text })).images);
    assert.equal(image.amiName?.kind === 'known' ? image.amiName.value : undefined, 'amazon-ebs/renamed');
  });

  it('expands dynamic "source" blocks over a map, with a custom iterator and labels from it', async () => {
    const text = [
      'locals {',
      '  targets = {',
      '    prod = { groups = ["all"], name = "p" }',
      '    dev  = { groups = [], name = "d" }',
      '  }',
      '}',
      'source "amazon-ebs" "base" {}',
      'build {',
      '  name = "multi"',
      '  dynamic "source" {',
      '    for_each = local.targets',
      '    iterator = target',
      '    labels   = ["amazon-ebs.base"]',
      '    content {',
      '      name       = target.value.name',
      '      ami_groups = target.value.groups',
      '      ami_name   = "image-${target.key}"',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const result = await readFiles({ 'b.pkr.hcl': text });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.images.map((image) => image.name), ['amazon-ebs.d[dev]', 'amazon-ebs.p[prod]']);
    const prod = imageNamed(result, 'amazon-ebs.p[prod]');
    assert.deepEqual(values(prod, 'ami_groups'), ['all']);
    assert.equal(prod.amiName?.kind === 'known' ? prod.amiName.value : undefined, 'image-prod');
    const item = only(prod.fields.ami_groups?.items ?? []);
    assert.equal(span(item.location), 'b.pkr.hcl:16:20-16:39');
    assert.equal(span(item.origin), 'b.pkr.hcl:3:24-3:29');
    assert.equal(item.via, 'local.targets');
    assert.equal(span(prod.location), 'b.pkr.hcl:10:3-10:19');
  });

  it('expands a dynamic source over a list, keyed by index, with the default iterator', async () => {
    const text = [
      'source "amazon-ebs" "base" {}',
      'build {',
      '  dynamic "source" {',
      '    for_each = [["111122223333"], ["444455556666"]]',
      '    labels   = ["amazon-ebs.base"]',
      '    content {',
      '      ami_users = source.value',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const result = await readFiles({ 'b.pkr.hcl': text });
    assert.deepEqual(result.images.map((image) => [image.name, values(image, 'ami_users')]), [
      ['amazon-ebs.base[0]', ['111122223333']],
      ['amazon-ebs.base[1]', ['444455556666']],
    ]);
    const item = only(result.images[0]?.fields.ami_users?.items ?? []);
    assert.equal(item.via, 'source.value');
    assert.equal(span(item.origin), 'b.pkr.hcl:4:18-4:32');
  });

  it('reports a field a dynamic source sets again once, not once per iteration', async () => {
    const text = [
      'source "amazon-ebs" "base" {',
      '  ami_groups = []',
      '}',
      'build {',
      '  dynamic "source" {',
      '    for_each = ["a", "b", "c"]',
      '    labels   = ["amazon-ebs.base"]',
      '    content {',
      '      ami_groups = ["all"]',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const result = await readFiles({ 'b.pkr.hcl': text });
    assert.deepEqual(result.images, []);
    assert.equal(span(only(result.problems).location), 'b.pkr.hcl:9:7-9:17');
  });

  it('keeps one build with unknown fields when for_each is unknown', async () => {
    const text = [
      'variable "regions" {',
      '  type = map(list(string))',
      '}',
      'source "amazon-ebs" "base" {}',
      'build {',
      '  dynamic "source" {',
      '    for_each = var.regions',
      '    labels   = ["amazon-ebs.base"]',
      '    content {',
      '      ami_users = source.value',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const image = only((await readFiles({ 'b.pkr.hcl': text })).images);
    assert.equal(image.name, 'amazon-ebs.base[?]');
    assert.deepEqual(values(image, 'ami_users'), ['?variable "regions" has no value']);
  });

  it('reports a build that uses an undeclared amazon source, and ignores other builders', async () => {
    const text = 'build {\n  sources = ["source.amazon-ebs.missing", "source.docker.other"]\n}\n';
    const result = await readFiles({ 'b.pkr.hcl': text });
    assert.deepEqual(result.images, []);
    const problem = only(result.problems);
    assert.equal(problem.message, 'the build uses source.amazon-ebs.missing, which is not declared; Packer rejects the build');
    assert.equal(span(problem.location), 'b.pkr.hcl:2:14-2:41');
  });

  it('reads sources declared in one file and built in another', async () => {
    const result = await readFiles({
      'sources.pkr.hcl': 'source "amazon-instance" "x" {\n  ami_org_arns = ["arn:aws:organizations::111122223333:organization/o-abcdefghij"]\n}\n',
      'build.pkr.hcl': 'build {\n  sources = ["source.amazon-instance.x"]\n}\n',
    });
    const image = only(result.images);
    assert.equal(image.type, 'amazon-instance');
    assert.equal(image.file, 'sources.pkr.hcl');
    assert.deepEqual(values(image, 'ami_org_arns'), ['arn:aws:organizations::111122223333:organization/o-abcdefghij']);
  });
});

describe('post-processors', () => {
  it('reads amazon-import in post-processor and post-processors blocks, with the build and source known', async () => {
    const text = [
      'source "amazon-ebs" "base" {}',
      'build {',
      '  name    = "imports"',
      '  sources = ["source.amazon-ebs.base"]',
      '  post-processor "amazon-import" {',
      '    ami_users = ["111122223333"]',
      '    ami_name  = "${build.name}-${source.name}"',
      '  }',
      '  post-processors {',
      '    post-processor "manifest" {}',
      '    post-processor "amazon-import" {',
      '      ami_groups   = ["all"]',
      '      ami_encrypt  = true',
      '      ami_kms_key  = "alias/mine"',
      '      snapshot_users = ["999999999999"]',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const result = await readFiles({ 'b.pkr.hcl': text });
    const imports = result.images.filter((image) => image.type === 'amazon-import');
    assert.deepEqual(imports.map((image) => image.name), ['amazon-import #1', 'amazon-import #2']);
    const [first, second] = imports;
    assert.deepEqual(values(first, 'ami_users'), ['111122223333']);
    assert.equal(first?.amiName?.kind === 'known' ? first.amiName.value : undefined, 'imports-base');
    assert.deepEqual(values(second, 'ami_groups'), ['all']);
    // amazon-import has no snapshot fields.
    assert.equal(second?.fields.snapshot_users, undefined);
    assert.equal(second?.encryptBoot?.kind === 'known' ? second.encryptBoot.value : undefined, true);
    assert.equal(second?.customerKmsKey?.kind === 'known' ? second.customerKmsKey.value : undefined, true);
    assert.equal(span(second?.location), 'b.pkr.hcl:11:5-11:35');
  });
});

describe('post-processor only and except', () => {
  const config = (filter: string): Record<string, string> => ({
    'b.pkr.hcl': [
      'source "amazon-ebs" "a" {}',
      'source "null" "b" {}',
      'build {',
      '  sources = ["source.amazon-ebs.a"]',
      '  source "null.b" {',
      '    name = "renamed"',
      '  }',
      '  post-processor "amazon-import" {',
      `    ${filter}`,
      '    ami_groups = ["all"]',
      '    ami_name   = "${source.name}"',
      '  }',
      '}',
    ].join('\n'),
  });
  const imports = async (filter: string): Promise<(string | undefined)[][]> =>
    (await readFilesAsGiven(config(filter))).images
      .filter((image) => image.type === 'amazon-import')
      .map((image) => [span(image.fields.ami_groups?.items[0]?.location), image.amiName?.kind === 'known' ? image.amiName.value : undefined]);

  it('runs for the sources only names, by the build\'s name for them', async () => {
    assert.deepEqual(await imports('only = ["null.renamed"]'), [['b.pkr.hcl:10:19-10:24', 'renamed']]);
    assert.deepEqual(await imports('only = ["null.b", "amazon-ebs.other"]'), []);
  });

  it('runs for every source except those except names', async () => {
    assert.deepEqual(await imports('except = ["amazon-ebs.a"]'), [['b.pkr.hcl:10:19-10:24', 'renamed']]);
    assert.deepEqual(await imports('except = ["amazon-ebs.a", "null.renamed"]'), []);
  });

  it('rejects only and except together, as Packer does', async () => {
    const result = await readFilesAsGiven(config('only = ["amazon-ebs.a"]\n    except = ["null.renamed"]'));
    assert.deepEqual(
      result.problems.map((problem) => `${span(problem.location)} ${problem.message}`),
      ['b.pkr.hcl:8:3-8:33 the post-processor sets both only and except; Packer rejects it ("only one of \'only\' or \'except\' may be specified")'],
    );
  });
});

describe('amazon-ebsvolume', () => {
  it('gives one image per ebs_volumes block, including dynamic ones and the build\'s', async () => {
    const text = [
      'source "amazon-ebsvolume" "vols" {',
      '  ebs_volumes {',
      '    snapshot_groups = ["all"]',
      '    encrypted       = true',
      '  }',
      '  dynamic "ebs_volumes" {',
      '    for_each = ["111122223333", "444455556666"]',
      '    content {',
      '      snapshot_users = [ebs_volumes.value]',
      '    }',
      '  }',
      '}',
      'build {',
      '  source "amazon-ebsvolume.vols" {',
      '    ebs_volumes {',
      '      snapshot_users = ["777788889999"]',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const result = await readFiles({ 'v.pkr.hcl': text });
    assert.deepEqual(
      result.images.map((image) => [image.name, values(image, 'snapshot_groups') ?? values(image, 'snapshot_users')]),
      [
        ['amazon-ebsvolume.vols ebs_volumes[0]', ['all']],
        ['amazon-ebsvolume.vols ebs_volumes[1]', ['111122223333']],
        ['amazon-ebsvolume.vols ebs_volumes[2]', ['444455556666']],
        ['amazon-ebsvolume.vols ebs_volumes[3]', ['777788889999']],
      ],
    );
    const [first] = result.images;
    assert.equal(span(first?.location), 'v.pkr.hcl:2:3-2:14');
    assert.equal(first?.encryptBoot?.kind === 'known' ? first.encryptBoot.value : undefined, true);
    assert.equal(first?.fields.ami_groups, undefined);
  });
});
