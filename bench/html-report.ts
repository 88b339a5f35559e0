// The HTML report of 10,000 instances in headless Chromium, on the page's own clock (ms since navigation):
// when the first rows show, when every row is in the table, the longest task the page ran (what a person
// would feel as a freeze), and how long a filter takes to apply. Writes .bench/html-report.json. Skipped
// without /usr/bin/chromium.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderHtmlReport } from '../src/report/html.js';
import { chromiumAvailable, launchChromium } from '../test/support/browser.js';
import { largeReport } from '../test/support/large-report.js';
import { table } from './format.js';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROWS = Number(process.env.BENCH_HTML_ROWS ?? 10_000);

/** What the page measured of itself. */
interface PageTimes {
  readonly domContentLoaded: number;
  readonly firstPaint: number;
  readonly first: number[];
  readonly all: number[];
  readonly typed: number;
  readonly longestTask: number;
}

// Scripts for the page, as text: a function of this module would carry what tsx adds to it.
/** Records the longest task (over 50 ms) from the page's very start. */
const WATCH_LONG_TASKS = `
  globalThis.longest = { ms: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) globalThis.longest.ms = Math.max(globalThis.longest.ms, entry.duration);
  }).observe({ type: 'longtask', buffered: true });`;
/** The page's marks (the report's script sets report-rows-first and report-rows-all), and its longest task. */
const PAGE_TIMES = `(() => {
  const times = (name) => performance.getEntriesByName(name).map((entry) => entry.startTime);
  return {
    domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    firstPaint: times('first-contentful-paint')[0],
    first: times('report-rows-first'),
    all: times('report-rows-all'),
    typed: times('report-filter-typed')[0],
    longestTask: globalThis.longest.ms,
  };
})()`;
const MARK_TYPING = `document.getElementById('filter')
  .addEventListener('input', () => performance.mark('report-filter-typed'), { once: true })`;

if (!chromiumAvailable()) {
  console.log('Skipped: /usr/bin/chromium is missing (apt-get install chromium).');
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'html-bench-'));
const chromium = await launchChromium();
try {
  const file = join(work, 'report.html');
  const html = renderHtmlReport(largeReport(ROWS));
  writeFileSync(file, html);
  const page = await chromium.context.newPage();
  await page.addInitScript(WATCH_LONG_TASKS);
  await page.goto(pathToFileURL(file).href, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#instances[data-rendered="true"]', { timeout: 120_000 });
  const loaded = (await page.evaluate(PAGE_TIMES)) as PageTimes;
  await page.evaluate(MARK_TYPING);
  await page.fill('#filter', 'asg-7 ');
  await page.waitForSelector('#instances[data-rendered="true"]', { timeout: 120_000 });
  const filtered = (await page.evaluate(PAGE_TIMES)) as PageTimes;
  const result = {
    rows: ROWS,
    bytes: html.length,
    domContentLoadedMs: loaded.domContentLoaded,
    firstPaintMs: loaded.firstPaint,
    firstRowsMs: loaded.first[0] ?? Number.NaN,
    allRowsMs: loaded.all[0] ?? Number.NaN,
    longestTaskMs: filtered.longestTask,
    filterMs: (filtered.all.at(-1) ?? Number.NaN) - filtered.typed,
  };
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(
    table([
      [
        'HTML report',
        'size',
        'first paint',
        'first rows',
        'all rows',
        'longest task',
        'a filter (with its 120 ms pause)',
      ],
      [
        `${ROWS.toLocaleString('en-US')} instances`,
        `${(html.length / 1024 / 1024).toFixed(1)} MiB`,
        ms(result.firstPaintMs),
        ms(result.firstRowsMs),
        ms(result.allRowsMs),
        ms(result.longestTaskMs),
        ms(result.filterMs),
      ],
    ]).join('\n'),
  );
  mkdirSync(join(PROJECT_DIR, '.bench'), { recursive: true });
  writeFileSync(join(PROJECT_DIR, '.bench/html-report.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await chromium.close();
  rmSync(work, { recursive: true, force: true });
}
