import { DEFAULT_REGION_CONCURRENCY } from './audit.js';
import { DEFAULT_MEMBER_ROLE_NAME } from './organization.js';
import { DEFAULT_ORGANIZATION_CONCURRENCY } from './organization-audit.js';

/** The name of the `bin` in package.json. */
export const PROGRAM = 'app-tier-iam-role-rule';

/** The commands; `help` takes one of them to show its options. */
export const Command = { Audit: 'audit', Remediate: 'remediate', Scan: 'scan', Guard: 'guard' } as const;
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
  scan        Decide every app-tier instance that CloudFormation/SAM templates, CDK cloud assemblies
              (cdk.out) or Terraform plans (terraform show -json) would launch, before deploy.
  guard       Print the rule as CloudFormation Guard rules (cfn-guard, Guard Hooks, Config custom policy).
  help        Show this help; "help <command>" shows the options of a command.
  --version   Print the version of ${PROGRAM}.

Run "${PROGRAM} <command> --help" for the options of a command.
`;

/** `audit --help`. */
export const AUDIT_USAGE = `Usage: ${PROGRAM} audit (--tag-key KEY --tag-value VALUES | --rule-name NAME) [options]

List the app-tier EC2 instances of every enabled region (or of those named) and whether each gets its
credentials from an IAM role, decided as the AWS Config rule decides.

${SELECTION}
  --group-by owner                 one row per source that leaves instances NON_COMPLIANT (launch
                                   template, Auto Scaling group, stack, ...), most first, with its fix

${ACROSS}

Exit codes:
  0  no app-tier instance is NON_COMPLIANT
  1  at least one is NON_COMPLIANT
  2  an error: bad options, no credentials, invalid rule parameters, a region or an account that could
     not be audited (unless --allow-partial)
`;

/** `remediate --help`. */
export const REMEDIATE_USAGE = `Usage: ${PROGRAM} remediate (--tag-key KEY --tag-value VALUES | --rule-name NAME)
         --instance-profile NAME|ARN [--apply] [--replace | --launch-templates [--set-default]] [options]

Attach an instance profile to the NON_COMPLIANT app-tier instances the audit finds
(ec2:AssociateIamInstanceProfile; nothing is re-created), or set it in the launch templates they came
from (--launch-templates). A dry run unless --apply. The profile is checked first
(iam:GetInstanceProfile): one that does not exist, or that cannot make the instances compliant, is
refused before anything is scanned.

What to attach:
  --instance-profile NAME|ARN      the instance profile to attach (required)
  --apply                          act; without it, only print what would be done
  --replace                        also replace a profile already attached
                                   (ec2:ReplaceIamInstanceProfileAssociation)
  --include-owned                  also attach to instances an owner launched (an Auto Scaling
                                   group, a stack, ...); by default they are skipped, since the
                                   owner's next replacement undoes it

Or fix the source:
  --launch-templates               for each launch template that launched a NON_COMPLIANT instance,
                                   a new version from the instances' version with the profile set
                                   (ec2:CreateLaunchTemplateVersion); says which Auto Scaling groups
                                   launch from it, and prints the instance refresh command
  --set-default                    make the new version the template's default

${SELECTION}

Exit codes:
  0  nothing is left to fix
  1  something is left to fix: a dry run with work to do, or an instance skipped
${ERROR_EXIT}, or an action that failed
`;

const TEMPLATE_PARAMETERS = `The rule's parameters:
  --tag-key KEY                    the app-tier tag key (case-sensitive)
  --tag-value VALUES               its value, or comma-separated values; * for any value
  --allowed-profile-arns ARNS      only these instance profiles are compliant (comma-separated);
                                   also spelled --allowed-instance-profile-arns
  --require-role-in-profile        a profile that holds no IAM role is NON_COMPLIANT
  --rule-parameters JSON           the rule's InputParameters; the flags above win over them`;

/** `scan --help`. */
export const SCAN_USAGE = `Usage: ${PROGRAM} scan (--tag-key KEY --tag-value VALUES | --rule-parameters JSON) [options] PATH...

Decide every app-tier EC2 instance the files would launch, before deploy, as the AWS Config rule decides:
CloudFormation and SAM templates (YAML or JSON), CDK cloud assemblies (a cdk.out directory) and Terraform
plans (terraform show -json). Read: AWS::EC2::Instance, AWS::EC2::LaunchTemplate,
AWS::AutoScaling::AutoScalingGroup, AWS::AutoScaling::LaunchConfiguration; aws_instance,
aws_launch_template, aws_autoscaling_group. A directory is walked for templates and plans (.json, .yaml,
.yml, .template); what it holds that is neither, and Terraform configurations (.tf), is named as skipped.

What a file cannot say before deploy: a profile created by the same template (Ref, GetAtt) is attached; a
profile known only at deploy (a parameter without a default, a value known after apply) is attached, not
verifiable before deploy, and never COMPLIANT against --allowed-profile-arns; a tag value known only at
deploy counts as app tier. The output names each.

${TEMPLATE_PARAMETERS}

Output:
  --output table|json|sarif        default: table; sarif (2.1.0) for code scanning
  --output-file FILE               write there instead of stdout

Exit codes:
  0  nothing is NON_COMPLIANT
  1  something is NON_COMPLIANT
  2  an error: bad options, invalid rule parameters, a file that is neither template nor plan
`;

/** `guard --help`. */
export const GUARD_USAGE = `Usage: ${PROGRAM} guard (--tag-key KEY --tag-value VALUES | --rule-parameters JSON) [options]

Print the rule as CloudFormation Guard rules, for the cases Guard can express (a comment at the top says
what they leave out). Guard 2 syntax only, so they also run on AWS Config's guard-2.x.x runtime.

${TEMPLATE_PARAMETERS}

Output:
  --target template|config         template (default): CloudFormation templates, for cfn-guard validate,
                                   a Guard Hook or CfnGuardValidator at cdk synth; config: AWS Config
                                   configuration items, for a custom policy rule (at most 10,000 characters)
  --output-file FILE               write there instead of stdout
`;

/** The help of a command. */
export const usageOf = (command: Command): string =>
  ({
    [Command.Audit]: AUDIT_USAGE,
    [Command.Remediate]: REMEDIATE_USAGE,
    [Command.Scan]: SCAN_USAGE,
    [Command.Guard]: GUARD_USAGE,
  })[command];
