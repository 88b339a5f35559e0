import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/cli/audit.js';
import { heatMap } from '../../../src/report/heat-map.js';
import { nonCompliantSources } from '../../../src/report/sources.js';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import { type Owner, OwnerKind } from '../../../src/rule/owner.js';

const asg = (name: string, template?: string): Owner => ({
  kind: OwnerKind.AutoScalingGroup,
  autoScalingGroup: name,
  ...(template === undefined ? {} : { launchTemplate: { id: template } }),
});

const nonCompliant = (instanceId: string, account: string, owner?: Owner): AuditResult => ({
  account,
  region: 'eu-west-1',
  instanceId,
  compliance: ComplianceType.NonCompliant,
  reason: Reason.NoProfile,
  annotation: 'No IAM instance profile',
  ...(owner === undefined ? {} : { owner }),
});

describe('nonCompliantSources', () => {
  it('groups by where the fix goes within each account, largest first; unowned apart', () => {
    // Prepare: two groups share a launch template (one fix), one name in two accounts (two sources).
    const results = [
      nonCompliant('i-1', 'A', asg('web', 'lt-1')),
      nonCompliant('i-2', 'A', asg('web-blue', 'lt-1')),
      nonCompliant('i-3', 'A', asg('batch')),
      nonCompliant('i-4', 'B', asg('batch')),
      nonCompliant('i-5', 'B'),
      { ...nonCompliant('i-6', 'A', asg('web', 'lt-1')), compliance: ComplianceType.Compliant },
    ];

    // Act
    const { sources, total, unowned } = nonCompliantSources(results);

    // Assess
    expect(
      sources.map((source) => [source.account, source.label, source.nonCompliant, source.example.instanceId]),
    ).toEqual([
      ['A', 'Auto Scaling group web, launch template lt-1', 2, 'i-1'],
      ['A', 'Auto Scaling group batch', 1, 'i-3'],
      ['B', 'Auto Scaling group batch', 1, 'i-4'],
    ]);
    expect(sources[0]?.fix).toBe(
      'set an instance profile in the launch template, or replacements repeat this',
    );
    expect(total).toBe(3);
    expect(unowned).toBe(1);
  });

  it('keeps the first `limit` and counts the rest', () => {
    // Prepare
    const results = Array.from({ length: 12 }, (_, index) =>
      nonCompliant(`i-${index}`, 'A', asg(`g${index}`)),
    );

    // Act
    const { sources, total } = nonCompliantSources(results, 10);

    // Assess
    expect(sources).toHaveLength(10);
    expect(total).toBe(12);
  });
});

describe('heatMap', () => {
  it('draws a cell per account and region, crossed where a region failed, and names failed accounts', () => {
    // Act
    const svg = heatMap({
      source: 'test',
      accounts: [
        { account: 'A', regions: 2, instances: 1 },
        { account: 'B', name: '<b>', regions: 0, instances: 0, error: 'denied' },
      ],
      regions: [
        { account: 'A', region: 'eu-west-1', instances: 1 },
        { account: 'A', region: 'us-east-1', instances: 0, error: 'AuthFailure' },
      ],
      results: [nonCompliant('i-1', 'A')],
    });

    // Assess
    expect(svg.match(/<g class="cell"/g)).toHaveLength(2);
    expect(svg).toContain('A eu-west-1: 1 NON_COMPLIANT of 1 app-tier');
    expect(svg).toContain('A us-east-1: not audited: AuthFailure');
    expect(svg).toContain('B &#60;b&#62; (not audited)');
    expect(svg).not.toContain('<b>');
  });
});
