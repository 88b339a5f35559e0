import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { appInstance, captureIo, page } from './support.js';

const ec2 = mockClient(EC2Client);

const fromTemplate = (group: string, template: string, version: string) => ({
  'aws:autoscaling:groupName': group,
  'aws:ec2launchtemplate:id': template,
  'aws:ec2launchtemplate:version': version,
});

const AUDIT = ['audit', '--tag-key', 'tier', '--tag-value', 'app', '--region', 'eu-west-1', '-q'];

beforeEach(() => {
  ec2.reset();
  ec2
    .on(DescribeInstancesCommand)
    .resolves(
      page(
        appInstance('i-a1', undefined, fromTemplate('web', 'lt-web', '3')),
        appInstance('i-a2', undefined, fromTemplate('web', 'lt-web', '2')),
        appInstance('i-a3', 'app', fromTemplate('web', 'lt-web', '3')),
        appInstance('i-b1', undefined, fromTemplate('api', 'lt-api', '1')),
        appInstance('i-b2', undefined, fromTemplate('api-canary', 'lt-api', '1')),
        appInstance('i-b3', undefined, fromTemplate('api', 'lt-api', '1')),
        appInstance('i-s1'),
        appInstance('i-s2', 'app'),
        appInstance('i-c1', 'app', { 'aws:cloudformation:stack-name': 'clean' }),
      ),
    );
});

describe('audit --group-by owner', () => {
  it('prints one row per source, most NON_COMPLIANT first, with an example and the fix', async () => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main([...AUDIT, '--group-by', 'owner', '-o', 'json'], run.io);

    // Assess: one launch template for two groups; its versions are one source; the clean stack is left out
    expect(code).toBe(1);
    const { groups } = JSON.parse(run.stdout()) as { groups: Record<string, unknown>[] };
    expect(groups).toEqual([
      {
        owner: 'Auto Scaling group api, launch template lt-api v1',
        account: null,
        nonCompliant: 3,
        instances: 3,
        exampleRegion: 'eu-west-1',
        exampleInstanceId: 'i-b1',
        fix: 'set an instance profile in the launch template, or replacements repeat this',
      },
      {
        owner: 'Auto Scaling group web, launch template lt-web v3',
        account: null,
        nonCompliant: 2,
        instances: 3,
        exampleRegion: 'eu-west-1',
        exampleInstanceId: 'i-a1',
        fix: 'set an instance profile in the launch template, or replacements repeat this',
      },
      {
        owner: 'no owner (the instances themselves)',
        account: null,
        nonCompliant: 1,
        instances: 2,
        exampleRegion: 'eu-west-1',
        exampleInstanceId: 'i-s1',
        fix: 'attach a profile to each with ec2 associate-iam-instance-profile (or remediate --apply)',
      },
    ]);
  });

  it('prints the same as a table and in CSV', async () => {
    // Prepare
    const table = captureIo();
    const csv = captureIo();

    // Act
    await main([...AUDIT, '--group-by', 'owner'], table.io);
    await main([...AUDIT, '--group-by', 'owner', '-o', 'csv'], csv.io);

    // Assess
    expect(table.stdout()).toMatch(/^OWNER +ACCOUNT +NON_COMPLIANT +INSTANCES +EXAMPLE +FIX$/m);
    expect(table.stdout()).toMatch(
      /^Auto Scaling group api, launch template lt-api v1 +- +3 +3 +eu-west-1 i-b1 +set an instance profile/m,
    );
    expect(table.stdout()).toContain('6 NON_COMPLIANT instance(s) from 3 source(s).');
    expect(csv.stdout().split('\r\n')[0]).toBe(
      'owner,account,non_compliant,instances,example_region,example_instance_id,fix',
    );
    expect(csv.stdout().split('\r\n')).toHaveLength(5);
  });

  it('says there is nothing to fix when nothing is NON_COMPLIANT', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1', 'app')));
    const run = captureIo();

    // Act
    const code = await main([...AUDIT, '--group-by', 'owner'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(run.stdout()).toContain('No app-tier instance is NON_COMPLIANT: nothing to fix.');
  });

  it('refuses another grouping, and remediate refuses it', async () => {
    // Prepare
    const audit = captureIo();
    const remediate = captureIo();

    // Act
    const codes = [
      await main([...AUDIT, '--group-by', 'account'], audit.io),
      await main(
        ['remediate', ...AUDIT.slice(1), '--instance-profile', 'app', '--group-by', 'owner'],
        remediate.io,
      ),
    ];

    // Assess
    expect(codes).toEqual([2, 2]);
    expect(audit.stderr()).toContain('--group-by must be owner, got "account"');
    expect(remediate.stderr()).toContain('--group-by: only for audit');
  });
});
