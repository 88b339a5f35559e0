import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { largeReport } from '../support/large-report.js';

const CHROMIUM = chromiumAvailable();
const ROWS = 10_000;

describe.skipIf(!CHROMIUM)(
  CHROMIUM
    ? 'the HTML report of 10,000 instances in headless Chromium'
    : 'the HTML report of 10,000 instances — skipped: /usr/bin/chromium is missing (apt-get install chromium)',
  () => {
    let work: string;
    let chromium: Awaited<ReturnType<typeof launchChromium>>;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'html-report-'));
      chromium = await launchChromium();
    });

    afterAll(async () => {
      await chromium?.close();
      if (work !== undefined) rmSync(work, { recursive: true, force: true });
    });

    it('shows its first rows before it has rendered them all, and filters while it renders', async () => {
      // Prepare
      const file = join(work, 'large.html');
      writeFileSync(file, renderHtmlReport(largeReport(ROWS)));
      const page = await chromium.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      // Act
      await page.goto(pathToFileURL(file).href, { waitUntil: 'domcontentloaded' });
      const firstPaint = await page.locator('#instances tbody tr').count();

      // Assess: rendered in chunks, the page answering between them.
      expect(firstPaint).toBeGreaterThan(0);
      expect(firstPaint).toBeLessThan(ROWS);
      await page.fill('#filter', 'asg-7 ');
      // A generous guard, not a timing: the bench measures how long it takes.
      await page.waitForSelector('#instances[data-rendered="true"]', { timeout: 60_000 });
      const shown = await page.locator('#shown').textContent();
      const owned = largeReport(ROWS).results.filter((row) => row.owner?.autoScalingGroup === 'asg-7').length;
      expect(shown).toBe(`${owned.toLocaleString('en-US')} of 10,000 instances`);
      expect(await page.locator('#instances tbody tr').count()).toBe(owned);

      await page.fill('#filter', '');
      await page.waitForSelector('#instances[data-rendered="true"]', { timeout: 60_000 });
      expect(await page.locator('#instances tbody tr').count()).toBe(ROWS);
      expect(errors).toEqual([]);
    });
  },
);
