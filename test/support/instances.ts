import type { InstanceView } from '../../src/rule/instance-view.js';

export const APP_PROFILE = 'arn:aws:iam::123456789012:instance-profile/app';

/** A running app-tier instance (tier=app) with an instance profile, as the decision sees it. */
export const appInstance = (overrides: Partial<InstanceView> = {}): InstanceView => ({
  resourceType: 'AWS::EC2::Instance',
  resourceId: 'i-0123456789abcdef0',
  status: 'OK',
  hasConfiguration: true,
  state: 'running',
  tags: new Map([['tier', 'app']]),
  instanceProfileArn: APP_PROFILE,
  ...overrides,
});
