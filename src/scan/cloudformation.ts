import { isInstanceProfileArn } from '../aws/names.js';
import { isRecord, type JsonObject } from '../json.js';
import { EC2_INSTANCE } from '../rule/compliance.js';
import type { InstanceView } from '../rule/instance-view.js';
import { resolveTemplateValue, type TemplateScope, type TemplateValue } from './cloudformation-values.js';
import { ALL_TAGS, type ScannedResource } from './scanned.js';

/** A template as read from a file: its content, and where each resource starts. */
export interface TemplateSource {
  readonly file: string;
  readonly template: JsonObject;
  /** 1-based line of a resource's logical id. */
  readonly lineOf: (logicalId: string) => number;
  /** The CDK construct path of a resource, when the template comes from a cloud assembly. */
  readonly constructPathOf?: (logicalId: string) => string | undefined;
}

/** The resource types that launch EC2 instances, and so are decided. */
export const TEMPLATE_INSTANCE_SOURCES = {
  Instance: 'AWS::EC2::Instance',
  LaunchTemplate: 'AWS::EC2::LaunchTemplate',
  AutoScalingGroup: 'AWS::AutoScaling::AutoScalingGroup',
  LaunchConfiguration: 'AWS::AutoScaling::LaunchConfiguration',
} as const;
const INSTANCE_PROFILE = 'AWS::IAM::InstanceProfile';

type Profile = Pick<InstanceView, 'instanceProfileArn' | 'profileKnownAtDeploy' | 'profileHoldsRole'>;

/** What an instance launched from a resource gets: its tags and profile, and what stays unknown. */
interface LaunchSettings {
  readonly tags: Map<string, string>;
  readonly unresolvedTags: Map<string, string>;
  readonly profile: Profile;
  /** Whether the resource says anything about the profile (to let an instance's own setting win). */
  readonly profileGiven: boolean;
  /** What a reviewer should know of the tags. */
  readonly notes: string[];
  /** What a reviewer should know of the profile: they go with it when a profile set over it wins. */
  readonly profileNotes: string[];
}

const emptySettings = (): LaunchSettings => ({
  tags: new Map(),
  unresolvedTags: new Map(),
  profile: {},
  profileGiven: false,
  notes: [],
  profileNotes: [],
});

const propertiesOf = (resource: unknown): JsonObject =>
  isRecord(resource) && isRecord(resource.Properties) ? resource.Properties : {};

const typeOf = (resource: unknown): string | undefined =>
  isRecord(resource) && typeof resource.Type === 'string' ? resource.Type : undefined;

/** Reads a `Tags` list ({Key, Value}) into the settings; `keep` filters items (PropagateAtLaunch). */
const readTags = (
  list: unknown,
  scope: TemplateScope,
  into: LaunchSettings,
  keep: (tag: JsonObject) => boolean = () => true,
): void => {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    const value = resolveTemplateValue(list, scope);
    // `Tags: !Ref AWS::NoValue` (or an Fn::If whose branches both are) leaves the tags out.
    if (value.kind === 'none') return;
    into.unresolvedTags.set(ALL_TAGS, value.kind === 'unknown' ? value.describe : 'not a list');
    return;
  }
  for (const tag of list) {
    if (!isRecord(tag) || !keep(tag)) continue;
    const key = resolveTemplateValue(tag.Key, scope);
    if (key.kind !== 'text') {
      if (key.kind === 'unknown') into.notes.push(`a tag key is ${key.describe}, unresolved before deploy`);
      continue;
    }
    const value = resolveTemplateValue(tag.Value, scope);
    if (value.kind === 'text') {
      into.tags.set(key.text, value.text);
      into.unresolvedTags.delete(key.text);
    } else if (value.kind === 'unknown') {
      into.unresolvedTags.set(key.text, value.describe);
      into.tags.delete(key.text);
    }
  }
};

/**
 * The profile a value names. An ARN is checked as it is; a profile this template creates (Ref or GetAtt) is
 * attached, with a role if the template puts one in it; a name or anything known only at deploy is attached,
 * not verifiable before deploy; a condition that may leave the property out leaves the instance without one.
 */
const profileOf = (value: TemplateValue, scope: TemplateScope, notes: string[]): Profile => {
  if (value.kind === 'none' || (value.kind === 'text' && value.text.trim() === '')) return {};
  if (value.kind === 'text') {
    if (isInstanceProfileArn(value.text)) return { instanceProfileArn: value.text };
    notes.push(
      `instance profile ${value.text}: attached, not verifiable before deploy (its ARN names the account)`,
    );
    return { profileKnownAtDeploy: { profile: value.text } };
  }
  if (value.maybeNone === true) {
    notes.push(`the instance profile is ${value.describe}, which leaves it out under one branch`);
    return {};
  }
  const target = value.resource === undefined ? undefined : scope.resources[value.resource];
  if (typeOf(target) === INSTANCE_PROFILE) {
    const roles = propertiesOf(target).Roles;
    notes.push(`instance profile ${value.resource} of this template (${value.describe}): attached`);
    return {
      profileKnownAtDeploy: { profile: value.describe },
      profileHoldsRole: Array.isArray(roles) && roles.length > 0,
    };
  }
  notes.push(`the instance profile is ${value.describe}: attached, not verifiable before deploy`);
  return { profileKnownAtDeploy: { profile: value.describe } };
};

const setProfile = (settings: LaunchSettings, profile: Profile): LaunchSettings => ({
  ...settings,
  profile,
  profileGiven: true,
});

const launchTemplateSettings = (resource: unknown, scope: TemplateScope): LaunchSettings => {
  const data = propertiesOf(resource).LaunchTemplateData;
  const settings = emptySettings();
  if (!isRecord(data)) return settings;
  if (Array.isArray(data.TagSpecifications)) {
    for (const spec of data.TagSpecifications) {
      if (isRecord(spec) && spec.ResourceType === 'instance') readTags(spec.Tags, scope, settings);
    }
  }
  const profile = data.IamInstanceProfile;
  if (!isRecord(profile)) return settings;
  const arn = resolveTemplateValue(profile.Arn, scope);
  const chosen = arn.kind === 'none' ? resolveTemplateValue(profile.Name, scope) : arn;
  return setProfile(settings, profileOf(chosen, scope, settings.profileNotes));
};

const launchConfigurationSettings = (resource: unknown, scope: TemplateScope): LaunchSettings => {
  const settings = emptySettings();
  const value = resolveTemplateValue(propertiesOf(resource).IamInstanceProfile, scope);
  return setProfile(settings, profileOf(value, scope, settings.profileNotes));
};

/** The name a template gives its launch template or launch configuration, when it gives one. */
const nameOf = (resource: unknown, type: string, scope: TemplateScope): string | undefined => {
  const property =
    type === TEMPLATE_INSTANCE_SOURCES.LaunchTemplate ? 'LaunchTemplateName' : 'LaunchConfigurationName';
  const name = resolveTemplateValue(propertiesOf(resource)[property], scope);
  return name.kind === 'text' ? name.text : undefined;
};

/** The resource a reference names: by Ref or GetAtt, or by the name the file gives it. */
const referencedResource = (value: TemplateValue, type: string, scope: TemplateScope): unknown => {
  if (value.kind === 'unknown' && value.resource !== undefined) return scope.resources[value.resource];
  if (value.kind !== 'text') return undefined;
  return Object.values(scope.resources).find(
    (candidate) => typeOf(candidate) === type && nameOf(candidate, type, scope) === value.text,
  );
};

/**
 * The settings of the launch template (or launch configuration) a resource names, when the template holds
 * it; otherwise nothing is known of its profile, and the note says so.
 */
const referencedSettings = (
  reference: unknown,
  expectedType: string,
  scope: TemplateScope,
  what: string,
): LaunchSettings => {
  const value = resolveTemplateValue(reference, scope);
  const resource = referencedResource(value, expectedType, scope);
  if (typeOf(resource) === expectedType) {
    return expectedType === TEMPLATE_INSTANCE_SOURCES.LaunchTemplate
      ? launchTemplateSettings(resource, scope)
      : launchConfigurationSettings(resource, scope);
  }
  const settings = emptySettings();
  const named = value.kind === 'text' ? value.text : value.kind === 'unknown' ? value.describe : '(none)';
  settings.profileNotes.push(
    `its ${what} ${named} is not in this file: no instance profile can be seen, check it`,
  );
  return settings;
};

const launchTemplateReference = (spec: unknown): unknown =>
  isRecord(spec) ? (spec.LaunchTemplateId ?? spec.LaunchTemplateName) : undefined;

/**
 * Tags of the group (or instance) over those of its launch template, as Auto Scaling and EC2 apply them at
 * launch; the profile of the one that sets it, with what is known of it.
 */
const overlay = (base: LaunchSettings, top: LaunchSettings): LaunchSettings => {
  const tags = new Map(base.tags);
  const unresolvedTags = new Map(base.unresolvedTags);
  for (const [key, value] of top.tags) {
    tags.set(key, value);
    unresolvedTags.delete(key);
  }
  for (const [key, value] of top.unresolvedTags) {
    unresolvedTags.set(key, value);
    tags.delete(key);
  }
  const profiled = top.profileGiven ? top : base;
  return {
    tags,
    unresolvedTags,
    profile: profiled.profile,
    profileGiven: profiled.profileGiven,
    notes: [...base.notes, ...top.notes],
    profileNotes: profiled.profileNotes,
  };
};

const isPropagated = (tag: JsonObject, scope: TemplateScope, notes: string[]): boolean => {
  const value = resolveTemplateValue(tag.PropagateAtLaunch, scope);
  if (value.kind === 'unknown') {
    notes.push(`PropagateAtLaunch is ${value.describe}, unresolved before deploy: taken as true`);
    return true;
  }
  return value.kind === 'text' && value.text.toLowerCase() === 'true';
};

const groupSettings = (resource: unknown, scope: TemplateScope): LaunchSettings => {
  const properties = propertiesOf(resource);
  const mixed = isRecord(properties.MixedInstancesPolicy) ? properties.MixedInstancesPolicy : undefined;
  const mixedTemplate = isRecord(mixed?.LaunchTemplate)
    ? mixed.LaunchTemplate.LaunchTemplateSpecification
    : undefined;
  const template = properties.LaunchTemplate ?? mixedTemplate;
  let base: LaunchSettings;
  if (template !== undefined) {
    base = referencedSettings(
      launchTemplateReference(template),
      TEMPLATE_INSTANCE_SOURCES.LaunchTemplate,
      scope,
      'launch template',
    );
  } else if (properties.LaunchConfigurationName !== undefined) {
    base = referencedSettings(
      properties.LaunchConfigurationName,
      TEMPLATE_INSTANCE_SOURCES.LaunchConfiguration,
      scope,
      'launch configuration',
    );
  } else {
    base = emptySettings();
    base.profileNotes.push(
      'it names no launch template or launch configuration of this file: check its instances',
    );
  }
  const own = emptySettings();
  readTags(properties.Tags, scope, own, (tag) => isPropagated(tag, scope, own.notes));
  return overlay(base, own);
};

const instanceSettings = (resource: unknown, scope: TemplateScope): LaunchSettings => {
  const properties = propertiesOf(resource);
  const base =
    properties.LaunchTemplate === undefined
      ? emptySettings()
      : referencedSettings(
          launchTemplateReference(properties.LaunchTemplate),
          TEMPLATE_INSTANCE_SOURCES.LaunchTemplate,
          scope,
          'launch template',
        );
  const own = emptySettings();
  readTags(properties.Tags, scope, own);
  const value = resolveTemplateValue(properties.IamInstanceProfile, scope);
  const instance = value.kind === 'none' ? own : setProfile(own, profileOf(value, scope, own.profileNotes));
  return overlay(base, instance);
};

const SETTINGS_OF: Record<string, (resource: unknown, scope: TemplateScope) => LaunchSettings> = {
  [TEMPLATE_INSTANCE_SOURCES.Instance]: instanceSettings,
  [TEMPLATE_INSTANCE_SOURCES.LaunchTemplate]: launchTemplateSettings,
  [TEMPLATE_INSTANCE_SOURCES.AutoScalingGroup]: groupSettings,
  [TEMPLATE_INSTANCE_SOURCES.LaunchConfiguration]: launchConfigurationSettings,
};

/**
 * Every resource of a CloudFormation (or SAM, or CDK-synthesized) template that launches EC2 instances, as
 * the InstanceView of the instances it would launch.
 */
export const readTemplate = (source: TemplateSource): ScannedResource[] => {
  const { template } = source;
  const section = (name: string): JsonObject => (isRecord(template[name]) ? template[name] : {});
  const scope: TemplateScope = {
    parameters: section('Parameters'),
    mappings: section('Mappings'),
    resources: section('Resources'),
  };
  const scanned: ScannedResource[] = [];
  for (const [logicalId, resource] of Object.entries(scope.resources)) {
    const type = typeOf(resource);
    const settingsOf = type === undefined ? undefined : SETTINGS_OF[type];
    if (type === undefined || settingsOf === undefined) continue;
    const settings = settingsOf(resource, scope);
    const condition =
      isRecord(resource) && typeof resource.Condition === 'string' ? resource.Condition : undefined;
    const constructPath = source.constructPathOf?.(logicalId);
    scanned.push({
      location: {
        file: source.file,
        line: source.lineOf(logicalId),
        id: logicalId,
        resourceType: type,
        ...(constructPath === undefined ? {} : { constructPath }),
      },
      view: {
        resourceType: EC2_INSTANCE,
        resourceId: logicalId,
        hasConfiguration: true,
        tags: settings.tags,
        ...settings.profile,
      },
      unresolvedTags: settings.unresolvedTags,
      notes: [
        ...(condition === undefined ? [] : [`created only when condition ${condition} holds`]),
        ...settings.notes,
        ...settings.profileNotes,
      ],
    });
  }
  return scanned;
};
