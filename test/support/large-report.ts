import type { AuditReport, AuditResult } from '../../src/cli/audit.js';
import { ComplianceType, Reason } from '../../src/rule/compliance.js';
import { OwnerKind } from '../../src/rule/owner.js';

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'sa-east-1'];

/**
 * An organization's audit of `rows` instances over 200 accounts and four regions, a third of them
 * NON_COMPLIANT and owned by an Auto Scaling group: the report at the size it must stay usable at.
 */
export const largeReport = (rows: number): AuditReport => {
  const accounts = Array.from({ length: 200 }, (_, index) => String(300000000000 + index));
  const results: AuditResult[] = Array.from({ length: rows }, (_, index) => {
    const account = accounts[index % accounts.length] as string;
    const nonCompliant = index % 3 === 0;
    return {
      account,
      region: REGIONS[index % REGIONS.length] as string,
      instanceId: `i-${index.toString(16).padStart(17, '0')}`,
      name: `app-${index}`,
      state: 'running',
      ...(nonCompliant
        ? { owner: { kind: OwnerKind.AutoScalingGroup, autoScalingGroup: `asg-${index % 40}` } }
        : {}),
      compliance: nonCompliant ? ComplianceType.NonCompliant : ComplianceType.Compliant,
      reason: nonCompliant ? Reason.NoProfile : Reason.UsesRole,
      annotation: nonCompliant
        ? `No IAM instance profile; launched by Auto Scaling group asg-${index % 40}: set an instance profile in a new launch configuration, or replacements repeat this (app-tier tag tier=app)`
        : 'Has instance profile app attached (app-tier tag tier=app)',
    };
  });
  return {
    parameters: { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false },
    source: 'command line',
    accounts: accounts.map((account) => ({
      account,
      regions: REGIONS.length,
      instances: results.filter((result) => result.account === account).length,
    })),
    regions: accounts.flatMap((account) => REGIONS.map((region) => ({ account, region, instances: 0 }))),
    results,
  };
};
