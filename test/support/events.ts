import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The sample events in events/ serve the tests and `sam local invoke` alike. */
export const SAMPLE_EVENTS = [
  'auto-scaling-no-profile',
  'cloudformation-profile-not-allowed',
  'compliant',
  'deleted',
  'left-scope',
  'no-profile',
  'not-app-tier',
  'oversized',
  'profile-not-allowed',
  'scheduled',
  'snapshot-delivery-completed',
] as const;
export type SampleEvent = (typeof SAMPLE_EVENTS)[number];

const eventsDir = fileURLToPath(new URL('../../events/', import.meta.url));

/** A fresh copy of a sample Lambda event, so a test can change it freely. */
export const loadEvent = (name: SampleEvent): Record<string, unknown> =>
  JSON.parse(readFileSync(`${eventsDir}${name}.json`, 'utf8')) as Record<string, unknown>;

/** The parsed invoking event of a sample. */
export const invokingOf = (name: SampleEvent): Record<string, unknown> =>
  JSON.parse(loadEvent(name).invokingEvent as string) as Record<string, unknown>;

/** A sample event with a changed invoking event and/or envelope fields. */
export const withChanges = (
  name: SampleEvent,
  change: { invoking?: (invoking: Record<string, unknown>) => void; envelope?: Record<string, unknown> },
): Record<string, unknown> => {
  const event = loadEvent(name);
  if (change.invoking !== undefined) {
    const invoking = invokingOf(name);
    change.invoking(invoking);
    event.invokingEvent = JSON.stringify(invoking);
  }
  return { ...event, ...change.envelope };
};

/** The item GetResourceConfigHistory returns for the oversized sample (API shape). */
export const historyItem = (): Record<string, unknown> => {
  const file = JSON.parse(readFileSync(`${eventsDir}local-aws/resource-config-history.json`, 'utf8')) as {
    configurationItems: Record<string, unknown>[];
  };
  return file.configurationItems[0] as Record<string, unknown>;
};
