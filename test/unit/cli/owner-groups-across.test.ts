import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/cli/audit.js';
import { groupByOwner } from '../../../src/cli/owner-groups.js';
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

describe('groupByOwner across accounts', () => {
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
    const groups = groupByOwner(results);

    // Assess
    expect(
      groups.map((group) => [
        group.account,
        group.label,
        group.nonCompliant,
        group.instances,
        group.example.instanceId,
      ]),
    ).toEqual([
      ['A', 'Auto Scaling group web, launch template lt-1', 2, 3, 'i-1'],
      ['A', 'Auto Scaling group batch', 1, 1, 'i-3'],
      ['B', 'Auto Scaling group batch', 1, 1, 'i-4'],
      [undefined, 'no owner (the instances themselves)', 1, 1, 'i-5'],
    ]);
    expect(groups[0]?.fix).toBe(
      'set an instance profile in the launch template, or replacements repeat this',
    );
  });

  it('counts a NON_COMPLIANT row whose reason is not known (a Config aggregator), and gives its annotation as the fix', () => {
    // Prepare
    const { reason: _unknown, ...fromAggregator } = nonCompliant('i-1', 'A', asg('web'));

    // Act
    const groups = groupByOwner([fromAggregator]);

    // Assess
    expect(groups).toMatchObject([
      { label: 'Auto Scaling group web', nonCompliant: 1, fix: 'No IAM instance profile' },
    ]);
  });
});
