import { parseInstanceProfileArn } from '../aws/names.js';
import { ComplianceType } from '../rule/compliance.js';
import { ANY_VALUE, describeTag, type RuleParameters } from '../rule/parameters.js';
import { type AuditReport, type AuditResult, countResults, type RegionOutcome } from './audit.js';
import { RemediationOutcome, type RemediationReport, type RemediationResult } from './remediate.js';

/** How a command prints its result: a table for people, JSON or CSV for machines. */
export const OutputFormat = { Table: 'table', Json: 'json', Csv: 'csv' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** What a command prints: the result on stdout; in CSV, the failed regions go to stderr (CSV has no room). */
export interface Rendered {
  readonly stdout: string;
  readonly stderr?: string;
}

const NONE = '-';

/** A CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/** CSV per RFC 4180: a header line, CRLF after every record. */
export const toCsv = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');

/** Columns padded to their widest cell; the last column (free text) is not padded. */
export const toTable = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  // Under the free-text column the rule is as long as its header: the cells may run much longer.
  const rule = widths
    .map((width, column) => '-'.repeat(column === widths.length - 1 ? (header[column] ?? '').length : width))
    .join('  ');
  return [line(header), rule, ...rows.map(line)].map((text) => `${text}\n`).join('');
};

/** The name part of an instance profile ARN, for the table (JSON and CSV carry the whole ARN). */
const profileName = (arn: string | undefined): string =>
  arn === undefined ? NONE : (parseInstanceProfileArn(arn)?.name ?? arn);

const parametersJson = (parameters: RuleParameters) => ({
  tag: {
    key: parameters.tag.key,
    values: parameters.tag.values === ANY_VALUE ? ANY_VALUE : [...parameters.tag.values],
  },
  allowedInstanceProfileArns:
    parameters.allowedInstanceProfileArns === undefined ? null : [...parameters.allowedInstanceProfileArns],
  requireRoleInProfile: parameters.requireRoleInProfile,
});

const regionsJson = (regions: readonly RegionOutcome[]) =>
  regions.map((region) => ({
    region: region.region,
    instances: region.instances,
    error: region.error ?? null,
  }));

const describeParameters = (report: AuditReport): string => {
  const { parameters } = report;
  const options = [
    `tag ${describeTag(parameters.tag)}`,
    ...(parameters.allowedInstanceProfileArns === undefined
      ? []
      : [`allowedInstanceProfileArns (${parameters.allowedInstanceProfileArns.size})`]),
    ...(parameters.requireRoleInProfile ? ['requireRoleInProfile'] : []),
  ];
  return `${options.join(', ')}; from ${report.source}`;
};

const failedRegions = (regions: readonly RegionOutcome[]): string =>
  regions
    .filter((region) => region.error !== undefined)
    .map((region) => `Region ${region.region} was not scanned: ${region.error}\n`)
    .join('');

/** What the instances with the tag key in another case mean, under the table. */
const otherCaseLine = (report: AuditReport, count: number): string => {
  const key = report.parameters.tag.key;
  const spellings = new Set(report.results.flatMap((result) => result.otherCaseKey ?? []));
  return (
    `${count} instance(s) carry the tag key in another case (${[...spellings].join(', ')} for ${key}): ` +
    'tag keys are case-sensitive, so the rule does not count them as app tier.\n'
  );
};

/** The fields of a result in JSON, in order; CSV has the same columns, in snake_case. */
const AUDIT_FIELDS = [
  'region',
  'instanceId',
  'name',
  'state',
  'instanceProfileArn',
  'compliance',
  'reason',
  'annotation',
] as const satisfies readonly (keyof AuditResult)[];
const REMEDIATION_FIELDS = [
  'region',
  'instanceId',
  'name',
  'currentProfileArn',
  'outcome',
  'detail',
] as const satisfies readonly (keyof RemediationResult)[];

const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * JSON (the document, the regions, the results' fields, the summary) or CSV (a column per field, the
 * failed regions on stderr); undefined for the table, which each command lays out itself.
 */
const machineReadable = <Row extends object>(
  format: OutputFormat,
  fields: readonly (keyof Row & string)[],
  rows: readonly Row[],
  regions: readonly RegionOutcome[],
  document: Record<string, unknown>,
  summary: Record<string, number>,
): Rendered | undefined => {
  const value = (row: Row, field: keyof Row & string) => row[field] as string | undefined;
  if (format === OutputFormat.Json) {
    const results = rows.map((row) =>
      Object.fromEntries(fields.map((field) => [field, value(row, field) ?? null])),
    );
    const json = { ...document, regions: regionsJson(regions), results, summary };
    return { stdout: `${JSON.stringify(json, null, 2)}\n` };
  }
  if (format === OutputFormat.Csv) {
    const csv = toCsv(
      fields.map(snakeCase),
      rows.map((row) => fields.map((field) => value(row, field) ?? '')),
    );
    const errors = failedRegions(regions);
    return { stdout: csv, ...(errors === '' ? {} : { stderr: errors }) };
  }
  return undefined;
};

/** The audit in the chosen format. */
export const renderAudit = (report: AuditReport, format: OutputFormat): Rendered => {
  const counts = countResults(report);
  const document = { command: 'audit', parameters: parametersJson(report.parameters), source: report.source };
  const machine = machineReadable(format, AUDIT_FIELDS, report.results, report.regions, document, counts);
  if (machine !== undefined) return machine;

  const scanned = report.regions.length - counts.regionErrors;
  const lines = [`Audit of ${report.regions.length} region(s): ${describeParameters(report)}\n\n`];
  const appTier = report.results.length - counts.tagKeyCase;
  if (report.results.length === 0) {
    lines.push(`No app-tier instances in the ${scanned} region(s) scanned.\n`);
  } else {
    lines.push(
      toTable(
        ['REGION', 'INSTANCE', 'NAME', 'STATE', 'PROFILE', 'RESULT', 'DETAIL'],
        report.results.map((result) => [
          result.region,
          result.instanceId,
          result.name ?? NONE,
          result.state ?? NONE,
          profileName(result.instanceProfileArn),
          result.compliance,
          result.annotation,
        ]),
      ),
      '\n',
      // The counts are of the rows above, which include those with the tag key in another case.
      `${appTier} app-tier instance(s)` +
        `${counts.tagKeyCase > 0 ? ` and ${counts.tagKeyCase} with the tag key in another case,` : ''}` +
        ` in ${scanned} region(s) scanned: ` +
        `${counts[ComplianceType.Compliant]} COMPLIANT, ${counts[ComplianceType.NonCompliant]} NON_COMPLIANT, ` +
        `${counts[ComplianceType.NotApplicable]} NOT_APPLICABLE.\n`,
    );
    if (counts.tagKeyCase > 0) lines.push(otherCaseLine(report, counts.tagKeyCase));
  }
  lines.push(failedRegions(report.regions));
  return { stdout: lines.join('') };
};

const outcomeCounts = (report: RemediationReport) => {
  const counts = Object.fromEntries(
    Object.values(RemediationOutcome).map((outcome) => [outcome, 0]),
  ) as Record<RemediationOutcome, number>;
  for (const result of report.results) counts[result.outcome] += 1;
  return counts;
};

/** The remediation in the chosen format. */
export const renderRemediation = (report: RemediationReport, format: OutputFormat): Rendered => {
  const counts = outcomeCounts(report);
  const document = {
    command: 'remediate',
    mode: report.apply ? 'apply' : 'dry-run',
    instanceProfile: report.instanceProfile,
    replace: report.replace,
    parameters: parametersJson(report.audit.parameters),
    source: report.audit.source,
  };
  const summary = { ...counts, regionErrors: countResults(report.audit).regionErrors };
  const machine = machineReadable(
    format,
    REMEDIATION_FIELDS,
    report.results,
    report.audit.regions,
    document,
    summary,
  );
  if (machine !== undefined) return machine;

  const lines = [
    `${report.apply ? 'Remediation' : 'Dry run'} with instance profile ${report.instanceProfile} ` +
      `of ${report.audit.regions.length} region(s): ${describeParameters(report.audit)}\n\n`,
  ];
  if (report.results.length === 0) {
    lines.push('No NON_COMPLIANT app-tier instance: nothing to do.\n');
  } else {
    lines.push(
      toTable(
        ['REGION', 'INSTANCE', 'NAME', 'CURRENT PROFILE', 'RESULT', 'DETAIL'],
        report.results.map((result) => [
          result.region,
          result.instanceId,
          result.name ?? NONE,
          profileName(result.currentProfileArn),
          result.outcome,
          result.detail,
        ]),
      ),
      '\n',
      `${Object.entries(counts)
        .filter(([, count]) => count > 0)
        .map(([outcome, count]) => `${count} ${outcome}`)
        .join(', ')}.\n`,
    );
    if (!report.apply) lines.push('Nothing was changed: run again with --apply to act.\n');
  }
  lines.push(failedRegions(report.audit.regions));
  return { stdout: lines.join('') };
};
