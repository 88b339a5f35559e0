// scan against cfn-guard on the same 1,000 generated templates, side by side in one run: the built command
// line (`node dist/cli.mjs scan DIR`) and `cfn-guard validate` with the rules `guard` generates, each as its
// own process, alternated, the median of BENCH_SCAN_RUNS (default 5). Goal: scan within 1.5x of cfn-guard.
// Knobs: BENCH_SCAN_TEMPLATES (default 1000). Results: .bench/scan-vs-guard.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CFN_GUARD } from '../test/support/cfn-guard.js';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATES = Number(process.env.BENCH_SCAN_TEMPLATES ?? 1000);
const RUNS = Number(process.env.BENCH_SCAN_RUNS ?? 5);
const GOAL = 1.5;

/** A template of a typical app stack: a role, a profile, two instances, a launch template and a group. */
const templateText = (index: number): string => `AWSTemplateFormatVersion: '2010-09-09'
Description: generated app stack ${index}
Parameters:
  Environment:
    Type: String
    Default: prod
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: ec2.amazonaws.com }
            Action: sts:AssumeRole
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref Role]
  AppServer:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcd1234abcd1234
      InstanceType: t3.micro
      SubnetId: subnet-abcd1234
      Tags:
        - Key: Name
          Value: !Sub app-\${Environment}-${index}
        - Key: tier
          Value: ${index % 3 === 0 ? 'web' : 'app'}
${index % 5 === 0 ? '' : '      IamInstanceProfile: !Ref Profile\n'}  Worker:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcd1234abcd1234
      InstanceType: t3.micro
      Tags:
        - Key: tier
          Value: app
      IamInstanceProfile: !GetAtt Profile.Arn
  Launch:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: ami-0abcd1234abcd1234
        IamInstanceProfile:
          Arn: !GetAtt Profile.Arn
        TagSpecifications:
          - ResourceType: instance
            Tags:
              - Key: tier
                Value: app
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      LaunchTemplate:
        LaunchTemplateId: !Ref Launch
        Version: !GetAtt Launch.LatestVersionNumber
      Tags:
        - Key: tier
          Value: app
          PropagateAtLaunch: true
`;

const time = (command: string, args: string[]): number => {
  const start = process.hrtime.bigint();
  const { status, stderr } = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // scan exits 1 and cfn-guard 19 when something is NON_COMPLIANT: both are expected here.
  if (status !== 0 && status !== 1 && status !== 19)
    throw new Error(`${command} failed (${status}): ${stderr}`);
  return seconds;
};
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const work = mkdtempSync(join(tmpdir(), 'bench-scan-'));
try {
  const dir = join(work, 'templates');
  mkdirSync(dir);
  for (let index = 0; index < TEMPLATES; index += 1)
    writeFileSync(join(dir, `stack-${index}.yaml`), templateText(index));
  const cli = join(work, 'cli.mjs');
  execFileSync(process.execPath, ['scripts/build-cli.mjs', cli], { cwd: PROJECT_DIR, stdio: 'pipe' });
  const rules = join(work, 'rules.guard');
  execFileSync(process.execPath, [
    cli,
    'guard',
    '--tag-key',
    'tier',
    '--tag-value',
    'app',
    '--output-file',
    rules,
  ]);

  const scanArgs = [
    cli,
    'scan',
    '--tag-key',
    'tier',
    '--tag-value',
    'app',
    '--output',
    'json',
    '--output-file',
    join(work, 'scan.json'),
    dir,
  ];
  const guardArgs = ['validate', '-r', rules, '-d', dir, '-o', 'json', '--show-summary', 'none'];
  const scan: number[] = [];
  const guard: number[] = [];
  time(process.execPath, scanArgs);
  time(CFN_GUARD, guardArgs);
  for (let run = 0; run < RUNS; run += 1) {
    scan.push(time(process.execPath, scanArgs));
    guard.push(time(CFN_GUARD, guardArgs));
  }
  const result = {
    templates: TEMPLATES,
    runs: RUNS,
    scanSeconds: median(scan),
    cfnGuardSeconds: median(guard),
    ratio: median(scan) / median(guard),
    goal: GOAL,
  };
  console.log(`scan vs cfn-guard validate on ${TEMPLATES} templates (median of ${RUNS}, each a process):`);
  console.log(`  scan (node dist/cli.mjs)       ${result.scanSeconds.toFixed(3)} s`);
  console.log(`  cfn-guard validate (3.1.1)     ${result.cfnGuardSeconds.toFixed(3)} s`);
  console.log(
    `  ratio scan / cfn-guard         ${result.ratio.toFixed(2)}x (goal: at most ${GOAL}x) ${result.ratio <= GOAL ? 'met' : 'NOT met'}`,
  );
  mkdirSync(join(PROJECT_DIR, '.bench'), { recursive: true });
  writeFileSync(join(PROJECT_DIR, '.bench', 'scan-vs-guard.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
