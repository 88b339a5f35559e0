import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { ec2Inventory } from '../ec2/inventory.js';
import { describeError } from '../errors.js';
import type { ProfileRoles, ViewEnricher } from '../iam/profile-roles.js';
import { keysInOtherCase } from '../rule/applicability.js';
import { ComplianceType, type Decision, Reason } from '../rule/compliance.js';
import type { InstanceView } from '../rule/instance-view.js';
import type { Owner } from '../rule/owner.js';
import { describeTag, type RuleParameters } from '../rule/parameters.js';
import { decidePages } from '../run/decide-pages.js';
import { mapBounded } from '../run/map-bounded.js';
import type { CliClients } from './clients.js';
import { ExitCode } from './exit-code.js';

/** Regions scanned at once unless --concurrency says otherwise. */
export const DEFAULT_REGION_CONCURRENCY = 4;

/** Where DescribeRegions is asked when no default region is configured. */
const DISCOVERY_REGION = 'us-east-1';

/** One app-tier instance and what the rule decides for it. */
export interface AuditResult {
  /** The instance's account: the caller's (when STS said which), or the member account audited. */
  readonly account?: string;
  readonly region: string;
  readonly instanceId: string;
  /** The `Name` tag, when the instance has one. */
  readonly name?: string;
  readonly state?: string;
  readonly instanceProfileArn?: string;
  /** Who launched the instance and replaces it, from its tags (see `rule/owner.ts`). */
  readonly owner?: Owner;
  readonly compliance: ComplianceType;
  /** Absent when the source does not hold it (a Config aggregator keeps the annotation, not the reason). */
  readonly reason?: Reason;
  readonly annotation: string;
  /**
   * The fields the source does not hold, so their absence says nothing: a Config aggregator knows an
   * instance's result and annotation, not its name, state, profile, owner or reason.
   */
  readonly notKnown?: readonly NotKnownField[];
  /** Reason `tag-key-case`: the spelling of the app-tier key the instance carries (`Tier` for `tier`). */
  readonly otherCaseKey?: string;
}

/** What a Config aggregator does not hold of an instance (see `AuditResult.notKnown`). */
export type NotKnownField = 'name' | 'state' | 'instanceProfileArn' | 'owner' | 'reason';

/** How the scan of one region went. */
export interface RegionOutcome {
  /** The account of the region, when the audit spans accounts (or STS said the caller's). */
  readonly account?: string;
  readonly region: string;
  /** App-tier instances found (0 when the region failed); the tag key in another case does not count. */
  readonly instances: number;
  /** Why the region could not be scanned; its instances are then not in the results. */
  readonly error?: string;
}

/** How the audit of one account of an organization went. */
export interface AccountOutcome {
  readonly account: string;
  /** The account's name in the organization, when it was listed there. */
  readonly name?: string;
  /** Regions audited (those that failed are in the report's regions, with their error). */
  readonly regions: number;
  /** App-tier instances found in the regions audited. */
  readonly instances: number;
  /** Why the account could not be audited at all (AssumeRole denied, regions not listed). */
  readonly error?: string;
}

export interface AuditReport {
  /** Absent when the rows come from a Config aggregator: the deployed rule decided them with its own. */
  readonly parameters?: RuleParameters;
  /** Where the parameters came from. */
  readonly source: string;
  /**
   * Present when the audit spans accounts (`--organization`, `--aggregator`): every account asked, in
   * order, those that could not be audited with their error.
   */
  readonly accounts?: readonly AccountOutcome[];
  readonly regions: readonly RegionOutcome[];
  /**
   * Per region (in scan order): the app-tier instances by instance id, then, NOT_APPLICABLE, those that
   * carry the app-tier tag key in another case (reason `tag-key-case`).
   */
  readonly results: readonly AuditResult[];
}

export interface AuditOptions {
  readonly clients: CliClients;
  readonly parameters: RuleParameters;
  readonly source: string;
  /** The regions to scan; every region enabled for the account when absent. */
  readonly regions?: readonly string[];
  readonly concurrency?: number;
  /** The caller's account, put on every row and region (see docs/organization-audit.md). */
  readonly account?: string;
  /** A line of progress (for stderr). */
  readonly progress?: (line: string) => void;
  /** Given when `requireRoleInProfile` is on: IAM's answers, shared with the caller. */
  readonly profileRoles?: ProfileRoles;
}

/** The regions enabled for the account (opt-in regions only once opted in), sorted. */
export const enabledRegions = async (clients: CliClients): Promise<string[]> =>
  enabledRegionsOf(clients.ec2((await clients.defaultRegion()) ?? DISCOVERY_REGION));

/** The regions enabled for the account of an EC2 client (any of its regions answers for all), sorted. */
export const enabledRegionsOf = async (ec2: EC2Client): Promise<string[]> => {
  const output = await ec2.send(new DescribeRegionsCommand({}));
  return (output.Regions ?? [])
    .filter((entry) => entry.OptInStatus !== 'not-opted-in')
    .map((entry) => entry.RegionName)
    .filter((name): name is string => name !== undefined)
    .sort();
};

/**
 * Loaded only when `requireRoleInProfile` is on, as in the Lambda. IAM is global: one reader for every
 * region, so each distinct profile costs one call for the whole audit.
 */
export const loadProfileRoles = async (
  clients: CliClients,
  regions: readonly string[],
): Promise<ProfileRoles> => {
  const { profileRoles } = await import('../iam/profile-roles.js');
  const region = (await clients.defaultRegion()) ?? regions[0] ?? DISCOVERY_REGION;
  return profileRoles(clients.iam(region));
};

const resultOf = (region: string, view: InstanceView, decision: Decision): AuditResult => {
  const name = view.tags.get('Name');
  return {
    region,
    instanceId: view.resourceId,
    ...(name === undefined ? {} : { name }),
    ...(view.state === undefined ? {} : { state: view.state }),
    ...(view.instanceProfileArn === undefined ? {} : { instanceProfileArn: view.instanceProfileArn }),
    ...(view.owner === undefined ? {} : { owner: view.owner }),
    compliance: decision.compliance,
    reason: decision.reason,
    annotation: decision.annotation,
  };
};

/** The app-tier instances of a region (an EC2 client of it), then those with the app-tier key in another case. */
export const scanRegion = async (
  ec2: EC2Client,
  region: string,
  parameters: RuleParameters,
  enrich: ViewEnricher | undefined,
): Promise<{ appTier: AuditResult[]; otherCase: AuditResult[] }> => {
  const inventory = ec2Inventory(ec2);
  const appTier: AuditResult[] = [];
  // The very listing and loop the Lambda's sweep uses, so the command and Config never differ.
  for await (const page of decidePages(inventory.appTierInstances(parameters.tag), parameters, enrich)) {
    for (const { view, decision } of page) appTier.push(resultOf(region, view, decision));
  }
  // Kept only when the decision says so: an instance with both spellings of the key is app tier, listed
  // above. The rest are NOT_APPLICABLE whatever their profile holds, so none is looked up.
  const otherCase: AuditResult[] = [];
  for await (const page of decidePages(inventory.otherCaseInstances(parameters.tag), parameters)) {
    for (const { view, decision } of page) {
      if (decision.reason !== Reason.TagKeyCase) continue;
      const [otherCaseKey] = keysInOtherCase(view.tags, parameters.tag.key);
      otherCase.push({
        ...resultOf(region, view, decision),
        ...(otherCaseKey === undefined ? {} : { otherCaseKey }),
      });
    }
  }
  const byId = (a: AuditResult, b: AuditResult) => a.instanceId.localeCompare(b.instanceId);
  return { appTier: appTier.sort(byId), otherCase: otherCase.sort(byId) };
};

/**
 * The seed's manual audit as one call: every region (or those named), concurrently with a bound. A region
 * that fails (not opted in, access denied) is reported as such and does not stop the others.
 */
export const audit = async (options: AuditOptions): Promise<AuditReport> => {
  const { clients, parameters } = options;
  const progress = options.progress ?? (() => {});
  const regions = options.regions ?? (await enabledRegions(clients));
  let enrich: ViewEnricher | undefined;
  if (parameters.requireRoleInProfile) {
    const { profileRoleEnricher } = await import('../iam/profile-roles.js');
    enrich = profileRoleEnricher(
      options.profileRoles ?? (await loadProfileRoles(clients, regions)),
      parameters,
    );
  }

  const account = options.account === undefined ? {} : { account: options.account };
  progress(`Scanning ${regions.length} region(s) for app-tier instances (${describeTag(parameters.tag)})`);
  let done = 0;
  const scanned = await mapBounded(
    regions,
    options.concurrency ?? DEFAULT_REGION_CONCURRENCY,
    async (region): Promise<{ outcome: RegionOutcome; results: AuditResult[] }> => {
      let outcome: { outcome: RegionOutcome; results: AuditResult[] };
      try {
        const { appTier, otherCase } = await scanRegion(clients.ec2(region), region, parameters, enrich);
        outcome = {
          outcome: { ...account, region, instances: appTier.length },
          results: [...appTier, ...otherCase].map((result) => ({ ...account, ...result })),
        };
      } catch (error) {
        outcome = { outcome: { ...account, region, instances: 0, error: describeError(error) }, results: [] };
      }
      done += 1;
      const { instances, error } = outcome.outcome;
      const otherCase = outcome.results.length - instances;
      const found = `${instances} app-tier instance(s)${otherCase > 0 ? `, ${otherCase} with the tag key in another case` : ''}`;
      progress(`[${done}/${regions.length}] ${region}: ${error === undefined ? found : `failed: ${error}`}`);
      return outcome;
    },
  );
  return {
    parameters,
    source: options.source,
    regions: scanned.map((entry) => entry.outcome),
    results: scanned.flatMap((entry) => entry.results),
  };
};

/**
 * Results per compliance type; among the NOT_APPLICABLE, those with the tag key in another case
 * (`tagKeyCase`); the regions that failed; and, across accounts, the accounts that could not be audited.
 */
export const countResults = (report: AuditReport) => {
  const counts = {
    [ComplianceType.Compliant]: 0,
    [ComplianceType.NonCompliant]: 0,
    [ComplianceType.NotApplicable]: 0,
  };
  for (const result of report.results) counts[result.compliance] += 1;
  return {
    ...counts,
    tagKeyCase: report.results.filter((result) => result.reason === Reason.TagKeyCase).length,
    regionErrors: report.regions.filter((region) => region.error !== undefined).length,
    ...(report.accounts === undefined
      ? {}
      : { accountErrors: report.accounts.filter((account) => account.error !== undefined).length }),
  };
};

/**
 * 2 when a region or an account could not be audited (unless `allowPartial`), 1 when an instance is
 * NON_COMPLIANT, 0 otherwise.
 */
export const auditExitCode = (report: AuditReport, { allowPartial = false } = {}): ExitCode => {
  const counts = countResults(report);
  if (!allowPartial && counts.regionErrors + (counts.accountErrors ?? 0) > 0) return ExitCode.Error;
  return counts.NON_COMPLIANT > 0 ? ExitCode.NonCompliant : ExitCode.Ok;
};
