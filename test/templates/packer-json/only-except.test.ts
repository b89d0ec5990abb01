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
