import { DEFAULT_REGION_CONCURRENCY } from './audit.js';
import { DEFAULT_MEMBER_ROLE_NAME } from './organization.js';
import { DEFAULT_ORGANIZATION_CONCURRENCY } from './organization-audit.js';

/** The name of the `bin` in package.json. */
export const PROGRAM = 'app-tier-iam-role-rule';

/** The commands; `help` takes one of them to show its options. */
export const Command = { Audit: 'audit', Remediate: 'remediate' } as const;
export type Command = (typeof Command)[keyof typeof Command];

const SELECTION = `Which instances, and how they are judged:
  --tag-key KEY                    the app-tier tag key (case-sensitive)
  --tag-value VALUES               its value, or comma-separated values; * for any value
  --rule-name NAME                 take the parameters of this deployed Config rule
                                   (config:DescribeConfigRules); the flags above win over them
  --rule-region REGION             the rule's region (default: the profile's region or AWS_REGION)
  --allowed-instance-profile-arns ARNS
                                   only these instance profiles are compliant (comma-separated)
  --require-role-in-profile        a profile that holds no IAM role is NON_COMPLIANT
                                   (iam:GetInstanceProfile)

Where:
  --region REGION                  scan this region; repeat it or separate with commas
                                   (default: every region enabled for the account)
  --profile NAME                   the AWS named profile (default: the standard credentials chain)
  --concurrency N                  regions scanned at once (default ${DEFAULT_REGION_CONCURRENCY}; across accounts,
                                   account-regions at once, default ${DEFAULT_ORGANIZATION_CONCURRENCY})

Output:
  --output table|json|csv|html     default: table (html: audit only, one self-contained page)
  --out FILE                       write the output to FILE instead of stdout
  --quiet                          no progress on stderr
  --help                           show this help`;

const ACROSS = `Across accounts (audit only; docs/organization-audit.md):
  --organization                   every active account of the organization (organizations:ListAccounts:
                                   run it from the management or a delegated administrator account)
  --accounts ID,...                these accounts instead (repeat it or separate with commas)
  --accounts-file FILE             the account ids in FILE (one a line, or separated by commas; # comments)
  --role-name NAME                 the role assumed in each account (default ${DEFAULT_MEMBER_ROLE_NAME})
  --external-id ID                 the external id the role's trust policy requires
  --allow-partial                  exit 1 or 0 even when a region or an account could not be audited
  --aggregator NAME                read the deployed rule's results (--rule-name) from this Config
                                   aggregator instead: no role is assumed; --accounts and --region narrow it
  --aggregator-region REGION       the aggregator's region (default: the profile's region or AWS_REGION)`;

const ERROR_EXIT = `  2  an error: bad options, no credentials, invalid rule parameters, a region that could not be
     scanned`;

/** `help`, or no command: what the commands are. */
export const USAGE = `Usage: ${PROGRAM} <command> [options]

Commands:
  audit       List the app-tier EC2 instances of every enabled region (or of those named) and whether
              each gets its credentials from an IAM role, decided as the AWS Config rule decides.
  remediate   Attach an instance profile to the NON_COMPLIANT instances the audit finds
              (ec2:AssociateIamInstanceProfile; nothing is re-created). A dry run unless --apply.
  help        Show this help; "help <command>" shows the options of a command.

Run "${PROGRAM} <command> --help" for the options of a command.
`;

/** `audit --help`. */
export const AUDIT_USAGE = `Usage: ${PROGRAM} audit (--tag-key KEY --tag-value VALUES | --rule-name NAME) [options]

List the app-tier EC2 instances of every enabled region (or of those named) and whether each gets its
credentials from an IAM role, decided as the AWS Config rule decides.

${SELECTION}

${ACROSS}

Exit codes:
  0  no app-tier instance is NON_COMPLIANT
  1  at least one is NON_COMPLIANT
  2  an error: bad options, no credentials, invalid rule parameters, a region or an account that could
     not be audited (unless --allow-partial)
`;

/** `remediate --help`. */
export const REMEDIATE_USAGE = `Usage: ${PROGRAM} remediate (--tag-key KEY --tag-value VALUES | --rule-name NAME)
         --instance-profile NAME|ARN [--apply] [--replace] [options]

Attach an instance profile to the NON_COMPLIANT app-tier instances the audit finds
(ec2:AssociateIamInstanceProfile; nothing is re-created). A dry run unless --apply. The profile is
checked first (iam:GetInstanceProfile): one that does not exist, or that cannot make the instances
compliant, is refused before anything is scanned.

What to attach:
  --instance-profile NAME|ARN      the instance profile to attach (required)
  --apply                          act; without it, only print what would be done
  --replace                        also replace a profile already attached
                                   (ec2:ReplaceIamInstanceProfileAssociation)

${SELECTION}

Exit codes:
  0  nothing is left to fix
  1  something is left to fix: a dry run with work to do, or an instance skipped
${ERROR_EXIT}, or an action that failed
`;

/** The help of a command. */
export const usageOf = (command: Command): string =>
  command === Command.Audit ? AUDIT_USAGE : REMEDIATE_USAGE;
