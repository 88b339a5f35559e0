import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Reason } from '../../../src/rule/compliance.js';
import { runCli } from '../../support/scan.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = `${ROOT}test/fixtures/`;
const work = mkdtempSync(join(tmpdir(), 'scan-command-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = runCli;

const json = async (...argv: string[]) => {
  const { code, stdout } = await run('scan', '--output', 'json', ...argv);
  return {
    code,
    findings: JSON.parse(stdout).findings as {
      id: string;
      line: number;
      compliance: string;
      reason: string;
      notes: string[];
    }[],
  };
};

describe('scan', () => {
  it.each(['json', 'yaml'])(
    'reports the seed template (%s) COMPLIANT: its profile is a Ref to the same template',
    async (ext) => {
      const { code, findings } = await json(
        '--tag-key',
        'tier',
        '--tag-value',
        'app',
        `${FIXTURES}cloudformation/seed-app-tier-instance.${ext}`,
      );
      expect(code).toBe(0);
      expect(findings).toEqual([
        expect.objectContaining({ compliance: 'COMPLIANT', reason: Reason.UsesRole }),
      ]);
    },
  );

  it.each([
    ['json', 'AppTierInstance', '"AppTierInstance": {'],
    ['yaml', 'WebTierInstance', 'WebTierInstance:'],
  ])(
    'reports the seed template (%s) without IamInstanceProfile NON_COMPLIANT at its line',
    async (ext, id, text) => {
      const file = `${FIXTURES}cloudformation/seed-app-tier-instance-no-profile.${ext}`;
      const line =
        readFileSync(file, 'utf8')
          .split('\n')
          .findIndex((candidate) => candidate.includes(text)) + 1;
      const { code, findings } = await json('--tag-key', 'tier', '--tag-value', 'app', file);
      expect(code).toBe(1);
      expect(findings).toEqual([
        expect.objectContaining({ id, line, compliance: 'NON_COMPLIANT', reason: Reason.NoProfile }),
      ]);
    },
  );

  it("decides the instances of Checkov's Terraform plan", async () => {
    const { code, findings } = await json(
      '--tag-key',
      'Name',
      '--tag-value',
      '*',
      `${FIXTURES}terraform/checkov-tfplan.json`,
    );
    expect(code).toBe(1);
    expect(findings.map(({ id, compliance, reason }) => ({ id, compliance, reason }))).toEqual([
      { id: 'aws_instance.db_app', compliance: 'COMPLIANT', reason: Reason.UsesRole },
      { id: 'aws_instance.web_host', compliance: 'NON_COMPLIANT', reason: Reason.NoProfile },
    ]);
    // With an allowed list, a profile named only by name cannot be checked before deploy.
    const allowed = await json(
      '--rule-parameters',
      '{"appTierTagKey":"Name","appTierTagValue":"*","IamInstanceProfileArnList":"arn:aws:iam::123456789123:instance-profile/123456789123-acme-corp-profile"}',
      `${FIXTURES}terraform/checkov-tfplan.json`,
    );
    expect(allowed.findings[0]).toMatchObject({
      compliance: 'NON_COMPLIANT',
      reason: Reason.ProfileNotVerifiable,
    });
  });

  it('accepts --allowed-profile-arns and --allowed-instance-profile-arns alike', async () => {
    const file = `${FIXTURES}cloudformation/seed-app-tier-instance.yaml`;
    const arn = 'arn:aws:iam::123456789012:instance-profile/AppTierInstanceProfile';
    const first = await json('--tag-key', 'tier', '--tag-value', 'app', '--allowed-profile-arns', arn, file);
    const second = await json(
      '--tag-key',
      'tier',
      '--tag-value',
      'app',
      '--allowed-instance-profile-arns',
      arn,
      file,
    );
    expect(first.findings).toEqual(second.findings);
    expect(first.findings[0]).toMatchObject({ reason: Reason.ProfileNotVerifiable });
  });

  it('names invalid parameters as the Lambda does, and exits 2', async () => {
    const { code, stderr } = await run(
      'scan',
      '--tag-key',
      'tier',
      '--tag-value',
      'app',
      '--allowed-profile-arns',
      'not-an-arn',
      `${FIXTURES}cloudformation`,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(
      'Invalid rule parameters: allowedInstanceProfileArns: "not-an-arn" is not an instance profile ARN',
    );
  });

  it('refuses a named file that is neither a template nor a plan', async () => {
    const file = join(work, 'other.json');
    writeFileSync(file, '{"name": "x"}');
    const { code, stderr } = await run('scan', '--tag-key', 'tier', '--tag-value', 'app', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/neither a CloudFormation\/SAM template .* nor a Terraform plan/);
  });

  it("writes SARIF 2.1.0 that Microsoft's SARIF validator accepts", async () => {
    const sarif = join(work, 'scan.sarif');
    const { code } = await run(
      'scan',
      '--tag-key',
      'tier',
      '--tag-value',
      'app',
      '--output',
      'sarif',
      '--output-file',
      sarif,
      `${FIXTURES}cloudformation`,
    );
    expect(code).toBe(1);
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    expect(log.runs[0].results).toHaveLength(2);
    expect(log.runs[0].results[0].locations[0]).toMatchObject({
      physicalLocation: {
        artifactLocation: { uri: expect.stringContaining('seed-app-tier-instance-no-profile.') },
        region: { startLine: expect.any(Number) },
      },
      logicalLocations: [expect.objectContaining({ kind: 'resource' })],
    });
    const report = join(work, 'validation.sarif');
    execFileSync(`${ROOT}node_modules/.bin/sarif-multitool`, ['validate', sarif, '--output', report], {
      stdio: 'pipe',
      timeout: 120_000,
    });
    const problems = JSON.parse(readFileSync(report, 'utf8')).runs[0].results.filter(
      (result: { level?: string }) => result.level === 'error' || result.level === undefined,
    );
    expect(problems).toEqual([]);
  }, 180_000);

  it('prints Guard rules for templates and for Config', async () => {
    const template = await run('guard', '--tag-key', 'tier', '--tag-value', 'app');
    const policy = await run('guard', '--tag-key', 'tier', '--tag-value', 'app', '--target', 'config');
    expect(template.code).toBe(0);
    expect(template.stdout).toContain('Resources.*[');
    expect(template.stdout).toContain('requireRoleInProfile');
    expect(policy.stdout).toContain("resourceType == 'AWS::EC2::Instance'");
  });
});
