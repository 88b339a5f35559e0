import { parseInstanceProfileArn } from '../aws/names.js';
import { renderHtmlReport } from '../report/html.js';
import { ComplianceType } from '../rule/compliance.js';
import { ownerLabel } from '../rule/owner-advice.js';
import { ANY_VALUE, describeTag, type RuleParameters } from '../rule/parameters.js';
import {
  type AccountOutcome,
  type AuditReport,
  type AuditResult,
  countResults,
  type NotKnownField,
  type RegionOutcome,
} from './audit.js';
import { type TemplateFix, type TemplateFixReport, TemplateOutcome } from './launch-templates.js';
import { groupByOwner, type OwnerGroup } from './owner-groups.js';
import { RemediationOutcome, type RemediationReport, type RemediationResult } from './remediate.js';

/** How a command prints its result: a table for people, JSON or CSV for machines. */
export const OutputFormat = { Table: 'table', Json: 'json', Csv: 'csv', Html: 'html' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** What a command prints: the result on stdout; in CSV, the failed regions go to stderr (CSV has no room). */
export interface Rendered {
  readonly stdout: string;
  readonly stderr?: string;
}

const NONE = '-';
/** A cell the source does not hold (a Config aggregator: no name, state, profile or owner). */
const NOT_KNOWN = 'not known';

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

const parametersJson = (parameters: RuleParameters | undefined) =>
  parameters === undefined ? null : parametersObject(parameters);

const parametersObject = (parameters: RuleParameters) => ({
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
    ...(region.account === undefined ? {} : { account: region.account }),
    region: region.region,
    instances: region.instances,
    error: region.error ?? null,
  }));

const accountsJson = (accounts: readonly AccountOutcome[]) =>
  accounts.map((account) => ({
    account: account.account,
    name: account.name ?? null,
    regions: account.regions,
    instances: account.instances,
    error: account.error ?? null,
  }));

const describeParameters = (report: AuditReport): string => {
  const { parameters } = report;
  if (parameters === undefined) return report.source;
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
    .map(
      (region) =>
        `Region ${region.region}${region.account === undefined ? '' : ` of account ${region.account}`} was not scanned: ${region.error}\n`,
    )
    .join('');

/** The accounts that could not be audited, named one a line. */
const failedAccounts = (accounts: readonly AccountOutcome[] | undefined): string =>
  (accounts ?? [])
    .filter((account) => account.error !== undefined)
    .map(
      (account) =>
        `Account ${account.account}${account.name === undefined ? '' : ` (${account.name})`} was not audited: ${account.error}\n`,
    )
    .join('');

/** What the instances with the tag key in another case mean, under the table. */
const otherCaseLine = (report: AuditReport, count: number): string => {
  const key = report.parameters?.tag.key;
  const spellings = new Set(report.results.flatMap((result) => result.otherCaseKey ?? []));
  return (
    `${count} instance(s) carry the tag key in another case (${[...spellings].join(', ')} for ${key}): ` +
    'tag keys are case-sensitive, so the rule does not count them as app tier.\n'
  );
};

/** A field of a row: its text (CSV, tables) and, where it is more than text, its JSON value. */
interface Field<Row> {
  readonly name: string;
  readonly text: (row: Row) => string | undefined;
  readonly json?: (row: Row) => unknown;
  /** False for a field of JSON alone. */
  readonly csv?: false;
}

/** A field that is a string property of the row, under its own name. */
const property = <Row>(name: keyof Row & string): Field<Row> => ({
  name,
  text: (row) => row[name] as string | undefined,
});

/** A field the source may not hold: `not known` in CSV, null in JSON (whose `notKnown` lists it). */
const knowable = (field: Field<AuditResult> & { name: NotKnownField }): Field<AuditResult> => ({
  name: field.name,
  text: (row) => (row.notKnown?.includes(field.name) ? NOT_KNOWN : field.text(row)),
  json: (row) => (row.notKnown?.includes(field.name) ? undefined : (field.json ?? field.text)(row)),
});

/** The fields of a result in JSON, in order; CSV has the same columns, in snake_case, but `notKnown`. */
const AUDIT_FIELDS: readonly Field<AuditResult>[] = [
  property('account'),
  property('region'),
  property('instanceId'),
  knowable({ ...property('name'), name: 'name' }),
  knowable({ ...property('state'), name: 'state' }),
  knowable({ ...property('instanceProfileArn'), name: 'instanceProfileArn' }),
  // CSV and tables name the owner; JSON gives its parts (kind, group, launch template, stack, ...).
  knowable({
    name: 'owner',
    text: (row) => (row.owner === undefined ? undefined : ownerLabel(row.owner)),
    json: (row) => row.owner,
  }),
  property('compliance'),
  knowable({ ...property('reason'), name: 'reason' }),
  property('annotation'),
  { name: 'notKnown', text: () => undefined, json: (row) => row.notKnown ?? [], csv: false },
];
const REMEDIATION_FIELDS: readonly Field<RemediationResult>[] = [
  property('region'),
  property('instanceId'),
  property('name'),
  property('currentProfileArn'),
  property('owner'),
  property('outcome'),
  property('detail'),
];

const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * JSON (the document, the regions, the results' fields, the summary) or CSV (a column per field, the
 * failed regions on stderr); undefined for the table, which each command lays out itself.
 */
const machineReadable = <Row extends object>(
  format: OutputFormat,
  fields: readonly Field<Row>[],
  rows: readonly Row[],
  regions: readonly RegionOutcome[],
  document: Record<string, unknown>,
  summary: Record<string, number>,
  rowsName = 'results',
): Rendered | undefined => {
  if (format === OutputFormat.Json) {
    const results = rows.map((row) =>
      Object.fromEntries(fields.map((field) => [field.name, (field.json ?? field.text)(row) ?? null])),
    );
    const { accounts, ...rest } = document;
    const json = {
      ...rest,
      ...(accounts === undefined ? {} : { accounts: accountsJson(accounts as AccountOutcome[]) }),
      regions: regionsJson(regions),
      [rowsName]: results,
      summary,
    };
    return { stdout: `${JSON.stringify(json, null, 2)}\n` };
  }
  if (format === OutputFormat.Csv) {
    const columns = fields.filter((field) => field.csv !== false);
    const csv = toCsv(
      columns.map((field) => snakeCase(field.name)),
      rows.map((row) => columns.map((field) => field.text(row) ?? '')),
    );
    const errors = failedAccounts(document.accounts as AccountOutcome[] | undefined) + failedRegions(regions);
    return { stdout: csv, ...(errors === '' ? {} : { stderr: errors }) };
  }
  return undefined;
};

/** The audit in the chosen format. */
export const renderAudit = (report: AuditReport, format: OutputFormat): Rendered => {
  if (format === OutputFormat.Html) return { stdout: renderHtmlReport(report) };
  const counts = countResults(report);
  const document = {
    command: 'audit',
    parameters: parametersJson(report.parameters),
    source: report.source,
    ...(report.accounts === undefined ? {} : { accounts: report.accounts }),
  };
  const machine = machineReadable(format, AUDIT_FIELDS, report.results, report.regions, document, counts);
  if (machine !== undefined) return machine;

  const scanned = report.regions.length - counts.regionErrors;
  // Across accounts, a column says whose; a single account is named in the heading when STS said which.
  const across = report.accounts !== undefined;
  const ownAccount = across ? undefined : report.regions[0]?.account;
  const where = across
    ? `${report.accounts?.length ?? 0} account(s), ${report.regions.length} region(s)`
    : `${report.regions.length} region(s)${ownAccount === undefined ? '' : ` of account ${ownAccount}`}`;
  const lines = [`Audit of ${where}: ${describeParameters(report)}\n\n`];
  const cell = (result: AuditResult, field: NotKnownField, text: string) =>
    result.notKnown?.includes(field) ? NOT_KNOWN : text;
  const appTier = report.results.length - counts.tagKeyCase;
  if (report.results.length === 0) {
    lines.push(`No app-tier instances in the ${scanned} region(s) scanned.\n`);
  } else {
    lines.push(
      toTable(
        [
          ...(across ? ['ACCOUNT'] : []),
          'REGION',
          'INSTANCE',
          'NAME',
          'STATE',
          'PROFILE',
          'OWNER',
          'RESULT',
          'DETAIL',
        ],
        report.results.map((result) => [
          ...(across ? [result.account ?? NONE] : []),
          result.region,
          result.instanceId,
          cell(result, 'name', result.name ?? NONE),
          cell(result, 'state', result.state ?? NONE),
          cell(result, 'instanceProfileArn', profileName(result.instanceProfileArn)),
          cell(result, 'owner', result.owner === undefined ? NONE : ownerLabel(result.owner)),
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
  lines.push(failedAccounts(report.accounts), failedRegions(report.regions));
  return { stdout: lines.join('') };
};

/** `audit --group-by owner`: one row per source that leaves instances NON_COMPLIANT, most first. */
export const renderOwnerGroups = (report: AuditReport, format: OutputFormat): Rendered => {
  const groups = groupByOwner(report.results);
  const fields: readonly Field<OwnerGroup>[] = [
    { name: 'owner', text: (group) => group.label },
    { name: 'account', text: (group) => group.account },
    {
      name: 'nonCompliant',
      text: (group) => String(group.nonCompliant),
      json: (group) => group.nonCompliant,
    },
    { name: 'instances', text: (group) => String(group.instances), json: (group) => group.instances },
    { name: 'exampleRegion', text: (group) => group.example.region },
    { name: 'exampleInstanceId', text: (group) => group.example.instanceId },
    { name: 'fix', text: (group) => group.fix },
  ];
  const document = {
    command: 'audit',
    groupBy: 'owner',
    parameters: parametersJson(report.parameters),
    source: report.source,
  };
  const machine = machineReadable(
    format,
    fields,
    groups,
    report.regions,
    document,
    countResults(report),
    'groups',
  );
  if (machine !== undefined) return machine;

  const lines = [`Sources of NON_COMPLIANT app-tier instances: ${describeParameters(report)}\n\n`];
  if (groups.length === 0) {
    lines.push('No app-tier instance is NON_COMPLIANT: nothing to fix.\n');
  } else {
    lines.push(
      toTable(
        ['OWNER', 'ACCOUNT', 'NON_COMPLIANT', 'INSTANCES', 'EXAMPLE', 'FIX'],
        groups.map((group) => [
          group.label,
          group.account ?? NONE,
          String(group.nonCompliant),
          String(group.instances),
          `${group.example.region} ${group.example.instanceId}`,
          group.fix,
        ]),
      ),
      '\n',
      `${groups.reduce((sum, group) => sum + group.nonCompliant, 0)} NON_COMPLIANT instance(s) from ${groups.length} source(s).\n`,
    );
  }
  lines.push(failedRegions(report.regions));
  return { stdout: lines.join('') };
};

/** `remediate --launch-templates`: a row per launch template, then the groups that use each. */
export const renderTemplateFixes = (report: TemplateFixReport, format: OutputFormat): Rendered => {
  const fields: readonly Field<TemplateFix>[] = [
    property('region'),
    property('launchTemplateId'),
    property('launchTemplateName'),
    property('sourceVersion'),
    {
      name: 'newVersion',
      text: (fix) => (fix.newVersion === undefined ? undefined : String(fix.newVersion)),
      json: (fix) => fix.newVersion,
    },
    { name: 'madeDefault', text: (fix) => String(fix.madeDefault), json: (fix) => fix.madeDefault },
    property('outcome'),
    property('detail'),
    { name: 'instanceIds', text: (fix) => fix.instanceIds.join(' '), json: (fix) => fix.instanceIds },
    {
      name: 'groups',
      text: (fix) =>
        fix.groups
          .map((group) => `${group.name}@${group.version}:${group.launchesNewVersion ? 'new' : 'old'}`)
          .join(' '),
      json: (fix) => fix.groups,
    },
  ];
  const counts = Object.fromEntries(
    Object.values(TemplateOutcome).map((outcome) => [
      outcome,
      report.fixes.filter((fix) => fix.outcome === outcome).length,
    ]),
  );
  const summary = { ...counts, notFromTemplates: report.notFromTemplates.length };
  const document = {
    command: 'remediate',
    mode: report.apply ? 'apply' : 'dry-run',
    launchTemplates: true,
    instanceProfile: report.instanceProfile,
    setDefault: report.setDefault,
    parameters: parametersJson(report.audit.parameters),
    source: report.audit.source,
  };
  const machine = machineReadable(
    format,
    fields,
    report.fixes,
    report.audit.regions,
    document,
    summary,
    'templates',
  );
  if (machine !== undefined) return machine;

  const lines = [
    `${report.apply ? 'Launch template fix' : 'Dry run of the launch template fix'} with instance profile ` +
      `${report.instanceProfile}: ${describeParameters(report.audit)}\n\n`,
  ];
  if (report.fixes.length === 0) {
    lines.push('No NON_COMPLIANT app-tier instance was launched from a launch template: nothing to do.\n');
  } else {
    lines.push(
      toTable(
        ['REGION', 'LAUNCH TEMPLATE', 'FROM', 'NEW', 'RESULT', 'INSTANCES', 'DETAIL'],
        report.fixes.map((fix) => [
          fix.region,
          fix.launchTemplateName === undefined
            ? fix.launchTemplateId
            : `${fix.launchTemplateId} (${fix.launchTemplateName})`,
          fix.sourceVersion,
          fix.newVersion === undefined ? NONE : String(fix.newVersion),
          fix.outcome,
          String(fix.instanceIds.length),
          fix.detail,
        ]),
      ),
    );
    for (const fix of report.fixes.filter((entry) => entry.groups.length > 0)) {
      lines.push(`\nAuto Scaling groups using ${fix.launchTemplateId}:\n`);
      for (const group of fix.groups) {
        lines.push(
          `  ${group.name} (version ${group.version}): ${group.launchesNewVersion ? 'launches the new version' : 'keeps launching the old one'}\n` +
            `    ${group.command}\n`,
        );
      }
    }
    if (!report.apply) lines.push('\nNothing was changed: run again with --apply to act.\n');
    lines.push('No instance refresh was started: the commands above replace the instances.\n');
  }
  if (report.notFromTemplates.length > 0) {
    lines.push(
      `${report.notFromTemplates.length} NON_COMPLIANT instance(s) not launched from a launch template this can change ` +
        '(none, or one its owner manages): see audit --group-by owner.\n',
    );
  }
  lines.push(failedRegions(report.audit.regions));
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
    includeOwned: report.includeOwned,
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
