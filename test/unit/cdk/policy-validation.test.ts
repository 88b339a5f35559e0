// The CDK policy validation plugin as the CDK calls it at synthesis: validate() over the paths of the templates
// it wrote. What the report holds for each NON_COMPLIANT resource (its rule, the fix, where it is, why), and
// what the plugin's props change. test/template/cdk-before-deploy.test.ts runs it under a real `app.synth()`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPolicyValidationContextBeta1 } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppTierIamRoleValidation } from '../../../src/cdk/policy-validation.js';
import { Reason } from '../../../src/rule/compliance.js';

const ARN_A = 'arn:aws:iam::123456789012:instance-profile/app-a';

const work = mkdtempSync(join(tmpdir(), 'policy-validation-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const instance = (tier: string, profile?: string) => ({
  Type: 'AWS::EC2::Instance',
  Properties: {
    ImageId: 'ami-0abcd1234abcd1234',
    Tags: [{ Key: 'tier', Value: tier }],
    ...(profile === undefined ? {} : { IamInstanceProfile: profile }),
  },
});

/** The templates of two stacks, as the CDK writes them to its assembly before it validates. */
const context = (): IPolicyValidationContextBeta1 => {
  const web = join(work, 'WebStack.template.json');
  const data = join(work, 'DataStack.template.json');
  writeFileSync(
    web,
    JSON.stringify({
      Resources: {
        AppServer: instance('app'),
        NamedProfile: instance('app', 'app-a'),
        WebServer: instance('web'),
      },
    }),
  );
  writeFileSync(
    data,
    JSON.stringify({
      Resources: {
        Worker: instance('app'),
        Allowed: instance('app', ARN_A),
        Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [] } },
        Emptied: instance('app', { Ref: 'Profile' } as unknown as string),
      },
    }),
  );
  // The plugin reads the template paths alone; the CDK gives it the app's construct too.
  return {
    templatePaths: [web, data],
  } as Partial<IPolicyValidationContextBeta1> as IPolicyValidationContextBeta1;
};

describe('AppTierIamRoleValidation', () => {
  it('with no props, decides the default tag (tier=app) and reports each NON_COMPLIANT resource by rule', () => {
    // Act
    const report = new AppTierIamRoleValidation().validate(context());

    // Assess
    const [web, data] = context().templatePaths;
    expect(report.success).toBe(false);
    expect(report.violations).toEqual([
      {
        ruleName: Reason.NoProfile,
        description: 'App-tier instance without an IAM instance profile',
        fix: 'Set IamInstanceProfile (CloudFormation) or iam_instance_profile (Terraform) to a profile that holds an IAM role.',
        severity: 'error',
        violatingResources: [
          {
            resourceLogicalId: 'AppServer',
            templatePath: web,
            locations: [
              'No IAM instance profile: attach one with ec2 associate-iam-instance-profile (app-tier tag tier=app)',
            ],
          },
          {
            resourceLogicalId: 'Worker',
            templatePath: data,
            locations: [expect.stringMatching(/^No IAM instance profile/)],
          },
        ],
      },
    ]);
  });

  it('checks the allowed list: a name, or a profile known only at deploy, cannot be checked against it', () => {
    // Act
    const report = new AppTierIamRoleValidation({
      tagKey: 'tier',
      tagValues: ['app', 'worker'],
      allowedInstanceProfileArns: [ARN_A],
    }).validate(context());

    // Assess
    const byRule = Object.fromEntries(
      report.violations.map((violation) => [
        violation.ruleName,
        violation.violatingResources.map((resource) => [
          resource.resourceLogicalId,
          resource.locations.slice(1),
        ]),
      ]),
    );
    expect(byRule).toEqual({
      [Reason.NoProfile]: [
        ['AppServer', []],
        ['Worker', []],
      ],
      [Reason.ProfileNotVerifiable]: [
        [
          'NamedProfile',
          ['instance profile app-a: attached, not verifiable before deploy (its ARN names the account)'],
        ],
        ['Emptied', ['instance profile Profile of this template (Ref Profile): attached']],
      ],
    });
    expect(report.violations[1]).toMatchObject({
      description: 'Instance profile not verifiable before deploy',
      fix: 'Name an allowed instance profile ARN literally, so it can be checked against allowedInstanceProfileArns.',
    });
  });

  it('with requireRoleInProfile: a profile without a role fails, and so does one whose role cannot be seen', () => {
    // Act
    const report = new AppTierIamRoleValidation({ requireRoleInProfile: true }).validate(context());

    // Assess
    const withoutRole = report.violations.find(
      (violation) => violation.ruleName === Reason.ProfileWithoutRole,
    );
    expect(withoutRole).toMatchObject({ description: 'Instance profile without an IAM role' });
    const [web, data] = context().templatePaths;
    expect(withoutRole?.violatingResources).toEqual([
      {
        resourceLogicalId: 'NamedProfile',
        templatePath: web,
        locations: [
          "Profile's IAM role could not be checked (app-a): check it with iam get-instance-profile in the instance's account (app-tier tag tier=app)",
          'instance profile app-a: attached, not verifiable before deploy (its ARN names the account)',
        ],
      },
      {
        resourceLogicalId: 'Allowed',
        templatePath: data,
        locations: [
          "Profile's IAM role could not be checked (app-a): check it with iam get-instance-profile in the instance's account (app-tier tag tier=app)",
        ],
      },
      {
        resourceLogicalId: 'Emptied',
        templatePath: data,
        locations: [
          'Profile holds no IAM role, or is deleted (Ref Profile): add a role with iam add-role-to-instance-profile (app-tier tag tier=app)',
          'instance profile Profile of this template (Ref Profile): attached',
        ],
      },
    ]);
  });

  it('succeeds when nothing is NON_COMPLIANT', () => {
    // Act
    const report = new AppTierIamRoleValidation({ tagKey: 'tier', tagValues: ['batch'] }).validate(context());

    // Assess
    expect(report).toEqual({ success: true, violations: [] });
  });

  it('names every rule it can report, for the CDK to list', () => {
    expect(new AppTierIamRoleValidation().ruleIds).toEqual([
      Reason.NoProfile,
      Reason.ProfileWithoutArn,
      Reason.ProfileNotAllowed,
      Reason.ProfileNotVerifiable,
      Reason.ProfileWithoutRole,
    ]);
  });
});
