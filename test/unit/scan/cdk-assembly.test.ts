// `scan cdk.out/`: real cloud assemblies, synthesized here by aws-cdk-lib, once for the whole file. The app has
// two top-level stacks' worth of cases: a stack of its own, and a Stage (a nested assembly) holding a stack and
// a Stage of its own. It is synthesized twice: as `cdk synth` does (construct paths in the templates'
// Metadata) and as a bare App does (`cdk synth --no-path-metadata`: paths only in the assembly's metadata).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, aws_ec2 as ec2, Stack, Stage, Tags } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reason } from '../../../src/rule/compliance.js';
import { lineOf, runCli, scanJson } from '../../support/scan.js';

const AMI = 'ami-0abcd1234abcd1234';
const TAG = ['--tag-key', 'tier', '--tag-value', 'app'];
// Loading aws-cdk-lib and synthesizing two apps: slow on a busy machine.
const SYNTH_TIMEOUT = 120_000;

/** The app: WebStack; Stage Prod with DataStack; Stage Eu inside Prod with EdgeStack. */
const buildApp = (app: App): void => {
  const web = new Stack(app, 'WebStack');
  new ec2.CfnInstance(web, 'AppServer', { imageId: AMI, tags: [{ key: 'tier', value: 'app' }] });
  new ec2.CfnInstance(web, 'WebServer', { imageId: AMI, tags: [{ key: 'tier', value: 'web' }] });
  const prod = new Stage(app, 'Prod');
  const data = new Stack(prod, 'DataStack');
  const vpc = ec2.Vpc.fromVpcAttributes(data, 'Vpc', {
    vpcId: 'vpc-1234abcd',
    availabilityZones: ['us-east-1a'],
    privateSubnetIds: ['subnet-abcd1234'],
  });
  // ec2.Instance creates a role and an instance profile that holds it.
  const worker = new ec2.Instance(data, 'Worker', {
    vpc,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': AMI }),
  });
  Tags.of(worker).add('tier', 'app');
  const edge = new Stack(new Stage(prod, 'Eu'), 'EdgeStack');
  new ec2.CfnLaunchTemplate(edge, 'EdgeTemplate', {
    launchTemplateData: {
      imageId: AMI,
      tagSpecifications: [{ resourceType: 'instance', tags: [{ key: 'tier', value: 'app' }] }],
    },
  });
};

const work = mkdtempSync(join(tmpdir(), 'scan-cdk-assembly-'));
/** A project folder as `cdk synth` leaves it: cdk.out/ beside the project's own files. */
const project = join(work, 'project');
const cliAssembly = join(project, 'cdk.out');
const bareAssembly = join(work, 'bare.out');

beforeAll(() => {
  // The CDK CLI sets this context for every app it runs, unless --no-path-metadata. The CDK's own template
  // validation is off: its warnings are not what this file tests.
  const cli = new App({
    outdir: cliAssembly,
    context: { 'aws:cdk:enable-path-metadata': true },
    builtinCloudFormationValidation: false,
  });
  buildApp(cli);
  cli.synth();
  const bare = new App({ outdir: bareAssembly, builtinCloudFormationValidation: false });
  buildApp(bare);
  bare.synth();
  writeFileSync(join(project, 'package.json'), '{"name": "infra", "private": true}\n');
  writeFileSync(join(project, 'cdk.json'), '{"app": "npx tsx bin/app.ts"}\n');
}, SYNTH_TIMEOUT);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A path as scan shows it: relative to the working directory. */
const shown = (path: string) => relative(process.cwd(), path);

/** What each resource that launches instances comes to, by construct path. */
const EXPECTED = [
  {
    constructPath: 'Prod/DataStack/Worker/Resource',
    resourceType: 'AWS::EC2::Instance',
    compliance: 'COMPLIANT',
    reason: Reason.UsesRole,
  },
  {
    constructPath: 'Prod/Eu/EdgeStack/EdgeTemplate',
    resourceType: 'AWS::EC2::LaunchTemplate',
    compliance: 'NON_COMPLIANT',
    reason: Reason.NoProfile,
  },
  {
    constructPath: 'WebStack/AppServer',
    resourceType: 'AWS::EC2::Instance',
    compliance: 'NON_COMPLIANT',
    reason: Reason.NoProfile,
  },
  {
    constructPath: 'WebStack/WebServer',
    resourceType: 'AWS::EC2::Instance',
    compliance: 'NOT_APPLICABLE',
    reason: Reason.NotAppTier,
  },
];

const byPath = <T extends { constructPath: string | null }>(findings: readonly T[]): T[] =>
  [...findings].sort((a, b) => String(a.constructPath).localeCompare(String(b.constructPath)));

describe.each([
  ['as cdk synth writes it (paths in the templates)', cliAssembly],
  ['without path metadata (paths in the assembly metadata)', bareAssembly],
])('scan of a cloud assembly, %s', (_, assembly) => {
  it('decides every stack, of the app and of its nested Stages, by construct path', async () => {
    // Act
    const { code, files, skipped, findings } = await scanJson(...TAG, assembly);

    // Assess: the three stack templates, nothing else of the assembly; NON_COMPLIANT, so exit 1
    expect(code).toBe(1);
    const root = shown(assembly);
    expect([...files].sort()).toEqual([
      `${root}/WebStack.template.json`,
      expect.stringMatching(new RegExp(`^${root}/assembly-Prod/ProdDataStack[0-9A-F]{8}\\.template\\.json$`)),
      expect.stringMatching(
        new RegExp(`^${root}/assembly-Prod/assembly-Prod-Eu/ProdEuEdgeStack[0-9A-F]{8}\\.template\\.json$`),
      ),
    ]);
    expect(skipped).toEqual([]);
    expect(byPath(findings)).toEqual(EXPECTED.map((expected) => expect.objectContaining(expected)));
  });

  it('points each finding at its logical id in its template', async () => {
    // Act
    const { findings } = await scanJson(...TAG, assembly);

    // Assess
    for (const finding of findings) {
      const template = readFileSync(join(process.cwd(), finding.file), 'utf8');
      expect(finding.line).toBe(lineOf(template, `"${finding.id}": {`));
      expect(JSON.parse(template).Resources[finding.id].Type).toBe(finding.resourceType);
    }
    expect(findings.find((finding) => finding.constructPath === 'WebStack/AppServer')?.id).toBe('AppServer');
  });
});

describe('scan of a CDK project', () => {
  it('reads the cdk.out/ of a folder as its assembly, and names what else it skips', async () => {
    // Act
    const { code, files, skipped, findings, stderr } = await scanJson(...TAG, project);

    // Assess: the templates come once, with their construct paths; the project's own JSON files are named
    expect(code).toBe(1);
    expect(files).toHaveLength(3);
    expect(byPath(findings).map((finding) => finding.constructPath)).toEqual(
      EXPECTED.map((expected) => expected.constructPath),
    );
    expect(skipped).toEqual([shown(join(project, 'cdk.json')), shown(join(project, 'package.json'))]);
    expect(stderr).toBe(
      skipped
        .map(
          (file) =>
            `skipped ${file}: neither a CloudFormation/SAM template (no Resources) nor a Terraform plan (terraform show -json)\n`,
        )
        .join(''),
    );
  });

  it('shows the construct path in the table and as the SARIF logical location', async () => {
    // Act
    const table = await runCli('scan', ...TAG, cliAssembly);
    const sarif = await runCli('scan', ...TAG, '--output', 'sarif', cliAssembly);

    // Assess
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(
      /EdgeStack.*\.template\.json:\d+ +Prod\/Eu\/EdgeStack\/EdgeTemplate +AWS::EC2::LaunchTemplate +NON_COMPLIANT/,
    );
    expect(table.stdout).toContain(
      '3 file(s), 4 resource(s) that launch instances: 1 COMPLIANT, 2 NON_COMPLIANT, 1 NOT_APPLICABLE',
    );
    const results = JSON.parse(sarif.stdout).runs[0].results as {
      locations: { logicalLocations: { name: string; fullyQualifiedName: string }[] }[];
    }[];
    expect(
      results
        .map((result) => result.locations[0]?.logicalLocations[0])
        .sort((a, b) => String(a?.fullyQualifiedName).localeCompare(String(b?.fullyQualifiedName))),
    ).toEqual([
      { name: 'EdgeTemplate', fullyQualifiedName: 'Prod/Eu/EdgeStack/EdgeTemplate', kind: 'resource' },
      { name: 'AppServer', fullyQualifiedName: 'WebStack/AppServer', kind: 'resource' },
    ]);
  });
});

/** A copy of an assembly to change, so that the other tests keep theirs. */
const copy = (name: string, from = cliAssembly): string => {
  const target = join(work, name);
  cpSync(from, target, { recursive: true });
  return target;
};

describe('an assembly an older CDK wrote', () => {
  it('takes the construct paths from the metadata in its manifest', async () => {
    // Prepare: the bare assembly, its stacks' metadata moved into the manifests as older releases wrote it
    const assembly = copy('older-cdk', bareAssembly);
    const inline = (directory: string) => {
      const file = join(directory, 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      for (const artifact of Object.values<Record<string, unknown>>(manifest.artifacts)) {
        const metadataFile = artifact.additionalMetadataFile;
        if (typeof metadataFile === 'string') {
          artifact.metadata = JSON.parse(readFileSync(join(directory, metadataFile), 'utf8'));
          delete artifact.additionalMetadataFile;
          rmSync(join(directory, metadataFile));
        }
        const nested = (artifact.properties as { directoryName?: string } | undefined)?.directoryName;
        if (artifact.type === 'cdk:cloud-assembly' && nested !== undefined) inline(join(directory, nested));
      }
      writeFileSync(file, JSON.stringify(manifest));
    };
    inline(assembly);

    // Act
    const { findings } = await scanJson(...TAG, assembly);

    // Assess
    expect(byPath(findings)).toEqual(EXPECTED.map((expected) => expect.objectContaining(expected)));
  });
});

describe('a damaged cloud assembly', () => {
  it('names the nested assembly it cannot open, and exits 2', async () => {
    // Prepare
    const assembly = copy('no-stage');
    rmSync(join(assembly, 'assembly-Prod'), { recursive: true });

    // Act
    const { code, stdout, stderr } = await runCli('scan', ...TAG, assembly);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `error: ${join(assembly, 'assembly-Prod', 'manifest.json')}: named by the cloud assembly, but cannot be read (ENOENT: no such file or directory, open '${join(assembly, 'assembly-Prod', 'manifest.json')}')\n`,
    );
  });

  it('names the stack template it cannot open, and exits 2', async () => {
    // Prepare
    const assembly = copy('no-template');
    rmSync(join(assembly, 'WebStack.template.json'));

    // Act
    const { code, stderr } = await runCli('scan', ...TAG, assembly);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^error: ${join(assembly, 'WebStack.template.json')}: named by the cloud assembly, but cannot be read \\(ENOENT`,
      ),
    );
  });

  it.each([
    ['not JSON', 'stage-not-json', '{"version": ', 'not readable JSON (Unexpected end of JSON input)'],
    ['not an assembly manifest', 'stage-not-assembly', '{"name": "infra"}', 'not a cloud assembly manifest'],
  ])('names a nested assembly whose manifest is %s, and exits 2', async (_, name, text, why) => {
    // Prepare
    const assembly = copy(name);
    const manifest = join(assembly, 'assembly-Prod', 'manifest.json');
    writeFileSync(manifest, text);

    // Act
    const { code, stderr } = await runCli('scan', ...TAG, assembly);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toBe(`error: ${manifest}: ${why}\n`);
  });

  it('reads a cdk.out whose manifest is not an assembly manifest as a folder: templates decided, the rest named', async () => {
    // Prepare
    const assembly = copy('broken-manifest');
    writeFileSync(join(assembly, 'manifest.json'), '{"version": ');
    mkdirSync(join(assembly, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(assembly, 'node_modules', 'x', 'template.json'), '{"Resources": {}}');

    // Act
    const { files, skipped, findings } = await scanJson(...TAG, assembly);

    // Assess: every template still decided (without construct paths from the assembly), nothing dropped unseen
    expect(findings.map((finding) => finding.id).sort()).toEqual([
      'AppServer',
      'EdgeTemplate',
      'WebServer',
      expect.stringMatching(/^Worker[0-9A-F]{8}$/),
    ]);
    // The stack of the broken manifest loses its construct paths; the Stage's own assembly keeps them
    expect(findings.filter((finding) => finding.constructPath === null).map((finding) => finding.id)).toEqual(
      ['AppServer', 'WebServer'],
    );
    expect(files).toHaveLength(3);
    expect(skipped).toContain(shown(join(assembly, 'manifest.json')));
    expect(skipped).toContain(shown(join(assembly, 'tree.json')));
    expect(skipped.some((file) => file.includes('node_modules'))).toBe(false);
  });
});
