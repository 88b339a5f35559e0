import { pathToFileURL } from 'node:url';
import { ComplianceType, Reason } from '../rule/compliance.js';
import type { ScanFinding } from './scanned.js';

/** The NON_COMPLIANT reasons a finding can have, with a title and the fix: SARIF rules, CDK violations. */
export const FINDING_RULES = [
  [
    Reason.NoProfile,
    'App-tier instance without an IAM instance profile',
    'Set IamInstanceProfile (CloudFormation) or iam_instance_profile (Terraform) to a profile that holds an IAM role.',
  ],
  [
    Reason.ProfileWithoutArn,
    'Instance profile association without an ARN',
    'Name the instance profile by its ARN or name.',
  ],
  [
    Reason.ProfileNotAllowed,
    'Instance profile outside the allowed list',
    'Use one of the instance profiles of allowedInstanceProfileArns.',
  ],
  [
    Reason.ProfileNotVerifiable,
    'Instance profile not verifiable before deploy',
    'Name an allowed instance profile ARN literally, so it can be checked against allowedInstanceProfileArns.',
  ],
  [
    Reason.ProfileWithoutRole,
    'Instance profile without an IAM role',
    'Put an IAM role in the instance profile (Roles).',
  ],
] as const;

/** What the SARIF log says of the tool. */
export interface SarifTool {
  readonly name: string;
  readonly version: string;
  readonly informationUri: string;
}

/**
 * SARIF 2.1.0 for code scanning: one result per NON_COMPLIANT finding, at its file and line, with the logical
 * id (or Terraform address) and construct path as logical locations. Paths are relative to `root`.
 */
export const toSarif = (findings: readonly ScanFinding[], tool: SarifTool, root = process.cwd()) => ({
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  version: '2.1.0',
  runs: [
    {
      tool: {
        driver: {
          name: tool.name,
          semanticVersion: tool.version,
          informationUri: tool.informationUri,
          rules: FINDING_RULES.map(([id, name, help]) => ({
            id,
            name: name.replace(/[^A-Za-z]+(.)?/g, (_, next?: string) => next?.toUpperCase() ?? ''),
            shortDescription: { text: name },
            fullDescription: {
              text: `${name}: app-tier EC2 instances must get their AWS credentials from an IAM role.`,
            },
            help: { text: help },
            defaultConfiguration: { level: 'error' },
          })),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(`${root.replace(/\/?$/, '/')}`).href } },
      results: findings
        .filter((finding) => finding.decision.compliance === ComplianceType.NonCompliant)
        .map((finding) => {
          const { location, decision } = finding;
          const notes = finding.notes.length === 0 ? '' : ` (${finding.notes.join('; ')})`;
          return {
            ruleId: decision.reason,
            ruleIndex: FINDING_RULES.findIndex(([id]) => id === decision.reason),
            level: 'error',
            message: { text: `${location.id}: ${decision.annotation}${notes}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: encodeURI(location.file), uriBaseId: 'SRCROOT' },
                  region: { startLine: location.line },
                },
                logicalLocations: [
                  {
                    name: location.id,
                    fullyQualifiedName: location.constructPath ?? location.id,
                    kind: 'resource',
                  },
                ],
              },
            ],
            properties: { resourceType: location.resourceType, reason: decision.reason },
          };
        }),
    },
  ],
});
