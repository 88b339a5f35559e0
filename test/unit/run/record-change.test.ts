import { describe, expect, it } from 'vitest';
import type { ChangeNotification, OversizedNotification } from '../../../src/config/event.js';
import type { PreviousResult, ResourceResultReader } from '../../../src/config/previous-results.js';
import { type Decision, Reason } from '../../../src/rule/compliance.js';
import {
  type ChangeResult,
  shouldRecordChange,
  tagsMayHaveChanged,
} from '../../../src/run/evaluate-change.js';

const NOT_APP_TIER: Decision = {
  compliance: 'NOT_APPLICABLE',
  reason: Reason.NotAppTier,
  annotation: 'Not an app-tier instance: no tag tier (app tier is tier=app)',
};
const change = (changedPaths: string[] | undefined): ChangeNotification => ({
  messageType: 'ConfigurationItemChangeNotification',
  configurationItem: {},
  ...(changedPaths === undefined
    ? {}
    : {
        configurationItemDiff: {
          changedProperties: Object.fromEntries(changedPaths.map((path) => [path, { changeType: 'UPDATE' }])),
          changeType: 'UPDATE',
        },
      }),
});
const result = (decision: Decision): ChangeResult => ({
  view: { resourceType: 'AWS::EC2::Instance', resourceId: 'i-1', hasConfiguration: true, tags: new Map() },
  decision,
  evaluation: {
    ComplianceResourceType: 'AWS::EC2::Instance',
    ComplianceResourceId: 'i-1',
    ComplianceType: decision.compliance,
    Annotation: decision.annotation,
    OrderingTimestamp: new Date('2026-11-28T00:00:00Z'),
  },
});
/** A reader that answers with what Config holds, counting its calls. */
const holding = (held: PreviousResult | undefined | Error) => {
  const reader = {
    calls: 0,
    async latest() {
      reader.calls += 1;
      if (held instanceof Error) throw held;
      return held;
    },
  } satisfies ResourceResultReader & { calls: number };
  return reader;
};
const heldAs = (complianceType: string, annotation?: string): PreviousResult => ({
  resourceType: 'AWS::EC2::Instance',
  resourceId: 'i-1',
  complianceType,
  ...(annotation === undefined ? {} : { annotation }),
});

const decideRecording = (
  decision: Decision,
  reader: ResourceResultReader,
  invoking: ChangeNotification | OversizedNotification = change(['Configuration.State.Name']),
  recordUnchanged = false,
) =>
  shouldRecordChange({
    ruleName: 'rule',
    invoking,
    result: result(decision),
    recordUnchanged,
    previous: () => reader,
  });

describe('shouldRecordChange', () => {
  it('skips only the NOT_APPLICABLE Config already holds, with the same annotation', async () => {
    // Prepare
    const reader = holding(heldAs('NOT_APPLICABLE', NOT_APP_TIER.annotation));

    // Act & Assess
    expect(await decideRecording(NOT_APP_TIER, reader)).toBe(false);
    expect(reader.calls).toBe(1);
  });

  it.each([
    ['an app-tier result', heldAs('COMPLIANT', 'uses a role')],
    [
      'another annotation',
      heldAs('NOT_APPLICABLE', 'Not an app-tier instance: no tag tier (app tier is tier=web)'),
    ],
    ['nothing', undefined],
  ])('records when Config holds %s', async (_what, held) => {
    // Act & Assess
    expect(await decideRecording(NOT_APP_TIER, holding(held))).toBe(true);
  });

  it('records when what Config holds cannot be read, and says so', async () => {
    // Prepare
    const errors: unknown[] = [];
    const failure = new Error('Rate exceeded');

    // Act
    const recorded = await shouldRecordChange({
      ruleName: 'rule',
      invoking: change(['Configuration.State.Name']),
      result: result(NOT_APP_TIER),
      recordUnchanged: false,
      previous: () => holding(failure),
      onReadError: (error) => errors.push(error),
    });

    // Assess
    expect(recorded).toBe(true);
    expect(errors).toEqual([failure]);
  });

  it.each<[string, Decision]>([
    ['a lost profile', { compliance: 'NON_COMPLIANT', reason: Reason.NoProfile, annotation: 'no profile' }],
    ['a compliant instance', { compliance: 'COMPLIANT', reason: Reason.UsesRole, annotation: 'uses a role' }],
    ['a deletion', { compliance: 'NOT_APPLICABLE', reason: Reason.Deleted, annotation: 'deleted' }],
    ['a termination', { compliance: 'NOT_APPLICABLE', reason: Reason.Terminated, annotation: 'terminated' }],
    ['leaving the scope', { compliance: 'NOT_APPLICABLE', reason: Reason.LeftScope, annotation: 'left' }],
  ])('records %s at once, without reading', async (_what, decision) => {
    // Prepare
    const reader = holding(heldAs(decision.compliance, decision.annotation));

    // Act & Assess
    expect(await decideRecording(decision, reader)).toBe(true);
    expect(reader.calls).toBe(0);
  });

  it('records at once an instance whose tags changed: it may be leaving the app tier', async () => {
    // Prepare
    const reader = holding(heldAs('NOT_APPLICABLE', NOT_APP_TIER.annotation));

    // Act & Assess
    expect(await decideRecording(NOT_APP_TIER, reader, change(['Configuration.Tags.0']))).toBe(true);
    expect(reader.calls).toBe(0);
  });

  it('records everything, unread, when told to', async () => {
    // Prepare
    const reader = holding(heldAs('NOT_APPLICABLE', NOT_APP_TIER.annotation));

    // Act & Assess
    expect(await decideRecording(NOT_APP_TIER, reader, undefined, true)).toBe(true);
    expect(reader.calls).toBe(0);
  });
});

describe('tagsMayHaveChanged', () => {
  it.each([
    [['Configuration.Tags.1'], true],
    [['SupplementaryConfiguration.Tags'], true],
    [['tags'], true],
    [['Configuration'], true],
    [['Configuration.State.Name', 'Configuration.NetworkInterfaces.0'], false],
    [['Relationships.0', 'Configuration.IamInstanceProfile.Arn'], false],
    [[], false],
  ])('%j: %s', (paths, expected) => {
    // Act & Assess
    expect(tagsMayHaveChanged(change(paths))).toBe(expected);
  });

  it('assumes they did when there is no diff to tell', () => {
    // Prepare
    const oversized: OversizedNotification = {
      messageType: 'OversizedConfigurationItemChangeNotification',
      configurationItemSummary: { resourceType: 'AWS::EC2::Instance', resourceId: 'i-1' },
    };

    // Act & Assess
    expect(tagsMayHaveChanged(change(undefined))).toBe(true);
    expect(tagsMayHaveChanged({ ...change(undefined), configurationItemDiff: null })).toBe(true);
    expect(tagsMayHaveChanged(oversized)).toBe(true);
  });
});
