import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { InstanceView } from '../../../src/rule/instance-view.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { type DecidedInstance, decidePages } from '../../../src/run/decide-pages.js';

const PARAMETERS: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: true };
const PROFILE = { Arn: 'arn:aws:iam::123456789012:instance-profile/app', Id: 'AIPA' };

const instance = (id: string, overrides: Partial<Instance> = {}): Instance => ({
  InstanceId: id,
  State: { Name: 'running' },
  Tags: [{ Key: 'tier', Value: 'app' }],
  IamInstanceProfile: PROFILE,
  ...overrides,
});

async function* listed(pages: Instance[][]): AsyncIterable<readonly Instance[]> {
  yield* pages;
}

const collect = async (pages: AsyncIterable<readonly DecidedInstance[]>) => {
  const seen: [string, string][][] = [];
  for await (const page of pages) {
    seen.push(page.map(({ view, decision }) => [view.resourceId, decision.compliance]));
  }
  return seen;
};

describe('decidePages', () => {
  it('decides every listed instance, page by page, in listing order', async () => {
    // Prepare
    const pages = [
      [instance('i-1'), instance('i-2', { IamInstanceProfile: undefined })],
      [],
      [instance('i-3')],
    ];

    // Act
    const seen = await collect(decidePages(listed(pages), { ...PARAMETERS, requireRoleInProfile: false }));

    // Assess
    expect(seen).toEqual([
      [
        ['i-1', 'COMPLIANT'],
        ['i-2', 'NON_COMPLIANT'],
      ],
      [],
      [['i-3', 'COMPLIANT']],
    ]);
  });

  // The bound on lookups in flight (ENRICH_CONCURRENCY) is held by the sweep's test in
  // require-role-in-profile.test.ts, which runs this loop.
  it('decides on the enriched view, in listing order whatever order the lookups end in', async () => {
    // Prepare
    const ids = Array.from({ length: 6 }, (_, index) => `i-${index}`);
    const enrich = async (view: InstanceView) => {
      const index = Number(view.resourceId.slice(2));
      await new Promise((resolve) => setTimeout(resolve, ids.length - index));
      return { ...view, profileHoldsRole: index % 2 === 0 };
    };

    // Act
    const seen = await collect(decidePages(listed([ids.map((id) => instance(id))]), PARAMETERS, enrich));

    // Assess
    expect(seen).toEqual([ids.map((id, index) => [id, index % 2 === 0 ? 'COMPLIANT' : 'NON_COMPLIANT'])]);
  });

  it('decides a listed instance as live: an untagged one is not app tier, never a change that left the scope', async () => {
    // Prepare
    const pages = listed([[instance('i-1', { Tags: [] })]]);

    // Act
    const decided: DecidedInstance[] = [];
    for await (const page of decidePages(pages, PARAMETERS)) decided.push(...page);

    // Assess
    expect(decided.map(({ decision }) => decision)).toMatchObject([
      { compliance: 'NOT_APPLICABLE', reason: 'not-app-tier' },
    ]);
  });

  it('stops listing when the caller stops reading', async () => {
    // Prepare
    let listedPages = 0;
    async function* endless(): AsyncIterable<readonly Instance[]> {
      for (;;) {
        listedPages += 1;
        yield [instance(`i-${listedPages}`)];
      }
    }

    // Act
    for await (const _page of decidePages(endless(), PARAMETERS)) break;

    // Assess
    expect(listedPages).toBe(1);
  });
});
