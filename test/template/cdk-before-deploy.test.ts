import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, aws_ec2 as ec2, type IPolicyValidationPluginBeta1, Stack, Tags } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppTierIamRoleCustomPolicyRule, AppTierIamRoleValidation } from '../../src/cdk/index.js';
import { GuardTarget, guardRules } from '../../src/guard/rules.js';
import { Reason } from '../../src/rule/compliance.js';
import { completeParameters, parseRuleParameters } from '../../src/rule/parameters.js';
import { parseTemplateText } from '../../src/scan/template-text.js';

const work = mkdtempSync(join(tmpdir(), 'cdk-before-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BASIC = completeParameters(parseRuleParameters('{"appTierTagKey":"tier","appTierTagValue":"app"}'));

/** The README's example: one app-tier CfnInstance, with or without a profile, under a validation plugin. */
const synthWith = (plugin: IPolicyValidationPluginBeta1, build: (stack: Stack) => void) => {
  const app = new App({ outdir: mkdtempSync(join(work, 'app-')), policyValidationBeta1: [plugin] });
  build(new Stack(app, 'AppStack'));
  return () => app.synth();
};
const appTierCfnInstance = (stack: Stack, profile?: string) =>
  new ec2.CfnInstance(stack, 'AppServer', {
    imageId: 'ami-0abcd1234abcd1234',
    instanceType: 't3.micro',
    tags: [{ key: 'tier', value: 'app' }],
    ...(profile === undefined ? {} : { iamInstanceProfile: profile }),
  });

// Synthesis loads aws-cdk-lib and writes cloud assemblies: slow on a busy machine.
const SYNTH_TIMEOUT = 60_000;

describe('at cdk synth', () => {
  it(
    'our plugin fails an app-tier CfnInstance without a profile, naming the construct path and the fix',
    () => {
      const synth = synthWith(new AppTierIamRoleValidation({ tagKey: 'tier', tagValues: ['app'] }), (stack) =>
        appTierCfnInstance(stack),
      );
      expect(synth).toThrow(/AppStack\/AppServer/);
      expect(synth).toThrow(new RegExp(`Suggested fix: Set IamInstanceProfile[^]*${Reason.NoProfile}`));
    },
    SYNTH_TIMEOUT,
  );

  it(
    'our plugin passes the same instance with a profile, and ec2.Instance (which creates a role)',
    () => {
      const plugin = new AppTierIamRoleValidation({ tagKey: 'tier', tagValues: ['app'] });
      expect(synthWith(plugin, (stack) => appTierCfnInstance(stack, 'app-profile'))).not.toThrow();
      const instance = synthWith(plugin, (stack) => {
        const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
          vpcId: 'vpc-1234abcd',
          availabilityZones: ['us-east-1a'],
          privateSubnetIds: ['subnet-abcd1234'],
        });
        const server = new ec2.Instance(stack, 'AppServer', {
          vpc,
          instanceType: new ec2.InstanceType('t3.micro'),
          machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0abcd1234abcd1234' }),
        });
        Tags.of(server).add('tier', 'app');
      });
      expect(instance).not.toThrow();
    },
    SYNTH_TIMEOUT,
  );

  it(
    'CfnGuardValidator with the generated rules fails the same instance, and passes it with a profile',
    () => {
      const rulesDir = mkdtempSync(join(work, 'rules-'));
      writeFileSync(
        join(rulesDir, 'app-tier-iam-role.guard'),
        guardRules(BASIC, GuardTarget.Template, 'test'),
      );
      const validator = () => new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [rulesDir] });
      const synth = synthWith(validator(), (stack) => appTierCfnInstance(stack));
      expect(synth).toThrow(/app_tier_instance_profile/);
      expect(synth).toThrow(/AppStack\/AppServer/);
      expect(synthWith(validator(), (stack) => appTierCfnInstance(stack, 'app-profile'))).not.toThrow();
    },
    SYNTH_TIMEOUT,
  );

  it(
    'AppTierIamRoleCustomPolicyRule deploys the rule as a Guard custom policy, with no function',
    () => {
      const app = new App({ outdir: mkdtempSync(join(work, 'app-')) });
      const stack = new Stack(app, 'RuleStack');
      new AppTierIamRoleCustomPolicyRule(stack, 'Rule', { tagKey: 'tier', tagValues: ['app'] });
      const template = app.synth().getStackByName('RuleStack').template as {
        Resources: Record<string, { Type: string; Properties: { Source: Record<string, unknown> } }>;
      };
      const resources = Object.values(template.Resources);
      expect(resources.map((resource) => resource.Type)).toEqual(['AWS::Config::ConfigRule']);
      expect(resources[0]?.Properties.Source).toMatchObject({
        Owner: 'CUSTOM_POLICY',
        CustomPolicyDetails: {
          PolicyRuntime: 'guard-2.x.x',
          PolicyText: expect.stringContaining('rule app_tier_instance_profile when'),
        },
      });
    },
    SYNTH_TIMEOUT,
  );

  it(
    'AppTierIamRoleCustomPolicyRule with no props: the defaults of templates/custom-policy-rule.yaml',
    () => {
      // Prepare
      const file = fileURLToPath(new URL('../../templates/custom-policy-rule.yaml', import.meta.url));
      const parameters = parseTemplateText(readFileSync(file, 'utf8'), file).template.Parameters as Record<
        string,
        { Default?: string }
      >;

      // Act
      const app = new App({ outdir: mkdtempSync(join(work, 'app-')) });
      new AppTierIamRoleCustomPolicyRule(new Stack(app, 'RuleStack'), 'Rule');
      const template = app.synth().getStackByName('RuleStack').template as {
        Resources: Record<
          string,
          { Properties: { ConfigRuleName: string; Source: Record<string, unknown> } }
        >;
      };

      // Assess
      const [rule] = Object.values(template.Resources);
      const defaults = completeParameters(
        parseRuleParameters(
          JSON.stringify({
            appTierTagKey: parameters.AppTierTagKey?.Default,
            appTierTagValue: parameters.AppTierTagValues?.Default,
          }),
        ),
      );
      expect(rule?.Properties.ConfigRuleName).toBe(parameters.ConfigRuleName?.Default);
      expect(rule?.Properties.Source.CustomPolicyDetails).toMatchObject({
        PolicyText: guardRules(defaults, GuardTarget.Config, 'AppTierIamRoleCustomPolicyRule (CDK)'),
      });
    },
    SYNTH_TIMEOUT,
  );
});
