import { describe, expect, it } from 'vitest';
import { viewFromConfigurationItem } from '../../../src/rule/instance-view.js';
import { historyItem, invokingOf } from '../../support/events.js';
import {
  PROFILE_WITHOUT_ARN_EVENTS,
  type ProfileWithoutArnCase,
  peerItem,
} from '../../support/peer-events.js';

const itemOf = (name: 'compliant' | 'no-profile' | 'deleted') =>
  invokingOf(name).configurationItem as Record<string, unknown>;

describe('viewFromConfigurationItem', () => {
  it('reads a recorded item with a profile', () => {
    // Act
    const view = viewFromConfigurationItem(itemOf('compliant'));

    // Assess
    expect(view).toMatchObject({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-042dd005362091826',
      status: 'OK',
      hasConfiguration: true,
      state: 'stopped',
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/AmazonSSMRoleForInstancesQuickSetup',
      capturedAt: new Date('2023-04-27T15:03:11.636Z'),
    });
    expect(view.tags.get('tier')).toBe('app');
  });

  it('reads iamInstanceProfile: null as no profile', () => {
    expect(viewFromConfigurationItem(itemOf('no-profile')).instanceProfileArn).toBeUndefined();
  });

  it('records no association for iamInstanceProfile null, absent, or with an ARN', () => {
    // Act
    const views = [itemOf('no-profile'), itemOf('compliant'), historyItem()].map(viewFromConfigurationItem);

    // Assess
    expect(views.map((view) => view.profileWithoutArn)).toEqual([undefined, undefined, undefined]);
  });

  it.each([
    ['arn null, id null', {}],
    ['id only', { id: 'AIPAJ5EXAMPLE' }],
    ['arn empty, id set', { id: 'AIPAJ5EXAMPLE' }],
  ] as [ProfileWithoutArnCase, object][])(
    'reads a real item whose profile association has no ARN (%s) as such, not as no profile',
    (name, expected) => {
      // Act
      const view = viewFromConfigurationItem(peerItem(name));

      // Assess
      expect(PROFILE_WITHOUT_ARN_EVENTS[name]).toMatch(/\.json$/);
      expect(view.instanceProfileArn).toBeUndefined();
      expect(view.profileWithoutArn).toEqual(expected);
    },
  );

  it('reads a deleted item (configuration null) as having no configuration', () => {
    // Act
    const view = viewFromConfigurationItem(itemOf('deleted'));

    // Assess
    expect(view).toMatchObject({ status: 'ResourceDeleted', hasConfiguration: false, tags: new Map() });
  });

  it('reads the history shape, whose configuration is a JSON string and capture time a Date', () => {
    // Prepare
    const item = { ...historyItem(), configurationItemCaptureTime: new Date('2017-04-05T22:23:11.677Z') };

    // Act
    const view = viewFromConfigurationItem(item);

    // Assess
    expect(view).toMatchObject({
      resourceId: 'i-03402838daac1d611',
      status: 'ResourceDiscovered',
      hasConfiguration: true,
      state: 'running',
      capturedAt: new Date('2017-04-05T22:23:11.677Z'),
    });
    expect(view.instanceProfileArn).toBeUndefined();
    expect(view.tags.get('tier')).toBe('app');
  });

  it('reads epoch seconds as a capture time', () => {
    expect(viewFromConfigurationItem({ configurationItemCaptureTime: 1491430991.677 }).capturedAt).toEqual(
      new Date('2017-04-05T22:23:11.677Z'),
    );
  });

  it('treats an unreadable configuration string as no configuration', () => {
    expect(viewFromConfigurationItem({ configuration: '{not json' }).hasConfiguration).toBe(false);
  });

  it('reads the tags map alone when the item has one, and keeps keys like __proto__ as plain keys', () => {
    // Act
    const view = viewFromConfigurationItem({
      tags: { tier: 'app', ['__proto__']: 'x' },
      configuration: {
        tags: [{ key: 'tier', value: 'web' }, { key: 'constructor', value: 'y' }, { key: 7 }],
      },
    });

    // Assess
    expect([...view.tags]).toEqual([
      ['tier', 'app'],
      ['__proto__', 'x'],
    ]);
  });

  it('takes no key from the configuration tag list when the map has none: an empty map is still the map', () => {
    // Act
    const untagged = viewFromConfigurationItem({
      tags: { Name: 'web-1' },
      configuration: {
        tags: [
          { key: 'Name', value: 'web-1' },
          { key: 'tier', value: 'app' },
        ],
      },
    });
    const emptyMap = viewFromConfigurationItem({
      tags: {},
      configuration: { tags: [{ key: 'tier', value: 'app' }] },
    });

    // Assess
    expect(untagged.tags.has('tier')).toBe(false);
    expect([...emptyMap.tags]).toEqual([]);
  });

  it('falls back to the configuration tag list only when the item carries no tags map', () => {
    // Act
    const view = viewFromConfigurationItem({
      configuration: {
        tags: [
          { key: 'tier', value: 'app' },
          { key: 'constructor', value: 'y' },
        ],
      },
    });
    const notAMap = viewFromConfigurationItem({
      tags: null,
      configuration: { tags: [{ key: 'tier', value: 'app' }] },
    });

    // Assess
    expect([...view.tags]).toEqual([
      ['tier', 'app'],
      ['constructor', 'y'],
    ]);
    expect(notAMap.tags.get('tier')).toBe('app');
  });

  it('reads a real recording whose map and list disagree as the map says (Name=redrum-redrum)', () => {
    // Prepare: Cloud Custodian's recorded event: map Name=redrum-redrum, list Name=redum-storage
    const item = peerItem('id only');

    // Act
    const view = viewFromConfigurationItem(item);

    // Assess
    expect(view.tags.get('Name')).toBe('redrum-redrum');
    expect(view.tags.get('tier')).toBe('app');
  });

  it('never throws on a shape it does not know', () => {
    for (const item of [
      null,
      undefined,
      42,
      'text',
      [],
      { configuration: [] },
      { configuration: { state: 'on' } },
    ]) {
      expect(viewFromConfigurationItem(item)).toMatchObject({ resourceType: '', resourceId: '' });
    }
  });
});
