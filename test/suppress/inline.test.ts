import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleIds, scanDirectives } from '../../src/suppress/index.js';

/** [line of the directive, covered lines, rules, reason, problem kind] for each directive found. */
function summary(text: string, syntax: 'hcl' | 'hcl-json' | 'packer-json' = 'hcl') {
  return scanDirectives('t.pkr.hcl', text, syntax).map((directive) => [
    directive.location.line,
    directive.lines === 'file' ? 'file' : `${directive.lines.from}-${directive.lines.to}`,
    directive.rules.join(','),
    directive.reason,
    directive.problem?.kind ?? 'ok',
  ]);
}

describe('amiguard-ignore in HCL', () => {
  it('reads #, // and /* */ comments; a trailing one covers its line, one alone covers the next line of code', () => {
    const text = [
      'source "amazon-ebs" "x" {',
      '  ami_groups = ["all"] # amiguard-ignore public-ami: published (SEC-142)',
      '  // amiguard-ignore public-snapshot: disk has no data',
      '',
      '  snapshot_groups = ["all"]',
      '  /* amiguard-ignore unapproved-account, unapproved-ou until 2027-01-31: partner */',
      '  ami_users = ["111122223333"]',
      '}',
    ].join('\n');
    assert.deepEqual(summary(text), [
      [2, '2-2', 'public-ami', 'published (SEC-142)', 'ok'],
      [3, '5-5', 'public-snapshot', 'disk has no data', 'ok'],
      [6, '7-7', 'unapproved-account,unapproved-ou', 'partner', 'ok'],
    ]);
    assert.equal(scanDirectives('t.pkr.hcl', text, 'hcl')[2]?.until, '2027-01-31');
  });

  it('covers the whole block from its opening line, or from the line before it', () => {
    const text = [
      '# amiguard-ignore public-ami: community image',
      'source "amazon-ebs" "a" {',
      '  tags = { Name = "x" }',
      '  ami_groups = ["all"]',
      '}',
      'source "amazon-ebs" "b" { # amiguard-ignore public-snapshot: scrubbed disk',
      '  snapshot_groups = ["all"]',
      '}',
    ].join('\n');
    assert.deepEqual(summary(text), [
      [1, '2-5', 'public-ami', 'community image', 'ok'],
      [6, '6-8', 'public-snapshot', 'scrubbed disk', 'ok'],
    ]);
  });

  it('covers a value that spans several lines from the line it starts on', () => {
    const text = ['source "amazon-ebs" "x" {', '  # amiguard-ignore public-ami: published', '  ami_groups = [', '    "all",', '  ]', '  ami_users = concat(', '    ["1"],', '  ) # amiguard-ignore unapproved-account: partner', '}'].join('\n');
    assert.deepEqual(summary(text), [
      [2, '3-5', 'public-ami', 'published', 'ok'],
      [8, '8-8', 'unapproved-account', 'partner', 'ok'],
    ]);
  });

  it('does not take the marker inside strings, templates or heredocs for a comment', () => {
    const text = [
      'source "amazon-ebs" "x" {',
      '  ami_description = "# amiguard-ignore public-ami: not a comment"',
      '  ami_name = "${lower("// amiguard-ignore public-ami: nor this")}-x"',
      '  user_data = <<EOF',
      '# amiguard-ignore public-ami: a shell comment',
      'EOF',
      '  ami_groups = ["all"]',
      '}',
    ].join('\n');
    assert.deepEqual(summary(text), []);
  });

  it('marks a directive without a reason, without a rule, or with a bad date; checkRuleIds marks unknown rules', () => {
    const text = [
      '# amiguard-ignore public-ami',
      '# amiguard-ignore public-ami:   ',
      '# amiguard-ignore : why',
      '# amiguard-ignore public-ami until 31/01/2027: why',
      '# amiguard-ignore public-amis: typo',
      'x = 1',
    ].join('\n');
    const directives = checkRuleIds(scanDirectives('t.pkr.hcl', text, 'hcl'), ['public-ami']);
    assert.deepEqual(
      directives.map((directive) => directive.problem),
      [{ kind: 'noReason' }, { kind: 'noReason' }, { kind: 'noRule' }, { kind: 'badExpiry', text: '31/01/2027' }, { kind: 'unknownRule', rule: 'public-amis' }],
    );
  });

  it('ignores comments that only mention the marker, and words that merely start with it', () => {
    assert.deepEqual(summary('# see amiguard-ignore public-ami: docs\n# amiguard-ignored public-ami: x\nx = 1\n'), []);
  });
});

describe('amiguard-ignore in JSON', () => {
  it('legacy templates: root-level "_amiguard-ignore..." string keys cover the whole file', () => {
    const text = JSON.stringify(
      {
        '_amiguard-ignore': 'public-ami: community image (SEC-7)',
        '_amiguard-ignore-2': 'amiguard-ignore public-snapshot until 2027-01-31: scrubbed',
        _comment: 'not a directive',
        builders: [{ type: 'amazon-ebs', '_amiguard-ignore': 'unapproved-account: not root level, Packer rejects it' }],
      },
      null,
      2,
    );
    assert.deepEqual(summary(text, 'packer-json'), [
      [2, 'file', 'public-ami', 'community image (SEC-7)', 'ok'],
      [3, 'file', 'public-snapshot', 'scrubbed', 'ok'],
    ]);
  });

  it('legacy templates: a directive key whose value is not a string is a problem (Packer refuses it)', () => {
    assert.deepEqual(summary('{"_amiguard-ignore": ["public-ami: x"], "builders": []}', 'packer-json'), [[1, 'file', '', '', 'notString']]);
  });

  it('HCL JSON syntax: a "//" comment property covers its object', () => {
    const text = '{\n  "source": {\n    "amazon-ebs": {\n      "x": {\n        "//": "amiguard-ignore public-ami: published",\n        "ami_groups": ["all"]\n      }\n    }\n  }\n}\n';
    assert.deepEqual(summary(text, 'hcl-json'), [[5, '4-7', 'public-ami', 'published', 'ok']]);
  });
});
