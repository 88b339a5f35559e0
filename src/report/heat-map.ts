import type { AuditReport } from '../cli/audit.js';
import { ComplianceType } from '../rule/compliance.js';
import { escapeHtml } from './escape.js';

/** The accounts drawn at most: the map stays readable; the table below has them all. */
export const MAX_MAP_ACCOUNTS = 40;

const CELL = { width: 56, height: 24, gap: 3 } as const;
const LABEL_WIDTH = 250;
const HEADER_HEIGHT = 84;

/** What one account-region cell holds. */
interface Cell {
  nonCompliant: number;
  instances: number;
  error?: string;
}

/** White to deep red as the share of the largest count grows (on a square root, so 1 stands out from 0). */
const shade = (count: number, max: number): string => {
  if (count === 0) return '#e6f4ea';
  const t = Math.sqrt(count / Math.max(1, max));
  const mix = (from: number, to: number) => Math.round(from + (to - from) * t);
  return `rgb(${mix(252, 165)},${mix(205, 15)},${mix(196, 21)})`;
};

/**
 * NON_COMPLIANT instances by account (rows) and region (columns), as inline SVG: the accounts with the most
 * first, then those that could not be audited, up to MAX_MAP_ACCOUNTS. A region that could not be audited is
 * grey with a cross; one the account does not have enabled is left blank. Every text is escaped: account
 * names come from the organization.
 */
export const heatMap = (report: AuditReport): string => {
  const cells = new Map<string, Cell>();
  const key = (account: string | undefined, region: string) => `${account ?? ''}\n${region}`;
  for (const outcome of report.regions) {
    cells.set(key(outcome.account, outcome.region), {
      nonCompliant: 0,
      instances: outcome.instances,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    });
  }
  const perAccount = new Map<string, number>();
  for (const result of report.results) {
    if (result.compliance !== ComplianceType.NonCompliant) continue;
    const cell = cells.get(key(result.account, result.region));
    if (cell !== undefined) cell.nonCompliant += 1;
    perAccount.set(result.account ?? '', (perAccount.get(result.account ?? '') ?? 0) + 1);
  }
  const regions = [...new Set(report.regions.map((outcome) => outcome.region))].sort();
  const accounts = (
    report.accounts ?? [{ account: report.regions[0]?.account ?? '', regions: 0, instances: 0 }]
  ).map((account) => ({ ...account, nonCompliant: perAccount.get(account.account) ?? 0 }));
  const order = (account: { nonCompliant: number; error?: string }) =>
    account.nonCompliant > 0 ? 0 : account.error !== undefined ? 1 : 2;
  const drawn = [...accounts]
    .sort(
      (a, b) => order(a) - order(b) || b.nonCompliant - a.nonCompliant || a.account.localeCompare(b.account),
    )
    .slice(0, MAX_MAP_ACCOUNTS);
  const max = Math.max(0, ...[...cells.values()].map((cell) => cell.nonCompliant));

  // Room on the right for the last region's slanted name.
  const width = LABEL_WIDTH + regions.length * (CELL.width + CELL.gap) + 60;
  const height = HEADER_HEIGHT + drawn.length * (CELL.height + CELL.gap);
  const parts: string[] = [];
  regions.forEach((region, column) => {
    const x = LABEL_WIDTH + column * (CELL.width + CELL.gap) + CELL.width / 2;
    parts.push(
      `<text class="region" transform="translate(${x},${HEADER_HEIGHT - 6}) rotate(-50)">${escapeHtml(region)}</text>`,
    );
  });
  drawn.forEach((account, row) => {
    const y = HEADER_HEIGHT + row * (CELL.height + CELL.gap);
    const label = account.name === undefined ? account.account : `${account.account} ${account.name}`;
    const failed = account.error === undefined ? '' : ' (not audited)';
    parts.push(
      `<text class="account${failed === '' ? '' : ' failed'}" x="${LABEL_WIDTH - 8}" y="${y + CELL.height - 6}">` +
        `<title>${escapeHtml(`${label}${failed}: ${account.nonCompliant} NON_COMPLIANT`)}</title>` +
        `${escapeHtml(label.length > 30 ? `${label.slice(0, 29)}…` : label)}${failed === '' ? '' : ' ✕'}</text>`,
    );
    regions.forEach((region, column) => {
      const cell = cells.get(key(account.account, region));
      if (cell === undefined) return;
      const x = LABEL_WIDTH + column * (CELL.width + CELL.gap);
      const title =
        cell.error === undefined
          ? `${account.account} ${region}: ${cell.nonCompliant} NON_COMPLIANT of ${cell.instances} app-tier`
          : `${account.account} ${region}: not audited: ${cell.error}`;
      const fill = cell.error === undefined ? shade(cell.nonCompliant, max) : '#c4c4c4';
      const text = cell.error === undefined ? (cell.nonCompliant > 0 ? String(cell.nonCompliant) : '') : '✕';
      parts.push(
        `<g class="cell" data-account="${escapeHtml(account.account)}" data-region="${escapeHtml(region)}">` +
          `<title>${escapeHtml(title)}</title>` +
          `<rect x="${x}" y="${y}" width="${CELL.width}" height="${CELL.height}" rx="3" fill="${fill}"/>` +
          `<text x="${x + CELL.width / 2}" y="${y + CELL.height - 6}"${cell.nonCompliant / Math.max(1, max) > 0.45 ? ' class="light"' : ''}>${text}</text></g>`,
      );
    });
  });
  const more = accounts.length - drawn.length;
  const caption =
    more > 0
      ? `<p class="note">The ${drawn.length} accounts with the most NON_COMPLIANT instances; ${more} more are in the table below.</p>`
      : '';
  return (
    `<svg class="heat-map" role="img" aria-label="NON_COMPLIANT instances by account and region" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `${parts.join('')}</svg>${caption}`
  );
};
