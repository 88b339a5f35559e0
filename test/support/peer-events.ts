import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

/** The real events whose instance profile association carries no ARN (test/fixtures/peer-events/). */
export const PROFILE_WITHOUT_ARN_EVENTS = {
  'arn null, id null': 'real-event__10-profile-arn-null.json',
  'id only': 'real-event__11-profile-id-only.json',
  'arn empty, id set': 'real-event__12-profile-arn-empty.json',
} as const;
export type ProfileWithoutArnCase = keyof typeof PROFILE_WITHOUT_ARN_EVENTS;

const fixturesDir = new URL('../fixtures/peer-events/', import.meta.url);

/** The real event whose rule parameters use the managed rule's name, IamInstanceProfileArnList. */
export const loadManagedRuleParameterEvent = (): Record<string, unknown> =>
  JSON.parse(
    readFileSync(new URL('sns-instance-managed-rule-param-name.json', fixturesDir), 'utf8'),
  ) as Record<string, unknown>;

/** A fresh copy of one of those events. */
export const loadPeerEvent = (name: ProfileWithoutArnCase): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(PROFILE_WITHOUT_ARN_EVENTS[name], fixturesDir), 'utf8')) as Record<
    string,
    unknown
  >;

/** The configuration item of one of those events. */
export const peerItem = (name: ProfileWithoutArnCase): Record<string, unknown> =>
  (JSON.parse(loadPeerEvent(name).invokingEvent as string) as Record<string, unknown>)
    .configurationItem as Record<string, unknown>;

/** A Lambda context in the account the events were recorded in (the function refuses other accounts). */
export const peerContext = (): Context => ({
  ...lambdaContext(),
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:644160558196:function:app-tier-iam-role-rule',
});
