import { isInstanceProfileArn } from '../aws/names.js';
import { ScanInputError } from '../errors.js';
import { isRecord, type JsonObject } from '../json.js';
import { EC2_INSTANCE } from '../rule/compliance.js';
import type { InstanceView } from '../rule/instance-view.js';
import { ALL_TAGS, type ScannedResource } from './scanned.js';

/** The Terraform resource types that launch EC2 instances, and so are decided. */
export const PLAN_INSTANCE_SOURCES = {
  Instance: 'aws_instance',
  LaunchTemplate: 'aws_launch_template',
  AutoScalingGroup: 'aws_autoscaling_group',
} as const;
const LAUNCH_CONFIGURATION = 'aws_launch_configuration';
const INSTANCE_PROFILE = 'aws_iam_instance_profile';

/** Whether a JSON document is a plan as `terraform show -json` prints it. */
export const isTerraformPlan = (document: JsonObject): boolean =>
  typeof document.format_version === 'string' &&
  (Array.isArray(document.resource_changes) || isRecord(document.planned_values));

type Profile = Pick<InstanceView, 'instanceProfileArn' | 'profileKnownAtDeploy' | 'profileHoldsRole'>;

/** A planned resource: its values after apply, and which of them Terraform knows only then. */
interface Planned {
  readonly address: string;
  readonly type: string;
  readonly after: JsonObject;
  readonly unknown: JsonObject;
  readonly deleted: boolean;
  /** The resource's expressions in the configuration (where references are named). */
  readonly expressions: JsonObject;
  /**
   * Where the resource's references are looked up, in order: its own module instance
   * (`module.workers["blue"].`), then its module as configured (`module.workers.`, the first instance).
   */
  readonly prefixes: readonly string[];
  /** The resource's own count or for_each key (`[1]`, `["blue"]`), or empty. */
  readonly key: string;
}

interface Settings {
  readonly tags: Map<string, string>;
  readonly unresolvedTags: Map<string, string>;
  readonly profile: Profile;
  readonly notes: string[];
}

const first = (value: unknown): JsonObject => (Array.isArray(value) && isRecord(value[0]) ? value[0] : {});
const withoutIndexes = (address: string): string => address.replace(/\[[^\]]*\]/g, '');

/** Every resource's expressions in the configuration, by address without instance keys. */
const expressionsByAddress = (configuration: unknown): Map<string, JsonObject> => {
  const found = new Map<string, JsonObject>();
  const walk = (module: unknown, prefix: string) => {
    if (!isRecord(module)) return;
    for (const resource of Array.isArray(module.resources) ? module.resources : []) {
      if (isRecord(resource) && typeof resource.address === 'string' && isRecord(resource.expressions))
        found.set(`${prefix}${resource.address}`, resource.expressions);
    }
    if (isRecord(module.module_calls)) {
      for (const [name, call] of Object.entries(module.module_calls))
        if (isRecord(call)) walk(call.module, `${prefix}module.${name}.`);
    }
  };
  walk(isRecord(configuration) ? configuration.root_module : undefined, '');
  return found;
};

/**
 * The addresses an expression of `resource` may refer to, made absolute, in the order they are tried: in its
 * own module instance, then in its module as configured; and, for a resource of count or for_each, first the
 * instance of the same key (`aws_iam_instance_profile.node[count.index]` names no key in its references).
 */
const referencesOf = (expression: unknown, resource: Planned): string[] => {
  const references = (
    isRecord(expression) && Array.isArray(expression.references) ? expression.references : []
  ).filter((item): item is string => typeof item === 'string');
  return resource.prefixes.flatMap((prefix) =>
    references.flatMap((item) => [
      ...(resource.key === '' ? [] : [`${prefix}${item}${resource.key}`]),
      `${prefix}${item}`,
    ]),
  );
};

const readTagMap = (tags: unknown, unknownTags: unknown, into: Settings, what: string): void => {
  if (unknownTags === true) {
    into.unresolvedTags.set(ALL_TAGS, `${what} (known after apply)`);
    return;
  }
  if (isRecord(tags)) {
    for (const [key, value] of Object.entries(tags)) if (typeof value === 'string') into.tags.set(key, value);
  }
  if (isRecord(unknownTags)) {
    for (const [key, value] of Object.entries(unknownTags)) {
      if (value === true) {
        into.unresolvedTags.set(key, `${what}["${key}"] (known after apply)`);
        into.tags.delete(key);
      }
    }
  }
};

const emptySettings = (): Settings => ({
  tags: new Map(),
  unresolvedTags: new Map(),
  profile: {},
  notes: [],
});

/** The planned resources by address, to follow references (profiles, launch templates). */
type Index = ReadonlyMap<string, Planned>;

/** The first resource of `type` the references name: exactly, else the resource of an attribute (`.name`). */
const referencedResource = (
  references: readonly string[],
  type: string,
  index: Index,
): Planned | undefined => {
  const named = (address: string) => {
    const target = index.get(address);
    return target?.type === type ? target : undefined;
  };
  for (const reference of references) {
    const found = named(reference);
    if (found !== undefined) return found;
  }
  for (const reference of references) {
    const found = named(reference.replace(/\.[^.]+$/, ''));
    if (found !== undefined) return found;
  }
  return undefined;
};

/**
 * The profile a planned value names. Terraform's `iam_instance_profile` is a name (or, in a launch template, an
 * ARN or a name): an ARN is checked as it is, a name is attached but its ARN names the account, and a value
 * known only after apply is attached, not verifiable before deploy.
 */
const profileOf = (
  value: unknown,
  unknown: unknown,
  references: readonly string[],
  index: Index,
  notes: string[],
): Profile => {
  const profile = referencedResource(references, INSTANCE_PROFILE, index);
  const holdsRole =
    profile === undefined
      ? {}
      : {
          profileHoldsRole:
            profile.unknown.role === true ||
            (typeof profile.after.role === 'string' && profile.after.role !== ''),
        };
  if (typeof value === 'string' && value !== '') {
    if (isInstanceProfileArn(value)) return { instanceProfileArn: value, ...holdsRole };
    notes.push(
      `instance profile ${value}: attached, not verifiable before deploy (its ARN names the account)`,
    );
    return { profileKnownAtDeploy: { profile: value }, ...holdsRole };
  }
  if (unknown === true) {
    const named = profile?.address ?? references[0] ?? 'a value';
    notes.push(
      `the instance profile is ${named} (known after apply): attached, not verifiable before deploy`,
    );
    return { profileKnownAtDeploy: { profile: `${named} (known after apply)` }, ...holdsRole };
  }
  return {};
};

const launchTemplateSettings = (resource: Planned, index: Index): Settings => {
  const settings = emptySettings();
  const specs = Array.isArray(resource.after.tag_specifications) ? resource.after.tag_specifications : [];
  const unknownSpecs = Array.isArray(resource.unknown.tag_specifications)
    ? resource.unknown.tag_specifications
    : [];
  specs.forEach((spec, position) => {
    if (isRecord(spec) && spec.resource_type === 'instance') {
      const unknownSpec = unknownSpecs[position];
      readTagMap(
        spec.tags,
        isRecord(unknownSpec) ? unknownSpec.tags : undefined,
        settings,
        'tag_specifications.tags',
      );
    }
  });
  const block = first(resource.after.iam_instance_profile);
  const unknownBlock = first(resource.unknown.iam_instance_profile);
  const expressions = first(resource.expressions.iam_instance_profile);
  const useArn = (typeof block.arn === 'string' && block.arn !== '') || unknownBlock.arn === true;
  const field = useArn ? 'arn' : 'name';
  const profile = profileOf(
    block[field],
    unknownBlock[field],
    referencesOf(expressions[field], resource),
    index,
    settings.notes,
  );
  return { ...settings, profile };
};

/** The profile of an instance or a launch configuration: its `iam_instance_profile` argument. */
const instanceProfileOf = (resource: Planned, index: Index, notes: string[]) =>
  profileOf(
    resource.after.iam_instance_profile,
    resource.unknown.iam_instance_profile,
    referencesOf(resource.expressions.iam_instance_profile, resource),
    index,
    notes,
  );

const launchConfigurationSettings = (resource: Planned, index: Index): Settings => {
  const settings = emptySettings();
  return { ...settings, profile: instanceProfileOf(resource, index, settings.notes) };
};

const instanceSettings = (resource: Planned, index: Index): Settings => {
  const settings = emptySettings();
  // tags_all adds the provider's default_tags to the resource's own.
  readTagMap(resource.after.tags, resource.unknown.tags, settings, 'tags');
  readTagMap(resource.after.tags_all, resource.unknown.tags_all, settings, 'tags_all');
  return { ...settings, profile: instanceProfileOf(resource, index, settings.notes) };
};

/** The launch template or configuration a group uses, by reference or by the name/id the plan gives. */
const groupBase = (resource: Planned, index: Index): Settings => {
  const { after, expressions } = resource;
  const mixed = first(
    first(first(after.mixed_instances_policy).launch_template).launch_template_specification,
  );
  const mixedExpressions = first(
    first(first(expressions.mixed_instances_policy).launch_template).launch_template_specification,
  );
  const direct = first(after.launch_template);
  const directExpressions = first(expressions.launch_template);
  const template = Object.keys(direct).length > 0 ? direct : mixed;
  const templateExpressions = Object.keys(direct).length > 0 ? directExpressions : mixedExpressions;
  if (Object.keys(template).length > 0) {
    const references = ['id', 'name', 'launch_template_id', 'launch_template_name'].flatMap((field) =>
      referencesOf(templateExpressions[field], resource),
    );
    const found =
      referencedResource(references, PLAN_INSTANCE_SOURCES.LaunchTemplate, index) ??
      [...index.values()].find(
        (candidate) =>
          candidate.type === PLAN_INSTANCE_SOURCES.LaunchTemplate &&
          [template.id, template.name, template.launch_template_id, template.launch_template_name].some(
            (key) => typeof key === 'string' && (key === candidate.after.id || key === candidate.after.name),
          ),
      );
    if (found !== undefined) return launchTemplateSettings(found, index);
    const settings = emptySettings();
    const named =
      template.id ?? template.name ?? template.launch_template_id ?? template.launch_template_name;
    settings.notes.push(
      `its launch template ${typeof named === 'string' ? named : '(known after apply)'} is not in this plan: no instance profile can be seen, check it`,
    );
    return settings;
  }
  const configuration = after.launch_configuration;
  if (configuration !== undefined && configuration !== null) {
    const references = referencesOf(expressions.launch_configuration, resource);
    const found =
      referencedResource(references, LAUNCH_CONFIGURATION, index) ??
      [...index.values()].find(
        (candidate) => candidate.type === LAUNCH_CONFIGURATION && candidate.after.name === configuration,
      );
    if (found !== undefined) return launchConfigurationSettings(found, index);
  }
  const settings = emptySettings();
  settings.notes.push(
    'its launch template or configuration is not in this plan: no instance profile can be seen, check it',
  );
  return settings;
};

const groupSettings = (resource: Planned, index: Index): Settings => {
  const base = groupBase(resource, index);
  // `tag` blocks (and the older `tags` list of maps) with propagate_at_launch reach the instances.
  const blocks = [
    ...(Array.isArray(resource.after.tag) ? resource.after.tag : []),
    ...(Array.isArray(resource.after.tags) ? resource.after.tags : []),
  ];
  const unknownBlocks = Array.isArray(resource.unknown.tag) ? resource.unknown.tag : [];
  if (resource.unknown.tag === true) base.unresolvedTags.set(ALL_TAGS, 'tag (known after apply)');
  blocks.forEach((block, position) => {
    if (!isRecord(block) || typeof block.key !== 'string') return;
    const propagate = block.propagate_at_launch;
    if (propagate !== true && propagate !== 'true') return;
    const unknownBlock = unknownBlocks[position];
    if (isRecord(unknownBlock) && unknownBlock.value === true) {
      base.unresolvedTags.set(block.key, `tag "${block.key}" (known after apply)`);
      base.tags.delete(block.key);
    } else if (typeof block.value === 'string') {
      base.tags.set(block.key, block.value);
      base.unresolvedTags.delete(block.key);
    }
  });
  return base;
};

const SETTINGS_OF: Record<string, (resource: Planned, index: Index) => Settings> = {
  [PLAN_INSTANCE_SOURCES.Instance]: instanceSettings,
  [PLAN_INSTANCE_SOURCES.LaunchTemplate]: launchTemplateSettings,
  [PLAN_INSTANCE_SOURCES.AutoScalingGroup]: groupSettings,
};

/** The line of a resource's `"address"` in resource_changes, for the finding. */
const lineFinder = (text: string) => {
  const start = Math.max(0, text.indexOf('"resource_changes"'));
  return (address: string): number => {
    const at = text.indexOf(`"address": ${JSON.stringify(address)}`, start);
    const found = at === -1 ? text.indexOf(JSON.stringify(address), start) : at;
    if (found === -1) return 1;
    let line = 1;
    for (let index = text.indexOf('\n'); index !== -1 && index < found; index = text.indexOf('\n', index + 1))
      line += 1;
    return line;
  };
};

/**
 * Every planned resource that launches EC2 instances (`aws_instance`, `aws_launch_template`,
 * `aws_autoscaling_group`), as the InstanceView of the instances it would launch. A resource the plan deletes
 * is a deleted instance (NOT_APPLICABLE); `text` is the file's text, for lines.
 */
export const readTerraformPlan = (plan: JsonObject, file: string, text: string): ScannedResource[] => {
  // Terraform raises the major version only for changes a reader of the older format would misread.
  const version = String(plan.format_version);
  if (!/^[01]\./.test(version))
    throw new ScanInputError(
      `${file}: a plan of format_version ${version}; scan reads the formats 0.x and 1.x (Terraform 0.12 to 1.x, OpenTofu)`,
    );
  const expressions = expressionsByAddress(plan.configuration);
  const index = new Map<string, Planned>();
  for (const change of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (!isRecord(change) || change.mode !== 'managed' || !isRecord(change.change)) continue;
    const { address, type } = change;
    if (typeof address !== 'string' || typeof type !== 'string') continue;
    const actions = Array.isArray(change.change.actions) ? change.change.actions : [];
    const deleted = actions.length === 1 && actions[0] === 'delete';
    const after = isRecord(change.change.after) ? change.change.after : {};
    const unknown = isRecord(change.change.after_unknown) ? change.change.after_unknown : {};
    const configAddress = withoutIndexes(address);
    const key = /\[[^\]]*\]$/.exec(address)?.[0] ?? '';
    const instancePrefix = address.slice(0, address.length - key.length).replace(/[^.]+\.[^.]+$/, '');
    const modulePrefix = configAddress.replace(/[^.]+\.[^.]+$/, '');
    const planned = {
      address,
      type,
      after,
      unknown,
      deleted,
      expressions: expressions.get(configAddress) ?? {},
      prefixes: instancePrefix === modulePrefix ? [modulePrefix] : [instancePrefix, modulePrefix],
      key,
    };
    index.set(address, planned);
    if (!index.has(configAddress)) index.set(configAddress, planned);
  }
  const lineOf = lineFinder(text);
  const scanned: ScannedResource[] = [];
  for (const [address, resource] of index) {
    const settingsOf = SETTINGS_OF[resource.type];
    if (settingsOf === undefined || address !== resource.address) continue;
    const settings = settingsOf(resource, index);
    scanned.push({
      location: { file, line: lineOf(address), id: address, resourceType: resource.type },
      view: {
        resourceType: EC2_INSTANCE,
        resourceId: address,
        hasConfiguration: true,
        ...(resource.deleted ? { status: 'ResourceDeleted' } : {}),
        tags: settings.tags,
        ...settings.profile,
      },
      unresolvedTags: settings.unresolvedTags,
      notes: resource.deleted ? ['the plan deletes it'] : settings.notes,
    });
  }
  return scanned;
};
