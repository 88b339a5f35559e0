// What `scan` says of the files people give it: a path that does not exist, files that are not templates or
// plans (each with what it is and what to give instead), broken YAML or JSON at its line, a folder walked for
// templates and plans with what it passes over named, and where a finding points in a template.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Reason } from '../../../src/rule/compliance.js';
import { runCli, scanJson } from '../../support/scan.js';

const TAG = ['--tag-key', 'tier', '--tag-value', 'app'];
const PLAN_COMMAND = 'terraform plan -out plan.out, then terraform show -json plan.out > plan.json';

const work = mkdtempSync(join(tmpdir(), 'scan-inputs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes `content` to `name` under the work folder (folders made as needed); returns its path. */
const write = (name: string, content: string | Buffer): string => {
  const file = join(work, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  return file;
};

/** A path as scan shows it: relative to the working directory. */
const shown = (path: string) => relative(process.cwd(), path);

const APP_INSTANCE_YAML = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AppServer:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcd1234abcd1234
      Tags:
        - Key: tier
          Value: app
`;

// Names, contents and what scan says of them (after "<file>"), when the file is named on the command line.
const NOT_READ: readonly [string, string, string | Buffer, string][] = [
  ['an empty file', 'empty.yaml', '', ': empty'],
  ['a file of blank lines', 'blank.json', '\n  \n', ': empty'],
  [
    'YAML indented wrong',
    'indent.yaml',
    'Resources:\n  AppServer:\n    Type: AWS::EC2::Instance\n   Properties: {}\n',
    ':4: not a valid YAML or JSON template (All mapping items must start at the same column)',
  ],
  [
    'JSON missing a comma',
    'comma.json',
    '{\n  "Resources": {\n    "AppServer": {\n      "Type": "AWS::EC2::Instance"\n      "Properties": {}\n    }\n  }\n}\n',
    ':5: not a valid YAML or JSON template (Missing , between flow map items)',
  ],
  ['a YAML list', 'list.yaml', '- Resources\n- Outputs\n', ': not a template (no mapping at the top)'],
  [
    'YAML aliases that expand without bound',
    'laughs.yaml',
    `a: &a [x, x, x, x, x, x, x, x, x]\n${['b', 'c', 'd', 'e', 'f']
      .map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcde'[index]}`).join(', ')}]`)
      .join('\n')}\nResources: {}\n`,
    ': not a valid YAML or JSON template (Excessive alias count indicates a resource exhaustion attack)',
  ],
  [
    'JSON of another kind',
    'package.json',
    '{"name": "infra", "private": true}',
    ': neither a CloudFormation/SAM template (no Resources) nor a Terraform plan (terraform show -json)',
  ],
  [
    "Terraform's binary plan",
    'plan.out',
    Buffer.from([
      0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00, 0x08, 0x00, 0x74, 0x66, 0x70, 0x6c, 0x61, 0x6e,
    ]),
    `: a zip file, as Terraform writes a binary plan; scan reads its JSON: ${PLAN_COMMAND}`,
  ],
  [
    'another binary file',
    'image.template',
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
    ': a binary file, neither a template nor a plan',
  ],
  [
    'a Terraform configuration',
    'main.tf',
    'resource "aws_instance" "app" {\n  ami = "ami-0abcd1234abcd1234"\n}\n',
    `: a Terraform configuration; scan reads its plan: ${PLAN_COMMAND}`,
  ],
  [
    'a Terraform state (terraform show -json without a plan)',
    'state.json',
    '{"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": []}}}',
    `: a Terraform state, not a plan; scan reads a plan: ${PLAN_COMMAND}`,
  ],
  [
    'a plan of a format to come',
    'future-plan.json',
    '{"format_version": "2.0", "terraform_version": "2.0.0", "resource_changes": []}',
    ': a plan of format_version 2.0; scan reads the formats 0.x and 1.x (Terraform 0.12 to 1.x, OpenTofu)',
  ],
];

describe('a file scan does not read', () => {
  it.each(NOT_READ)(
    '%s, named: exit 2, naming the file and what it is',
    async (_, name, content, message) => {
      // Prepare
      const file = write(`named/${name}`, content);

      // Act
      const { code, stdout, stderr } = await runCli('scan', ...TAG, file);

      // Assess
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`error: ${shown(file)}${message}\n`);
    },
  );

  it('in a folder: each is named as skipped, with the same reason, and the rest is scanned', async () => {
    // Prepare: the same files beside a template, and files scan does not look at
    for (const [, name, content] of NOT_READ) write(`folder/${name}`, content);
    const template = write('folder/app.yaml', APP_INSTANCE_YAML);
    write('folder/README.md', '# infra\n');
    write('folder/deploy.sh', '#!/bin/sh\n');

    // Act
    const { code, files, skipped, findings, stderr } = await scanJson(...TAG, join(work, 'folder'));

    // Assess: skipped in name order, with their reasons on stderr; only the template decided
    const named = NOT_READ.filter(([, name]) => !['plan.out'].includes(name))
      .map(([, name, , message]) => [shown(join(work, 'folder', name)), message] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    expect(code).toBe(1);
    expect(files).toEqual([shown(template)]);
    expect(findings).toEqual([expect.objectContaining({ id: 'AppServer', reason: Reason.NoProfile })]);
    expect(skipped).toEqual(named.map(([file]) => file));
    expect(stderr).toBe(named.map(([file, message]) => `skipped ${file}${message}\n`).join(''));
  });
});

describe('a folder', () => {
  it('is walked in name order, into subfolders but not node_modules, .git and .terraform', async () => {
    // Prepare
    const web = write('walk/stacks/web.template', APP_INSTANCE_YAML);
    const api = write('walk/api.yml', APP_INSTANCE_YAML.replace('AppServer', 'ApiServer'));
    const data = write(
      'walk/stacks/data.json',
      JSON.stringify({ Resources: { DataServer: { Type: 'AWS::EC2::Instance', Properties: {} } } }),
    );
    for (const hidden of ['node_modules/pkg', '.git', '.terraform/modules'])
      write(`walk/${hidden}/template.yaml`, APP_INSTANCE_YAML.replace('AppServer', 'Hidden'));

    // Act
    const { files, findings, skipped } = await scanJson(...TAG, join(work, 'walk'));

    // Assess
    expect(files).toEqual([api, data, web].map(shown));
    expect(findings.map((finding) => [finding.id, finding.reason])).toEqual([
      ['ApiServer', Reason.NoProfile],
      ['DataServer', Reason.NotAppTier],
      ['AppServer', Reason.NoProfile],
    ]);
    expect(skipped).toEqual([]);
  });

  it('that does not exist: exit 2, naming it', async () => {
    // Act
    const { code, stderr } = await runCli('scan', ...TAG, join(work, 'nowhere'));

    // Assess
    expect(code).toBe(2);
    expect(stderr).toBe(`error: ${join(work, 'nowhere')}: no such file or directory\n`);
  });

  it('that holds nothing to read: exit 2, naming it, so a mistyped folder never passes a check', async () => {
    // Prepare
    const empty = join(work, 'empty');
    write('empty/notes.txt', 'no template here');

    // Act
    const { code, stderr } = await runCli('scan', ...TAG, empty);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: ${empty}: holds no template, CDK cloud assembly or Terraform plan (.json, .yaml, .yml, .template)\n`,
    );
  });
});

describe('where a finding points', () => {
  it('in JSON: the line of the logical id under Resources, not an earlier mention of the same text', async () => {
    // Prepare: the id also names a parameter and appears in the description, above Resources
    const text = `{
  "Description": "\\"AppServer\\": the app tier",
  "Parameters": {
    "AppServer": { "Type": "String", "Default": "unused" }
  },
  "Resources": {
    "Profile": { "Type": "AWS::IAM::InstanceProfile", "Properties": { "Roles": ["app-role"] } },
    "AppServer": {
      "Type": "AWS::EC2::Instance",
      "Properties": {
        "IamInstanceProfile": { "Ref": "Profile" },
        "Tags": [{ "Key": "tier", "Value": "app" }]
      }
    }
  }
}
`;
    const file = write('lines/template.json', text);

    // Act
    const { findings } = await scanJson(...TAG, file);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({ id: 'AppServer', line: 8, reason: Reason.UsesRole, file: shown(file) }),
    ]);
    expect(text.split('\n')[7]).toBe('    "AppServer": {');
  });

  it('in YAML: the line of the logical id, whatever short forms the template uses', async () => {
    // Prepare: !GetAtt in its dotted and its list forms, !Sub in its list form, a mapping short form
    const file = write(
      'lines/template.yaml',
      `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [app-role]
  DottedTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        IamInstanceProfile: { Arn: !GetAtt Profile.Arn }
        TagSpecifications:
          - ResourceType: instance
            Tags: [{ Key: tier, Value: !Sub ['\${Tier}', { Tier: app }] }]
  ListTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        IamInstanceProfile:
          Arn: !GetAtt [Profile, Arn]
        TagSpecifications:
          - ResourceType: instance
            Tags:
              - Key: tier
                Value: !Join
                  - ''
                  - [a, pp]
`,
    );

    // Act
    const { findings } = await scanJson(...TAG, file);

    // Assess
    expect(findings.map(({ id, line, reason, notes }) => ({ id, line, reason, notes }))).toEqual([
      {
        id: 'DottedTemplate',
        line: 7,
        reason: Reason.UsesRole,
        notes: ['instance profile Profile of this template (GetAtt Profile.Arn): attached'],
      },
      {
        id: 'ListTemplate',
        line: 15,
        reason: Reason.UsesRole,
        notes: ['instance profile Profile of this template (GetAtt Profile.Arn): attached'],
      },
    ]);
  });
});
