import {
  type AutoScalingGroup,
  type LaunchTemplateSpecification,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import { describeError } from '../errors.js';
import { ComplianceType } from '../rule/compliance.js';
import { OwnerKind } from '../rule/owner.js';
import { mapBounded } from '../run/map-bounded.js';
import type { AuditReport, AuditResult } from './audit.js';
import type { CliClients } from './clients.js';
import { ExitCode } from './exit-code.js';
import { isSameProfile, profileSpecification } from './remediate.js';

/** What happened to one launch template. */
export const TemplateOutcome = {
  /** Dry run: a version with the profile would be created. */
  WouldCreateVersion: 'would-create-version',
  CreatedVersion: 'created-version',
  /** The version the instances came from sets the profile already: they need replacing, not the template. */
  AlreadySet: 'already-set',
  /** The template's owner is a stack: the fix belongs in its template, where an update keeps it. */
  SkippedStack: 'skipped-stack',
  Failed: 'failed',
} as const;
export type TemplateOutcome = (typeof TemplateOutcome)[keyof typeof TemplateOutcome];

/** An Auto Scaling group that uses the template, and whether its next launches take the new version. */
export interface GroupUse {
  readonly name: string;
  /** The version the group names: `$Latest`, `$Default` or a number. */
  readonly version: string;
  readonly launchesNewVersion: boolean;
  /** The command that finishes the fix: an instance refresh, or pointing the group at the new version. */
  readonly command: string;
}

export interface TemplateFix {
  readonly region: string;
  readonly launchTemplateId: string;
  readonly launchTemplateName?: string;
  /** The version the NON_COMPLIANT instances came from (the newest of them); the new one copies it. */
  readonly sourceVersion: string;
  readonly newVersion?: number;
  /** Whether the new version is (or would be) made the default. */
  readonly madeDefault: boolean;
  readonly outcome: TemplateOutcome;
  readonly detail: string;
  readonly instanceIds: readonly string[];
  readonly groups: readonly GroupUse[];
}

export interface TemplateFixReport {
  readonly audit: AuditReport;
  readonly instanceProfile: string;
  readonly apply: boolean;
  readonly setDefault: boolean;
  readonly fixes: readonly TemplateFix[];
  /** NON_COMPLIANT instances that no launch template of theirs can fix (no template, or its owner's own). */
  readonly notFromTemplates: readonly AuditResult[];
}

export interface TemplateFixOptions {
  readonly clients: CliClients;
  readonly audit: AuditReport;
  /** The instance profile to set: a name or an ARN. */
  readonly instanceProfile: string;
  readonly apply: boolean;
  /** Make the new version the template's default. */
  readonly setDefault: boolean;
  readonly progress?: (line: string) => void;
}

/**
 * Owners that manage their launch templates themselves: EKS (a node group's template takes no profile; the
 * node role gives it), Karpenter (it writes its own templates) and Elastic Beanstalk. A version added by
 * hand would be ignored or undone.
 */
const MANAGES_ITS_TEMPLATES: ReadonlySet<string> = new Set([
  OwnerKind.EksNodeGroup,
  OwnerKind.Karpenter,
  OwnerKind.ElasticBeanstalk,
]);

const LATEST = '$Latest';
const DEFAULT = '$Default';
const TEMPLATE_CONCURRENCY = 4;

/** The newest of the versions (numbers as EC2 tags them); `$Default` when none is known. */
const newestVersion = (versions: readonly (string | undefined)[]): string => {
  const numbers = versions.map(Number).filter((version) => Number.isInteger(version) && version > 0);
  return numbers.length === 0 ? DEFAULT : String(Math.max(...numbers));
};

/** The template a group launches from, whether named directly or in a mixed instances policy. */
const templateOf = (group: AutoScalingGroup): LaunchTemplateSpecification | undefined =>
  group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;

/** How each group of the region that uses the template takes the new version. */
const groupUses = (
  groups: readonly AutoScalingGroup[],
  template: { id: string; name?: string },
  region: string,
  newVersion: string,
  madeDefault: boolean,
): GroupUse[] =>
  groups.flatMap((group) => {
    const spec = templateOf(group);
    const name = group.AutoScalingGroupName;
    if (spec === undefined || name === undefined) return [];
    const same =
      spec.LaunchTemplateId === template.id ||
      (template.name !== undefined && spec.LaunchTemplateName === template.name);
    if (!same) return [];
    // A group that names no version launches the default one.
    const version = spec.Version ?? DEFAULT;
    const launchesNewVersion = version === LATEST || (version === DEFAULT && madeDefault);
    const command = launchesNewVersion
      ? `aws autoscaling start-instance-refresh --region ${region} --auto-scaling-group-name ${name}`
      : `aws autoscaling update-auto-scaling-group --region ${region} --auto-scaling-group-name ${name} ` +
        `--launch-template LaunchTemplateId=${template.id},Version=${newVersion}`;
    return [{ name, version, launchesNewVersion, command }];
  });

const fixTemplate = async (
  options: TemplateFixOptions,
  region: string,
  launchTemplateId: string,
  instances: readonly AuditResult[],
  groupsOf: (region: string) => Promise<AutoScalingGroup[]>,
): Promise<TemplateFix> => {
  const ec2 = options.clients.ec2(region);
  const sourceVersion = newestVersion(instances.map((found) => found.owner?.launchTemplate?.version));
  const base = {
    region,
    launchTemplateId,
    sourceVersion,
    madeDefault: false,
    instanceIds: instances.map((found) => found.instanceId),
    groups: [] as GroupUse[],
  };
  const stacks = [...new Set(instances.flatMap((found) => found.owner?.stack?.name ?? []))];
  if (stacks.length > 0) {
    return {
      ...base,
      outcome: TemplateOutcome.SkippedStack,
      detail: `its instances belong to stack ${stacks.join(', ')}: set the profile in the stack's template and update the stack`,
    };
  }
  const described = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateId: launchTemplateId,
      Versions: [sourceVersion],
    }),
  );
  const source = described.LaunchTemplateVersions?.[0];
  const launchTemplateName = source?.LaunchTemplateName;
  const named = launchTemplateName === undefined ? base : { ...base, launchTemplateName };
  const current = source?.LaunchTemplateData?.IamInstanceProfile;
  const target = options.instanceProfile;
  const setsTarget =
    (current?.Arn !== undefined && isSameProfile(current.Arn, target)) ||
    (current?.Name !== undefined && (current.Name === target || isSameProfile(target, current.Name)));
  if (setsTarget) {
    return {
      ...named,
      outcome: TemplateOutcome.AlreadySet,
      detail: `version ${source?.VersionNumber ?? sourceVersion} sets ${target} already: replace the instances`,
    };
  }

  let newVersion: number | undefined;
  if (options.apply) {
    const created = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: launchTemplateId,
        // The new version is the source version with the profile set, and nothing else changed.
        SourceVersion: sourceVersion,
        VersionDescription: `Instance profile ${target}, from version ${sourceVersion}`,
        LaunchTemplateData: { IamInstanceProfile: profileSpecification(target) },
      }),
    );
    newVersion = created.LaunchTemplateVersion?.VersionNumber;
    if (options.setDefault && newVersion !== undefined) {
      await ec2.send(
        new ModifyLaunchTemplateCommand({
          LaunchTemplateId: launchTemplateId,
          DefaultVersion: String(newVersion),
        }),
      );
    }
  }
  const versionText = newVersion === undefined ? 'NEW' : String(newVersion);
  const groups = groupUses(
    await groupsOf(region),
    { id: launchTemplateId, ...(launchTemplateName === undefined ? {} : { name: launchTemplateName }) },
    region,
    versionText,
    options.setDefault,
  );
  const what = `version ${options.apply ? versionText : '(new)'} from version ${sourceVersion}, setting ${target}`;
  return {
    ...named,
    ...(newVersion === undefined ? {} : { newVersion }),
    madeDefault: options.setDefault,
    outcome: options.apply ? TemplateOutcome.CreatedVersion : TemplateOutcome.WouldCreateVersion,
    detail: `${options.apply ? 'created' : 'would create'} ${what}${options.setDefault ? ', as the default' : ''}`,
    groups,
  };
};

/**
 * The fix at the source: for each launch template that launched a NON_COMPLIANT app-tier instance (as the
 * instance's tags say), a new version copied from the version the instances came from, with the instance
 * profile set. A dry run unless `apply`; the default version changes only with `setDefault`. It starts no
 * instance refresh: it says which Auto Scaling groups will launch from the new version, and the command
 * that replaces their instances.
 */
export const fixLaunchTemplates = async (options: TemplateFixOptions): Promise<TemplateFixReport> => {
  const progress = options.progress ?? (() => {});
  const byTemplate = new Map<string, { region: string; id: string; instances: AuditResult[] }>();
  const notFromTemplates: AuditResult[] = [];
  for (const found of options.audit.results) {
    if (found.compliance !== ComplianceType.NonCompliant) continue;
    const template = found.owner?.launchTemplate;
    if (template === undefined || MANAGES_ITS_TEMPLATES.has(found.owner?.kind ?? '')) {
      notFromTemplates.push(found);
      continue;
    }
    const key = `${found.region} ${template.id}`;
    const entry = byTemplate.get(key) ?? { region: found.region, id: template.id, instances: [] };
    entry.instances.push(found);
    byTemplate.set(key, entry);
  }
  // One listing of the groups per region, shared by its templates.
  const listings = new Map<string, Promise<AutoScalingGroup[]>>();
  const groupsOf = (region: string) => {
    let listing = listings.get(region);
    if (listing === undefined) {
      listing = (async () => {
        const groups: AutoScalingGroup[] = [];
        const client = options.clients.autoScaling(region);
        for await (const page of paginateDescribeAutoScalingGroups({ client }, {})) {
          groups.push(...(page.AutoScalingGroups ?? []));
        }
        return groups;
      })();
      listings.set(region, listing);
    }
    return listing;
  };
  progress(
    `${options.apply ? 'Fixing' : 'Dry run for'} ${byTemplate.size} launch template(s) with ${options.instanceProfile}`,
  );
  const fixes = await mapBounded([...byTemplate.values()], TEMPLATE_CONCURRENCY, async (entry) => {
    let fix: TemplateFix;
    try {
      fix = await fixTemplate(options, entry.region, entry.id, entry.instances, groupsOf);
    } catch (error) {
      fix = {
        region: entry.region,
        launchTemplateId: entry.id,
        sourceVersion: newestVersion(entry.instances.map((found) => found.owner?.launchTemplate?.version)),
        madeDefault: false,
        outcome: TemplateOutcome.Failed,
        detail: describeError(error),
        instanceIds: entry.instances.map((found) => found.instanceId),
        groups: [],
      };
    }
    progress(`${entry.region} ${entry.id}: ${fix.outcome}`);
    return fix;
  });
  return {
    audit: options.audit,
    instanceProfile: options.instanceProfile,
    apply: options.apply,
    setDefault: options.setDefault,
    fixes,
    notFromTemplates,
  };
};

/** 2 when a region or a template failed, 1 when work is left (a dry run, a stack's template), 0 otherwise. */
export const templateFixExitCode = (report: TemplateFixReport): ExitCode => {
  if (
    report.audit.regions.some((region) => region.error !== undefined) ||
    report.fixes.some((fix) => fix.outcome === TemplateOutcome.Failed)
  ) {
    return ExitCode.Error;
  }
  const left = report.fixes.some(
    (fix) =>
      fix.outcome === TemplateOutcome.WouldCreateVersion || fix.outcome === TemplateOutcome.SkippedStack,
  );
  return left ? ExitCode.NonCompliant : ExitCode.Ok;
};
