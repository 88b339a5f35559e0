import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  documents,
  expectedContent,
  FIGURES_DIR,
  PROJECT_DIR,
  readFigures,
  refreshRegions,
  regionsOf,
} from '../../../scripts/figures.mjs';

// Every measured figure of the documents comes from a file of docs/figures/ that `npm run bench` or
// `npm run figures` writes, shown between markers (scripts/figures.mjs). These tests hold the documents to
// those files; test/integration/figures-build.test.ts holds the build's files to the build.

const read = (document: string) => readFileSync(join(PROJECT_DIR, document), 'utf8');
const FIGURES = readdirSync(FIGURES_DIR)
  .filter((file) => file.endsWith('.md'))
  .map((file) => file.slice(0, -'.md'.length))
  .sort();

/** A number with a unit of size, time or ratio: what a measurement states. */
const MEASURED = /\d[\d,]*(?:\.\d+)?\s?(?:bytes|[KMG]i?B|ms|s|×)(?![\p{L}\p{N}_])/gu;

/** The measured-looking figures of a document outside its regions. */
const figuresOutsideRegions = (markdown: string): string[] => {
  let outside = markdown;
  for (const region of regionsOf(markdown).reverse()) {
    outside = outside.slice(0, region.start) + outside.slice(region.end);
  }
  return [...outside.matchAll(MEASURED)].map((match) => match[0]);
};

const TEMPLATE = {
  '512 MB': 'MemorySize in template.yaml',
  '300 s': 'Timeout in template.yaml',
};
const CLIENT_SETTINGS = {
  '3 s': 'CONNECTION_TIMEOUT_MS, src/aws/client-options.ts',
  '15 s': 'REQUEST_TIMEOUT_MS, src/aws/client-options.ts',
  '5 s': "the time budget's cap, src/aws/time-budget.ts",
};

/**
 * Numbers with a unit that are settings, limits or goals, not measurements, per document, and where each
 * is set. Anything else with such a unit outside a region fails the test.
 */
const NOT_MEASURED: Record<string, Record<string, string>> = {
  'README.md': TEMPLATE,
  'docs/cdk.md': TEMPLATE,
  'docs/cost.md': {
    ...TEMPLATE,
    '20 ms': 'the time the change-stream bench gives every call (ROUND_TRIP_MS, bench/change-stream.ts)',
    '2.8 ×': 'the odds against a 48-bit hash collision: 2^48',
  },
  'docs/decisions.md': {
    '5 s': CLIENT_SETTINGS['5 s'],
    '60 s': "the sweep margin's cap, src/run/deadline.ts",
  },
  'docs/development.md': {
    '3 s': "pip's timeout while it asks whether the index answers (PROBE_LIMITS, scripts/python-tools.mjs)",
    '15 s': "pip's timeout during the install (INSTALL_LIMITS, scripts/python-tools.mjs)",
  },
  'docs/organization.md': { '20 KB': "Lambda's limit on a function's resource-based policy" },
  'docs/organization-audit.md': {
    '1.3×': 'the goal of the organization audit (GOAL_RATIO, bench/organization-audit.ts)',
    '12 ms': "the time slice of the report's rendering (SLICE_MS, src/report/page-script.ts)",
    '120 ms': 'the pause for more typing before a filter applies (src/report/page-script.ts)',
    '50 ms': 'the delay the bench endpoint answers after (BENCH_ORG_DELAY_MS, bench/organization-audit.ts)',
  },
  'docs/reliability.md': {
    ...CLIENT_SETTINGS,
    '1 s': 'HISTORY_REREAD_DELAYS_MS, src/run/evaluate-change.ts',
    '2 s': 'HISTORY_REREAD_DELAYS_MS, src/run/evaluate-change.ts',
    '4 s': 'HISTORY_REREAD_DELAYS_MS, src/run/evaluate-change.ts',
    '10 s': 'MIN_TIME_AFTER_WAIT_MS, src/run/evaluate-change.ts',
    '256 KB': "CloudWatch Logs' limit on an event",
    '8 KiB': 'MAX_MESSAGE_CHARS, src/config/delivery-report.ts',
    '32 KiB': 'LOG_PART_CHARS, src/config/delivery-report.ts',
    '64 KiB': 'the bound of a log line that test/unit/handler.test.ts asserts',
  },
  'docs/performance.md': {
    '300 s': TEMPLATE['300 s'],
    ...CLIENT_SETTINGS,
    '20 ms': 'the time a test gives each call',
    '60 s': "the sweep margin's cap, src/run/deadline.ts",
    '6 s': 'the sweep margin of a 30 s timeout',
    '30 s': "a test's function timeout",
    '8 s': "a test's function timeout",
    '20 s': "the SDK's backoff cap, @smithy/core",
    '50 ms': "the SDK's backoff base",
    '1 s': "the SDK's backoff base after throttling",
    '200 ms': "the reporter's re-send backoff, src/config/reporter.ts",
    '1.15×': 'the cold-start goal (bench/cold-start.mjs)',
    '1.5×': 'the memory goal (bench/sweep-calls.ts, test/integration/bundle-scale.test.ts)',
    '0.50×': 'the sweep-path goal (bench/cold-start.mjs)',
  },
};

describe('the figures of the documents', () => {
  it.each(documents())('%s: every region shows its docs/figures/ file as it is', (document) => {
    // Prepare
    const markdown = read(document);

    // Act
    const wrong = regionsOf(markdown)
      .filter((region) => region.content !== expectedContent(region))
      .map((region) =>
        readFigures(region.name) === undefined
          ? `figures:${region.name}: no docs/figures/${region.name}.md`
          : `figures:${region.name} differs from docs/figures/${region.name}.md: run node scripts/figures.mjs`,
      );

    // Assess
    expect(wrong).toEqual([]);
  });

  it('shows every file of docs/figures/ in a document', () => {
    // Act
    const shown = new Set(
      documents().flatMap((document) => regionsOf(read(document)).map(({ name }) => name)),
    );

    // Assess
    expect(FIGURES.filter((name) => !shown.has(name))).toEqual([]);
    expect(FIGURES).toEqual(
      expect.arrayContaining([
        'build',
        'package',
        'cold-start',
        'sweep',
        'decisions',
        'cost',
        'change-stream',
      ]),
    );
  });

  it('shows timed figures of one run of npm run bench only: none can contradict another', () => {
    // Act
    const runs = new Set(
      FIGURES.flatMap((name) => /^```text\n(npm run bench, .*)$/m.exec(readFigures(name) ?? '')?.[1] ?? []),
    );

    // Assess
    expect(runs.size).toBe(1);
  });

  it.each(documents())('%s: states no measured figure outside a region', (document) => {
    // Prepare
    const allowed = NOT_MEASURED[document] ?? {};

    // Act
    const found = figuresOutsideRegions(read(document));

    // Assess
    expect(found.filter((figure) => !Object.hasOwn(allowed, figure))).toEqual([]);
    // Every exception is still needed: a setting that is gone from the text leaves the list.
    expect(Object.keys(allowed).filter((figure) => !found.includes(figure))).toEqual([]);
  });

  it('finds regions, rewrites them from their files, and finds figures outside them', () => {
    // Prepare
    const build = readFigures('build') as string;
    const markdown = `a 1.09× b\n<!-- figures:build -->\nstale 12 ms\n<!-- /figures -->\nc 3.5 MiB`;

    // Act
    const regions = regionsOf(markdown);
    const refreshed = refreshRegions(markdown, 'test');

    // Assess
    expect(regions.map(({ name, inline }) => [name, inline])).toEqual([['build', false]]);
    expect(refreshed).toBe(`a 1.09× b\n<!-- figures:build -->\n${build}<!-- /figures -->\nc 3.5 MiB`);
    expect(figuresOutsideRegions(markdown)).toEqual(['1.09×', '3.5 MiB']);
    expect(() => refreshRegions('<!-- figures:none -->x<!-- /figures -->', 'test')).toThrow(
      'test: region figures:none has no docs/figures/none.md of one line',
    );
  });
});
