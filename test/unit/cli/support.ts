import type { Instance } from '@aws-sdk/client-ec2';
import type { CliIo } from '../../../src/cli/main.js';

export const ACCOUNT = '123456789012';
export const profileArn = (name: string) => `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`;

/** What a command run wrote. */
export const captureIo = (extra: Partial<CliIo> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text), ...extra };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
};

/** A running app-tier instance as DescribeInstances returns it. */
export const appInstance = (id: string, profile?: string, tags: Record<string, string> = {}): Instance => ({
  InstanceId: id,
  State: { Name: 'running', Code: 16 },
  Tags: Object.entries({ tier: 'app', ...tags }).map(([Key, Value]) => ({ Key, Value })),
  ...(profile === undefined ? {} : { IamInstanceProfile: { Arn: profileArn(profile), Id: 'AIPA' } }),
});

/** A DescribeInstances page holding the instances. */
export const page = (...instances: Instance[]) => ({ Reservations: [{ Instances: instances }] });

/** An AWS service error as the SDK raises it. */
export const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $metadata: {} });
