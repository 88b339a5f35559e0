import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { GuardTarget, guardRules } from '../guard/rules.js';
import { ComplianceType } from '../rule/compliance.js';
import {
  completeParameters,
  parseRuleParameters,
  RULE_PARAMETER_ALIASES,
  type RuleParameters,
} from '../rule/parameters.js';
import { toSarif } from '../scan/sarif.js';
import { type ScanReport, scanPaths } from '../scan/scan-paths.js';
import { ExitCode } from './exit-code.js';
import { toTable } from './output.js';
import { PROGRAM } from './usage.js';

/** Where a run of `scan` or `guard` writes. */
export interface BeforeDeployIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const OPTIONS = {
  'tag-key': { type: 'string' },
  'tag-value': { type: 'string' },
  'allowed-profile-arns': { type: 'string' },
  'allowed-instance-profile-arns': { type: 'string' },
  'require-role-in-profile': { type: 'boolean' },
  'rule-parameters': { type: 'string' },
  output: { type: 'string', short: 'o' },
  'output-file': { type: 'string' },
  target: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

/** The output formats of `scan`. */
export const ScanOutput = { Table: 'table', Json: 'json', Sarif: 'sarif' } as const;
export type ScanOutput = (typeof ScanOutput)[keyof typeof ScanOutput];

const canonical = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * The rule parameters of `scan` and `guard`, through the Lambda's own parser: `--rule-parameters` (the
 * rule's InputParameters JSON), then the flags on top. No AWS call: a tag from SSM (tagParameterName) must be
 * given with --tag-key and --tag-value instead.
 */
export const templateParameters = (values: Values): RuleParameters => {
  const raw: Record<string, unknown> = {};
  if (values['rule-parameters'] !== undefined) {
    // The parser names a problem of the JSON text as it does for the Lambda.
    parseRuleParameters(values['rule-parameters']);
    Object.assign(raw, JSON.parse(values['rule-parameters']));
  }
  const allowedFlags = [values['allowed-profile-arns'], values['allowed-instance-profile-arns']].filter(
    (value) => value !== undefined,
  );
  if (allowedFlags.length === 2 && allowedFlags[0] !== allowedFlags[1])
    throw new UsageError(
      '--allowed-profile-arns and --allowed-instance-profile-arns differ: give one of them',
    );
  const overrides: Record<string, string | undefined> = {
    appTierTagKey: values['tag-key'],
    appTierTagValue: values['tag-value'],
    allowedInstanceProfileArns: allowedFlags[0],
    requireRoleInProfile: values['require-role-in-profile'] === true ? 'true' : undefined,
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    for (const key of Object.keys(raw)) {
      const spelled = canonical(key);
      const alias = Object.entries(RULE_PARAMETER_ALIASES).find(([other]) => canonical(other) === spelled);
      if (spelled === name || alias?.[1] === name) delete raw[key];
    }
    raw[name] = value;
  }
  if (Object.keys(raw).length === 0)
    throw new UsageError('Name the app-tier tag with --tag-key and --tag-value, or give --rule-parameters');
  const parsed = parseRuleParameters(JSON.stringify(raw));
  if (parsed.tag.key === undefined || parsed.tag.values === undefined) {
    throw new UsageError(
      `the app-tier tag comes from SSM parameter ${parsed.tagParameterName ?? '(none)'}, which ${PROGRAM} does not read before deploy: give --tag-key and --tag-value`,
    );
  }
  return completeParameters(parsed);
};

const parse = (args: readonly string[]) => {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
};

const NONE = '-';

const renderScan = (report: ScanReport, format: ScanOutput): string => {
  if (format === ScanOutput.Sarif) {
    const tool = {
      name: PROGRAM,
      version: process.env.npm_package_version ?? '0.1.0',
      informationUri: 'https://github.com/example-org/app-tier-iam-role-rule',
    };
    return `${JSON.stringify(toSarif(report.findings, tool), null, 2)}\n`;
  }
  if (format === ScanOutput.Json) {
    const findings = report.findings.map(({ location, decision, notes }) => ({
      file: location.file,
      line: location.line,
      id: location.id,
      resourceType: location.resourceType,
      constructPath: location.constructPath ?? null,
      compliance: decision.compliance,
      reason: decision.reason,
      annotation: decision.annotation,
      notes,
    }));
    const skipped = report.skipped.map(({ file }) => file);
    return `${JSON.stringify({ files: report.files, skipped, findings }, null, 2)}\n`;
  }
  const rows = report.findings.map(({ location, decision, notes }) => [
    `${location.file}:${location.line}`,
    location.constructPath ?? location.id,
    location.resourceType,
    decision.compliance,
    [decision.annotation, ...notes].join(' | ') || NONE,
  ]);
  const counts = Object.values(ComplianceType)
    .map(
      (type) => `${report.findings.filter((finding) => finding.decision.compliance === type).length} ${type}`,
    )
    .join(', ');
  const table = rows.length === 0 ? '' : toTable(['FILE:LINE', 'RESOURCE', 'TYPE', 'RESULT', 'WHY'], rows);
  return `${table}${rows.length === 0 ? '' : '\n'}${report.files.length} file(s), ${report.findings.length} resource(s) that launch instances: ${counts}\n`;
};

/** `scan PATH…`: exit 0 when nothing is NON_COMPLIANT, 1 when something is. */
export const runScan = (args: readonly string[], io: BeforeDeployIo): ExitCode => {
  const { values, positionals } = parse(args);
  if (values.target !== undefined) throw new UsageError('--target: only for guard');
  if (positionals.length === 0) throw new UsageError('scan needs a template, plan or cdk.out directory');
  const format = (values.output ?? ScanOutput.Table) as ScanOutput;
  if (!(Object.values(ScanOutput) as string[]).includes(format))
    throw new UsageError(`--output must be one of ${Object.values(ScanOutput).join(', ')}, got "${format}"`);
  const parameters = templateParameters(values);
  const report = scanPaths(positionals, parameters);
  const text = renderScan(report, format);
  if (values['output-file'] === undefined) io.stdout(text);
  else writeFileSync(values['output-file'], text);
  for (const { why } of report.skipped) io.stderr(`skipped ${why}\n`);
  return report.findings.some((finding) => finding.decision.compliance === ComplianceType.NonCompliant)
    ? ExitCode.NonCompliant
    : ExitCode.Ok;
};

/** `guard`: prints the Guard rules of the parameters. */
export const runGuard = (args: readonly string[], io: BeforeDeployIo): ExitCode => {
  const { values, positionals } = parse(args);
  if (positionals.length > 0) throw new UsageError(`guard takes no paths, got ${positionals.join(' ')}`);
  if (values.output !== undefined) throw new UsageError('--output: only for scan');
  const target = (values.target ?? GuardTarget.Template) as GuardTarget;
  if (!(Object.values(GuardTarget) as string[]).includes(target))
    throw new UsageError(`--target must be one of ${Object.values(GuardTarget).join(', ')}, got "${target}"`);
  const parameters = templateParameters(values);
  const text = guardRules(parameters, target, `${PROGRAM} guard ${args.join(' ')}`.trim());
  if (values['output-file'] === undefined) io.stdout(text);
  else writeFileSync(values['output-file'], text);
  return ExitCode.Ok;
};
