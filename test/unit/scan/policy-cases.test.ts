import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { GuardTarget, guardRules } from '../../../src/guard/rules.js';
import { handler } from '../../../src/handler.js';
import { decide } from '../../../src/rule/decide.js';
import { viewFromConfigurationItem } from '../../../src/rule/instance-view.js';
import {
  completeParameters,
  parseRuleParameters,
  type RuleParameters,
} from '../../../src/rule/parameters.js';
import { readTemplate } from '../../../src/scan/cloudformation.js';
import { decideScanned } from '../../../src/scan/decide-scanned.js';
import { parseTemplateText } from '../../../src/scan/template-text.js';
import { readTerraformPlan } from '../../../src/scan/terraform-plan.js';
import { complianceOfStatus, guardStatuses } from '../../support/cfn-guard.js';
import { loadEvent } from '../../support/events.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { POLICY_CASES, type PolicyCase, PolicyPath } from '../../support/policy-cases.js';

const config = mockClient(ConfigServiceClient);
const iam = mockClient(IAMClient);

const parametersOf = (row: PolicyCase): RuleParameters =>
  completeParameters(parseRuleParameters(JSON.stringify(row.parameters)));

const inputOf = (row: PolicyCase, path: PolicyPath): unknown =>
  ({
    [PolicyPath.Lambda]: row.item,
    [PolicyPath.GuardConfig]: row.item,
    [PolicyPath.ScanTemplate]: row.template,
    [PolicyPath.GuardTemplate]: row.template,
    [PolicyPath.ScanPlan]: row.plan,
  })[path];

const runs = (row: PolicyCase, path: PolicyPath) => row.cannot?.[path] === undefined;

/** The decision of `scan` for the row's subject; no finding means scan reads no launcher there. */
const scanDecision = (row: PolicyCase, source: 'template' | 'plan') => {
  const parameters = parametersOf(row);
  if (source === 'template') {
    const text = JSON.stringify(row.template, null, 2);
    const scanned = readTemplate({ file: 'row.json', ...parseTemplateText(text, 'row.json') });
    return scanned
      .filter((found) => found.location.id === 'Subject')
      .map((found) => decideScanned(found, parameters).decision);
  }
  const plan = row.plan as NonNullable<PolicyCase['plan']>;
  const text = JSON.stringify(plan.plan, null, 2);
  return readTerraformPlan(plan.plan, 'plan.json', text)
    .filter((found) => found.location.id === plan.subject)
    .map((found) => decideScanned(found, parameters).decision);
};

describe('the shared table of cases', () => {
  it('gives every path of every row an input, or says why the path cannot express it', () => {
    for (const row of POLICY_CASES) {
      for (const path of Object.values(PolicyPath)) {
        // A path runs the row (it has the input), or says why it cannot.
        const ok = runs(row, path)
          ? inputOf(row, path) !== undefined
          : (row.cannot?.[path] ?? '').length > 20;
        expect(ok ? 'ok' : `${row.name}: ${path}`).toBe('ok');
      }
      // Every row runs through at least the scan or the Lambda, and Guard where it can.
      expect(
        runs(row, PolicyPath.Lambda) || runs(row, PolicyPath.ScanTemplate) || runs(row, PolicyPath.ScanPlan),
      ).toBe(true);
    }
  });

  it('covers every decision step and every resource kind', () => {
    const reasons = new Set(POLICY_CASES.map((row) => row.expected.reason));
    for (const reason of [
      'wrong-resource-type',
      'left-scope',
      'deleted',
      'not-recorded',
      'no-configuration',
      'terminated',
      'not-app-tier',
      'tag-key-case',
      'no-instance-profile',
      'profile-without-arn',
      'profile-not-allowed',
      'profile-not-verifiable',
      'profile-without-role',
      'uses-iam-role',
    ])
      expect(reasons).toContain(reason);
    const kinds = new Set(
      POLICY_CASES.flatMap((row) => [
        ...Object.values((row.template?.Resources ?? {}) as Record<string, { Type: string }>).map(
          (r) => r.Type,
        ),
        ...((row.plan?.plan.resource_changes ?? []) as { type: string }[]).map((r) => r.type),
      ]),
    );
    for (const kind of [
      'AWS::EC2::Instance',
      'AWS::EC2::LaunchTemplate',
      'AWS::AutoScaling::AutoScalingGroup',
      'AWS::AutoScaling::LaunchConfiguration',
      'aws_instance',
      'aws_launch_template',
      'aws_autoscaling_group',
    ])
      expect(kinds).toContain(kind);
  });

  describe('the Lambda (the real handler, Config and IAM mocked)', () => {
    beforeEach(() => {
      config.reset();
      iam.reset();
      config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    });

    it.each(
      POLICY_CASES.filter((row) => runs(row, PolicyPath.Lambda)).map((row) => [row.name, row] as const),
    )('%s', async (_, row) => {
      // Prepare
      iam.on(GetInstanceProfileCommand).resolves({
        InstanceProfile: {
          InstanceProfileName: 'app-a',
          InstanceProfileId: 'AIPAS5S4WFUBL72S3QXW5',
          Arn: 'arn:aws:iam::123456789012:instance-profile/app-a',
          Path: '/',
          CreateDate: new Date(),
          Roles: (row.profileRoles ?? []).map((RoleName) => ({
            RoleName,
            RoleId: 'AROA',
            Arn: `arn:aws:iam::123456789012:role/${RoleName}`,
            Path: '/',
            CreateDate: new Date(),
          })),
        },
      });
      const event = loadEvent('compliant');
      const invoking = JSON.parse(event.invokingEvent as string);
      invoking.configurationItem = row.item;
      event.invokingEvent = JSON.stringify(invoking);
      event.ruleParameters = JSON.stringify(row.parameters);
      event.eventLeftScope = row.eventLeftScope === true;

      // Act
      await handler(event, lambdaContext());

      // Assess
      const [evaluation] = config
        .commandCalls(PutEvaluationsCommand)
        .flatMap((call) => call.args[0].input.Evaluations ?? []);
      const view = viewFromConfigurationItem(row.item);
      const decided = decide(
        row.profileRoles === undefined ? view : { ...view, profileHoldsRole: row.profileRoles.length > 0 },
        parametersOf(row),
        { eventLeftScope: row.eventLeftScope === true },
      );
      expect(decided).toMatchObject(row.expected);
      expect(evaluation).toMatchObject({
        ComplianceType: row.expected.compliance,
        Annotation: decided.annotation,
      });
    });
  });

  describe('scan', () => {
    it.each(
      POLICY_CASES.filter((row) => runs(row, PolicyPath.ScanTemplate)).map((row) => [row.name, row] as const),
    )('template: %s', (_, row) => {
      const decisions = scanDecision(row, 'template');
      if (row.expected.reason === 'wrong-resource-type') expect(decisions).toEqual([]);
      else expect(decisions).toEqual([expect.objectContaining(row.expected)]);
    });

    it.each(
      POLICY_CASES.filter((row) => runs(row, PolicyPath.ScanPlan)).map((row) => [row.name, row] as const),
    )('plan: %s', (_, row) => {
      const decisions = scanDecision(row, 'plan');
      if (row.expected.reason === 'wrong-resource-type') expect(decisions).toEqual([]);
      else expect(decisions).toEqual([expect.objectContaining(row.expected)]);
    });
  });

  describe('Guard (the generated rules under the real cfn-guard)', () => {
    const byRules = (target: GuardTarget, path: PolicyPath) => {
      const groups = new Map<string, { rules: string; rows: PolicyCase[] }>();
      for (const row of POLICY_CASES.filter((candidate) => runs(candidate, path))) {
        const rules = guardRules(parametersOf(row), target, 'test');
        const group = groups.get(rules) ?? { rules, rows: [] };
        group.rows.push(row);
        groups.set(rules, group);
      }
      return [...groups.values()];
    };

    it.each([
      [GuardTarget.Config, PolicyPath.GuardConfig, (row: PolicyCase) => row.item],
      [GuardTarget.Template, PolicyPath.GuardTemplate, (row: PolicyCase) => row.template],
    ] as const)('%s rules agree with decide on every row they can express', (target, path, input) => {
      let checked = 0;
      for (const { rules, rows } of byRules(target, path)) {
        const statuses = guardStatuses(
          rules,
          Object.fromEntries(rows.map((row, index) => [`row-${index}`, input(row)])),
        );
        rows.forEach((row, index) => {
          const status = statuses.get(`row-${index}`);
          expect({ row: row.name, compliance: status && complianceOfStatus[status] }).toEqual({
            row: row.name,
            compliance: row.expected.compliance,
          });
          checked += 1;
        });
      }
      expect(checked).toBeGreaterThan(8);
    });
  });
});
