import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { formatHtml } from '../../src/report/index.js';
import { INJECTED_MESSAGE, SAMPLE_AUDIT_BARS, sampleAuditReport } from './sample-audit-report.js';

/** Debian's chromium package; CI installs it with apt-get before the tests. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const report = sampleAuditReport();

describe('the HTML report in Chromium', { timeout: 120_000 }, () => {
  let directory = '';
  let browser: Browser | undefined;
  let page: Page;
  /** Console errors (a CSP violation is one), uncaught exceptions, dialogs (alert) and requests. */
  const problems: string[] = [];
  const requests: string[] = [];
  let pageUrl = '';

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      assert.fail(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as CI does`);
    }
    directory = mkdtempSync(join(tmpdir(), 'amiguard-html-'));
    const file = join(directory, 'report.html');
    writeFileSync(file, formatHtml(report, { generatedAt: '2025-01-02T03:04:05Z' }));
    pageUrl = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pageUrl);
  });

  after(async () => {
    // To look at the page: AMIGUARD_SCREENSHOT=/tmp/report.png node --import tsx --test this file.
    const screenshot = process.env['AMIGUARD_SCREENSHOT'];
    if (screenshot !== undefined && browser !== undefined) await page.screenshot({ path: screenshot, fullPage: true });
    await browser?.close();
    if (directory !== '') rmSync(directory, { recursive: true, force: true });
  });

  const rows = () => page.locator('#findings-table tbody tr');
  const column = (index: number) => page.locator(`#findings-table tbody tr td:nth-child(${index})`).allTextContents();
  const header = (name: string) => page.locator('#findings-table thead th', { has: page.getByRole('button', { name, exact: true }) });

  it('renders with no console error, page error or dialog, and requests nothing but itself', async () => {
    await page.locator('#findings-table').waitFor();
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [pageUrl]);
  });

  it('draws every bar of the chart, with its title', async () => {
    assert.equal(await page.locator('svg#estate-chart rect.bar').count(), SAMPLE_AUDIT_BARS);
    const titles = await page.locator('svg#estate-chart rect.bar > title').allTextContents();
    assert.ok(titles.includes('333344445555 us-east-1: Public AMIs 1'));
    const box = await page.locator('svg#estate-chart').boundingBox();
    assert.ok(box !== null && box.width > 700 && box.height > 240, 'the chart is laid out at its size');
  });

  it('has one row per finding', async () => {
    assert.equal(await rows().count(), report.findings.length);
  });

  it('sorts by severity rank when the Severity header is clicked, and reverses on a second click', async () => {
    const severity = header('Severity');
    await page.getByRole('button', { name: 'Severity', exact: true }).click();
    assert.deepEqual(await column(1), ['error', 'error', 'warning', 'warning', 'note', 'note']);
    assert.equal(await severity.getAttribute('aria-sort'), 'descending');
    await page.getByRole('button', { name: 'Severity', exact: true }).click();
    assert.deepEqual(await column(1), ['note', 'note', 'warning', 'warning', 'error', 'error']);
    assert.equal(await severity.getAttribute('aria-sort'), 'ascending');
  });

  it('sorts by account when the Account header is clicked, and clears the other headers', async () => {
    await page.getByRole('button', { name: 'Account', exact: true }).click();
    const accounts = await column(3);
    assert.deepEqual(accounts, ['111122223333', '111122223333', '111122223333', '222233334444', '333344445555', '333344445555']);
    assert.equal(await header('Account').getAttribute('aria-sort'), 'ascending');
    assert.equal(await header('Severity').getAttribute('aria-sort'), null);
    await page.getByRole('button', { name: 'Account', exact: true }).click();
    assert.deepEqual(await column(3), [...accounts].reverse());
    assert.equal(await header('Account').getAttribute('aria-sort'), 'descending');
  });

  it('hides the rows that do not match the filter', async () => {
    const filter = page.getByRole('searchbox', { name: 'Filter' });
    await filter.fill('eu-west-1');
    assert.equal(await page.locator('#findings-table tbody tr:visible').count(), 1);
    assert.deepEqual(await page.locator('#findings-table tbody tr:visible td:nth-child(4)').allTextContents(), ['eu-west-1']);
    assert.equal(await page.locator('#filter-status').textContent(), '1 of 6 findings match');
    await filter.fill('unapproved 111122223333');
    assert.equal(await page.locator('#findings-table tbody tr:visible').count(), 1);
    await filter.fill('');
    assert.equal(await page.locator('#findings-table tbody tr:visible').count(), report.findings.length);
  });

  it('shows the injected script as text, and does not run it', async () => {
    const cell = page.locator('#findings-table td', { hasText: 'alert(1)' });
    assert.equal(await cell.count(), 1);
    assert.equal(await cell.textContent(), INJECTED_MESSAGE);
    assert.ok(await cell.isVisible());
    assert.equal(await page.locator('script').count(), 1);
    assert.equal(await page.locator('#findings-table b').count(), 0);
    assert.deepEqual(problems, []);
  });

  it('shows what could not be read, as an alert', async () => {
    const failures = page.locator('#failures li');
    assert.equal(await failures.count(), 3);
    assert.ok(await page.getByRole('heading', { name: 'Incomplete: 3 parts could not be read' }).isVisible());
    assert.ok(await page.getByRole('alert').isVisible());
  });
});
