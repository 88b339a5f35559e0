import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isRegionName } from '../aws/names.js';
import { CommandError, describeError, UsageError } from '../errors.js';
import { audit, auditExitCode, DEFAULT_REGION_CONCURRENCY, loadProfileRoles } from './audit.js';
import { type AcrossFlags, acrossMode, auditAcross } from './audit-across.js';
import { runGuard, runScan } from './before-deploy.js';
import { type CliClients, callerAccount, cliClients } from './clients.js';
import { ExitCode } from './exit-code.js';
import { fixLaunchTemplates, templateFixExitCode } from './launch-templates.js';
import { DEFAULT_ORGANIZATION_CONCURRENCY } from './organization-audit.js';
import {
  OutputFormat,
  type Rendered,
  renderAudit,
  renderOwnerGroups,
  renderRemediation,
  renderTemplateFixes,
} from './output.js';
import { checkTargetProfile, remediate, remediationExitCode } from './remediate.js';
import { checkParameterFlags, type ParameterFlags, resolveCliParameters } from './rule-parameters.js';
import { Command, PROGRAM, USAGE, usageOf } from './usage.js';
import { VERSION } from './version.js';

/** Where a run writes, and which AWS clients it uses; tests give their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress across accounts is drawn only there. */
  readonly stderrIsTTY?: boolean;
  /** Creates the AWS clients, of the named profile (--profile) if given; by default `cliClients`. */
  readonly clients?: (options?: { readonly profile?: string }) => CliClients;
}

const OPTIONS = {
  region: { type: 'string', multiple: true, short: 'r' },
  profile: { type: 'string' },
  'tag-key': { type: 'string' },
  'tag-value': { type: 'string' },
  'rule-name': { type: 'string' },
  'rule-region': { type: 'string' },
  'allowed-instance-profile-arns': { type: 'string' },
  'require-role-in-profile': { type: 'boolean' },
  concurrency: { type: 'string' },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  'group-by': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'instance-profile': { type: 'string' },
  apply: { type: 'boolean' },
  replace: { type: 'boolean' },
  'include-owned': { type: 'boolean' },
  'launch-templates': { type: 'boolean' },
  'set-default': { type: 'boolean' },
  organization: { type: 'boolean' },
  accounts: { type: 'string', multiple: true },
  'accounts-file': { type: 'string' },
  'role-name': { type: 'string' },
  'external-id': { type: 'string' },
  'allow-partial': { type: 'boolean' },
  aggregator: { type: 'string' },
  'aggregator-region': { type: 'string' },
  out: { type: 'string' },
} as const;

const REMEDIATE_ONLY = [
  'instance-profile',
  'apply',
  'replace',
  'include-owned',
  'launch-templates',
  'set-default',
] as const;
const AUDIT_ONLY = [
  'organization',
  'accounts',
  'accounts-file',
  'role-name',
  'external-id',
  'allow-partial',
  'aggregator',
  'aggregator-region',
] as const;
const MAX_CONCURRENCY = 32;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

const parseOptions = (args: readonly string[]): Values => {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
};

const outputFormat = (value = OutputFormat.Table as string): OutputFormat => {
  const formats: readonly string[] = Object.values(OutputFormat);
  if (!formats.includes(value))
    throw new UsageError(`--output must be one of ${formats.join(', ')}, got "${value}"`);
  return value as OutputFormat;
};

const concurrency = (value: string | undefined, fallback = DEFAULT_REGION_CONCURRENCY): number => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got "${value}"`);
  }
  return number;
};

const regions = (values: readonly string[] | undefined): string[] | undefined => {
  if (values === undefined) return undefined;
  const names = [...new Set(values.flatMap((value) => value.split(',')).map((name) => name.trim()))].filter(
    (name) => name !== '',
  );
  const wrong = names.filter((name) => !isRegionName(name));
  if (wrong.length > 0) throw new UsageError(`--region: not a region name: ${wrong.join(', ')}`);
  if (names.length === 0) throw new UsageError('--region names no region');
  return names;
};

const parameterFlags = (values: Values): ParameterFlags => ({
  tagKey: values['tag-key'],
  tagValue: values['tag-value'],
  allowedInstanceProfileArns: values['allowed-instance-profile-arns'],
  requireRoleInProfile: values['require-role-in-profile'],
  ruleName: values['rule-name'],
  ruleRegion: values['rule-region'],
});

const isCommand = (name: string): name is Command => (Object.values(Command) as string[]).includes(name);

const acrossFlags = (values: Values): AcrossFlags => ({
  organization: values.organization,
  accounts: values.accounts,
  accountsFile: values['accounts-file'],
  roleName: values['role-name'],
  externalId: values['external-id'],
  aggregator: values.aggregator,
  aggregatorRegion: values['aggregator-region'],
});

/** `--out FILE`: the result goes to the file instead of stdout. */
const writeOut = async (path: string, text: string): Promise<void> => {
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new CommandError(`--out ${path}: ${(error as Error).message}`, { cause: error });
  }
};

const run = async (command: Command, values: Values, io: CliIo): Promise<ExitCode> => {
  if (command === Command.Remediate && values['group-by'] !== undefined) {
    throw new UsageError('--group-by: only for audit');
  }
  const groupBy = values['group-by'];
  if (groupBy !== undefined && groupBy !== 'owner') {
    throw new UsageError(`--group-by must be owner, got "${groupBy}"`);
  }
  const [only, other] = command === Command.Audit ? [REMEDIATE_ONLY, 'remediate'] : [AUDIT_ONLY, 'audit'];
  const given = only.filter((name) => values[name] !== undefined);
  if (given.length > 0) {
    throw new UsageError(`${given.map((name) => `--${name}`).join(', ')}: only for ${other}`);
  }
  const target = values['instance-profile'];
  if (command === Command.Remediate && target === undefined) {
    throw new UsageError('remediate needs --instance-profile NAME|ARN: the instance profile to attach');
  }
  if (values['launch-templates'] === true) {
    const forInstances = (['replace', 'include-owned'] as const).filter((name) => values[name] !== undefined);
    if (forInstances.length > 0) {
      throw new UsageError(
        `${forInstances.map((name) => `--${name}`).join(', ')}: for instances, not with --launch-templates`,
      );
    }
  } else if (values['set-default'] !== undefined) {
    throw new UsageError('--set-default: only with --launch-templates');
  }
  const flags = parameterFlags(values);
  const across = command === Command.Audit ? acrossMode(acrossFlags(values), flags) : undefined;
  if (across !== undefined && groupBy !== undefined) {
    throw new UsageError('--group-by: not across accounts (the HTML report shows the sources)');
  }
  checkParameterFlags(flags);
  const format = outputFormat(values.output);
  if (format === OutputFormat.Html && (command !== Command.Audit || groupBy !== undefined)) {
    throw new UsageError('--output html: only for audit, without --group-by');
  }
  const scan = {
    regions: regions(values.region),
    concurrency: concurrency(
      values.concurrency,
      across === undefined ? DEFAULT_REGION_CONCURRENCY : DEFAULT_ORGANIZATION_CONCURRENCY,
    ),
    ...(values.quiet === true ? {} : { progress: (line: string) => io.stderr(`${line}\n`) }),
  };
  const clients = (io.clients ?? cliClients)();
  // Checked once up front: without credentials every region would fail, each with the same vague message.
  try {
    await clients.checkCredentials();
  } catch (error) {
    // Already says what is wrong, e.g. a profile that does not exist.
    if (error instanceof CommandError) throw error;
    const whose = values.profile === undefined ? '' : ` for profile "${values.profile}"`;
    throw new CommandError(`No AWS credentials${whose}: ${describeError(error)}`, { cause: error });
  }
  const print = async (rendered: Rendered) => {
    if (values.out === undefined) io.stdout(rendered.stdout);
    else await writeOut(values.out, rendered.stdout);
    if (rendered.stderr !== undefined) io.stderr(rendered.stderr);
  };
  const allowPartial = values['allow-partial'] === true;

  if (across !== undefined) {
    const report = await auditAcross({
      mode: across,
      flags: acrossFlags(values),
      clients,
      parameters: () => resolveCliParameters(flags, clients, scan.regions?.[0]),
      ...(flags.ruleName === undefined ? {} : { ruleName: flags.ruleName }),
      ...(scan.regions === undefined ? {} : { regions: scan.regions }),
      concurrency: scan.concurrency,
      stderr: { isTTY: io.stderrIsTTY === true, write: io.stderr },
      quiet: values.quiet === true,
    });
    await print(renderAudit(report, format));
    return auditExitCode(report, { allowPartial });
  }

  const { parameters, source } = await resolveCliParameters(flags, clients, scan.regions?.[0]);
  if (command === Command.Audit) {
    const account = await callerAccount(clients);
    const report = await audit({
      clients,
      parameters,
      source,
      ...scan,
      ...(account === undefined ? {} : { account }),
    });
    await print(groupBy === undefined ? renderAudit(report, format) : renderOwnerGroups(report, format));
    return auditExitCode(report, { allowPartial });
  }

  const instanceProfile = target as string;
  // IAM's answers are shared with the audit: each profile costs one call.
  const profileRoles = await loadProfileRoles(clients, scan.regions ?? []);
  // Refused before the scan: a profile that cannot make the instances compliant is not attached anywhere.
  await checkTargetProfile(instanceProfile, parameters, profileRoles);
  const report = await audit({ clients, parameters, source, ...scan, profileRoles });
  if (values['launch-templates'] === true) {
    const fixes = await fixLaunchTemplates({
      clients,
      audit: report,
      instanceProfile,
      apply: values.apply === true,
      setDefault: values['set-default'] === true,
      ...(scan.progress === undefined ? {} : { progress: scan.progress }),
    });
    await print(renderTemplateFixes(fixes, format));
    return templateFixExitCode(fixes);
  }
  const remediation = await remediate({
    clients,
    audit: report,
    instanceProfile,
    apply: values.apply === true,
    replace: values.replace === true,
    includeOwned: values['include-owned'] === true,
    ...(scan.progress === undefined ? {} : { progress: scan.progress }),
  });
  await print(renderRemediation(remediation, format));
  return remediationExitCode(remediation);
};

/**
 * The command line: `audit`, `remediate`, `help` or `--version`. Returns the exit code instead of
 * exiting, so tests run it in-process. `--profile` goes to the clients' credentials and region (as the AWS
 * CLI's option does, it wins over credentials in the environment); the environment is left as it is.
 */
export const main = async (argv: readonly string[], io: CliIo): Promise<ExitCode> => {
  const [command, ...args] = argv;
  if (command === undefined) {
    io.stderr(USAGE);
    return ExitCode.Error;
  }
  if (command === '--version') {
    io.stdout(`${VERSION}\n`);
    return ExitCode.Ok;
  }
  const help = command === 'help' || command === '--help' || command === '-h';
  // `help` alone shows the commands; `help <command>` what `<command> --help` shows.
  const name = help ? args[0] : command;
  if (name === undefined) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (!isCommand(name)) {
    io.stderr(`error: unknown command "${name}"\n\n${USAGE}`);
    return ExitCode.Error;
  }
  if (help) {
    io.stdout(usageOf(name));
    return ExitCode.Ok;
  }

  try {
    // scan and guard read files, not AWS: their own options (src/cli/before-deploy.ts).
    if (name === Command.Scan || name === Command.Guard) {
      if (args.includes('--help') || args.includes('-h')) {
        io.stdout(usageOf(name));
        return ExitCode.Ok;
      }
      return (name === Command.Scan ? runScan : runGuard)(args, io);
    }
    const values = parseOptions(args);
    if (values.help === true) {
      io.stdout(usageOf(name));
      return ExitCode.Ok;
    }
    const { profile } = values;
    const create = io.clients ?? cliClients;
    // Every client of the run, whoever creates it, is of the named profile.
    const clients = () => create(profile === undefined ? {} : { profile });
    return await run(name, values, { ...io, clients });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\nRun "${PROGRAM} ${name} --help" for its options.\n`);
    } else {
      io.stderr(`error: ${describeError(error)}\n`);
    }
    return ExitCode.Error;
  }
};
