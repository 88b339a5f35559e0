import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunRow } from '../../dev/evaluation-table.js';
import { EVENTS_DIR, main, type RunEventsOptions, runEvents } from '../../dev/run-events.js';
import { loadSeed } from '../../dev/sample-inventory.js';
import { viewFromEc2Instance } from '../../src/ec2/instance-view.js';
import { decide } from '../../src/rule/decide.js';
import { type ComplianceResult, failFirst, type LocalInstance, startLocalAws } from '../support/aws/index.js';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const SEED_DIR = join(EVENTS_DIR, 'local-aws');
const event = (name: string): string => join(EVENTS_DIR, name);
const QUIET: RunEventsOptions = { logLevel: 'SILENT' };

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

const invokingEventOf = async (name: string): Promise<Record<string, unknown>> => {
  const envelope = await readJson<{ invokingEvent: string }>(event(name));
  return JSON.parse(envelope.invokingEvent) as Record<string, unknown>;
};

const rowsOf = (rows: readonly RunRow[], file: string) =>
  rows
    .filter((row) => row.file === file && row.resourceId !== undefined)
    .map(({ resourceId, result }) => ({ resourceId, result }));

// What a periodic sweep must report for the seed: each live app-tier instance whose result Config does not
// already hold as decided (same result, same annotation), then every earlier COMPLIANT / NON_COMPLIANT
// result of a resource that is no longer one, as NOT_APPLICABLE.
const expectedSweep = async () => {
  const { Instances } = await readJson<{ Instances: LocalInstance[] }>(join(SEED_DIR, 'instances.json'));
  const { EvaluationResults } = await readJson<{ EvaluationResults: ComplianceResult[] }>(
    join(SEED_DIR, 'compliance-results.json'),
  );
  const live = Instances.filter(
    (instance) =>
      instance.Tags?.some((tag) => tag.Key === 'tier' && tag.Value === 'app') &&
      !['terminated', 'shutting-down'].includes(instance.State.Name),
  );
  const liveIds = new Set(live.map((instance) => instance.InstanceId));
  const held = new Map(
    EvaluationResults.map((result) => [
      result.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceId,
      `${result.ComplianceType} ${result.Annotation}`,
    ]),
  );
  const tier = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false };
  const changed = live.filter((instance) => {
    const decision = decide(viewFromEc2Instance(instance as never), tier, { eventLeftScope: false });
    return held.get(instance.InstanceId) !== `${decision.compliance} ${decision.annotation}`;
  });
  const stale = EvaluationResults.filter(
    (result) =>
      result.EvaluationResultIdentifier.EvaluationResultQualifier.ConfigRuleName === 'rule-ec2-test' &&
      ['COMPLIANT', 'NON_COMPLIANT'].includes(result.ComplianceType) &&
      !liveIds.has(result.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceId),
  );
  return [
    ...changed.map((instance) => ({
      resourceId: instance.InstanceId,
      result: instance.IamInstanceProfile === undefined ? 'NON_COMPLIANT' : 'COMPLIANT',
    })),
    ...stale.map((result) => ({
      resourceId: result.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceId,
      result: 'NOT_APPLICABLE',
    })),
  ];
};

describe('npm start (runEvents over events/)', () => {
  let rows: RunRow[];

  beforeAll(async () => {
    // The command runs the built bundle, as Lambda does; build it from the current sources first.
    execFileSync(process.execPath, [join(PROJECT_DIR, 'scripts', 'build.mjs')], {
      cwd: PROJECT_DIR,
      stdio: 'pipe',
    });
    rows = await runEvents(
      [
        'compliant.json',
        'deleted.json',
        'left-scope.json',
        'no-profile.json',
        'not-app-tier.json',
        'oversized.json',
        'profile-not-allowed.json',
        'scheduled.json',
        'snapshot-delivery-completed.json',
      ].map(event),
      QUIET,
    );
  });

  it.each([
    { file: 'compliant.json', resourceId: 'i-042dd005362091826', result: 'COMPLIANT' },
    { file: 'no-profile.json', resourceId: 'i-0a763ac3ee37d8d2b', result: 'NON_COMPLIANT' },
    { file: 'left-scope.json', resourceId: 'i-042dd005362091826', result: 'NOT_APPLICABLE' },
    { file: 'deleted.json', resourceId: 'i-0a763ac3ee37d8d2b', result: 'NOT_APPLICABLE' },
    { file: 'not-app-tier.json', resourceId: 'i-0a763ac3ee37d8d2b', result: 'NOT_APPLICABLE' },
    { file: 'profile-not-allowed.json', resourceId: 'i-042dd005362091826', result: 'NON_COMPLIANT' },
    // The oversized event carries no configuration; the history item it points at has no profile.
    { file: 'oversized.json', resourceId: 'i-03402838daac1d611', result: 'NON_COMPLIANT' },
  ])('$file reports $result for $resourceId', async ({ file, resourceId, result }) => {
    // Prepare
    const invoking = await invokingEventOf(file);
    const item = (invoking.configurationItem ?? invoking.configurationItemSummary) as Record<string, string>;

    // Act
    const reported = rows.filter((row) => row.file === file);

    // Assess
    expect(rowsOf(reported, file)).toEqual([{ resourceId, result }]);
    expect(reported[0]).toMatchObject({
      resourceType: 'AWS::EC2::Instance',
      orderingTimestamp: item.configurationItemCaptureTime,
      testMode: false,
      annotation: expect.stringMatching(/^.{1,256}$/s),
    });
  });

  it.each(['scheduled.json', 'snapshot-delivery-completed.json'])(
    '%s sweeps every app-tier instance and clears the stale result',
    async (file) => {
      // Prepare
      const expected = await expectedSweep();
      const invoking = await invokingEventOf(file);

      // Act
      const reported = rows.filter((row) => row.file === file);

      // Assess
      expect(rowsOf(reported, file)).toEqual(expected);
      // One earlier result (a NON_COMPLIANT) is exactly what the sweep decides: it is not recorded again.
      expect(expected.map((row) => row.result)).toEqual(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']);
      expect(rows.filter((row) => row.file === file && row.result === 'UNCHANGED')).toHaveLength(1);
      for (const row of reported.filter((row) => row.resourceId !== undefined)) {
        expect(row.orderingTimestamp).toBe(invoking.notificationCreationTime);
      }
    },
  );

  it('leaves the process environment as it found it', () => {
    // Assess
    expect(process.env.AWS_ENDPOINT_URL_EC2).toBeUndefined();
    expect(process.env.AWS_ACCESS_KEY_ID).toBe('AKIATESTTESTTESTTEST');
    expect(process.env.POWERTOOLS_LOG_LEVEL).toBe('SILENT');
  });

  describe('on the wire', () => {
    it('asks EC2 for app-tier, non-terminated instances in pages of 1,000 and reads earlier results by type', async () => {
      // Prepare
      const aws = await startLocalAws(await loadSeed(SEED_DIR));

      // Act
      await runEvents([event('scheduled.json')], { ...QUIET, endpoint: aws });
      await aws.stop();

      // Assess
      expect(aws.requests.params('DescribeInstances')).toEqual([
        {
          Filters: expect.arrayContaining([
            { Name: 'tag:tier', Values: ['app'] },
            {
              Name: 'instance-state-name',
              Values: expect.not.arrayContaining(['terminated', 'shutting-down']),
            },
          ]),
          InstanceIds: [],
          MaxResults: 1000,
        },
      ]);
      expect(aws.requests.params('GetComplianceDetailsByConfigRule')).toEqual([
        expect.objectContaining({
          ConfigRuleName: 'rule-ec2-test',
          ComplianceTypes: expect.arrayContaining(['COMPLIANT', 'NON_COMPLIANT']),
        }),
      ]);
    });

    it('fetches the oversized item with GetResourceConfigHistory, limit 1', async () => {
      // Prepare
      const aws = await startLocalAws(await loadSeed(SEED_DIR));

      // Act
      await runEvents([event('oversized.json')], { ...QUIET, endpoint: aws });
      await aws.stop();

      // Assess
      expect(aws.requests.params('GetResourceConfigHistory')).toEqual([
        { resourceType: 'AWS::EC2::Instance', resourceId: 'i-03402838daac1d611', limit: 1 },
      ]);
    });

    it('rides out server errors and a failed entry: every evaluation still arrives once', async () => {
      // Prepare
      const aws = await startLocalAws(await loadSeed(SEED_DIR));
      aws.options.faults = failFirst(2, { kind: 'http', status: 503 });
      let failed = false;
      aws.options.failEvaluation = (entry) => {
        if (failed || entry.ComplianceResourceId !== 'i-0b7e5c4d3a2f19e80') return false;
        failed = true;
        return true;
      };

      // Act
      const reported = await runEvents([event('scheduled.json')], { ...QUIET, endpoint: aws });
      await aws.stop();

      // Assess
      expect(rowsOf(reported, 'scheduled.json')).toEqual(expect.arrayContaining(await expectedSweep()));
      expect(rowsOf(reported, 'scheduled.json')).toHaveLength((await expectedSweep()).length);
      expect(aws.requests.all.filter((request) => request.fault !== undefined)).toHaveLength(2);
      expect(aws.requests.count('PutEvaluations')).toBeGreaterThanOrEqual(2);
    });
  });

  describe('the command', () => {
    let dir: string;
    /** The bundle is built above; the command's own build is replaced by one that records its calls. */
    const builds: string[] = [];
    const build = () => {
      builds.push('build');
      return { ok: true, output: 'dist/handler.mjs  631,410 bytes\n' };
    };
    const printed = (spy: { mock: { calls: unknown[][] } }) =>
      spy.mock.calls.map((call) => String(call[0])).join('\n');

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'run-events-'));
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    beforeEach(() => {
      builds.length = 0;
    });

    it('prints the rows as JSON with --json and exits 0', async () => {
      // Prepare
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});

      // Act
      const code = await main(['--json', event('compliant.json'), event('no-profile.json')], { build });

      // Assess
      expect(code).toBe(0);
      const rows = JSON.parse(String(log.mock.calls[0]?.[0])) as RunRow[];
      expect(rows.map((row) => [row.file, row.result])).toEqual([
        ['compliant.json', 'COMPLIANT'],
        ['no-profile.json', 'NON_COMPLIANT'],
      ]);
    });

    it('prints the results first, and the build only with --verbose', async () => {
      // Prepare
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

      // Act
      const quiet = await main([event('compliant.json')], { build });
      const quietErr = stderr.mock.calls.map((call) => String(call[0])).join('');
      stderr.mockClear();
      const verbose = await main(['--verbose', event('compliant.json')], { build });

      // Assess
      expect([quiet, verbose]).toEqual([0, 0]);
      expect(builds).toEqual(['build', 'build']);
      expect(String(log.mock.calls[0]?.[0])).toMatch(/^EVENT +MESSAGE TYPE +RESOURCE +RESULT +ANNOTATION\n/);
      expect(quietErr).toBe('');
      const verboseErr = stderr.mock.calls.map((call) => String(call[0])).join('');
      expect(verboseErr).toContain('dist/handler.mjs  631,410 bytes');
      expect(verboseErr).toContain('"level":"INFO"');
    });

    it('answers --help without building', async () => {
      // Prepare
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});

      // Act
      const code = await main(['--help'], { build });

      // Assess
      expect(code).toBe(0);
      expect(builds).toEqual([]);
      expect(printed(log)).toMatch(/^Usage: npm start -- \[options\] \[event\.json \| folder \.\.\.\]/);
    });

    it('exits 2 on an unknown option, without building', async () => {
      // Prepare
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});

      // Act
      const code = await main(['--no-such-flag'], { build });

      // Assess
      expect(code).toBe(2);
      expect(builds).toEqual([]);
      expect(printed(error)).toContain("Unknown option '--no-such-flag'");
    });

    it('shows the build output and exits 2 when the build fails', async () => {
      // Prepare
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

      // Act
      const code = await main([event('compliant.json')], {
        build: () => ({ ok: false, output: 'src/handler.ts:1:1: ERROR: something is wrong\n' }),
      });

      // Assess
      expect(code).toBe(2);
      expect(stderr.mock.calls.map((call) => String(call[0])).join('')).toContain(
        'ERROR: something is wrong',
      );
      expect(printed(error)).toBe('error: npm run build:function failed; its output is above');
    });

    it('runs every event of a folder', async () => {
      // Prepare
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});

      // Act
      const code = await main(['--json', EVENTS_DIR], { build });

      // Assess
      expect(code).toBe(0);
      const rows = JSON.parse(String(log.mock.calls[0]?.[0])) as RunRow[];
      expect([...new Set(rows.map((row) => row.file))]).toEqual(
        (await readdir(EVENTS_DIR)).filter((name) => name.endsWith('.json')).sort(),
      );
    });

    it('gives a bad event file one line naming the file and the problem, no stack, and carries on', async () => {
      // Prepare: files outside the working directory are named by their absolute path
      const broken = join(dir, 'broken.json');
      await writeFile(broken, '{"invokingEvent": ');
      const missing = join(dir, 'missing.json');
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

      // Act
      const code = await main([broken, missing, event('compliant.json')], { build });

      // Assess
      expect(code).toBe(1);
      const output = printed(log);
      const lines = output.split('\n');
      expect(lines[0]).toMatch(/^EVENT /);
      expect(lines.filter((line) => line.includes('broken.json'))).toEqual([
        `error: ${broken}: not valid JSON (Unexpected end of JSON input)`,
      ]);
      expect(lines.filter((line) => line.includes('missing.json'))).toEqual([
        `error: ${missing}: no such file or folder`,
      ]);
      expect(output).toContain('3 events, 2 failed; 1 evaluation received by PutEvaluations');
      expect(output).not.toMatch(/^\s+at /m);
      expect(stderr).not.toHaveBeenCalled();
    });

    it('reports a failed invocation as an ERROR row, carries on, and exits 1; its log only with --verbose', async () => {
      // Prepare
      const envelope = await readJson<Record<string, unknown>>(event('compliant.json'));
      const invoking = await invokingEventOf('compliant.json');
      const unknownType = join(dir, 'unknown-message-type.json');
      await writeFile(
        unknownType,
        JSON.stringify({
          ...envelope,
          invokingEvent: JSON.stringify({ ...invoking, messageType: 'SomethingNew' }),
        }),
      );
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

      // Act
      const code = await main([unknownType, event('compliant.json')], { build });
      const quietErr = stderr.mock.calls.map((call) => String(call[0])).join('');
      await main(['--verbose', unknownType], { build });

      // Assess
      expect(code).toBe(1);
      const table = printed(log);
      expect(table).toMatch(
        /unknown-message-type\s+SomethingNew\s+-\s+ERROR\s+InvalidEventError: Invalid AWS Config event:\s/,
      );
      expect(table).toMatch(/compliant\s+change\s+i-042dd005362091826\s+COMPLIANT/);
      expect(table).toContain('2 events, 1 failed; 1 evaluation received by PutEvaluations');
      expect(quietErr).toBe('');
      expect(stderr.mock.calls.map((call) => String(call[0])).join('')).toContain('"level":"ERROR"');
    });
  });
});
