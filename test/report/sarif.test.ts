import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sourceLocation } from '../../src/core/index.js';
import type { Finding } from '../../src/core/index.js';
import { formatSarif } from '../../src/report/index.js';
import { sampleAuditReport } from './sample-audit-report.js';
import { emptyReport, sampleReport } from './sample-report.js';
import { assertMatchesSnapshot } from './snapshot.js';

const SRC_ROOT = '/home/dev/ami builds';

/** The parts of a SARIF log the assertions look at. */
interface Log {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; name: string; helpUri: string }[] } };
    originalUriBaseIds?: Record<string, { uri: string }>;
    artifacts: { location: { uri: string; uriBaseId?: string } }[];
    results: {
      ruleId: string;
      ruleIndex?: number;
      level: string;
      message: { text: string };
      locations: Location[];
      relatedLocations?: (Location & { id: number; message: { text: string } })[];
      partialFingerprints: Record<string, string>;
    }[];
    columnKind: string;
  }[];
}

interface Location {
  physicalLocation?: {
    artifactLocation: { uri: string; uriBaseId?: string; index?: number };
    region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
  logicalLocations?: { fullyQualifiedName: string; kind: string }[];
}

function run(output: string): Log['runs'][number] {
  const log = JSON.parse(output) as Log;
  assert.equal(log.runs.length, 1);
  const [first] = log.runs;
  assert.ok(first);
  return first;
}

describe('formatSarif', () => {
  it('matches the checked-in output', () => {
    assertMatchesSnapshot(formatSarif(sampleReport(), { srcRoot: SRC_ROOT }), 'report.sarif');
  });

  it('declares SARIF 2.1.0, the tool and how columns count', () => {
    const output = formatSarif(sampleReport());
    const log = JSON.parse(output) as Log;
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.version, '2.1.0');
    assert.equal(run(output).tool.driver.name, 'amiguard');
    assert.equal(run(output).columnKind, 'utf16CodeUnits');
    assert.ok(output.endsWith('}\n'));
  });

  it('ranks rules for code scanning (security-severity, tags) and names the category of the run', () => {
    const lint = JSON.parse(formatSarif(sampleReport())) as {
      runs: { automationDetails: { id: string }; tool: { driver: { rules: { id: string; properties: { tags: string[]; 'security-severity': string } }[] } } }[];
    };
    const [run] = lint.runs;
    assert.equal(run?.automationDetails.id, 'amiguard/lint/');
    const rules = new Map(run?.tool.driver.rules.map((rule) => [rule.id, rule.properties]));
    assert.equal(rules.get('public-ami')?.['security-severity'], '9.1');
    assert.ok(rules.get('public-ami')?.tags.includes('security'));
    for (const [id, properties] of rules) assert.match(properties['security-severity'], /^\d\.\d$/, id);
    const audit = JSON.parse(formatSarif(sampleAuditReport())) as { runs: { automationDetails: { id: string } }[] };
    assert.equal(audit.runs[0]?.automationDetails.id, 'amiguard/audit/');
  });

  it('points each result at its rule by index', () => {
    const { tool, results } = run(formatSarif(sampleReport()));
    assert.equal(results.length, 5);
    for (const result of results) {
      assert.equal(tool.driver.rules[result.ruleIndex ?? -1]?.id, result.ruleId);
    }
    assert.deepEqual(
      tool.driver.rules.map((rule) => [rule.name, rule.helpUri]),
      [
        ['PublicAmi', 'https://github.com/amiguard/amiguard#public-ami'],
        ['PublicSnapshot', 'https://github.com/amiguard/amiguard#public-snapshot'],
        ['UnapprovedAccount', 'https://github.com/amiguard/amiguard#unapproved-account'],
        ['UnresolvedSharing', 'https://github.com/amiguard/amiguard#unresolved-sharing'],
      ],
    );
  });

  it('leaves out ruleIndex for a finding whose rule is not in the table', () => {
    const report = { ...sampleReport(), rules: [] };
    const { results } = run(formatSarif(report));
    assert.ok(results.every((result) => result.ruleIndex === undefined));
  });

  it('names files by percent-encoded relative URIs under %SRCROOT%, indexed into the artifacts', () => {
    const { artifacts, results } = run(formatSarif(sampleReport()));
    assert.deepEqual(
      artifacts.map((artifact) => artifact.location.uri),
      ['examples/base.pkr.json', 'examples/clean.pkr.hcl', 'examples/variables.pkr.hcl', 'examples/web%20server.pkr.hcl'],
    );
    const locations = results.flatMap((result) => [...result.locations, ...(result.relatedLocations ?? [])]);
    const physical = locations.flatMap((location) => location.physicalLocation ?? []);
    assert.equal(physical.length, 5);
    for (const { artifactLocation } of physical) {
      assert.equal(artifactLocation.uriBaseId, '%SRCROOT%');
      assert.equal(artifacts[artifactLocation.index ?? -1]?.location.uri, artifactLocation.uri);
    }
  });

  it('lists a file a finding names even when the report did not', () => {
    const report = { ...sampleReport(), artifacts: [] };
    const { artifacts } = run(formatSarif(report));
    assert.deepEqual(
      artifacts.map((artifact) => artifact.location.uri),
      ['examples/base.pkr.json', 'examples/variables.pkr.hcl', 'examples/web%20server.pkr.hcl'],
    );
  });

  it('names an absolute path by a file: URI with no base', () => {
    const [first] = sampleReport().findings;
    assert.ok(first);
    const finding: Finding = { ...first, location: sourceLocation('/etc/packer/a#1.json', 1, 1) };
    const report = { ...sampleReport(), findings: [finding] };
    const location = run(formatSarif(report)).results[0]?.locations[0]?.physicalLocation?.artifactLocation;
    assert.deepEqual(location, { uri: 'file:///etc/packer/a%231.json', index: 0 });
  });

  it('records %SRCROOT% as a file: URI ending in a slash only when given', () => {
    assert.deepEqual(run(formatSarif(sampleReport(), { srcRoot: SRC_ROOT })).originalUriBaseIds, {
      '%SRCROOT%': { uri: 'file:///home/dev/ami%20builds/' },
    });
    assert.deepEqual(run(formatSarif(sampleReport(), { srcRoot: '/' })).originalUriBaseIds, {
      '%SRCROOT%': { uri: 'file:///' },
    });
    assert.equal(run(formatSarif(sampleReport())).originalUriBaseIds, undefined);
  });

  it('places AWS findings at a logical location', () => {
    const { results } = run(formatSarif(sampleReport()));
    const aws = results.filter((result) => result.locations[0]?.logicalLocations !== undefined);
    assert.deepEqual(
      aws.map((result) => [result.locations[0]?.logicalLocations, result.locations[0]?.physicalLocation]),
      [
        [[{ name: 'snap-0a1b2c3d4e5f60718', fullyQualifiedName: '111122223333/us-east-1/snap-0a1b2c3d4e5f60718', kind: 'resource' }], undefined],
        [[{ name: 'ami-0fedcba9876543210', fullyQualifiedName: '444455556666/eu-west-1/ami-0fedcba9876543210', kind: 'resource' }], undefined],
      ],
    );
  });

  it('carries severity, message, remediation, related locations and fingerprint', () => {
    const result = run(formatSarif(sampleReport())).results[1];
    assert.equal(result?.ruleId, 'public-ami');
    assert.equal(result?.level, 'error');
    assert.equal(
      result?.message.text,
      'AMI of builder "amazon-ebs.web" is public: ami_groups includes "all". ' +
        'Hint: remove "all" from ami_groups, or add a public exception for this AMI to the policy.',
    );
    assert.deepEqual(
      result?.relatedLocations?.map((related) => [related.id, related.message.text, related.physicalLocation?.region]),
      [[1, 'variable "groups" is defined here.', { startLine: 2, startColumn: 13, endLine: 2, endColumn: 20 }]],
    );
    assert.deepEqual(result?.partialFingerprints, { 'amiguardFinding/v1': '9a8b7c6d5e4f3a2b' });
  });

  it('does not depend on the order of the findings, rules or artifacts', () => {
    const report = sampleReport();
    const shuffled = {
      ...report,
      findings: [...report.findings].reverse(),
      rules: [...report.rules].reverse(),
      artifacts: [...report.artifacts].reverse(),
    };
    assert.equal(formatSarif(shuffled), formatSarif(report));
  });
});

interface Diagnostic {
  readonly file: string;
  readonly level: string;
  readonly text: string;
}

const MULTITOOL = fileURLToPath(
  new URL('../../node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool', import.meta.url),
);

/** Validates the sample, the empty and an audit report's SARIF in one run: the multitool takes a second to start. */
function validate(directory: string): Diagnostic[] {
  try {
    accessSync(MULTITOOL, constants.X_OK);
  } catch {
    assert.fail(`the SARIF multitool is missing or not executable at ${MULTITOOL}: run \`npm run setup\``);
  }
  const files = {
    'sample.sarif': formatSarif(sampleReport(), { srcRoot: SRC_ROOT }),
    'empty.sarif': formatSarif(emptyReport(), { srcRoot: SRC_ROOT }),
    // An incomplete audit: invocations with notifications of what was not read.
    'audit.sarif': formatSarif(sampleAuditReport(), { srcRoot: SRC_ROOT }),
  };
  const paths = Object.entries(files).map(([name, content]) => {
    const path = join(directory, name);
    writeFileSync(path, content);
    return path;
  });
  const result = spawnSync(MULTITOOL, ['validate', ...paths], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `the multitool failed: ${result.error?.message ?? ''}${result.stderr}${result.stdout}`);
  assert.match(result.stdout, /Done\. 3 files scanned\./, result.stdout);
  // Lines read `FILE(line[,column]): error|warning|note CODE: text`.
  return [...result.stdout.matchAll(/^(.+?)\(\d+(?:,\d+)?\): (\w+) ([A-Z]+\d+: .*)$/gm)].map((match) => ({
    file: match[1] ?? '',
    level: match[2] ?? '',
    text: match[3] ?? '',
  }));
}

describe('formatSarif output, checked by the SARIF multitool', () => {
  const directory = mkdtempSync(join(tmpdir(), 'amiguard-sarif-'));
  let outcome: { diagnostics: Diagnostic[] } | { error: unknown } | undefined;
  // Both tests read the one run; a missing multitool fails each of them, with the fix in the message.
  const diagnostics = (): Diagnostic[] => {
    if (outcome === undefined) {
      try {
        outcome = { diagnostics: validate(directory) };
      } catch (error) {
        outcome = { error };
      }
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.diagnostics;
  };

  after(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('reports no errors for a report with findings or for an empty one', () => {
    assert.deepEqual(diagnostics().filter((diagnostic) => diagnostic.level === 'error'), []);
  });

  it('reports no warnings either', () => {
    assert.deepEqual(diagnostics().filter((diagnostic) => diagnostic.level === 'warning'), []);
  });
});
