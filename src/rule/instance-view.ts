import { isRecord, type JsonObject, parseJsonObject } from '../json.js';
import { type Owner, ownerFromTags } from './owner.js';

/**
 * The one shape the decision reads, whatever the instance came from: a recorded configuration item
 * (change event), a GetResourceConfigHistory item (oversized event) or a DescribeInstances instance (sweep).
 */
export interface InstanceView {
  readonly resourceType: string;
  readonly resourceId: string;
  /** Config's configurationItemStatus; absent for a live DescribeInstances instance. */
  readonly status?: string;
  /** False when the item carries no configuration (deleted, not recorded, or a malformed item). */
  readonly hasConfiguration: boolean;
  /** EC2 state name (`running`, `stopped`, `terminated`, ...). */
  readonly state?: string;
  /** Tag key → value. A Map, so that keys such as `constructor` or `__proto__` are plain keys. */
  readonly tags: ReadonlyMap<string, string>;
  /** ARN of the attached instance profile; absent when none is attached. */
  readonly instanceProfileArn?: string;
  /**
   * Present when the instance records an instance profile association that carries no ARN (`arn` null or
   * empty, or only an `id`): something is associated, but no one can tell which profile, nor its role.
   */
  readonly profileWithoutArn?: { readonly id?: string };
  /**
   * Who launched the instance and replaces it (an Auto Scaling group, a stack, ...), read from its own
   * tags: it changes the advice of a NON_COMPLIANT annotation, never the compliance type.
   */
  readonly owner?: Owner;
  /**
   * Present when a file (a template, a plan) attaches an instance profile whose ARN is known only at deploy:
   * a profile the same template creates, a parameter without a default, a value Terraform knows after apply.
   * The instance will have a profile, but which one cannot be checked before deploy. `profile` says what the
   * file names (`Ref AppProfile`, `aws_iam_instance_profile.app.name`).
   */
  readonly profileKnownAtDeploy?: { readonly profile: string };
  /** When Config captured the item (change events); the evaluation's OrderingTimestamp. */
  readonly capturedAt?: Date;
  /**
   * Whether the attached profile holds an IAM role. Filled in only when `requireRoleInProfile` is on;
   * absent means the lookup could not say, which the decision never takes for a role.
   */
  readonly profileHoldsRole?: boolean;
}

/** A non-empty string, or undefined. */
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const asDate = (value: unknown): Date | undefined => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(typeof value === 'number' && value < 1e11 ? value * 1000 : value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
};

/**
 * Tags as Config writes them twice: the item's `tags` map when the item has one (even empty), else the
 * `configuration.tags` list. Never both: the map is what Config itself reads (a rule's tag scope, advanced
 * queries), and a key found only in the list would make an instance app tier that Config's own view says is
 * not (docs/decisions.md).
 */
const tagsOf = (mapTags: unknown, listTags: unknown): Map<string, string> => {
  const tags = new Map<string, string>();
  if (isRecord(mapTags)) {
    for (const [key, value] of Object.entries(mapTags)) {
      if (typeof value === 'string') tags.set(key, value);
    }
  } else if (Array.isArray(listTags)) {
    for (const tag of listTags) {
      if (isRecord(tag) && typeof tag.key === 'string' && typeof tag.value === 'string') {
        tags.set(tag.key, tag.value);
      }
    }
  }
  return tags;
};

/** The owner the tags name, as a view field: absent when none. */
export const ownerOf = (tags: ReadonlyMap<string, string>): Pick<InstanceView, 'owner'> => {
  const owner = ownerFromTags(tags);
  return owner === undefined ? {} : { owner };
};

/** The association recorded without an ARN, if that is what the item holds (see InstanceView). */
export const profileWithoutArn = (
  associated: boolean,
  arn: string | undefined,
  id: unknown,
): Pick<InstanceView, 'profileWithoutArn'> => {
  if (!associated || arn !== undefined) return {};
  const profileId = text(id);
  return { profileWithoutArn: profileId === undefined ? {} : { id: profileId } };
};

/**
 * The configuration of a history item is a JSON string; an unreadable one counts as no configuration,
 * which the decision reports as NOT_APPLICABLE rather than guessing.
 */
const configurationOf = (value: unknown): JsonObject | undefined => {
  if (isRecord(value)) return value;
  return typeof value === 'string' ? parseJsonObject(value).object : undefined;
};

/**
 * Builds the view of a configuration item, in the shape of a change notification or of
 * GetResourceConfigHistory (where `configuration` is a JSON string). Never throws: whatever is missing
 * is simply absent from the view.
 */
export const viewFromConfigurationItem = (item: unknown): InstanceView => {
  const ci = isRecord(item) ? item : {};
  const configuration = configurationOf(ci.configuration);
  const profile = isRecord(configuration?.iamInstanceProfile) ? configuration.iamInstanceProfile : undefined;
  const state = isRecord(configuration?.state) ? text(configuration.state.name) : undefined;
  const arn = text(profile?.arn);
  const tags = tagsOf(ci.tags, configuration?.tags);
  return {
    resourceType: text(ci.resourceType) ?? '',
    resourceId: text(ci.resourceId) ?? '',
    status: text(ci.configurationItemStatus),
    hasConfiguration: configuration !== undefined,
    state,
    tags,
    ...ownerOf(tags),
    instanceProfileArn: arn,
    ...profileWithoutArn(profile !== undefined, arn, profile?.id),
    capturedAt: asDate(ci.configurationItemCaptureTime),
  };
};
