import { createHash } from 'node:crypto';
import type { AuditReport, AuditResult, NotKnownField } from '../cli/audit.js';
import { fixAtOwner, groupByOwner } from '../cli/owner-groups.js';
import { ComplianceType, Reason } from '../rule/compliance.js';
import { ownerLabel } from '../rule/owner-advice.js';
import { describeTag } from '../rule/parameters.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { heatMap } from './heat-map.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/** The columns of the instance table, as the page's data names them, and their headings. */
const COLUMNS = [
  ['account', 'Account'],
  ['region', 'Region'],
  ['instance', 'Instance'],
  ['name', 'Name'],
  ['state', 'State'],
  ['owner', 'Owner'],
  ['compliance', 'Result'],
  ['fix', 'Fix'],
  ['detail', 'Detail'],
] as const;

const NOT_KNOWN = 'not known';

/** The fix on the instance itself, for a NON_COMPLIANT instance that no owner replaces. */
const INSTANCE_FIX: Partial<Record<Reason, string>> = {
  [Reason.NoProfile]: 'attach an instance profile (ec2 associate-iam-instance-profile, or remediate)',
  [Reason.ProfileNotAllowed]:
    'switch to an allowed profile (ec2 replace-iam-instance-profile-association, or remediate --replace)',
  [Reason.ProfileWithoutRole]:
    'add a role to the profile (iam add-role-to-instance-profile) or switch profile',
  [Reason.ProfileWithoutArn]: 'check the association (ec2 describe-iam-instance-profile-associations)',
};

/**
 * What fixes a NON_COMPLIANT instance: at its owner when it has one (a profile attached by hand would not
 * outlive a replacement), else on the instance; from a Config aggregator, which holds no reason, the
 * rule's annotation (which states the fix).
 */
export const fixOf = (result: AuditResult): string => {
  if (result.compliance !== ComplianceType.NonCompliant) return '';
  const atSource = fixAtOwner(result);
  if (atSource !== undefined && result.owner !== undefined) return `${ownerLabel(result.owner)}: ${atSource}`;
  return (result.reason === undefined ? undefined : INSTANCE_FIX[result.reason]) ?? result.annotation;
};

const rowOf = (result: AuditResult): string[] => {
  const cell = (field: NotKnownField, text: string | undefined) =>
    result.notKnown?.includes(field) ? NOT_KNOWN : (text ?? '');
  return [
    result.account ?? '',
    result.region,
    result.instanceId,
    cell('name', result.name),
    cell('state', result.state),
    cell('owner', result.owner === undefined ? undefined : ownerLabel(result.owner)),
    result.compliance,
    fixOf(result),
    result.annotation,
  ];
};

/** NON_COMPLIANT first, then COMPLIANT, then the rest; within each by account, region and instance. */
const CONCERN: Record<string, number> = { [ComplianceType.NonCompliant]: 0, [ComplianceType.Compliant]: 1 };
const byConcern = (a: AuditResult, b: AuditResult): number =>
  (CONCERN[a.compliance] ?? 2) - (CONCERN[b.compliance] ?? 2) ||
  (a.account ?? '').localeCompare(b.account ?? '') ||
  a.region.localeCompare(b.region) ||
  a.instanceId.localeCompare(b.instanceId);

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const figure = (label: string, value: number, tone = '') =>
  `<li${tone === '' ? '' : ` class="${tone}"`}><span class="figure">${value.toLocaleString('en-US')}</span>${escapeHtml(label)}</li>`;

/** What could not be audited, one item each: accounts first, then regions. */
const failures = (report: AuditReport): string => {
  const items = [
    ...(report.accounts ?? [])
      .filter((account) => account.error !== undefined)
      .map(
        (account) =>
          `<li>Account <strong>${escapeHtml(account.account)}</strong>${account.name === undefined ? '' : ` (${escapeHtml(account.name)})`}: ${escapeHtml(account.error ?? '')}</li>`,
      ),
    ...report.regions
      .filter((region) => region.error !== undefined)
      .map(
        (region) =>
          `<li>Region <strong>${escapeHtml(region.region)}</strong>${region.account === undefined ? '' : ` of account ${escapeHtml(region.account)}`}: ${escapeHtml(region.error ?? '')}</li>`,
      ),
  ];
  if (items.length === 0) return '';
  const list = `<ul>${items.join('')}</ul>`;
  return (
    `<div class="failures" id="not-audited"><strong>Could not be audited (${items.length}):</strong> ` +
    'their instances are not in this report.' +
    (items.length > 20 ? `<details><summary>Show all</summary>${list}</details>` : list) +
    '</div>'
  );
};

/** The sources the report lists; the table below holds every instance. */
const MOST_SOURCES = 10;

const sourcesSection = (report: AuditReport): string => {
  const groups = groupByOwner(report.results);
  const owned = groups.filter((group) => group.owner !== undefined);
  const sources = owned.slice(0, MOST_SOURCES);
  const unowned = groups.find((group) => group.owner === undefined)?.nonCompliant ?? 0;
  const unownedLine =
    unowned > 0
      ? `<p class="note">${unowned.toLocaleString('en-US')} NON_COMPLIANT instance(s) have no owner: each is fixed on the instance (see the table).</p>`
      : '';
  if (sources.length === 0) {
    const none = report.results.some((result) => result.notKnown?.includes('owner'))
      ? 'The source does not hold the owners of the instances (a Config aggregator).'
      : 'No NON_COMPLIANT instance has an owner.';
    return `<p class="note">${none}</p>${unownedLine}`;
  }
  const rows = sources.map(
    (source) =>
      `<tr><td>${escapeHtml(source.label)}</td><td>${escapeHtml(source.account ?? '-')}</td>` +
      `<td>${source.nonCompliant.toLocaleString('en-US')}</td>` +
      `<td>${escapeHtml(source.example.instanceId)} (${escapeHtml(source.example.region)})</td>` +
      `<td>${escapeHtml(source.fix)}</td></tr>`,
  );
  const more =
    owned.length > sources.length
      ? `<p class="note">${owned.length - sources.length} more source(s) in the table below.</p>`
      : '';
  return (
    '<table class="sources"><thead><tr><th>Source</th><th>Account</th><th>NON_COMPLIANT</th>' +
    `<th>Example</th><th>Fix</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}${unownedLine}`
  );
};

export interface HtmlReportOptions {
  /** When the report was made (shown in its heading); now by default. */
  readonly generatedAt?: Date;
}

/**
 * The audit as one self-contained HTML page: a summary, NON_COMPLIANT instances by account and region
 * (inline SVG), the sources that leave the most instances NON_COMPLIANT, and every instance in a table
 * sorted and filtered in the page. Nothing is fetched: the style and the script are inline, and a Content
 * Security Policy allows only those two (by hash) and no connection at all. Every value that came from
 * AWS is escaped in the markup, and the rows travel as JSON in a data element the script reads as text.
 */
export const renderHtmlReport = (report: AuditReport, options: HtmlReportOptions = {}): string => {
  const generatedAt = (options.generatedAt ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const results = report.results;
  const tagKeyCase = results.filter((result) => result.reason === Reason.TagKeyCase).length;
  const nonCompliant = results.filter((result) => result.compliance === ComplianceType.NonCompliant).length;
  const compliant = results.filter((result) => result.compliance === ComplianceType.Compliant).length;
  const accounts = report.accounts;
  const regionsAudited = report.regions.filter((region) => region.error === undefined).length;
  const accountsAudited = accounts?.filter((account) => account.error === undefined).length;
  const notAudited =
    (accounts?.filter((account) => account.error !== undefined).length ?? 0) +
    report.regions.length -
    regionsAudited;
  const scope =
    report.parameters === undefined
      ? report.source
      : `app-tier tag ${describeTag(report.parameters.tag)}; parameters from ${report.source}`;

  const summary = [
    figure('app-tier instances', results.length - tagKeyCase),
    figure('NON_COMPLIANT', nonCompliant, nonCompliant > 0 ? 'bad' : 'good'),
    figure('COMPLIANT', compliant, 'good'),
    ...(accounts === undefined || accountsAudited === undefined
      ? []
      : [figure(`of ${accounts.length.toLocaleString('en-US')} accounts audited`, accountsAudited)]),
    figure(`of ${report.regions.length.toLocaleString('en-US')} regions audited`, regionsAudited),
    figure('could not be audited', notAudited, notAudited > 0 ? 'bad' : 'good'),
  ];
  const data = { columns: COLUMNS.map(([key]) => key), rows: [...results].sort(byConcern).map(rowOf) };
  const headings = COLUMNS.map(
    ([, heading]) => `<th scope="col"><button type="button">${heading}</button></th>`,
  );
  const cols = COLUMNS.map(([key]) => `<col class="${key}">`);
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(PAGE_SCRIPT)}`,
    `style-src ${sha256(PAGE_STYLE)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>App-tier IAM role audit</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>App-tier EC2 instances and their IAM role</h1>
<p class="meta">${escapeHtml(scope)} · generated ${generatedAt}</p>
</header>
<section id="summary">
<ul class="summary">${summary.join('')}</ul>
${failures(report)}
</section>
<section id="by-account-and-region">
<h2>NON_COMPLIANT instances by account and region</h2>
${heatMap(report)}
<ul class="legend"><li><span class="zero"></span>none</li><li><span class="some"></span>NON_COMPLIANT (darker: more)</li><li><span class="none"></span>not audited</li></ul>
</section>
<section id="sources">
<h2>Sources that leave the most instances NON_COMPLIANT</h2>
${sourcesSection(report)}
</section>
<section id="all-instances">
<h2>Every app-tier instance</h2>
<div class="controls">
<input id="filter" type="search" placeholder="Filter: instance, name, owner, region, text…" aria-label="Filter the instances">
<select id="result" aria-label="Result"><option value="">Every result</option><option>NON_COMPLIANT</option><option>COMPLIANT</option><option>NOT_APPLICABLE</option></select>
<select id="account" aria-label="Account"><option value="">Every account</option></select>
<span id="shown"></span>
</div>
<table id="instances"><colgroup>${cols.join('')}</colgroup><thead><tr>${headings.join('')}</tr></thead><tbody></tbody></table>
</section>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
};
