import {
  type Account,
  HOME_REGION,
  launch,
  OTHER_REGION,
  RULE_NAME,
  terminate,
} from './transcript-account.js';

/** A command of the documents: its transcript's name (the marker's) and its arguments. */
export interface Command {
  readonly name: string;
  readonly argv: readonly string[];
}

/** A change to the account between two commands, made through the SDK rather than by a command. */
export interface Change {
  readonly change: string;
  readonly act: (account: Account, state: Map<string, string>) => Promise<void>;
}

export type Step = Command | Change;

export const isCommand = (step: Step): step is Command => 'argv' in step;

const TAG = ['--tag-key', 'tier', '--tag-value', 'app'];
const REGIONS = ['--region', `${HOME_REGION},${OTHER_REGION}`];
const APP_TIER = [...TAG, ...REGIONS];
const PROFILE = ['--instance-profile', 'app-tier-profile'];
const command = (name: string, ...argv: string[]): Command => ({ name, argv });

/**
 * Every command the documents show with its output, in the order they run: the account changes as they
 * go (remediate --apply attaches profiles, --launch-templates adds a version), so a transcript shows the
 * account as the commands before it left it.
 */
export const STORY: readonly Step[] = [
  command('help', 'help'),
  command('audit-help', 'audit', '--help'),
  command('remediate-help', 'remediate', '--help'),
  command('version', '--version'),
  command('missing-tag-value', 'audit', '--tag-key', 'tier', '--region', HOME_REGION),

  command('audit', 'audit', ...APP_TIER),
  command('audit-require-role', 'audit', ...APP_TIER, '--require-role-in-profile', '--quiet'),
  command('audit-rule-name', 'audit', '--rule-name', RULE_NAME, ...REGIONS, '--quiet'),
  command('audit-json', 'audit', ...TAG, '--region', OTHER_REGION, '--output', 'json'),
  command('audit-csv', 'audit', ...APP_TIER, '--output', 'csv', '--quiet'),
  command('audit-group-by-owner', 'audit', ...APP_TIER, '--group-by', 'owner', '--quiet'),
  {
    change: 'launch orders-cron, tagged Tier=app',
    act: async (account, state) => {
      state.set(
        'orders-cron',
        await launch(account, HOME_REGION, 'orders-cron', { key: 'Tier', value: 'app' }),
      );
    },
  },
  command('audit-tag-key-case', 'audit', ...APP_TIER),
  {
    change: 'terminate orders-cron',
    act: (account, state) => terminate(account, HOME_REGION, state.get('orders-cron') as string),
  },

  command('remediate-dry-run', 'remediate', ...APP_TIER, ...PROFILE),
  command('remediate-apply', 'remediate', ...APP_TIER, ...PROFILE, '--apply'),
  command('launch-templates-dry-run', 'remediate', ...APP_TIER, ...PROFILE, '--launch-templates', '--quiet'),
  command(
    'launch-templates-apply',
    'remediate',
    ...APP_TIER,
    ...PROFILE,
    '--launch-templates',
    '--apply',
    '--set-default',
    '--quiet',
  ),
  command(
    'remediate-include-owned',
    'remediate',
    ...APP_TIER,
    ...PROFILE,
    '--apply',
    '--include-owned',
    '--quiet',
  ),
  command('audit-after-remediate', 'audit', ...APP_TIER, '--quiet'),
  command('remediate-again', 'remediate', ...APP_TIER, ...PROFILE, '--apply', '--quiet'),
  command(
    'remediate-skipped',
    'remediate',
    ...APP_TIER,
    '--require-role-in-profile',
    ...PROFILE,
    '--apply',
    '--quiet',
  ),
  command(
    'remediate-replace',
    'remediate',
    ...APP_TIER,
    '--require-role-in-profile',
    ...PROFILE,
    '--apply',
    '--replace',
    '--output',
    'json',
    '--quiet',
  ),
  command('remediate-no-such-profile', 'remediate', ...APP_TIER, '--instance-profile', 'app-tier-profle'),
  command(
    'remediate-profile-without-role',
    'remediate',
    ...APP_TIER,
    '--require-role-in-profile',
    '--instance-profile',
    'empty-profile',
    '--apply',
  ),
  command('no-such-aws-profile', 'audit', ...APP_TIER, '--profile', 'nobody'),
];
