/**
 * `--only` / `--except` on a legacy JSON template, as packer/core.go applies them: exact builder
 * names (`name`, else `type`), `-except` on a post-processor's name or type ending its sequence,
 * and "No builds to run" when nothing is left.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TemplateReadResult } from '../../../src/templates/model.js';
import { options, readText } from './read-fixture.js';

const TEMPLATE = `{
  "builders": [
    { "type": "amazon-ebs", "name": "staging", "ami_groups": ["all"] },
    { "type": "amazon-ebs", "name": "prod", "ami_users": ["111122223333"] },
    { "type": "docker", "name": "local" }
  ],
  "post-processors": [
    [
      { "type": "manifest" },
      { "type": "amazon-import", "name": "share", "ami_users": ["444455556666"] }
    ],
    { "type": "amazon-import", "ami_groups": ["all"] }
  ]
}
`;

function read(only: readonly string[], except: readonly string[] = []): TemplateReadResult {
  return readText('template.json', TEMPLATE, options({ builds: { only, except } }));
}

function built(only: readonly string[], except: readonly string[] = []): string[] {
  const result = read(only, except);
  assert.deepEqual(result.problems, []);
  return result.images.map((image) => image.name);
}

describe('--only and --except on a legacy JSON template', () => {
  it('builds the builders --only names exactly, with the post-processors', () => {
    assert.deepEqual(built(['prod']), ['prod', 'share', 'amazon-import']);
    // Names are not globs in legacy JSON.
    assert.deepEqual(built(['local', 'pro*']), ['share', 'amazon-import']);
  });

  it('leaves out the builders --except names', () => {
    assert.deepEqual(built([], ['staging']), ['prod', 'share', 'amazon-import']);
  });

  it('ends a post-processor sequence where --except names one, by name or type', () => {
    assert.deepEqual(built([], ['manifest']), ['staging', 'prod', 'amazon-import']);
    assert.deepEqual(built([], ['share', 'amazon-import']), ['staging', 'prod']);
  });

  it('says nothing is built when the filter leaves no builder, at "builders"', () => {
    const result = read(['amazon-ebs']);
    assert.deepEqual(result.images, []);
    assert.deepEqual(
      result.problems.map((problem) => `${problem.location.line}:${problem.location.column} ${problem.message}`),
      ['2:15 the only / except build filters leave none of this template\'s builds to run (staging, prod, local); Packer stops with "No builds to run"'],
    );
  });
});

describe('a legacy JSON post-processor\'s own "only" and "except"', () => {
  const template = (settings: string): string => `{
  "builders": [
    { "type": "amazon-ebs", "name": "staging", "ami_users": ["111122223333"] },
    { "type": "qemu", "name": "local" }
  ],
  "post-processors": [
    { "type": "amazon-import", "name": "import", ${settings}"ami_groups": ["all"] }
  ]
}
`;
  const images = (settings: string, only: readonly string[] = []): string[] => {
    const result = readText('template.json', template(settings), options({ builds: { only, except: [] } }));
    assert.deepEqual(result.problems, []);
    return result.images.map((image) => image.name);
  };
  const problems = (settings: string): string[] =>
    readText('template.json', template(settings)).problems.map((problem) => `${problem.location.line}:${problem.location.column} ${problem.message}`);

  it('runs after the builds "only" names (raw builder names) that run, and after every build but those "except" names', () => {
    assert.deepEqual(images('"only": ["local"], '), ['staging', 'import']);
    assert.deepEqual(images('"only": ["local"], ', ['staging']), ['staging']);
    assert.deepEqual(images('"only": ["staging"], ', ['local']), []);
    assert.deepEqual(images('"except": ["local"], ', ['local']), []);
    assert.deepEqual(images('"except": ["local"], '), ['staging', 'import']);
    assert.deepEqual(images('"except": ["local", "staging"], '), ['staging']);
  });

  it('is an error, as Packer refuses the template, to give both, to name a builder the template lacks, or to give no list', () => {
    assert.deepEqual(problems('"only": ["local"], "except": ["staging"], '), ['7:5 post-processors[0]: only one of "only" or "except" may be specified; Packer rejects the template']);
    assert.deepEqual(problems('"only": ["prod"], '), ["7:58 post-processors[0]: \"only\" names 'prod', which is not a builder of this template; Packer rejects the template"]);
    assert.deepEqual(problems('"except": "local", '), ['7:60 post-processors[0]: "except" must be a list of builder names, found a string; Packer rejects the template']);
  });

  it('takes an empty or null list as not given, as Packer does (OnlyExcept acts on non-empty lists): the post-processor runs after every build', () => {
    assert.deepEqual(images('"only": [], '), ['staging', 'import']);
    assert.deepEqual(images('"only": null, '), ['staging', 'import']);
    assert.deepEqual(images('"only": [], "except": ["staging", "local"], '), ['staging']);
  });

  it('passes over a post-processor its own only / except skips for a build before --except can end the sequence there (packer/core.go Build)', () => {
    const text = `{
  "builders": [
    { "type": "amazon-ebs", "name": "staging", "ami_users": ["111122223333"] },
    { "type": "qemu", "name": "local" }
  ],
  "post-processors": [[
    { "type": "manifest", "name": "m", "only": ["local"] },
    { "type": "amazon-import", "name": "import", "ami_groups": ["all"] }
  ]]
}
`;
    const result = readText('template.json', text, options({ builds: { only: [], except: ['m'] } }));
    assert.deepEqual(result.problems, []);
    // After staging, m is skipped and the import runs; after local, -except m ends the sequence.
    assert.deepEqual(result.images.map((image) => image.name), ['staging', 'import']);
  });

  it('keeps a fragment without builders: its post-processors\' names cannot be checked, and their sharing is', () => {
    const result = readText('template.json', '{ "post-processors": [{ "type": "amazon-import", "only": ["elsewhere"], "ami_groups": ["all"] }] }\n');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.images.map((image) => image.name), ['amazon-import']);
  });
});
