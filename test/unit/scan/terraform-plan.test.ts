// `scan plan.json`: Terraform plans as `terraform show -json` prints them (format 1.2, Terraform 1.9), with what
// real configurations put in them: modules (and modules with for_each), count and for_each addresses, values
// known only after apply, data sources, deletions, Auto Scaling groups naming their launch template or
// configuration by reference, by name or not at all. Each plan is written out below as the configuration it
// plans; the plan holds what Terraform would print for it (unknown values left out of `after` and marked in
// `after_unknown`, references in `configuration`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { scanPaths } from '../../../src/scan/scan-paths.js';

type Json = Record<string, unknown>;

const APP_TIER: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false };
const REQUIRE_ROLE: RuleParameters = { ...APP_TIER, requireRoleInProfile: true };
const AMI = 'ami-0abcd1234abcd1234';

/** One entry of resource_changes, as Terraform prints it for the address. */
interface Change {
  readonly address: string;
  readonly type: string;
  readonly after?: Json;
  readonly unknown?: Json;
  readonly actions?: readonly string[];
  readonly mode?: 'managed' | 'data';
}

const resourceChange = ({
  address,
  type,
  after = {},
  unknown = {},
  actions = ['create'],
  mode = 'managed',
}: Change) => {
  // module.a["x"].aws_instance.b[0] → module address module.a["x"], name b, index 0
  const resource =
    /^(?<module>.*?)\.?(?:data\.)?(?<type>[^.[]+)\.(?<name>[^.[]+)(?:\[(?<index>[^\]]+)\])?$/.exec(address)
      ?.groups as { module: string; name: string; index?: string };
  const deleted = actions.length === 1 && actions[0] === 'delete';
  return {
    address,
    ...(resource.module === '' ? {} : { module_address: resource.module }),
    mode,
    type,
    name: resource.name,
    ...(resource.index === undefined ? {} : { index: JSON.parse(resource.index) }),
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: {
      actions,
      before: actions.includes('create') && !actions.includes('delete') ? null : { ami: AMI },
      after: deleted ? null : after,
      after_unknown: deleted ? {} : unknown,
      before_sensitive: false,
      after_sensitive: deleted ? false : {},
    },
  };
};

/** A plan of the changes, with the configuration (root module) that names the references. */
const plan = (changes: readonly Change[], rootModule: Json): Json => ({
  format_version: '1.2',
  terraform_version: '1.9.5',
  planned_values: { root_module: {} },
  resource_changes: changes.map(resourceChange),
  configuration: {
    provider_config: { aws: { name: 'aws', full_name: 'registry.terraform.io/hashicorp/aws' } },
    root_module: rootModule,
  },
});

/** An argument's expression: the references it makes (strings), or as the plan writes it (a block's list). */
type Expression = readonly string[] | readonly Json[] | Json;

/** A resource of the configuration, with the expressions of its arguments. */
const configured = (address: string, expressions: Record<string, Expression> = {}) => ({
  address,
  mode: 'managed',
  type: address.split('.')[0],
  name: address.split('.')[1],
  provider_config_key: 'aws',
  expressions: Object.fromEntries(
    Object.entries(expressions).map(([argument, value]) => [
      argument,
      Array.isArray(value) && value.every((item) => typeof item === 'string') ? { references: value } : value,
    ]),
  ),
  schema_version: 1,
});

const work = mkdtempSync(join(tmpdir(), 'scan-plan-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let written = 0;
/** Writes the plan as `terraform show -json plan.out | jq .` would (or compact, as Terraform prints it). */
const scanPlan = (document: Json, parameters: RuleParameters = APP_TIER, indent = 2) => {
  written += 1;
  const file = join(work, `plan-${written}.json`);
  const text = JSON.stringify(document, null, indent);
  writeFileSync(file, text);
  const { findings } = scanPaths([file], parameters);
  return { text, findings: Object.fromEntries(findings.map((finding) => [finding.location.id, finding])) };
};

/*
 * main.tf:
 *   resource "aws_iam_role" "app" { name = "app-role" ... }
 *   resource "aws_iam_instance_profile" "app" { name = "app-profile", role = aws_iam_role.app.name }
 *   module "web" { source = "./modules/web", profile = aws_iam_instance_profile.app.name }
 *   module "workers" { source = "./modules/workers", for_each = toset(["blue", "green"]),
 *                      role = each.key == "blue" ? "worker-role" : null }
 *   resource "aws_instance" "batch" { ami = ..., tags = { tier = data.aws_ssm_parameter.tier.value } }
 *   resource "aws_instance" "spot" { ami = ..., tags = merge(local.tags, { run = random_id.run.hex }) }
 *   resource "aws_instance" "old" { ... }   # removed from the configuration: the plan deletes it
 *   data "aws_instance" "bastion" { instance_id = aws_instance.batch.id }   # read during apply
 * modules/web: resource "aws_instance" "server" { count = 2, ami = ..., iam_instance_profile = var.profile,
 *                tags = { tier = "app", Name = "web-${count.index}" } }   (provider default_tags: env = prod)
 * modules/workers: resource "aws_iam_instance_profile" "node" { name_prefix = "node-", role = var.role }
 *                  resource "aws_instance" "node" { ami = ..., iam_instance_profile = aws_iam_instance_profile.node.name,
 *                                                   tags = { tier = "app" } }
 */
const MODULES_PLAN = plan(
  [
    {
      address: 'aws_iam_role.app',
      type: 'aws_iam_role',
      after: { name: 'app-role' },
      unknown: { arn: true, id: true },
    },
    {
      address: 'aws_iam_instance_profile.app',
      type: 'aws_iam_instance_profile',
      after: { name: 'app-profile', role: 'app-role' },
      unknown: { arn: true, id: true },
    },
    ...[0, 1].map((index) => ({
      address: `module.web.aws_instance.server[${index}]`,
      type: 'aws_instance',
      after: {
        ami: AMI,
        iam_instance_profile: 'app-profile',
        tags: { tier: 'app', Name: `web-${index}` },
        tags_all: { tier: 'app', Name: `web-${index}`, env: 'prod' },
      },
      unknown: { id: true, arn: true, tags: {}, tags_all: {} },
    })),
    ...['blue', 'green'].flatMap((key) => [
      {
        address: `module.workers["${key}"].aws_iam_instance_profile.node`,
        type: 'aws_iam_instance_profile',
        after: { name_prefix: 'node-', role: key === 'blue' ? 'worker-role' : null },
        unknown: { arn: true, id: true, name: true },
      },
      {
        address: `module.workers["${key}"].aws_instance.node`,
        type: 'aws_instance',
        after: { ami: AMI, tags: { tier: 'app' }, tags_all: { tier: 'app' } },
        unknown: { id: true, iam_instance_profile: true, tags: {}, tags_all: {} },
      },
    ]),
    {
      address: 'aws_instance.batch',
      type: 'aws_instance',
      after: { ami: AMI, tags: {}, tags_all: {} },
      unknown: { id: true, tags: { tier: true }, tags_all: { tier: true } },
    },
    {
      address: 'aws_instance.spot',
      type: 'aws_instance',
      after: { ami: AMI },
      unknown: { id: true, tags: true, tags_all: true },
    },
    { address: 'aws_instance.old', type: 'aws_instance', actions: ['delete'] },
    {
      address: 'data.aws_instance.bastion',
      type: 'aws_instance',
      mode: 'data',
      actions: ['read'],
      after: { tags: { tier: 'app' } },
      unknown: { iam_instance_profile: true },
    },
  ],
  {
    resources: [
      configured('aws_iam_role.app'),
      configured('aws_iam_instance_profile.app', { role: ['aws_iam_role.app.name', 'aws_iam_role.app'] }),
      configured('aws_instance.batch', {
        tags: ['data.aws_ssm_parameter.tier.value', 'data.aws_ssm_parameter.tier'],
      }),
      configured('aws_instance.spot', { tags: ['local.tags', 'random_id.run.hex', 'random_id.run'] }),
    ],
    module_calls: {
      web: {
        source: './modules/web',
        expressions: {
          profile: { references: ['aws_iam_instance_profile.app.name', 'aws_iam_instance_profile.app'] },
        },
        module: {
          resources: [
            {
              ...configured('aws_instance.server', {
                iam_instance_profile: ['var.profile'],
                ami: { constant_value: AMI },
              }),
              count_expression: { constant_value: 2 },
            },
          ],
          variables: { profile: {} },
        },
      },
      workers: {
        source: './modules/workers',
        for_each_expression: { constant_value: ['blue', 'green'] },
        module: {
          resources: [
            configured('aws_iam_instance_profile.node', { role: ['var.role'] }),
            configured('aws_instance.node', {
              iam_instance_profile: ['aws_iam_instance_profile.node.name', 'aws_iam_instance_profile.node'],
            }),
          ],
          variables: { role: {} },
        },
      },
    },
  },
);

describe('a plan with modules, count and for_each', () => {
  it('decides each instance at its own address, and no data source', () => {
    // Act
    const { findings } = scanPlan(MODULES_PLAN);

    // Assess
    expect(Object.keys(findings)).toEqual([
      'module.web.aws_instance.server[0]',
      'module.web.aws_instance.server[1]',
      'module.workers["blue"].aws_instance.node',
      'module.workers["green"].aws_instance.node',
      'aws_instance.batch',
      'aws_instance.spot',
      'aws_instance.old',
    ]);
  });

  it('points each finding at the line of its address in resource_changes', () => {
    // Act
    const { text, findings } = scanPlan(MODULES_PLAN);

    // Assess
    const lines = text.split('\n');
    for (const [address, finding] of Object.entries(findings)) {
      expect(lines[finding.location.line - 1]).toBe(`      "address": ${JSON.stringify(address)},`);
    }
  });

  it('points every finding at line 1 of the plan as Terraform prints it, on one line', () => {
    // Act
    const { findings } = scanPlan(MODULES_PLAN, APP_TIER, 0);

    // Assess
    expect(new Set(Object.values(findings).map((finding) => finding.location.line))).toEqual(new Set([1]));
  });

  it('takes a profile name as attached, and one known after apply as the profile the instance refers to', () => {
    // Act
    const { findings } = scanPlan(MODULES_PLAN);

    // Assess
    expect(findings['module.web.aws_instance.server[1]']).toMatchObject({
      decision: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
      notes: [
        'instance profile app-profile: attached, not verifiable before deploy (its ARN names the account)',
      ],
    });
    for (const key of ['blue', 'green']) {
      expect(findings[`module.workers["${key}"].aws_instance.node`]).toMatchObject({
        decision: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
        notes: [
          `the instance profile is module.workers["${key}"].aws_iam_instance_profile.node (known after apply): attached, not verifiable before deploy`,
        ],
      });
    }
  });

  it('with requireRoleInProfile, checks the role of the profile of the same module instance', () => {
    // Act
    const { findings } = scanPlan(MODULES_PLAN, REQUIRE_ROLE);

    // Assess: the green workers' profile holds no role; the blue ones' does; the web servers' is not followed
    expect(findings['module.workers["blue"].aws_instance.node']?.decision.reason).toBe(Reason.UsesRole);
    expect(findings['module.workers["green"].aws_instance.node']?.decision).toMatchObject({
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileWithoutRole,
    });
    expect(findings['module.web.aws_instance.server[0]']?.decision).toMatchObject({
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileWithoutRole,
    });
  });

  it('with requireRoleInProfile, checks the role of the profile of the same count index', () => {
    // Prepare: resource "aws_iam_instance_profile" "per_host" { count = 2, name = "host-${count.index}",
    //            role = count.index == 0 ? "host-role" : null }
    //          resource "aws_instance" "host" { count = 2, tags = { tier = "app" },
    //            iam_instance_profile = aws_iam_instance_profile.per_host[count.index].name }
    const counted = plan(
      [0, 1].flatMap((index) => [
        {
          address: `aws_iam_instance_profile.per_host[${index}]`,
          type: 'aws_iam_instance_profile',
          after: { name: `host-${index}`, role: index === 0 ? 'host-role' : null },
          unknown: { arn: true, id: true },
        },
        {
          address: `aws_instance.host[${index}]`,
          type: 'aws_instance',
          after: {
            ami: AMI,
            iam_instance_profile: `host-${index}`,
            tags: { tier: 'app' },
            tags_all: { tier: 'app' },
          },
          unknown: { id: true },
        },
      ]),
      {
        resources: [
          configured('aws_iam_instance_profile.per_host', { role: ['count.index'] }),
          configured('aws_instance.host', {
            iam_instance_profile: ['aws_iam_instance_profile.per_host', 'count.index'],
          }),
        ],
      },
    );

    // Act
    const { findings } = scanPlan(counted, REQUIRE_ROLE);

    // Assess
    expect(findings['aws_instance.host[0]']?.decision.reason).toBe(Reason.UsesRole);
    expect(findings['aws_instance.host[1]']?.decision.reason).toBe(Reason.ProfileWithoutRole);
  });

  it('decides a tag known after apply as app tier, naming it; tags_all adds the provider default tags', () => {
    // Act
    const { findings } = scanPlan(MODULES_PLAN, { ...APP_TIER, tag: { key: 'env', values: ['prod'] } });
    const { findings: byTier } = scanPlan(MODULES_PLAN);

    // Assess
    expect(findings['module.web.aws_instance.server[0]']?.decision.reason).toBe(Reason.UsesRole);
    expect(findings['module.workers["blue"].aws_instance.node']?.decision.reason).toBe(Reason.NotAppTier);
    expect(byTier['aws_instance.batch']).toMatchObject({
      decision: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
      notes: [
        'tag tier is tags_all["tier"] (known after apply), unresolved before deploy: decided as app tier',
      ],
    });
    expect(byTier['aws_instance.spot']).toMatchObject({
      decision: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
      notes: ['tag tier is tags_all (known after apply), unresolved before deploy: decided as app tier'],
    });
  });

  it('decides an instance the plan deletes as deleted', () => {
    // Act
    const { findings } = scanPlan(MODULES_PLAN);

    // Assess
    expect(findings['aws_instance.old']).toMatchObject({
      decision: { compliance: ComplianceType.NotApplicable, reason: Reason.Deleted },
      notes: ['the plan deletes it'],
    });
  });
});

/*
 * resource "aws_launch_template" "app" { name = "app-lt", iam_instance_profile { name = "app-profile" } }
 * resource "aws_launch_configuration" "app" { name = "app-lc", iam_instance_profile = "app-profile" }
 * resource "aws_autoscaling_group" "by_name" { launch_template { name = "app-lt" }, tag { tier = app } }
 * resource "aws_autoscaling_group" "by_configuration" { launch_configuration = "app-lc", tags = [{ tier = app }] }
 * resource "aws_autoscaling_group" "mixed" { mixed_instances_policy { launch_template {
 *   launch_template_specification { launch_template_id = aws_launch_template.app.id } } }, tag { tier = app } }
 * resource "aws_autoscaling_group" "elsewhere" { launch_template { id = "lt-0abcd1234abcd1234" }, tag { tier = app } }
 * resource "aws_autoscaling_group" "from_data" { launch_template { id = data.aws_launch_template.shared.id },
 *                                                tag { tier = app } }
 * resource "aws_autoscaling_group" "unnamed" { availability_zones = [...], tag { tier = app } }
 * resource "aws_autoscaling_group" "quiet" { launch_template { name = "app-lt" },
 *   tag { tier = app, propagate_at_launch = false }, tag { team = random_pet.team.id } }
 * resource "aws_autoscaling_group" "dynamic_tags" { launch_template { name = "app-lt" },
 *   dynamic "tag" { for_each = random_pet.tags ... } }
 * resource "aws_autoscaling_group" "unknown_tier" { launch_template { name = "app-lt" },
 *   tag { key = "tier", value = data.aws_ssm_parameter.tier.value, propagate_at_launch = true } }
 */
const tag = (key: string, value: string, propagate = true) => ({
  key,
  value,
  propagate_at_launch: propagate,
});
const group = (name: string, after: Json, unknown: Json = {}): Change => ({
  address: `aws_autoscaling_group.${name}`,
  type: 'aws_autoscaling_group',
  after: { max_size: 2, min_size: 1, ...after },
  unknown: { id: true, arn: true, ...unknown },
});
const GROUPS_PLAN = plan(
  [
    {
      address: 'aws_launch_template.app',
      type: 'aws_launch_template',
      after: { name: 'app-lt', image_id: AMI, iam_instance_profile: [{ arn: null, name: 'app-profile' }] },
      unknown: { id: true, arn: true, latest_version: true, iam_instance_profile: [{}] },
    },
    {
      address: 'aws_launch_configuration.app',
      type: 'aws_launch_configuration',
      after: { name: 'app-lc', image_id: AMI, iam_instance_profile: 'app-profile' },
      unknown: { id: true, arn: true },
    },
    group(
      'by_name',
      { launch_template: [{ name: 'app-lt', version: '$Latest' }], tag: [tag('tier', 'app')] },
      { launch_template: [{ id: true }] },
    ),
    group('by_configuration', { launch_configuration: 'app-lc', tags: [tag('tier', 'app')] }),
    group(
      'mixed',
      {
        mixed_instances_policy: [
          { launch_template: [{ launch_template_specification: [{ version: '$Default' }] }] },
        ],
        tag: [tag('tier', 'app')],
      },
      {
        mixed_instances_policy: [
          { launch_template: [{ launch_template_specification: [{ launch_template_id: true }] }] },
        ],
      },
    ),
    group('elsewhere', {
      launch_template: [{ id: 'lt-0abcd1234abcd1234', version: '$Latest' }],
      tag: [tag('tier', 'app')],
    }),
    group(
      'from_data',
      { launch_template: [{ version: '$Latest' }], tag: [tag('tier', 'app')] },
      { launch_template: [{ id: true, name: true }] },
    ),
    group('unnamed', { availability_zones: ['us-east-1a'], tag: [tag('tier', 'app')] }),
    group(
      'quiet',
      {
        launch_template: [{ name: 'app-lt' }],
        tag: [tag('tier', 'app', false), { key: 'team', propagate_at_launch: true }],
      },
      { tag: [{}, { value: true }] },
    ),
    group('dynamic_tags', { launch_template: [{ name: 'app-lt' }] }, { tag: true }),
    group(
      'unknown_tier',
      { launch_template: [{ name: 'app-lt' }], tag: [{ key: 'tier', propagate_at_launch: true }] },
      { tag: [{ value: true }] },
    ),
  ],
  {
    resources: [
      configured('aws_launch_template.app'),
      configured('aws_launch_configuration.app'),
      configured('aws_autoscaling_group.by_name'),
      configured('aws_autoscaling_group.by_configuration'),
      configured('aws_autoscaling_group.mixed', {
        mixed_instances_policy: [
          {
            launch_template: [
              {
                launch_template_specification: [
                  {
                    launch_template_id: {
                      references: ['aws_launch_template.app.id', 'aws_launch_template.app'],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
      configured('aws_autoscaling_group.elsewhere'),
      configured('aws_autoscaling_group.from_data', {
        launch_template: [
          { id: { references: ['data.aws_launch_template.shared.id', 'data.aws_launch_template.shared'] } },
        ],
      }),
      configured('aws_autoscaling_group.unnamed'),
    ],
  },
);

describe('a plan of Auto Scaling groups', () => {
  it.each([
    [
      'by_name',
      'its launch template, found by the name the plan gives it',
      Reason.UsesRole,
      ['instance profile app-profile: attached, not verifiable before deploy (its ARN names the account)'],
    ],
    [
      'by_configuration',
      'its launch configuration, found by name; tags in the older list form',
      Reason.UsesRole,
      ['instance profile app-profile: attached, not verifiable before deploy (its ARN names the account)'],
    ],
    [
      'mixed',
      'the launch template of its mixed instances policy, by reference',
      Reason.UsesRole,
      ['instance profile app-profile: attached, not verifiable before deploy (its ARN names the account)'],
    ],
    [
      'elsewhere',
      'a launch template outside the plan, by id',
      Reason.NoProfile,
      [
        'its launch template lt-0abcd1234abcd1234 is not in this plan: no instance profile can be seen, check it',
      ],
    ],
    [
      'from_data',
      'a launch template known after apply',
      Reason.NoProfile,
      [
        'its launch template (known after apply) is not in this plan: no instance profile can be seen, check it',
      ],
    ],
    [
      'unnamed',
      'neither a launch template nor a configuration',
      Reason.NoProfile,
      ['its launch template or configuration is not in this plan: no instance profile can be seen, check it'],
    ],
    [
      'quiet',
      'a tier tag that does not propagate (and another known after apply)',
      Reason.NotAppTier,
      ['instance profile app-profile: attached, not verifiable before deploy (its ARN names the account)'],
    ],
    [
      'dynamic_tags',
      'tag blocks known after apply',
      Reason.UsesRole,
      ['instance profile app-profile: attached, not verifiable before deploy (its ARN names the account)'],
    ],
    [
      'unknown_tier',
      'a tier tag value known after apply',
      Reason.UsesRole,
      ['instance profile app-profile: attached, not verifiable before deploy (its ARN names the account)'],
    ],
  ])('%s: %s', (name, _, reason, notes) => {
    // Act
    const { findings } = scanPlan(GROUPS_PLAN);
    const finding = findings[`aws_autoscaling_group.${name}`];

    // Assess
    expect(finding?.decision.reason).toBe(reason);
    const unresolved = {
      dynamic_tags: 'tag (known after apply)',
      unknown_tier: 'tag "tier" (known after apply)',
    }[name as 'dynamic_tags'];
    expect(finding?.notes).toEqual([
      ...(unresolved === undefined
        ? []
        : [`tag tier is ${unresolved}, unresolved before deploy: decided as app tier`]),
      ...notes,
    ]);
  });

  it('decides the launch template and configuration themselves: neither carries the tier tag', () => {
    // Act
    const { findings } = scanPlan(GROUPS_PLAN);

    // Assess: a launch configuration carries no tags, and is decided through its groups only
    expect(findings['aws_launch_template.app']?.decision.reason).toBe(Reason.NotAppTier);
    expect(findings['aws_launch_configuration.app']).toBeUndefined();
  });
});
