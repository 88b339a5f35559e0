import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliIo, main } from '../../src/cli/main.js';
import { mapBounded } from '../../src/run/map-bounded.js';
import { type LocalAws, startLocalAws } from '../support/aws/index.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { invokeBundle } from '../support/bundle.js';
import { type DenyingStsProxy, startDenyingStsProxy } from '../support/deny-assume-role.js';
import { withChanges } from '../support/events.js';
import { type MotoServer, motoAvailable, startMoto } from '../support/moto.js';
import {
  HOSTILE_NAME,
  MANAGEMENT_ACCOUNT,
  type MotoOrganization,
  seedMotoOrganization,
} from '../support/moto-organization.js';

const MOTO = motoAvailable();
const CHROMIUM = chromiumAvailable();
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'] as const;
const TAG = ['--tag-key', 'tier', '--tag-value', 'app'];
const MEMBERS = 5;
/** Where the docs show the report: written only when UPDATE_SCREENSHOTS=1, so a test run leaves the repo clean. */
const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/images/organization-report.png', import.meta.url));

/** Runs the command in-process, as the bin does. */
const run = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
};

type Row = { account: string; region: string; instanceId: string; name: string; compliance: string };
const key = (row: { account: string; region: string; instanceId: string }) =>
  `${row.account} ${row.region} ${row.instanceId}`;

describe.skipIf(!MOTO)(
  MOTO
    ? 'audit --organization against an organization in moto'
    : 'audit --organization — skipped: moto_server is not on PATH (pip install "moto[server]")',
  () => {
    let moto: MotoServer;
    let sts: DenyingStsProxy;
    let organization: MotoOrganization;
    let denied: string;
    let work: string;

    beforeAll(async () => {
      moto = await startMoto();
      const deniedAccounts: string[] = [];
      sts = await startDenyingStsProxy(moto.url, deniedAccounts);
      organization = await seedMotoOrganization(moto.url, MEMBERS, REGIONS);
      // The third member's role does not trust the caller: STS (the proxy in front of moto) refuses it.
      denied = organization.accounts[3]?.id as string;
      deniedAccounts.push(denied);
      for (const [name, value] of Object.entries(moto.env(['EC2', 'IAM', 'ORGANIZATIONS']))) {
        vi.stubEnv(name, value);
      }
      vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
      vi.stubEnv('AWS_REGION', REGIONS[0]);
      work = mkdtempSync(join(tmpdir(), 'organization-audit-'));
    }, 60_000);

    afterAll(async () => {
      vi.unstubAllEnvs();
      await sts?.stop();
      await moto?.stop();
      if (work !== undefined) rmSync(work, { recursive: true, force: true });
    });

    /** What the audit must list: the app-tier instances of every account but the denied one. */
    const expected = () =>
      organization.instances
        .filter((instance) => instance.compliance !== undefined && instance.account !== denied)
        .map((instance) => [key(instance), instance.compliance])
        .sort();

    it('lists every instance with its account in JSON, and names the account whose role is denied', async () => {
      // Act
      const { code, stdout, stderr } = await run([
        'audit',
        '--organization',
        ...TAG,
        '--region',
        REGIONS.join(','),
        '--output',
        'json',
      ]);

      // Assess
      expect(code).toBe(2);
      // Not a terminal: no progress on stderr, and none ever on stdout.
      expect(stderr).toBe('');
      const document = JSON.parse(stdout);
      const rows = document.results as Row[];
      expect(rows.map((row) => [key(row), row.compliance]).sort()).toEqual(expected());
      expect(new Set(rows.map((row) => row.account))).toEqual(
        new Set(organization.accounts.map((account) => account.id).filter((id) => id !== denied)),
      );
      const accounts = document.accounts as { account: string; name: string; error: string | null }[];
      expect(accounts.map((account) => account.account).sort()).toEqual(
        organization.accounts.map((account) => account.id).sort(),
      );
      const failed = accounts.filter((account) => account.error !== null);
      expect(failed.map((account) => account.account)).toEqual([denied]);
      expect(failed[0]?.error).toContain('AccessDenied');
      expect(failed[0]?.error).toContain(`arn:aws:iam::${denied}:role/app-tier-iam-role-rule-execution`);
      expect(sts.denied).toContain(`arn:aws:iam::${denied}:role/app-tier-iam-role-rule-execution`);
      // The management account is audited with the caller's own credentials: no role of its own assumed.
      expect(rows.some((row) => row.account === MANAGEMENT_ACCOUNT)).toBe(true);
    });

    it('exits 1 with --allow-partial, and audits every enabled region when none is named', async () => {
      // Prepare: one account that can be audited, and the denied one.
      const member = organization.accounts[1]?.id as string;

      // Act
      const { code, stdout } = await run([
        'audit',
        '--accounts',
        `${member},${denied}`,
        ...TAG,
        '--allow-partial',
        '--output',
        'json',
      ]);

      // Assess
      expect(code).toBe(1);
      const document = JSON.parse(stdout);
      const ofMember = expected().filter(([row]) => row?.startsWith(`${member} `));
      expect((document.results as Row[]).map((row) => [key(row), row.compliance]).sort()).toEqual(ofMember);
      // Every region enabled in the account (ec2:DescribeRegions there; moto enables more than 20).
      const regions = document.regions as { account: string; error: string | null }[];
      expect(regions.every((region) => region.account === member && region.error === null)).toBe(true);
      expect(regions.length).toBeGreaterThan(20);
      expect(
        document.accounts.find((account: { account: string }) => account.account === denied).error,
      ).toContain('AccessDenied');
    });

    it('audits only the accounts named with --accounts, in CSV with the account column', async () => {
      // Prepare
      const [first, second] = organization.accounts.slice(1).map((account) => account.id);

      // Act
      const { code, stdout } = await run([
        'audit',
        '--accounts',
        `${first},${second}`,
        ...TAG,
        '--region',
        REGIONS.join(','),
        '--output',
        'csv',
      ]);

      // Assess
      expect(code).toBe(1);
      const lines = stdout.trim().split('\r\n');
      expect(lines[0]?.startsWith('account,region,instance_id,')).toBe(true);
      expect(new Set(lines.slice(1).map((line) => line.split(',')[0]))).toEqual(new Set([first, second]));
    });

    describe.skipIf(!CHROMIUM)(
      CHROMIUM
        ? 'the HTML report in headless Chromium'
        : 'the HTML report — skipped: /usr/bin/chromium is missing',
      () => {
        it('renders every account, names the denied one, sorts, filters, and shows a hostile tag as text', async () => {
          // Prepare
          const report = join(work, 'report.html');
          const { code } = await run([
            'audit',
            '--organization',
            ...TAG,
            '--region',
            REGIONS.join(','),
            '--output',
            'html',
            '--out',
            report,
          ]);
          expect(code).toBe(2);
          const html = readFileSync(report, 'utf8');
          // The hostile value never appears as markup, only escaped.
          expect(html).not.toContain('<script>document.title');
          expect(html).not.toContain('<img src=x');
          const chromium = await launchChromium();
          try {
            const page = await chromium.context.newPage();
            const problems: string[] = [];
            const requests: string[] = [];
            page.on('console', (message) => {
              if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
            });
            page.on('pageerror', (error) => problems.push(error.message));
            page.on('request', (request) => requests.push(request.url()));
            const url = pathToFileURL(report).href;

            // Act
            await page.goto(url);
            await page.waitForSelector('#instances[data-rendered="true"]', { timeout: 30_000 });
            // As a person first sees it (the docs show it): UPDATE_SCREENSHOTS=1 copies it into docs/images/.
            const screenshot = join(work, 'organization-report.png');
            await page.screenshot({ path: screenshot });
            if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(screenshot, DOCS_SCREENSHOT);

            // Assess
            // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered, what a person reads
            const text = await page.locator('body').innerText();
            for (const account of organization.accounts) expect(text).toContain(account.id);
            // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered, what a person reads
            const notAudited = await page.locator('#not-audited').innerText();
            expect(notAudited).toContain(denied);
            expect(notAudited).toContain('AccessDenied');
            const rowCount = expected().length;
            expect(await page.locator('#instances tbody tr').count()).toBe(rowCount);
            // The hostile Name tag is a cell's text; it ran nothing.
            await expect(page.title()).resolves.toBe('App-tier IAM role audit');
            expect(await page.locator('#instances td', { hasText: HOSTILE_NAME }).count()).toBe(1);
            expect(await page.locator('#instances img').count()).toBe(0);

            // Sort by instance id, descending on the second click.
            const instanceIds = () => page.locator('#instances tbody tr td:nth-child(3)').allInnerTexts();
            await page.getByRole('button', { name: 'Instance' }).click();
            await page.waitForSelector('#instances[data-rendered="true"]');
            const ascending = await instanceIds();
            expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b)));
            await page.getByRole('button', { name: 'Instance' }).click();
            await page.waitForSelector('#instances[data-rendered="true"]');
            expect(await instanceIds()).toEqual([...ascending].reverse());

            // Filter: NON_COMPLIANT of one account.
            const member = organization.accounts[1]?.id as string;
            await page.selectOption('#result', 'NON_COMPLIANT');
            await page.selectOption('#account', member);
            await page.waitForSelector('#instances[data-rendered="true"]');
            const results = await page.locator('#instances tbody tr td:nth-child(7)').allInnerTexts();
            const accounts = await page.locator('#instances tbody tr td:nth-child(1)').allInnerTexts();
            const nonCompliant = organization.instances.filter(
              (instance) => instance.account === member && instance.compliance === 'NON_COMPLIANT',
            );
            expect(results).toEqual(nonCompliant.map(() => 'NON_COMPLIANT'));
            expect(new Set(accounts)).toEqual(new Set([member]));
            // Each NON_COMPLIANT row shows its fix: at the owner for the Auto Scaling group's instance.
            const fixes = await page.locator('#instances tbody tr td:nth-child(8)').allInnerTexts();
            expect(fixes.every((fix) => fix.length > 0 && fix !== '-')).toBe(true);
            expect(fixes.some((fix) => fix.includes('set an instance profile in the launch template'))).toBe(
              true,
            );
            // Text filter.
            await page.selectOption('#result', '');
            await page.selectOption('#account', '');
            await page.fill('#filter', 'legacy-2');
            const rows = () => page.locator('#instances tbody tr').count();
            await expect.poll(rows, { timeout: 10_000 }).toBe(1);
            await page.fill('#filter', '');
            await expect.poll(rows, { timeout: 10_000 }).toBe(rowCount);

            expect(problems).toEqual([]);
            expect(requests).toEqual([url]);
          } finally {
            await chromium.close();
          }
        });
      },
    );

    describe('audit --aggregator, against the results the deployed rule recorded', () => {
      const AGGREGATOR = 'organization';
      const RULE = 'app-tier-iam-role';
      const RULE_REGIONS = [REGIONS[0], REGIONS[1]];
      let aws: LocalAws;
      /** The rule's name in each account: Config names an organization rule's member rules so. */
      const memberRuleName = (account: string) => `OrgConfigRule-${RULE}-${account.slice(-6)}`;
      const sources = new Map<string, { accountId: string; region: string; configRuleName: string }>();

      beforeAll(async () => {
        aws = await startLocalAws({
          aggregator: { name: AGGREGATOR, sourceOf: (token) => sources.get(token) },
        });
        // The deployed rule: the built function's periodic sweep, in every account it can assume its role in
        // and in two regions, reporting to the Config stand-in.
        const runs = organization.accounts
          .filter((account) => account.id !== denied)
          .flatMap((account) => RULE_REGIONS.map((region) => ({ account: account.id, region })));
        await mapBounded(runs, 3, async ({ account, region }) => {
          const resultToken = `token-${account}-${region}`;
          sources.set(resultToken, { accountId: account, region, configRuleName: memberRuleName(account) });
          const event = withChanges('scheduled', {
            envelope: {
              accountId: account,
              resultToken,
              configRuleName: memberRuleName(account),
              configRuleArn: `arn:aws:config:${region}:${account}:config-rule/aws-service-rule/config-multiaccountsetup.amazonaws.com/config-rule-${account.slice(-6)}`,
              ruleParameters: JSON.stringify({
                appTierTagKey: 'tier',
                appTierTagValue: 'app',
                executionRoleName: 'app-tier-iam-role-rule-execution',
              }),
            },
          });
          const invocation = await invokeBundle(event, {
            env: {
              AWS_REGION: region,
              AWS_ENDPOINT_URL_STS: moto.url,
              AWS_ENDPOINT_URL_EC2: moto.url,
              AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url,
            },
          });
          if (invocation.error !== undefined)
            throw new Error(`${account} ${region}: ${invocation.error.message}`);
        });
        vi.stubEnv('AWS_ENDPOINT_URL_CONFIG_SERVICE', aws.url);
      }, 120_000);

      afterAll(async () => {
        await aws?.stop();
      });

      it('prints the NON_COMPLIANT instances the rule recorded, with their account, the rest not known', async () => {
        // Act
        const { code, stdout } = await run([
          'audit',
          '--aggregator',
          AGGREGATOR,
          '--rule-name',
          RULE,
          '--output',
          'json',
        ]);

        // Assess
        expect(code).toBe(1);
        const document = JSON.parse(stdout);
        const rows = document.results as (Row & { owner: unknown; notKnown: string[] })[];
        const recorded = aws.evaluations
          .filter((evaluation) => evaluation.ComplianceType === 'NON_COMPLIANT')
          .map((evaluation) => {
            const source = sources.get(evaluation.ResultToken);
            return `${source?.accountId} ${source?.region} ${evaluation.ComplianceResourceId}`;
          })
          .sort();
        const nonCompliant = rows
          .filter((row) => row.compliance === 'NON_COMPLIANT')
          .map(key)
          .sort();
        expect(nonCompliant).toEqual(recorded);
        // ... which are the instances the organization audit finds NON_COMPLIANT in those regions.
        expect(nonCompliant).toEqual(
          expected()
            .filter(([row, compliance]) => compliance === 'NON_COMPLIANT' && !row?.includes(REGIONS[2]))
            .map(([row]) => row),
        );
        expect(rows.every((row) => row.owner === null && row.notKnown.includes('owner'))).toBe(true);
        expect(document.parameters).toBeNull();
      });

      it('names an account the aggregator holds no result for, and prints the table with not known cells', async () => {
        // Act
        const { code, stdout } = await run([
          'audit',
          '--aggregator',
          AGGREGATOR,
          '--rule-name',
          RULE,
          '--accounts',
          `${organization.accounts[1]?.id},${denied}`,
        ]);

        // Assess
        expect(code).toBe(2);
        expect(stdout).toContain('not known');
        expect(stdout).toContain(`Account ${denied} was not audited: the aggregator holds no results`);
        expect(stdout).toContain(organization.accounts[1]?.id);
      });
    });
  },
);
