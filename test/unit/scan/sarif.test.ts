// What code scanning shows of a finding: the SARIF result of each NON_COMPLIANT resource (its rule, message with
// the notes, file relative to the root, line, logical id and construct path). test/unit/scan/scan-command.test.ts
// validates a whole log with Microsoft's SARIF validator.
import { describe, expect, it } from 'vitest';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import { FINDING_RULES, toSarif } from '../../../src/scan/sarif.js';
import type { ScanFinding } from '../../../src/scan/scanned.js';

const TOOL = { name: 'app-tier-iam-role-rule', version: '1.2.3', informationUri: 'https://example.com/rule' };

const finding = (
  id: string,
  compliance: ComplianceType,
  reason: Reason,
  more: { notes?: string[]; constructPath?: string; file?: string } = {},
): ScanFinding => ({
  location: {
    file: more.file ?? 'infra/app.yaml',
    line: 12,
    id,
    resourceType: 'AWS::EC2::Instance',
    ...(more.constructPath === undefined ? {} : { constructPath: more.constructPath }),
  },
  decision: { compliance, reason, annotation: `${id} decided` },
  notes: more.notes ?? [],
});

describe('toSarif', () => {
  it('gives one result per NON_COMPLIANT finding, at its file and line, with its notes in the message', () => {
    // Act
    const log = toSarif(
      [
        finding('Web', ComplianceType.NotApplicable, Reason.NotAppTier),
        finding('App', ComplianceType.NonCompliant, Reason.NoProfile, {
          notes: [
            'created only when condition IsProd holds',
            'tag tier is Ref Tier, unresolved before deploy',
          ],
        }),
        finding('Api', ComplianceType.Compliant, Reason.UsesRole),
        finding('Worker', ComplianceType.NonCompliant, Reason.ProfileNotVerifiable, {
          constructPath: 'Prod/DataStack/Worker/Resource',
          file: 'cdk.out/assembly-Prod/Prod Data.template.json',
        }),
      ],
      TOOL,
      '/work/repo',
    );

    // Assess
    const [run] = log.runs;
    expect(run?.originalUriBaseIds).toEqual({ SRCROOT: { uri: 'file:///work/repo/' } });
    expect(run?.results).toEqual([
      {
        ruleId: Reason.NoProfile,
        ruleIndex: 0,
        level: 'error',
        message: {
          text: 'App: App decided (created only when condition IsProd holds; tag tier is Ref Tier, unresolved before deploy)',
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'infra/app.yaml', uriBaseId: 'SRCROOT' },
              region: { startLine: 12 },
            },
            logicalLocations: [{ name: 'App', fullyQualifiedName: 'App', kind: 'resource' }],
          },
        ],
        properties: { resourceType: 'AWS::EC2::Instance', reason: Reason.NoProfile },
      },
      expect.objectContaining({
        ruleId: Reason.ProfileNotVerifiable,
        ruleIndex: 3,
        message: { text: 'Worker: Worker decided' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: {
                uri: 'cdk.out/assembly-Prod/Prod%20Data.template.json',
                uriBaseId: 'SRCROOT',
              },
              region: { startLine: 12 },
            },
            logicalLocations: [
              { name: 'Worker', fullyQualifiedName: 'Prod/DataStack/Worker/Resource', kind: 'resource' },
            ],
          },
        ],
      }),
    ]);
  });

  it('describes every rule a result can name, with a name code scanning accepts, the title and the fix', () => {
    // Act
    const { rules } = toSarif([], TOOL).runs[0]?.tool.driver ?? { rules: [] };

    // Assess
    expect(rules.map(({ id, name }) => [id, name])).toEqual([
      [Reason.NoProfile, 'AppTierInstanceWithoutAnIAMInstanceProfile'],
      [Reason.ProfileWithoutArn, 'InstanceProfileAssociationWithoutAnARN'],
      [Reason.ProfileNotAllowed, 'InstanceProfileOutsideTheAllowedList'],
      [Reason.ProfileNotVerifiable, 'InstanceProfileNotVerifiableBeforeDeploy'],
      [Reason.ProfileWithoutRole, 'InstanceProfileWithoutAnIAMRole'],
    ]);
    for (const [index, rule] of rules.entries()) {
      const [, title, fix] = FINDING_RULES[index] ?? [];
      expect(rule).toMatchObject({ shortDescription: { text: title }, help: { text: fix } });
    }
  });

  it('writes the root as a folder URI whether or not it ends with a slash', () => {
    expect(toSarif([], TOOL, '/work/repo/').runs[0]?.originalUriBaseIds.SRCROOT.uri).toBe(
      'file:///work/repo/',
    );
  });
});
