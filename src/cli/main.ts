import { parseArgs } from 'node:util';
import { isRegionName } from '../aws/names.js';
import { CommandError, describeError, UsageError } from '../errors.js';
import { audit, auditExitCode, DEFAULT_REGION_CONCURRENCY, loadProfileRoles } from './audit.js';
import { type CliClients, cliClients } from './clients.js';
import { ExitCode } from './exit-code.js';
import { OutputFormat, type Rendered, renderAudit, renderRemediation } from './output.js';
import { checkTargetProfile, remediate, remediationExitCode } from './remediate.js';
import { type ParameterFlags, resolveCliParameters } from './rule-parameters.js';

/** The name of the `bin` in package.json. */
export const PROGRAM = 'app-tier-iam-role-rule';

/** Where a run writes, and which AWS clients it uses; tests give their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Creates the AWS clients; by default from the standard credentials chain. */
  readonly clients?: () => CliClients;
}

export const USAGE = `Usage: ${PROGRAM} <command> [options]

Commands:
  audit       List the app-tier EC2 instances of every enabled region (or of those named) and whether
              each gets its credentials from an IAM role, decided as the AWS Config rule decides.
  remediate   Attach an instance profile to the NON_COMPLIANT instances the audit finds
              (ec2:AssociateIamInstanceProfile; nothing is re-created). A dry run unless --apply.
  help        Show this help.

Which instances, and how they are judged (audit and remediate):
  --tag-key KEY                    the app-tier tag key (case-sensitive)
  --tag-value VALUES               its value, or comma-separated values; * for any value
  --rule-name NAME                 take the parameters of this deployed Config rule
                                   (config:DescribeConfigRules); the flags above win over them
  --rule-region REGION             the rule's region (default: the profile's region or AWS_REGION)
  --allowed-instance-profile-arns ARNS
                                   only these instance profiles are compliant (comma-separated)
  --require-role-in-profile        a profile that holds no IAM role is NON_COMPLIANT
                                   (iam:GetInstanceProfile)
  --region REGION                  scan this region; repeat it or separate with commas
                                   (default: every region enabled for the account)
  --profile NAME                   the AWS named profile (default: the standard credentials chain)
  --concurrency N                  regions scanned at once (default ${DEFAULT_REGION_CONCURRENCY})

remediate:
  --instance-profile NAME|ARN      the instance profile to attach (required)
  --apply                          act; without it, only print what would be done
  --replace                        also replace a profile already attached
                                   (ec2:ReplaceIamInstanceProfileAssociation)

Output:
  --output table|json|csv          default: table
  --quiet                          no progress on stderr
  --help                           show this help

Exit codes:
  0  nothing is NON_COMPLIANT (remediate: nothing is left to fix)
  1  something is NON_COMPLIANT (remediate: something is left to fix, or a dry run has work to do)
  2  an error: bad options, a region that could not be scanned, an action that failed
`;

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
  help: { type: 'boolean', short: 'h' },
  'instance-profile': { type: 'string' },
  apply: { type: 'boolean' },
  replace: { type: 'boolean' },
} as const;

const REMEDIATE_ONLY = ['instance-profile', 'apply', 'replace'] as const;
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

const concurrency = (value: string | undefined): number => {
  if (value === undefined) return DEFAULT_REGION_CONCURRENCY;
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

const run = async (command: 'audit' | 'remediate', values: Values, io: CliIo): Promise<ExitCode> => {
  if (command === 'audit') {
    const given = REMEDIATE_ONLY.filter((name) => values[name] !== undefined);
    if (given.length > 0) {
      throw new UsageError(`${given.map((name) => `--${name}`).join(', ')}: only for remediate`);
    }
  }
  const target = values['instance-profile'];
  if (command === 'remediate' && target === undefined) {
    throw new UsageError('remediate needs --instance-profile NAME|ARN: the instance profile to attach');
  }
  const format = outputFormat(values.output);
  const scan = {
    regions: regions(values.region),
    concurrency: concurrency(values.concurrency),
    ...(values.quiet === true ? {} : { progress: (line: string) => io.stderr(`${line}\n`) }),
  };
  const clients = (io.clients ?? cliClients)();
  // Checked once up front: without credentials every region would fail, each with the same vague message.
  try {
    await clients.checkCredentials();
  } catch (error) {
    const whose = values.profile === undefined ? '' : ` for profile "${values.profile}"`;
    throw new CommandError(`No AWS credentials${whose}: ${describeError(error)}`, { cause: error });
  }
  const { parameters, source } = await resolveCliParameters(
    parameterFlags(values),
    clients,
    scan.regions?.[0],
  );
  const print = (rendered: Rendered) => {
    io.stdout(rendered.stdout);
    if (rendered.stderr !== undefined) io.stderr(rendered.stderr);
  };

  if (command === 'audit') {
    const report = await audit({ clients, parameters, source, ...scan });
    print(renderAudit(report, format));
    return auditExitCode(report);
  }

  const instanceProfile = target as string;
  const profileRoles = parameters.requireRoleInProfile
    ? await loadProfileRoles(clients, scan.regions ?? [])
    : undefined;
  // Refused before the scan: a profile that cannot make the instances compliant is not attached anywhere.
  await checkTargetProfile(instanceProfile, parameters, profileRoles);
  const report = await audit({
    clients,
    parameters,
    source,
    ...scan,
    ...(profileRoles === undefined ? {} : { profileRoles }),
  });
  const remediation = await remediate({
    clients,
    audit: report,
    instanceProfile,
    apply: values.apply === true,
    replace: values.replace === true,
    ...(scan.progress === undefined ? {} : { progress: scan.progress }),
  });
  print(renderRemediation(remediation, format));
  return remediationExitCode(remediation);
};

/**
 * The command line: `audit`, `remediate` or `help`. Returns the exit code instead of exiting, so tests run
 * it in-process. `--profile` sets AWS_PROFILE for the run (as the AWS CLI's option does, it wins over
 * credentials in the environment) and restores it afterwards.
 */
export const main = async (argv: readonly string[], io: CliIo): Promise<ExitCode> => {
  const [command, ...args] = argv;
  if (command === undefined) {
    io.stderr(USAGE);
    return ExitCode.Error;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (command !== 'audit' && command !== 'remediate') {
    io.stderr(`error: unknown command "${command}"\n\n${USAGE}`);
    return ExitCode.Error;
  }

  const previousProfile = process.env.AWS_PROFILE;
  try {
    const values = parseOptions(args);
    if (values.help === true) {
      io.stdout(USAGE);
      return ExitCode.Ok;
    }
    if (values.profile !== undefined) process.env.AWS_PROFILE = values.profile;
    return await run(command, values, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\nRun "${PROGRAM} help" for the options.\n`);
    } else {
      io.stderr(`error: ${describeError(error)}\n`);
    }
    return ExitCode.Error;
  } finally {
    if (previousProfile === undefined) delete process.env.AWS_PROFILE;
    else process.env.AWS_PROFILE = previousProfile;
  }
};
