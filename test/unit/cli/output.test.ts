import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../../src/cli/audit.js';
import { csvField, renderAudit, renderRemediation, toCsv, toTable } from '../../../src/cli/output.js';
import type { RemediationReport } from '../../../src/cli/remediate.js';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import { OwnerKind } from '../../../src/rule/owner.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';

const PROFILE = 'arn:aws:iam::123456789012:instance-profile/team/app';

const report: AuditReport = {
  parameters: {
    tag: { key: 'tier', values: ['app'] },
    requireRoleInProfile: true,
    allowedInstanceProfileArns: new Set([PROFILE]),
  },
  source: 'command line',
  regions: [
    { region: 'eu-west-1', instances: 2 },
    { region: 'ap-east-1', instances: 0, error: 'AuthFailure: not opted in' },
  ],
  results: [
    {
      region: 'eu-west-1',
      instanceId: 'i-1',
      name: 'api, "blue"',
      state: 'running',
      instanceProfileArn: PROFILE,
      compliance: ComplianceType.Compliant,
      reason: Reason.UsesRole,
      annotation: 'uses a role',
    },
    {
      region: 'eu-west-1',
      instanceId: 'i-2',
      owner: {
        kind: OwnerKind.AutoScalingGroup,
        autoScalingGroup: 'web',
        launchTemplate: { id: 'lt-1', version: '3' },
      },
      compliance: ComplianceType.NonCompliant,
      reason: Reason.NoProfile,
      annotation: 'has no IAM instance profile',
    },
  ],
};

/** A reader of RFC 4180 CSV, to check what the writer wrote. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return rows;
};

describe('CSV (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    ['', ''],
  ])('writes %j as %j', (value, expected) => {
    // Act
    const field = csvField(value);

    // Assess
    expect(field).toBe(expected);
  });

  it('ends every record, the header included, with CRLF', () => {
    // Act
    const csv = toCsv(['a', 'b'], [['1', '2']]);

    // Assess
    expect(csv).toBe('a,b\r\n1,2\r\n');
  });

  it('reads back exactly what it wrote, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme-ascii' }), { minLength: 2, maxLength: 2 }), {
          maxLength: 5,
        }),
        (rows) => {
          // Act
          const parsed = parseCsv(toCsv(['x', 'y'], rows));

          // Assess
          expect(parsed).toEqual([['x', 'y'], ...rows]);
        },
      ),
    );
  });
});

describe('toTable', () => {
  it('pads every column but the last to its widest cell', () => {
    // Act
    const table = toTable(
      ['A', 'BB', 'NOTE'],
      [
        ['long', 'x', 'free text'],
        ['s', 'yyy', 'more'],
      ],
    );

    // Assess
    expect(table).toBe(
      ['A     BB   NOTE', '----  ---  ----', 'long  x    free text', 's     yyy  more', ''].join('\n'),
    );
  });
});

describe('renderAudit', () => {
  it('prints a table for people, with the profile name, a summary and the failed regions', () => {
    // Act
    const { stdout, stderr } = renderAudit(report, 'table');

    // Assess
    expect(stderr).toBeUndefined();
    expect(stdout).toContain(
      'Audit of 2 region(s): tag tier=app, allowedInstanceProfileArns (1), requireRoleInProfile; from command line',
    );
    expect(stdout).toMatch(/^REGION +INSTANCE +NAME +STATE +PROFILE +OWNER +RESULT +DETAIL$/m);
    expect(stdout).toMatch(/^eu-west-1 +i-1 +api, "blue" +running +app +- +COMPLIANT +uses a role$/m);
    expect(stdout).toMatch(
      /^eu-west-1 +i-2 +- +- +- +Auto Scaling group web, launch template lt-1 v3 +NON_COMPLIANT +has no IAM instance profile$/m,
    );
    expect(stdout).toContain(
      '2 app-tier instance(s) in 1 region(s) scanned: 1 COMPLIANT, 1 NON_COMPLIANT, 0 NOT_APPLICABLE.',
    );
    expect(stdout).toContain('Region ap-east-1 was not scanned: AuthFailure: not opted in');
  });

  it('says so when there is no app-tier instance', () => {
    // Act
    const { stdout } = renderAudit({ ...report, results: [] }, 'table');

    // Assess
    expect(stdout).toContain('No app-tier instances in the 1 region(s) scanned.');
  });

  it('prints JSON with every field, null where absent, and the failed regions', () => {
    // Act
    const document = JSON.parse(renderAudit(report, 'json').stdout);

    // Assess
    expect(document).toEqual({
      command: 'audit',
      parameters: {
        tag: { key: 'tier', values: ['app'] },
        allowedInstanceProfileArns: [PROFILE],
        requireRoleInProfile: true,
      },
      source: 'command line',
      regions: [
        { region: 'eu-west-1', instances: 2, error: null },
        { region: 'ap-east-1', instances: 0, error: 'AuthFailure: not opted in' },
      ],
      results: [
        {
          account: null,
          region: 'eu-west-1',
          instanceId: 'i-1',
          name: 'api, "blue"',
          state: 'running',
          instanceProfileArn: PROFILE,
          owner: null,
          compliance: 'COMPLIANT',
          reason: 'uses-iam-role',
          annotation: 'uses a role',
          notKnown: [],
        },
        {
          account: null,
          region: 'eu-west-1',
          instanceId: 'i-2',
          name: null,
          state: null,
          instanceProfileArn: null,
          owner: {
            kind: 'auto-scaling-group',
            autoScalingGroup: 'web',
            launchTemplate: { id: 'lt-1', version: '3' },
          },
          compliance: 'NON_COMPLIANT',
          reason: 'no-instance-profile',
          annotation: 'has no IAM instance profile',
          notKnown: [],
        },
      ],
      summary: { COMPLIANT: 1, NON_COMPLIANT: 1, NOT_APPLICABLE: 0, tagKeyCase: 0, regionErrors: 1 },
    });
  });

  it('prints CSV rows, and the failed regions on stderr', () => {
    // Act
    const { stdout, stderr } = renderAudit(report, 'csv');

    // Assess
    expect(parseCsv(stdout)).toEqual([
      [
        'account',
        'region',
        'instance_id',
        'name',
        'state',
        'instance_profile_arn',
        'owner',
        'compliance',
        'reason',
        'annotation',
      ],
      [
        '',
        'eu-west-1',
        'i-1',
        'api, "blue"',
        'running',
        PROFILE,
        '',
        'COMPLIANT',
        'uses-iam-role',
        'uses a role',
      ],
      [
        '',
        'eu-west-1',
        'i-2',
        '',
        '',
        '',
        'Auto Scaling group web, launch template lt-1 v3',
        'NON_COMPLIANT',
        'no-instance-profile',
        'has no IAM instance profile',
      ],
    ]);
    expect(stderr).toBe('Region ap-east-1 was not scanned: AuthFailure: not opted in\n');
  });

  it('prints the tag "any value" as *', () => {
    // Act
    const document = JSON.parse(
      renderAudit(
        {
          ...report,
          parameters: { ...(report.parameters as RuleParameters), tag: { key: 'tier', values: '*' } },
        },
        'json',
      ).stdout,
    );

    // Assess
    expect(document.parameters.tag).toEqual({ key: 'tier', values: '*' });
  });
});

describe('renderRemediation', () => {
  const remediation: RemediationReport = {
    audit: { ...report, regions: [{ region: 'eu-west-1', instances: 2 }] },
    instanceProfile: 'app',
    apply: false,
    replace: false,
    includeOwned: false,
    results: [
      {
        region: 'eu-west-1',
        instanceId: 'i-2',
        outcome: 'would-associate',
        detail: 'would associate app',
      },
      {
        region: 'eu-west-1',
        instanceId: 'i-4',
        owner: 'Auto Scaling group web',
        outcome: 'skipped-owned',
        detail: 'launched by Auto Scaling group web',
      },
      {
        region: 'eu-west-1',
        instanceId: 'i-3',
        currentProfileArn: PROFILE,
        outcome: 'skipped',
        detail: 'pass --replace',
      },
    ],
  };

  it('prints a dry run as a table that says nothing was changed', () => {
    // Act
    const { stdout } = renderRemediation(remediation, 'table');

    // Assess
    expect(stdout).toContain('Dry run with instance profile app of 1 region(s)');
    expect(stdout).toMatch(/^eu-west-1 +i-2 +- +- +would-associate +would associate app$/m);
    expect(stdout).toMatch(/^eu-west-1 +i-3 +- +app +skipped +pass --replace$/m);
    expect(stdout).toMatch(/^eu-west-1 +i-4 +- +- +skipped-owned +launched by Auto Scaling group web$/m);
    expect(stdout).toContain('1 would-associate, 1 skipped, 1 skipped-owned.');
    expect(stdout).toContain('Nothing was changed: run again with --apply to act.');
  });

  it('prints an applied run without the dry-run note, and says when there was nothing to do', () => {
    // Act
    const { stdout } = renderRemediation({ ...remediation, apply: true, results: [] }, 'table');

    // Assess
    expect(stdout).toContain('Remediation with instance profile app');
    expect(stdout).toContain('No NON_COMPLIANT app-tier instance: nothing to do.');
    expect(stdout).not.toContain('--apply');
  });

  it('prints JSON with the mode and a count per outcome', () => {
    // Act
    const document = JSON.parse(renderRemediation(remediation, 'json').stdout);

    // Assess
    expect(document).toMatchObject({
      command: 'remediate',
      mode: 'dry-run',
      instanceProfile: 'app',
      replace: false,
      includeOwned: false,
      results: [
        { instanceId: 'i-2', currentProfileArn: null, owner: null, outcome: 'would-associate' },
        { instanceId: 'i-4', owner: 'Auto Scaling group web', outcome: 'skipped-owned' },
        { instanceId: 'i-3', currentProfileArn: PROFILE, outcome: 'skipped' },
      ],
      summary: {
        'would-associate': 1,
        skipped: 1,
        'skipped-owned': 1,
        associated: 0,
        failed: 0,
        regionErrors: 0,
      },
    });
  });

  it('prints CSV rows', () => {
    // Act
    const { stdout, stderr } = renderRemediation(remediation, 'csv');

    // Assess
    expect(parseCsv(stdout)).toEqual([
      ['region', 'instance_id', 'name', 'current_profile_arn', 'owner', 'outcome', 'detail'],
      ['eu-west-1', 'i-2', '', '', '', 'would-associate', 'would associate app'],
      [
        'eu-west-1',
        'i-4',
        '',
        '',
        'Auto Scaling group web',
        'skipped-owned',
        'launched by Auto Scaling group web',
      ],
      ['eu-west-1', 'i-3', '', PROFILE, '', 'skipped', 'pass --replace'],
    ]);
    expect(stderr).toBeUndefined();
  });
});
