import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Finding, Report } from '../../src/core/index.js';
import { sourceLocation } from '../../src/core/index.js';
import { formatHtml } from '../../src/report/index.js';
import { INJECTED_MESSAGE, INJECTED_RESOURCE, SAMPLE_AUDIT_BARS, sampleAuditReport } from './sample-audit-report.js';
import { emptyReport, sampleReport } from './sample-report.js';
import { assertMatchesSnapshot } from './snapshot.js';

const GENERATED_AT = '2025-01-02T03:04:05Z';

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

/** The one inline element of a kind, and the CSP source that allows exactly its content. */
function inline(html: string, element: 'script' | 'style'): { content: string; hash: string } {
  const matches = [...html.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))];
  assert.equal(matches.length, 1, `expected exactly one <${element}>`);
  const content = matches[0]?.[1] ?? '';
  return { content, hash: `'sha256-${createHash('sha256').update(content).digest('base64')}'` };
}

function csp(html: string): Map<string, string> {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match?.[1] !== undefined, 'expected a Content-Security-Policy meta');
  const policy = match[1].replaceAll('&#39;', "'");
  return new Map(
    policy.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

function finding(overrides: Partial<Finding>): Finding {
  return {
    ruleId: 'public-ami',
    severity: 'error',
    message: 'AMI is public',
    location: sourceLocation('a.pkr.hcl', 1, 1),
    related: [],
    fingerprint: 'f',
    ...overrides,
  };
}

describe('formatHtml', () => {
  it('matches the checked-in page for an audit', () => {
    assertMatchesSnapshot(formatHtml(sampleAuditReport(), { generatedAt: GENERATED_AT }), 'audit.html');
  });

  it('matches the checked-in page for a lint', () => {
    assertMatchesSnapshot(formatHtml(sampleReport()), 'lint.html');
  });

  it('is one HTML document with its own style and script', () => {
    const html = formatHtml(sampleAuditReport());
    assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'));
    assert.ok(html.endsWith('</html>\n'));
    assert.ok(inline(html, 'script').content.includes("getElementById('findings-table')"));
    assert.ok(inline(html, 'style').content.includes('.findings'));
  });

  it('escapes markup, quotes and ampersands from the report', () => {
    const html = formatHtml(sampleAuditReport(), { generatedAt: '"><script>alert(2)</script>' });
    assert.equal(count(html, /<script/g), 1, 'only the page’s own script');
    assert.ok(!html.includes('alert(1)</script>'));
    assert.ok(!html.includes('<b>'));
    assert.ok(html.includes('AMI name &lt;script&gt;alert(1)&lt;/script&gt; says &quot;it&#39;s fine&quot; &amp; more'));
    // The resource id is in a cell and in its sort key, an attribute.
    assert.equal(count(html, /ami-&lt;b&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;\/b&gt;/g), 2);
    assert.ok(html.includes('remove the &quot;all&quot; group &amp; retry'));
    assert.ok(html.includes('ec2:DescribeImageAttribute &lt;denied&gt; &amp; &quot;logged&quot;'));
    assert.ok(html.includes('datetime="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"'));
    assert.ok(!html.includes(INJECTED_MESSAGE));
    assert.ok(!html.includes(INJECTED_RESOURCE));
  });

  it('shows control characters and bidirectional overrides escaped', () => {
    const report: Report = {
      ...sampleReport(),
      findings: [finding({ message: 'ami_users includes "\u001b[2J1\u202e23"', location: sourceLocation('evil\u0000.pkr.hcl', 1, 1) })],
    };
    const html = formatHtml(report);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202a-\u202e\u2066-\u2069]/.test(html));
    assert.ok(html.includes('ami_users includes &quot;\\x1b[2J1\\u202e23&quot;'));
    assert.ok(html.includes('evil\\x00.pkr.hcl:1:1'));
  });

  it('allows only its own inline style and script, by hash', () => {
    const html = formatHtml(sampleAuditReport());
    const policy = csp(html);
    assert.equal(policy.get('default-src'), "'none'");
    assert.equal(policy.get('script-src'), inline(html, 'script').hash);
    assert.equal(policy.get('style-src'), inline(html, 'style').hash);
    assert.equal(policy.get('base-uri'), "'none'");
    assert.ok(!html.includes('unsafe-'));
    // A policy that allows no inline attributes: none must be needed.
    assert.equal(count(html, /\sstyle=/g), 0);
    assert.equal(count(html, /\son[a-z]+=/g), 0);
  });

  it('links nowhere outside the page and loads nothing', () => {
    for (const report of [sampleAuditReport(), sampleReport(), emptyReport()]) {
      const html = formatHtml(report);
      const targets = [...html.matchAll(/\s(?:src|href|xlink:href|srcset|action|poster|data)\s*=\s*"([^"]*)"/g)].map(
        (match) => match[1],
      );
      assert.ok(targets.length > 0, 'the section links are checked');
      for (const target of targets) assert.match(target ?? '', /^#[a-z-]+$/);
      assert.ok(!/url\(|@import|<link|<iframe|<img|<object|<embed/i.test(html));
    }
  });

  it('counts the findings by severity in the header', () => {
    const html = formatHtml(sampleReport());
    assert.ok(html.includes('<li class="error"><span class="number">2</span> errors</li>'));
    assert.ok(html.includes('<li class="warning"><span class="number">2</span> warnings</li>'));
    assert.ok(html.includes('<li class="note"><span class="number">1</span> note</li>'));
    assert.ok(html.includes('<title>amiguard lint report: 2 errors, 2 warnings, 1 note</title>'));
    assert.ok(html.includes('<p>Read 4 files.</p>'));
  });

  it('shows the date only when given one', () => {
    assert.ok(formatHtml(sampleAuditReport(), { generatedAt: GENERATED_AT }).includes(
      `generated <time datetime="${GENERATED_AT}">${GENERATED_AT}</time>`,
    ));
    assert.ok(!formatHtml(sampleAuditReport()).includes('<time'));
  });

  it('has one table row per finding, with its rule, location, message and remediation', () => {
    for (const report of [sampleAuditReport(), sampleReport()]) {
      const html = formatHtml(report);
      assert.equal(count(html, /<tr data-order="\d+">/g), report.findings.length);
      for (const item of report.findings) {
        const where = item.location.kind === 'aws' ? item.location.resourceId : `${item.location.file}:${item.location.line}:${item.location.column}`;
        for (const text of [item.message, where, ...(item.remediation === undefined ? [] : [item.remediation])]) {
          const escaped = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
          assert.ok(html.includes(`>${escaped}<`), `expected ${JSON.stringify(text)} in a cell`);
        }
      }
    }
  });

  it('gives the columns of an audit, sort keys for severity by rank, and no table without findings', () => {
    const audit = formatHtml(sampleAuditReport());
    const headers = [...audit.matchAll(/<th scope="col"[^>]*><button type="button">([^<]+)<\/button>/g)].map((match) => match[1]);
    assert.deepEqual(headers, ['Severity', 'Rule', 'Account', 'Region', 'Resource', 'Message', 'Remediation']);
    assert.ok(audit.includes('<th scope="col" data-type="number" data-first="descending"><button type="button">Severity</button></th>'));
    assert.deepEqual(
      [...audit.matchAll(/<td class="nowrap" data-sort="(\d)"><span class="sev sev-(\w+)">/g)].map((match) => `${match[2]}=${match[1]}`),
      // Risk first: errors, then warnings, then notes.
      ['error=3', 'error=3', 'warning=2', 'warning=2', 'note=1', 'note=1'],
    );
    const lintOnly = formatHtml({ ...sampleReport(), findings: [finding({})] });
    assert.ok(lintOnly.includes('<button type="button">Location</button>'));
    assert.ok(!lintOnly.includes('<button type="button">Account</button>'));
    const empty = formatHtml(emptyReport());
    assert.ok(empty.includes('<p>No findings.</p>'));
    assert.ok(empty.includes('No findings in 1 file.'));
    assert.ok(!empty.includes('<table class="findings"'));
    assert.ok(!empty.includes('<svg'));
  });

  it('charts the public and unapproved grants of each account and region that has any, and tables every one', () => {
    const html = formatHtml(sampleAuditReport());
    assert.equal(count(html, /<rect class="bar /g), SAMPLE_AUDIT_BARS);
    assert.equal(count(html, /<rect class="swatch /g), 3);
    assert.ok(html.includes('<title>333344445555 us-east-1: Public AMIs 1</title>'));
    assert.ok(html.includes('<title id="estate-chart-title">Public and unapproved grants by account and region</title>'));
    // The largest figure spans the whole scale; unapproved grants are counted from the findings.
    assert.ok(html.includes('<rect class="bar s-shared" role="img" x="244" y="66" width="440" height="12"><title>111122223333 us-east-1: Unapproved grants 1</title>'));
    assert.ok(!/<svg[\s\S]*: AMIs \d+<\/title>[\s\S]*<\/svg>/.test(html), 'AMI counts are in the table, not the chart');
    assert.ok(!/<svg[\s\S]*ap-south-1[\s\S]*<\/svg>/.test(html), 'an empty region is not charted');
    assert.ok(html.includes('1 region with no public or unapproved grant is not charted'));
    assert.ok(html.includes('<tr><td class="mono">222233334444</td><td class="mono">ap-south-1</td><td class="number">0</td>'));
    assert.ok(html.includes('<tfoot><tr><td colspan="2">Total</td><td class="number">25</td><td class="number">1</td><td class="number">1</td><td class="number">2</td></tr></tfoot>'));
    assert.ok(html.includes('Read 25 AMIs in 3 accounts and 4 regions; 3 parts could not be read, so the verdict is incomplete.'));
  });

  it('charts the findings per file for a lint', () => {
    const html = formatHtml(sampleReport());
    // Two files and two AWS account/regions, three severities each.
    assert.equal(count(html, /<rect class="bar /g), 4 * 3);
    assert.ok(html.includes('<title>examples/web server.pkr.hcl: Notes 1</title>'));
    assert.ok(html.includes('<tr><td class="mono">examples/web server.pkr.hcl</td><td class="number">1</td><td class="number">0</td><td class="number">1</td></tr>'));
  });

  it('shows a banner of what could not be read, with the IAM action, and says when everything was', () => {
    const html = formatHtml(sampleAuditReport());
    assert.ok(html.includes('<h2 id="failures-heading">Incomplete: 3 parts could not be read</h2>'));
    assert.ok(html.includes('<strong>the whole account</strong> in <strong class="mono">444455556666</strong>: <code>sts:AssumeRole</code> could not assume role'));
    assert.ok(
      html.includes(
        '<strong>block public access for AMIs</strong> in <strong class="mono">111122223333/us-west-2</strong>: <code>ec2:GetImageBlockPublicAccessState</code> not allowed',
      ),
    );
    assert.ok(html.includes('3 parts could not be read, so the verdict is incomplete.'));
    assert.ok(html.indexOf('id="failures"') < html.indexOf('id="summary"'), 'the banner comes before the figures');
    const report = sampleAuditReport();
    const complete = formatHtml({ ...report, coverage: { read: report.coverage?.read ?? [], unread: [] } });
    assert.ok(!complete.includes('id="failures"'));
    assert.ok(complete.includes('Everything in scope was read.'));
  });

  it('gives the same page for the same report, whatever the order of its parts', () => {
    const report = sampleAuditReport();
    const estate = report.estate;
    assert.ok(estate !== undefined);
    const shuffled: Report = {
      ...report,
      findings: [...report.findings].reverse(),
      rules: [...report.rules].reverse(),
      estate: { regions: [...estate.regions].reverse() },
      coverage: { read: report.coverage?.read ?? [], unread: [...(report.coverage?.unread ?? [])].reverse() },
    };
    const options = { generatedAt: GENERATED_AT };
    assert.equal(formatHtml(shuffled, options), formatHtml(report, options));
    assert.equal(formatHtml(report, options), formatHtml(sampleAuditReport(), options));
  });

  it('an audit leads with its findings, errors first, before the estate; suppressed findings have their own section', () => {
    const report = sampleAuditReport();
    const [first] = report.findings;
    assert.ok(first !== undefined);
    const html = formatHtml({ ...report, suppressed: [{ ...first, suppression: { kind: 'external', justification: 'baseline amiguard-baseline.json' } }] });
    const sections = [...html.matchAll(/<section id="(\w+)"/g)].map((match) => match[1]);
    assert.deepEqual(sections, ['failures', 'findings', 'summary', 'suppressed', 'rules']);
    assert.ok(html.includes('<h2 id="suppressed-heading">Suppressed (1)</h2>'));
    assert.ok(html.includes('<td>baseline amiguard-baseline.json</td>'));
    assert.ok(html.includes('<li><a href="#suppressed">Suppressed</a></li>'));
    assert.ok(!formatHtml(report).includes('id="suppressed"'), 'no section when nothing is suppressed');
  });

  it('the lint page keeps a location on one line', () => {
    const html = formatHtml(sampleReport());
    assert.match(html, /<td class="mono nowrap" data-sort="examples\/web server\.pkr\.hcl:\d+:\d+">/);
    assert.doesNotMatch(html, /<td class="mono resource" data-sort="examples/);
  });
});
