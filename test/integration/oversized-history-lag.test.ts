import { afterEach, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../support/aws/index.js';
import { invokeBundle } from '../support/bundle.js';
import { historyItem, loadEvent } from '../support/events.js';

// The built bundle, on an oversized change notification, against a Config whose history lags: its newest item
// was captured before the change the notification names. The function reads again after a short wait; if
// the history is still older, the invocation fails (Lambda then retries it) and nothing is written.

const OVERSIZED = loadEvent('oversized');
const NOTIFIED_AT = '2017-04-05T22:23:11.677Z';
const BEFORE = '2017-04-05T22:00:00.000Z';
const PROFILE = 'arn:aws:iam::123456789012:instance-profile/app';

/** The oversized sample's item, captured at `at`, with or without a profile. */
const itemAt = (at: string, profile?: string) => {
  const item = historyItem();
  const configuration = JSON.parse(item.configuration as string);
  if (profile !== undefined) configuration.iamInstanceProfile = { arn: profile, id: 'AIPAEXAMPLE' };
  return { ...item, configurationItemCaptureTime: at, configuration: JSON.stringify(configuration) };
};

describe('the built function on an oversized notification whose history lags', () => {
  let aws: LocalAws | undefined;
  afterEach(async () => {
    await aws?.stop();
    aws = undefined;
  });

  it('reads again after a short wait and evaluates the item notified', async () => {
    // Prepare: the second read finds the new item.
    aws = await startLocalAws({ configHistory: [itemAt(BEFORE)] });
    const local = aws;
    let reads = 0;
    local.options.faults = (request) => {
      if (request.operation !== 'GetResourceConfigHistory') return undefined;
      reads += 1;
      if (reads === 2) local.options.configHistory = [itemAt(BEFORE), itemAt(NOTIFIED_AT, PROFILE)];
      return undefined;
    };

    // Act
    const invocation = await invokeBundle(OVERSIZED, { env: local.env, timeoutMs: 60_000 });

    // Assess
    expect(invocation.error).toBeUndefined();
    expect(local.requests.count('GetResourceConfigHistory')).toBe(2);
    expect(local.evaluations).toHaveLength(1);
    expect(local.evaluations[0]).toMatchObject({
      ComplianceResourceId: 'i-03402838daac1d611',
      ComplianceType: 'COMPLIANT',
      OrderingTimestamp: new Date(NOTIFIED_AT),
    });
  });

  it('fails the invocation, naming the resource, when the history is still older, and writes nothing', async () => {
    // Prepare: 12 s left leaves time for one wait of 1 s, not for the next of 2 s.
    aws = await startLocalAws({ configHistory: [itemAt(BEFORE)] });

    // Act
    const invocation = await invokeBundle(OVERSIZED, { env: aws.env, timeoutMs: 12_000 });

    // Assess
    expect(invocation.error?.name).toBe('HistoryLagError');
    expect(invocation.error?.message).toContain('AWS::EC2::Instance i-03402838daac1d611');
    expect(invocation.error?.message).toContain(`captured at ${BEFORE}`);
    expect(aws.requests.count('GetResourceConfigHistory')).toBe(2);
    expect(aws.requests.count('PutEvaluations')).toBe(0);
    expect(aws.evaluations).toEqual([]);
  });
});
