import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/cli/audit.js';
import { heatMap } from '../../../src/report/heat-map.js';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';

const nonCompliant = (instanceId: string, account: string): AuditResult => ({
  account,
  region: 'eu-west-1',
  instanceId,
  compliance: ComplianceType.NonCompliant,
  reason: Reason.NoProfile,
  annotation: 'No IAM instance profile',
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
