import { describe, expect, it } from 'vitest';
import { NOT_IN_AGGREGATOR } from '../../../src/cli/aggregator.js';
import type { AuditReport } from '../../../src/cli/audit.js';
import { renderAudit } from '../../../src/cli/output.js';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';

const MEMBER = '222222222222';
const DENIED = '333333333333';

/** An audit of two accounts: one audited (a region failed), one whose role was denied. */
const organization: AuditReport = {
  parameters: { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false },
  source: 'command line',
  accounts: [
    { account: MEMBER, name: 'payments', regions: 1, instances: 1 },
    { account: DENIED, name: 'legacy', regions: 0, instances: 0, error: 'AssumeRole denied' },
  ],
  regions: [
    { account: MEMBER, region: 'eu-west-1', instances: 1 },
    { account: MEMBER, region: 'ap-east-1', instances: 0, error: 'AuthFailure: not opted in' },
  ],
  results: [
    {
      account: MEMBER,
      region: 'eu-west-1',
      instanceId: 'i-1',
      state: 'running',
      compliance: ComplianceType.NonCompliant,
      reason: Reason.NoProfile,
      annotation: 'No IAM instance profile',
    },
  ],
};

/** What `--aggregator` reads: the result and annotation, nothing of the instance. */
const aggregated: AuditReport = {
  source: 'Config aggregator org, rule app-tier',
  accounts: [{ account: MEMBER, regions: 1, instances: 1 }],
  regions: [{ account: MEMBER, region: 'eu-west-1', instances: 1 }],
  results: [
    {
      account: MEMBER,
      region: 'eu-west-1',
      instanceId: 'i-1',
      compliance: ComplianceType.NonCompliant,
      annotation: 'No IAM instance profile',
      notKnown: NOT_IN_AGGREGATOR,
    },
  ],
};

describe('renderAudit across accounts', () => {
  it('puts the account in a column of the table and names what could not be audited', () => {
    // Act
    const { stdout } = renderAudit(organization, 'table');

    // Assess
    expect(stdout).toMatch(/^Audit of 2 account\(s\), 2 region\(s\): tag tier=app; from command line$/m);
    expect(stdout).toMatch(/^ACCOUNT +REGION +INSTANCE /m);
    expect(stdout).toMatch(new RegExp(`^${MEMBER} +eu-west-1 +i-1 +- +running `, 'm'));
    expect(stdout).toContain(`Account ${DENIED} (legacy) was not audited: AssumeRole denied\n`);
    expect(stdout).toContain(
      `Region ap-east-1 of account ${MEMBER} was not scanned: AuthFailure: not opted in\n`,
    );
  });

  it('lists the accounts in JSON, and each row with its account', () => {
    // Act
    const document = JSON.parse(renderAudit(organization, 'json').stdout);

    // Assess
    expect(document.accounts).toEqual([
      { account: MEMBER, name: 'payments', regions: 1, instances: 1, error: null },
      { account: DENIED, name: 'legacy', regions: 0, instances: 0, error: 'AssumeRole denied' },
    ]);
    expect(document.regions[1]).toEqual({
      account: MEMBER,
      region: 'ap-east-1',
      instances: 0,
      error: 'AuthFailure: not opted in',
    });
    expect(document.results[0].account).toBe(MEMBER);
    expect(document.summary.accountErrors).toBe(1);
  });

  it('names the accounts and regions not audited on stderr with CSV', () => {
    // Act
    const { stdout, stderr } = renderAudit(organization, 'csv');

    // Assess
    expect(stdout.split('\r\n')[1]).toMatch(new RegExp(`^${MEMBER},eu-west-1,i-1,`));
    expect(stderr).toBe(
      `Account ${DENIED} (legacy) was not audited: AssumeRole denied\n` +
        `Region ap-east-1 of account ${MEMBER} was not scanned: AuthFailure: not opted in\n`,
    );
  });

  it('marks what an aggregator does not hold as not known: in the table, CSV and JSON', () => {
    // Act
    const table = renderAudit(aggregated, 'table').stdout;
    const csv = renderAudit(aggregated, 'csv').stdout;
    const json = JSON.parse(renderAudit(aggregated, 'json').stdout);

    // Assess
    expect(table).toMatch(/^Audit of 1 account\(s\), 1 region\(s\): Config aggregator org, rule app-tier$/m);
    expect(table).toMatch(
      new RegExp(
        `^${MEMBER} +eu-west-1 +i-1 +not known +not known +not known +not known +NON_COMPLIANT `,
        'm',
      ),
    );
    expect(csv.split('\r\n')[1]).toBe(
      `${MEMBER},eu-west-1,i-1,not known,not known,not known,not known,NON_COMPLIANT,not known,No IAM instance profile`,
    );
    expect(json.parameters).toBeNull();
    expect(json.results[0]).toMatchObject({
      name: null,
      owner: null,
      reason: null,
      notKnown: NOT_IN_AGGREGATOR,
    });
  });
});
