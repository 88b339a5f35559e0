import { composeAnnotation, name, tagDescription } from './annotation.js';
import { ComplianceType, type Decision, EC2_INSTANCE, Reason } from './compliance.js';
import type { InstanceView } from './instance-view.js';
import { ANY_VALUE, type AppTierTag } from './parameters.js';

const DELETED_STATUSES = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);
const NOT_RECORDED_STATUS = 'ResourceNotRecorded';
const GONE_STATES = new Set(['terminated', 'shutting-down']);

const notApplicable = (reason: Reason, annotation: string): Decision => ({
  compliance: ComplianceType.NotApplicable,
  reason,
  annotation,
});

/** Whether the instance carries the app-tier tag with an allowed value. Keys and values are case-sensitive. */
export const isAppTier = (tags: ReadonlyMap<string, string>, tag: AppTierTag): boolean => {
  const value = tags.get(tag.key);
  if (value === undefined) return false;
  return tag.values === ANY_VALUE || tag.values.includes(value);
};

/**
 * The instance's tag keys that differ from `key` only in case (`Tier`, `TIER` for `tier`): tag keys are
 * case-sensitive, so such an instance is not app tier, but a person reading the result wants to know.
 */
export const keysInOtherCase = (tags: ReadonlyMap<string, string>, key: string): string[] => {
  const lower = key.toLowerCase();
  return [...tags.keys()].filter((candidate) => candidate !== key && candidate.toLowerCase() === lower);
};

/**
 * Steps 1 to 4 of the decision: the NOT_APPLICABLE cases. Returns the decision when the instance is out of
 * scope, undefined when the policy applies to it.
 */
export const outOfScope = (
  view: InstanceView,
  tag: AppTierTag,
  eventLeftScope: boolean,
): Decision | undefined => {
  if (view.resourceType !== EC2_INSTANCE) {
    return notApplicable(
      Reason.WrongResourceType,
      `Resource type ${view.resourceType || '(none)'} is not evaluated; this rule checks ${EC2_INSTANCE} only`,
    );
  }
  if (eventLeftScope) return notApplicable(Reason.LeftScope, "The instance left the rule's scope");
  if (view.status !== undefined && DELETED_STATUSES.has(view.status)) {
    return notApplicable(Reason.Deleted, `The instance was deleted (${view.status})`);
  }
  if (view.status === NOT_RECORDED_STATUS) {
    return notApplicable(
      Reason.NotRecorded,
      'AWS Config does not record this instance (ResourceNotRecorded)',
    );
  }
  if (!view.hasConfiguration) {
    return notApplicable(
      Reason.NoConfiguration,
      'The configuration item carries no instance configuration to evaluate',
    );
  }
  if (view.state !== undefined && GONE_STATES.has(view.state)) {
    return notApplicable(Reason.Terminated, `The instance is ${view.state}`);
  }
  if (!isAppTier(view.tags, tag)) {
    const value = view.tags.get(tag.key);
    const appTier = tagDescription(tag);
    if (value !== undefined) {
      return notApplicable(
        Reason.NotAppTier,
        composeAnnotation('Not an app-tier instance: tag ', name(`${tag.key}=${value}`), appTier),
      );
    }
    // Worth a hint only when the other spelling would have made it app tier: Tier=app for tier=app.
    const other = keysInOtherCase(view.tags, tag.key).find((key) =>
      isAppTier(new Map([[tag.key, view.tags.get(key) ?? '']]), tag),
    );
    if (other !== undefined) {
      return notApplicable(
        Reason.TagKeyCase,
        composeAnnotation(
          'Not an app-tier instance: no tag ',
          name(tag.key),
          ', but a tag ',
          name(`${other}=${view.tags.get(other)}`),
          '; tag keys are case-sensitive',
          appTier,
        ),
      );
    }
    return notApplicable(
      Reason.NotAppTier,
      composeAnnotation('Not an app-tier instance: no tag ', name(tag.key), appTier),
    );
  }
  return undefined;
};
