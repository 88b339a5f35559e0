import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditReport, AuditResult } from '../../../src/cli/audit.js';
import { escapeHtml, jsonForScript } from '../../../src/report/escape.js';
import { fixOf, renderHtmlReport } from '../../../src/report/html.js';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import { OwnerKind } from '../../../src/rule/owner.js';

const HOSTILE = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)> "\' &amp;';

const result = (overrides: Partial<AuditResult> = {}): AuditResult => ({
  account: '111111111111',
  region: 'eu-west-1',
  instanceId: 'i-1',
  compliance: ComplianceType.NonCompliant,
  reason: Reason.NoProfile,
  annotation: 'No IAM instance profile: attach one',
  ...overrides,
});

const reportOf = (results: AuditResult[], overrides: Partial<AuditReport> = {}): AuditReport => ({
  parameters: { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false },
  source: 'command line',
  accounts: [{ account: '111111111111', name: 'payments', regions: 1, instances: results.length }],
  regions: [{ account: '111111111111', region: 'eu-west-1', instances: results.length }],
  results,
  ...overrides,
});

/** The text of the one element `<tag ...>text</tag>` with the given opening. */
const between = (html: string, opening: string, closing: string): string => {
  const start = html.indexOf(opening);
  return html.slice(start + opening.length, html.indexOf(closing, start));
};

const dataOf = (html: string) =>
  JSON.parse(between(html, '<script type="application/json" id="report-data">', '</script>')) as {
    columns: string[];
    rows: string[][];
  };

describe('renderHtmlReport', () => {
  it('escapes every value that came from AWS, and keeps the data element closed', () => {
    // Prepare
    const report = reportOf([result({ name: HOSTILE, annotation: HOSTILE })], {
      accounts: [
        { account: '111111111111', name: HOSTILE, regions: 1, instances: 1 },
        { account: '222222222222', name: HOSTILE, regions: 0, instances: 0, error: HOSTILE },
      ],
      regions: [
        { account: '111111111111', region: 'eu-west-1', instances: 1 },
        { account: '111111111111', region: 'ap-east-1', instances: 0, error: HOSTILE },
      ],
    });

    // Act
    const html = renderHtmlReport(report);

    // Assess: our two scripts, nothing else; the hostile text only escaped.
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<!-- <img');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(dataOf(html).rows[0]).toContain(HOSTILE);
  });

  it('carries every row in its data, whatever the strings, read back unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme-composite' }), { minLength: 1, maxLength: 5 }),
        (names) => {
          const html = renderHtmlReport(
            reportOf(names.map((name, index) => result({ instanceId: `i-${index}`, name }))),
          );
          expect(html.match(/<script/g)).toHaveLength(2);
          expect(new Set(dataOf(html).rows.map((row) => row[3]))).toEqual(new Set(names));
        },
      ),
    );
  });

  it('allows its own script and style by hash, and nothing to be fetched', () => {
    // Act
    const html = renderHtmlReport(reportOf([result()]));

    // Assess
    const csp = between(html, '<meta http-equiv="Content-Security-Policy" content="', '">');
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = between(html, '<script>', '</script>');
    const style = between(html, '<style>', '</style>');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(html).not.toMatch(/\b(?:src|href)=["']?(?:https?:)?\/\//);
  });

  it('sums up the instances, the accounts and what could not be audited', () => {
    // Prepare
    const report = reportOf([result(), result({ instanceId: 'i-2', compliance: ComplianceType.Compliant })], {
      accounts: [
        { account: '111111111111', regions: 1, instances: 2 },
        { account: '222222222222', regions: 0, instances: 0, error: 'AssumeRole denied' },
      ],
    });

    // Act
    const html = renderHtmlReport(report, { generatedAt: new Date('2026-01-02T03:04:05.678Z') });

    // Assess
    const summary = between(html, '<ul class="summary">', '</ul>')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
    expect(summary.trim()).toBe(
      '2 app-tier instances 1 NON_COMPLIANT 1 COMPLIANT 1 of 2 accounts audited 1 of 1 regions audited 1 could not be audited',
    );
    expect(html).toContain('generated 2026-01-02T03:04:05Z');
    expect(between(html, '<div class="failures" id="not-audited">', '</div>')).toContain(
      'Account <strong>222222222222</strong>: AssumeRole denied',
    );
  });

  it('lists NON_COMPLIANT rows first, each with its fix', () => {
    // Prepare
    const owner = {
      kind: OwnerKind.AutoScalingGroup,
      autoScalingGroup: 'web',
      launchTemplate: { id: 'lt-1' },
    };
    const report = reportOf([
      result({ instanceId: 'i-3', compliance: ComplianceType.Compliant, reason: Reason.UsesRole }),
      result({ instanceId: 'i-2', owner }),
      result({ instanceId: 'i-1' }),
    ]);

    // Act
    const { columns, rows } = dataOf(renderHtmlReport(report));

    // Assess
    const at = (row: string[] | undefined, column: string) => row?.[columns.indexOf(column)];
    expect(rows.map((row) => at(row, 'instance'))).toEqual(['i-1', 'i-2', 'i-3']);
    expect(at(rows[0], 'fix')).toBe(
      'attach an instance profile (ec2 associate-iam-instance-profile, or remediate)',
    );
    expect(at(rows[1], 'fix')).toBe(
      'Auto Scaling group web, launch template lt-1: set an instance profile in the launch template, or replacements repeat this',
    );
    expect(at(rows[2], 'fix')).toBe('');
  });

  it('orders the rows by concern, then account, region and instance', () => {
    // Prepare: across accounts, and a single account's rows (which carry no account)
    const across = reportOf([
      result({ account: '222222222222', region: 'eu-west-1', instanceId: 'i-9' }),
      result({ compliance: ComplianceType.NotApplicable, reason: Reason.NotAppTier, instanceId: 'i-0' }),
      result({ account: '111111111111', region: 'us-east-1', instanceId: 'i-1' }),
      result({ compliance: ComplianceType.Compliant, reason: Reason.UsesRole, instanceId: 'i-5' }),
      result({ account: '111111111111', region: 'eu-west-1', instanceId: 'i-2' }),
      result({ account: '111111111111', region: 'eu-west-1', instanceId: 'i-1' }),
    ]);
    const single = reportOf(
      [
        result({ account: undefined, region: 'us-east-1', instanceId: 'i-1' }),
        result({ account: undefined, region: 'eu-west-1', instanceId: 'i-2' }),
        result({ account: undefined, region: 'eu-west-1', instanceId: 'i-1' }),
      ],
      { accounts: undefined, regions: [] },
    );

    // Act
    const rowsOf = (report: AuditReport) => {
      const { columns, rows } = dataOf(renderHtmlReport(report));
      return rows.map((row) =>
        ['account', 'region', 'instance'].map((column) => row[columns.indexOf(column)]),
      );
    };

    // Assess
    expect(rowsOf(across)).toEqual([
      ['111111111111', 'eu-west-1', 'i-1'],
      ['111111111111', 'eu-west-1', 'i-2'],
      ['111111111111', 'us-east-1', 'i-1'],
      ['222222222222', 'eu-west-1', 'i-9'],
      ['111111111111', 'eu-west-1', 'i-5'],
      ['111111111111', 'eu-west-1', 'i-0'],
    ]);
    expect(rowsOf(single)).toEqual([
      ['', 'eu-west-1', 'i-1'],
      ['', 'eu-west-1', 'i-2'],
      ['', 'us-east-1', 'i-1'],
    ]);
  });

  it('names what could not be audited: an account by its name, a region with its account; many behind a toggle', () => {
    // Prepare
    const regions = Array.from({ length: 21 }, (_, index) => ({
      account: '111111111111',
      region: `xx-test-${index}`,
      instances: 0,
      error: 'DescribeInstances timed out',
    }));
    const few = reportOf([result()], {
      accounts: [
        { account: '111111111111', regions: 1, instances: 1 },
        { account: '222222222222', name: 'payments', regions: 0, instances: 0, error: 'AssumeRole denied' },
      ],
      regions: [
        { account: '111111111111', region: 'eu-west-1', instances: 1 },
        { region: 'ap-east-1', instances: 0, error: 'opt-in region' },
      ],
    });
    const many = reportOf([result()], {
      regions: [{ account: '111111111111', region: 'eu-west-1', instances: 1 }, ...regions],
    });

    // Act
    const [fewHtml, manyHtml] = [renderHtmlReport(few), renderHtmlReport(many)];

    // Assess
    const failuresOf = (html: string) => between(html, '<div class="failures" id="not-audited">', '</div>');
    expect(failuresOf(fewHtml)).toBe(
      '<strong>Could not be audited (2):</strong> their instances are not in this report.<ul>' +
        '<li>Account <strong>222222222222</strong> (payments): AssumeRole denied</li>' +
        '<li>Region <strong>ap-east-1</strong>: opt-in region</li></ul>',
    );
    expect(failuresOf(manyHtml)).toContain('<strong>Could not be audited (21):</strong>');
    expect(failuresOf(manyHtml)).toContain('<details><summary>Show all</summary><ul>');
    expect(failuresOf(manyHtml)).toContain(
      '<li>Region <strong>xx-test-20</strong> of account 111111111111: DescribeInstances timed out</li>',
    );
  });

  it('lists the sources of a single account without an account', () => {
    // Prepare
    const report = reportOf(
      [result({ account: undefined, owner: { kind: OwnerKind.AutoScalingGroup, autoScalingGroup: 'web' } })],
      { accounts: undefined, regions: [{ region: 'eu-west-1', instances: 1 }] },
    );

    // Act
    const html = renderHtmlReport(report);

    // Assess
    expect(html).toContain('<tr><td>Auto Scaling group web</td><td>-</td><td>1</td><td>i-1 (eu-west-1)</td>');
  });

  it('reports a single account: no account count, its regions drawn', () => {
    // Prepare
    const report: AuditReport = {
      ...reportOf([result({ account: undefined })]),
      accounts: undefined,
      regions: [{ region: 'eu-west-1', instances: 1 }],
    };

    // Act
    const html = renderHtmlReport(report);

    // Assess
    expect(html).not.toContain('accounts audited');
    expect(html).toContain('of 1 regions audited');
    expect(html.match(/<g class="cell"/g)).toHaveLength(1);
    expect(html).not.toContain('id="not-audited"');
  });

  it("says when the source holds no owners (an aggregator's rows), and when there are more sources", () => {
    // Prepare
    const aggregated = reportOf([result({ reason: undefined, notKnown: ['owner', 'reason'] })], {
      parameters: undefined,
      source: 'Config aggregator org, rule r',
    });
    const owned = reportOf(
      Array.from({ length: 12 }, (_, index) =>
        result({
          instanceId: `i-${index}`,
          owner: { kind: OwnerKind.AutoScalingGroup, autoScalingGroup: `g${index}` },
        }),
      ),
    );

    // Act
    const [fromAggregator, manySources] = [renderHtmlReport(aggregated), renderHtmlReport(owned)];

    // Assess
    expect(fromAggregator).toContain('The source does not hold the owners of the instances');
    expect(fromAggregator).toContain('Config aggregator org, rule r · generated');
    expect(manySources).toContain('2 more source(s) in the table below.');
    expect(manySources.match(/<tr><td>Auto Scaling group/g)).toHaveLength(10);
  });

  it('draws the 40 accounts with the most NON_COMPLIANT instances and says how many more there are', () => {
    // Prepare
    const accounts = Array.from({ length: 45 }, (_, index) => String(100000000000 + index));
    const report = reportOf(
      accounts.map((account, index) => result({ account, instanceId: `i-${index}` })),
      {
        accounts: accounts.map((account) => ({ account, regions: 1, instances: 1 })),
        regions: accounts.map((account) => ({ account, region: 'eu-west-1', instances: 1 })),
      },
    );

    // Act
    const html = renderHtmlReport(report);

    // Assess
    expect(html.match(/<g class="cell"/g)).toHaveLength(40);
    expect(html).toContain(
      'The 40 accounts with the most NON_COMPLIANT instances; 5 more are in the table below.',
    );
  });
});

describe('fixOf', () => {
  it("is the annotation when the source holds no reason (a Config aggregator's row)", () => {
    expect(fixOf(result({ reason: undefined, annotation: 'No IAM instance profile: attach one' }))).toBe(
      'No IAM instance profile: attach one',
    );
  });
});

describe('jsonForScript', () => {
  it('never lets a value close the element, and reads back the same', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = jsonForScript(value);
        expect(text).not.toContain('<');
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
