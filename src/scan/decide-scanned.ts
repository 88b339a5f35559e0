import { decide } from '../rule/decide.js';
import { ANY_VALUE, type RuleParameters } from '../rule/parameters.js';
import { ALL_TAGS, type ScanFinding, type ScannedResource } from './scanned.js';

/**
 * The rule's decision for what a file would launch. A tag value the file cannot resolve is taken as one that
 * marks the app tier, as a careful reviewer would before deploy, and the notes name it; everything else is
 * the view the readers built, decided by the one `decide`.
 */
export const decideScanned = (resource: ScannedResource, parameters: RuleParameters): ScanFinding => {
  const { key, values } = parameters.tag;
  const { view, unresolvedTags } = resource;
  const unresolved = view.tags.has(key)
    ? undefined
    : (unresolvedTags.get(key) ?? unresolvedTags.get(ALL_TAGS));
  const notes = [...resource.notes];
  let decided = view;
  if (unresolved !== undefined) {
    const tags = new Map(view.tags).set(key, values === ANY_VALUE ? ANY_VALUE : (values[0] as string));
    decided = { ...view, tags };
    notes.unshift(`tag ${key} is ${unresolved}, unresolved before deploy: decided as app tier`);
  }
  return {
    location: resource.location,
    decision: decide(decided, parameters, { eventLeftScope: false }),
    notes,
  };
};
