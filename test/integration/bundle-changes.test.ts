import { afterEach, describe, expect, it } from 'vitest';
import { type LocalAws, type LocalInstance, startLocalAws } from '../support/aws/index.js';
import { invokeBundle } from '../support/bundle.js';
import { loadEvent, withChanges } from '../support/events.js';
import { RULE_NAME } from '../support/fleet.js';

// The built bundle, in a fresh process per invocation, against the local endpoint, whose Config side files what
// PutEvaluations receives as the rule's results and answers GetComplianceDetailsByConfigRule with them: the
// second sweep sees exactly what the first one recorded.

const SCHEDULED = loadEvent('scheduled');
const PROFILE = { Arn: 'arn:aws:iam::123456789012:instance-profile/app', Id: 'AIPAEXAMPLEAPPPROFILE' };

const instance = (n: number, withProfile: boolean): LocalInstance => ({
  InstanceId: `i-${n.toString(16).padStart(17, '0')}`,
  State: { Code: 16, Name: 'running' },
  Tags: [{ Key: 'tier', Value: 'app' }],
  ...(withProfile ? { IamInstanceProfile: PROFILE } : {}),
});
/** 250 app-tier instances (three pages of PutEvaluations), one in five without a profile. */
const fleet = (): LocalInstance[] => Array.from({ length: 250 }, (_, n) => instance(n, n % 5 !== 0));

/** The PutEvaluations calls and evaluations of one invocation. */
const sweepOnce = async (aws: LocalAws, event: Record<string, unknown> = SCHEDULED) => {
  aws.requests.clear();
  const before = aws.evaluations.length;
  const invocation = await invokeBundle(event, { env: aws.env });
  return {
    invocation,
    recorded: aws.evaluations.slice(before),
    puts: aws.requests.params('PutEvaluations'),
    reads: aws.requests.count('GetComplianceDetailsByConfigRule'),
  };
};

describe('the built function records only what changed', () => {
  let aws: LocalAws | undefined;
  afterEach(async () => {
    await aws?.stop();
    aws = undefined;
  });

  it('a second sweep over unchanged results records zero evaluations', async () => {
    // Prepare
    aws = await startLocalAws({ instances: fleet(), recordedAs: RULE_NAME });
    const first = await sweepOnce(aws);

    // Act
    const second = await sweepOnce(aws);

    // Assess
    expect(first.invocation.error).toBeUndefined();
    expect(first.recorded).toHaveLength(250);
    expect(second.invocation.error).toBeUndefined();
    expect(second.recorded).toEqual([]);
    expect(second.invocation.result).toMatchObject({
      evaluations: 250,
      unchanged: 250,
      report: { delivered: 0 },
    });
    // One call answers Config, with no evaluation in it; the previous results took ⌈250/100⌉ reads.
    expect(second.puts).toEqual([
      expect.objectContaining({ Evaluations: [], ResultToken: SCHEDULED.resultToken }),
    ]);
    expect(second.reads).toBe(3);
  });

  it('still records new, changed and stale results, and those only', async () => {
    // Prepare: after a first sweep, two instances are gone, one is new, one lost its profile, one gained one
    aws = await startLocalAws({ instances: fleet(), recordedAs: RULE_NAME });
    await sweepOnce(aws);
    const changed = fleet().filter((_, n) => n !== 7 && n !== 8);
    changed.push(instance(1_000, true));
    changed[1] = instance(1, false);
    changed[5] = instance(5, true);
    aws.options.instances = changed;

    // Act
    const second = await sweepOnce(aws);

    // Assess
    expect(second.invocation.error).toBeUndefined();
    expect(second.recorded.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['i-00000000000000001', 'NON_COMPLIANT'],
      ['i-00000000000000005', 'COMPLIANT'],
      ['i-000000000000003e8', 'COMPLIANT'],
      ['i-00000000000000007', 'NOT_APPLICABLE'],
      ['i-00000000000000008', 'NOT_APPLICABLE'],
    ]);
    expect(second.invocation.result).toMatchObject({ unchanged: 246, sweep: { stale: 2 } });
  });

  it('records everything again with RECORD_UNCHANGED=true', async () => {
    // Prepare
    aws = await startLocalAws({ instances: fleet(), recordedAs: RULE_NAME });
    await sweepOnce(aws);
    aws.requests.clear();

    // Act
    const invocation = await invokeBundle(SCHEDULED, { env: { ...aws.env, RECORD_UNCHANGED: 'true' } });

    // Assess
    expect(invocation.error).toBeUndefined();
    expect(aws.evaluations).toHaveLength(500);
    expect(aws.requests.count('PutEvaluations')).toBe(3);
  });

  describe('when the clean-up step cannot run', () => {
    it('keeps every live evaluation of a rule whose name is longer than the read takes, and says why', async () => {
      // Prepare: an organization rule's name in a member account has 87 characters; the endpoint, like the
      // published API model, takes at most 64 in GetComplianceDetailsByConfigRule
      const ruleName = `OrgConfigRule-${'app-tier-ec2-instance-uses-iam-role-in-every-member-account-of-o'}-k8d9ve2q`;
      aws = await startLocalAws({ instances: fleet(), recordedAs: ruleName });
      const event = withChanges('scheduled', { envelope: { configRuleName: ruleName } });

      // Act
      const { invocation, recorded } = await sweepOnce(aws, event);

      // Assess
      expect(recorded).toHaveLength(250);
      expect(invocation.error?.name).toBe('CleanupError');
      expect(invocation.error?.message).toContain(
        `Clean-up of stale results of rule "${ruleName}" did not complete`,
      );
      expect(invocation.error?.message).toContain('GetComplianceDetailsByConfigRule');
      expect(invocation.error?.message).toContain('ValidationException');
      expect(invocation.error?.message).toContain(`the rule's name has ${ruleName.length} characters`);
      expect(invocation.error?.message).toContain(
        'The live evaluations were delivered: 250 instance(s) evaluated',
      );
      expect(invocation.error?.cause?.name).toBe('RuleError');
    });

    it('keeps every live evaluation when the read is throttled through every retry, and names the step', async () => {
      // Prepare
      aws = await startLocalAws({ instances: fleet(), recordedAs: RULE_NAME });
      aws.options.faults = (request) =>
        request.operation === 'GetComplianceDetailsByConfigRule' ? { kind: 'throttle' } : undefined;

      // Act
      const { invocation, recorded } = await sweepOnce(aws);

      // Assess
      expect(recorded).toHaveLength(250);
      expect(invocation.error?.name).toBe('CleanupError');
      expect(invocation.error?.message).toMatch(
        /^Clean-up of stale results of rule "rule-ec2-test" did not complete: reading the rule's previous results failed \(GetComplianceDetailsByConfigRule for rule "rule-ec2-test" failed after 0 page\(s\): ThrottlingException: /,
      );
    });
  });
});
