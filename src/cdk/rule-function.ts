import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type PolicyDocument, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  type CfnFunction,
  type Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ruleFunctionCode } from './function-code.js';

/** How the function reports (REPORT_MODE): live writes to Config, test validates, dry-run only logs. */
export type ReportMode = 'live' | 'test' | 'dry-run';

/** The settings of the function that template.yaml and central-function.yaml expose as parameters. */
export interface RuleFunctionOptions {
  /** @default 'live' */
  readonly reportMode?: ReportMode;
  /**
   * Record every result again on every run (RECORD_UNCHANGED), for fresh timestamps; by default only results
   * that changed are recorded, as Config charges per evaluation recorded (docs/cost.md).
   * @default false
   */
  readonly recordUnchanged?: boolean;
  /** Powertools Logger level. @default 'INFO' */
  readonly logLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * A KMS key that encrypts the log group and the dead-letter queue (template.yaml's LogGroupKmsKeyArn); the
   * function's role may use it to send to the queue. Its key policy must let `logs.<region>.amazonaws.com`
   * and this account's IAM policies use it (docs/reliability.md).
   * @default CloudWatch Logs' own encryption, and SQS-managed keys for the queue
   */
  readonly encryptionKey?: IKey;
  /**
   * How long the dead-letter queue keeps a failed event (at most 14 days). Each message holds the whole event,
   * result token included: keep it no longer than you need to act on it.
   * @default Duration.days(4)
   */
  readonly deadLetterRetention?: Duration;
  /** Notified when an alarm changes state. @default no actions */
  readonly alarmTopic?: ITopic;
  /** The function's code. @default the function files of this package (dist/function/) */
  readonly code?: Code;
}

interface RuleFunctionProps extends RuleFunctionOptions {
  readonly logGroupName: string;
  readonly reservedConcurrency: number;
  readonly description: string;
  readonly environment?: Record<string, string>;
  /** The function's role, and its inline policy, to which this construct adds the log and queue statements. */
  readonly role: Role;
  readonly policy: PolicyDocument;
  /** Names the function in alarm descriptions, after "The" (`x Config rule function`). */
  readonly alarmSubject: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The function as template.yaml builds it: Node.js 24 on arm64, 512 MB, 300 s, JSON logs in its own log
 * group, two retries then a dead-letter queue, a small reserved concurrency, and alarms on its errors, on the
 * queue and on failed deliveries to the queue. Internal: the rule constructs wrap it.
 */
export class RuleFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: LogGroup;
  readonly deadLetterQueue: Queue;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: RuleFunctionProps) {
    super(scope, id);
    const key = props.encryptionKey;
    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(key === undefined ? {} : { encryptionKey: key }),
    });
    // Holds the whole failed event, result token included (docs/reliability.md).
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      ...(key === undefined
        ? { encryption: QueueEncryption.SQS_MANAGED }
        : { encryption: QueueEncryption.KMS, encryptionMasterKey: key }),
      retentionPeriod: props.deadLetterRetention ?? Duration.days(4),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    if (key !== undefined) {
      // SQS encrypts a message sent to a queue with a KMS key on the sender's behalf.
      props.policy.addStatements(
        new PolicyStatement({
          sid: 'EncryptFailedEvents',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [key.keyArn],
        }),
      );
    }
    props.policy.addStatements(
      new PolicyStatement({
        sid: 'WriteLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
      new PolicyStatement({
        sid: 'SendFailedEvents',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );

    this.function = new LambdaFunction(this, 'Function', {
      description: props.description,
      code: props.code ?? ruleFunctionCode(),
      handler: 'handler.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      // A periodic sweep pages through every app-tier instance of the account.
      timeout: Duration.seconds(300),
      reservedConcurrentExecutions: props.reservedConcurrency,
      // The role's policy is written in full above and by the rule; grants (the destination's) add nothing.
      role: props.role.withoutPolicyUpdates(),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'app-tier-iam-role-rule',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        REPORT_MODE: props.reportMode ?? 'live',
        RECORD_UNCHANGED: props.recordUnchanged === true ? 'true' : 'false',
        ...props.environment,
      },
      loggingFormat: LoggingFormat.JSON,
      logGroup: this.logGroup,
      // Config invokes the function asynchronously: two retries, then the event and its error go to the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    // The Role's GetAtt already orders the role (and its inline policy) first; the DependsOn the CDK adds
    // repeats it, which cfn-lint flags (W3005).
    (this.function.node.defaultChild as CfnFunction).addDeletionOverride('DependsOn');

    const alarm = (id: string, metric: Metric, description: string) =>
      new Alarm(this, id, {
        alarmDescription: description,
        metric,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    this.alarms = [
      alarm(
        'FunctionErrorsAlarm',
        this.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        `The ${props.alarmSubject} failed at least once in 5 minutes; failed events are retried twice, then land in the dead-letter queue. See the function's log group.`,
      ),
      alarm(
        'DeadLetterQueueAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: 'Maximum',
        }),
        `Config events for the ${props.alarmSubject} failed every retry and wait in the dead-letter queue; their evaluations were not reported.`,
      ),
      alarm(
        'DestinationDeliveryFailuresAlarm',
        this.function.metric('DestinationDeliveryFailures', { period: FIVE_MINUTES, statistic: 'Sum' }),
        `A failed event of the ${props.alarmSubject} could not be sent to the dead-letter queue and is lost; its evaluations were not reported.`,
      ),
    ];
    if (props.alarmTopic !== undefined) {
      const action: IAlarmAction = new SnsAction(props.alarmTopic);
      for (const each of this.alarms) {
        each.addAlarmAction(action);
        each.addOkAction(action);
      }
    }
  }
}
