import type { EnvironmentInput } from '../environments/schema';
import { TEST_ACCOUNT, testEnvironment } from './support/environment-builder';
import { decodeJsonencode } from './support/jsonencode';
import { resourceOf, resourcesOf, synthJson } from './support/synth';

const ACCOUNT = TEST_ACCOUNT;
const TOPIC_ARN = '${aws_sns_topic.cloudwatch_db_alarm_topic.arn}';
const FUNCTION_ARN = '${aws_lambda_function.cloudwatch_alert_service.arn}';
const FROM_THIS_ACCOUNTS_ALARMS = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:ap-northeast-2:${ACCOUNT}:alarm:*` },
};

/** Team "qteam", Aurora cluster "test-aurora-qa", and ECS alarms on two of the three services. */
function withAlarms(): EnvironmentInput {
  return testEnvironment({ cloudwatch: { ecsAlarms: { services: ['api', 'batch-job'] } } });
}

function withCloudwatch(change: (cloudwatch: Record<string, unknown>) => void): EnvironmentInput {
  const input = withAlarms();
  change(input.cloudwatch);
  return input;
}

describe('cloudwatch in a stack with Aurora and ECS alarms', () => {
  const json = synthJson(withAlarms());
  const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm');

  describe('alarm topic', () => {
    const topic = resourceOf(json, 'aws_sns_topic', 'cloudwatch_db_alarm_topic');

    it('carries the environment in its name, encrypted with its own rotating key', () => {
      expect(topic).toEqual({
        name: 'qteam-db-alarm-topic-qa',
        kms_master_key_id: '${aws_kms_key.cloudwatch_db_alarm_topic_key.arn}',
      });
      expect(resourceOf(json, 'aws_kms_key', 'cloudwatch_db_alarm_topic_key')).toMatchObject({
        enable_key_rotation: true,
      });
    });

    it('lets CloudWatch alarms of this account use the key, and nothing else but the account', () => {
      const key = decodeJsonencode(resourceOf(json, 'aws_kms_key', 'cloudwatch_db_alarm_topic_key').policy) as {
        Statement: Record<string, unknown>[];
      };
      expect(key.Statement).toEqual([
        {
          Sid: 'AccountAdministersKeyThroughIam',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudWatchAlarmsEncryptMessages',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: FROM_THIS_ACCOUNTS_ALARMS,
        },
      ]);
    });

    it('grants Publish to CloudWatch alarms of this account only', () => {
      const policy = resourceOf(json, 'aws_sns_topic_policy', 'cloudwatch_db_alarm_topic_policy');
      expect(policy.arn).toBe(TOPIC_ARN);
      const statements = (decodeJsonencode(policy.policy) as { Statement: Record<string, unknown>[] }).Statement;
      const publishers = statements.filter((s) => [s.Action].flat().includes('sns:Publish'));
      expect(publishers).toEqual([
        {
          Sid: 'CloudWatchAlarmsOfThisAccountPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: TOPIC_ARN,
          Condition: FROM_THIS_ACCOUNTS_ALARMS,
        },
      ]);
    });

    it('keeps the legacy name when the environment pins it', () => {
      const legacy = synthJson(withCloudwatch((c) => (c.legacyNames = true)));
      expect(resourceOf(legacy, 'aws_sns_topic', 'cloudwatch_db_alarm_topic').name).toBe('qteam-db-alarm-topic');
      expect(resourceOf(legacy, 'aws_iam_role', 'cloudwatch_alert_exec').name).toBe('qteam-alert-service-role');
      expect(resourceOf(legacy, 'aws_cloudwatch_metric_alarm', 'cloudwatch_aurora_cluster_cpu_high').alarm_name).toBe(
        'OTT-Aurora-Cluster-CPU-Utilization-High',
      );
    });
  });

  describe('alarms', () => {
    it('every alarm notifies the topic on ALARM and on OK (failure alarms the operations topic first), and treats missing data deliberately', () => {
      expect(Object.keys(alarms).length).toBeGreaterThanOrEqual(3 + 4 + 2); // Aurora, 2 services x 2 ECS, functions
      const OPERATIONS = '${aws_sns_topic.operations_topic.arn}';
      const failureQueues = ['cloudwatch_alert_service_failures_not_empty', 'slack_notifier_alerts_dlq_not_empty'];
      for (const [id, alarm] of Object.entries(alarms)) {
        const operationsOnly =
          (alarm.dimensions as Record<string, string> | undefined)?.FunctionName !== undefined ||
          ['EcsSchedulerSlack', 'AWS/Events'].includes(String(alarm.namespace)) ||
          [
            'slack_notifier_wave_deadline_dlq_not_empty',
            'slack_notifier_update_service_dlq_not_empty',
            'ecs_scheduler_scaling_dlq_not_empty',
          ].includes(id);
        const expected = operationsOnly
          ? [OPERATIONS]
          : failureQueues.includes(id)
            ? [OPERATIONS, TOPIC_ARN]
            : [TOPIC_ARN];
        expect({ id, alarm_actions: alarm.alarm_actions, ok_actions: alarm.ok_actions }).toEqual({
          id,
          alarm_actions: expected,
          ok_actions: expected,
        });
        expect(['notBreaching', 'ignore']).toContain(alarm.treat_missing_data);
      }
    });

    it.each([
      [
        'cloudwatch_aurora_cluster_cpu_high',
        'OTT-Aurora-Cluster-CPU-Utilization-High-qa',
        'CPUUtilization',
        'GreaterThanOrEqualToThreshold',
        80,
        60,
        5,
      ],
      [
        'cloudwatch_aurora_cluster_memory_low',
        'OTT-Aurora-Cluster-FreeableMemory-Low-qa',
        'FreeableMemory',
        'LessThanThreshold',
        1_000_000_000,
        300,
        2,
      ],
      [
        'cloudwatch_aurora_cluster_connections_high',
        'OTT-Aurora-Cluster-DatabaseConnections-High-qa',
        'DatabaseConnections',
        'GreaterThanOrEqualToThreshold',
        80,
        300,
        3,
      ],
    ])(
      '%s: the legacy alarm on the cluster WRITER, with the legacy defaults',
      (id, name, metric, comparison, threshold, period, periods) => {
        expect(alarms[id]).toMatchObject({
          alarm_name: name,
          namespace: 'AWS/RDS',
          metric_name: metric,
          dimensions: { DBClusterIdentifier: 'test-aurora-qa', Role: 'WRITER' },
          statistic: 'Average',
          comparison_operator: comparison,
          threshold,
          period,
          evaluation_periods: periods,
          treat_missing_data: 'notBreaching',
        });
      },
    );

    it('takes thresholds, periods, names and the role from config', () => {
      const changed = synthJson(
        withCloudwatch((c) => {
          c.aurora = {
            clusterIdentifier: 'orders-db',
            role: 'READER',
            cpu: {
              threshold: 90,
              periodSeconds: 300,
              evaluationPeriods: 3,
              datapointsToAlarm: 2,
              alarmName: 'orders-cpu',
            },
            freeableMemory: { threshold: 268_435_456 },
          };
        }),
      );
      expect(resourceOf(changed, 'aws_cloudwatch_metric_alarm', 'cloudwatch_aurora_cluster_cpu_high')).toMatchObject({
        alarm_name: 'orders-cpu',
        dimensions: { DBClusterIdentifier: 'orders-db', Role: 'READER' },
        threshold: 90,
        period: 300,
        evaluation_periods: 3,
        datapoints_to_alarm: 2,
      });
      expect(resourceOf(changed, 'aws_cloudwatch_metric_alarm', 'cloudwatch_aurora_cluster_memory_low')).toMatchObject({
        threshold: 268_435_456,
        period: 300,
        evaluation_periods: 2,
      });
    });

    it('per listed service: ECS CPU and memory by cluster and service, holding state while scaled to 0', () => {
      for (const [service, cluster] of [
        ['api', 'apps-qa'],
        ['batch-job', 'batch-qa'],
      ] as const) {
        for (const [metric, key] of [
          ['CPUUtilization', 'cpu'],
          ['MemoryUtilization', 'memory'],
        ] as const) {
          expect(alarms[`cloudwatch_${service.replace(/-/g, '_')}_ecs_${key}_high`]).toMatchObject({
            alarm_name: `${service}-ecs-${key}-high-qa`,
            namespace: 'AWS/ECS',
            metric_name: metric,
            dimensions: { ClusterName: cluster, ServiceName: service },
            threshold: 80,
            treat_missing_data: 'ignore',
          });
        }
      }
      expect(Object.keys(alarms).filter((id) => id.includes('_ecs_'))).toHaveLength(4); // not on worker
    });

    it('rejects an ECS alarm for a service the scheduler does not know, and percent thresholds over 100', () => {
      expect(() => synthJson(withCloudwatch((c) => (c.ecsAlarms = { services: ['nope'] })))).toThrow(
        /cloudwatch\.ecsAlarms\.services\[0\]: "nope" is not a scheduled service/,
      );
      expect(() =>
        synthJson(withCloudwatch((c) => (c.aurora = { clusterIdentifier: 'db', cpu: { threshold: 150 } }))),
      ).toThrow(/cloudwatch\.aurora\.cpu\.threshold: threshold is a percentage, at most 100/);
    });

    it('without aurora or ecsAlarms config, only the alarms on the alerting itself remain', () => {
      const bare = synthJson(
        withCloudwatch((c) => {
          delete c.aurora;
          delete c.ecsAlarms;
        }),
      );
      expect(Object.keys(resourcesOf(bare, 'aws_cloudwatch_metric_alarm')).sort()).toEqual([
        'cloudwatch_alert_service_errors',
        'cloudwatch_alert_service_failures_not_empty',
        'cloudwatch_alert_service_slack_refused',
        'cloudwatch_alert_service_throttles',
        'ecs_scheduler_scaling_dlq_not_empty',
        'slack_notifier_alerts_dlq_not_empty',
        'slack_notifier_function_errors',
        'slack_notifier_function_slack_refused',
        'slack_notifier_function_throttles',
        'slack_notifier_update_service_dlq_not_empty',
        'slack_notifier_update_service_failed',
        'slack_notifier_wave_deadline_dlq_not_empty',
      ]);
    });
  });

  describe('alert-service function', () => {
    const fn = resourceOf(json, 'aws_lambda_function', 'cloudwatch_alert_service');

    it('is a bundled zip on a Node.js LTS runtime, not a container image', () => {
      expect(fn).toMatchObject({
        function_name: 'qteam-alert-service-qa',
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        role: '${aws_iam_role.cloudwatch_alert_exec.arn}',
      });
      expect(fn.filename).toMatch(/\/alert-service\.zip$/);
      expect(fn).not.toHaveProperty('image_uri');
      expect(fn).not.toHaveProperty('package_type');
    });

    it('reads the webhook from the secret named in config, at run time', () => {
      expect((fn.environment as { variables: Record<string, string> }).variables).toEqual({
        ENVIRONMENT: 'qa',
        DISPLAY_TIMEZONE: 'Asia/Seoul',
        DELIVERIES_TABLE: 'qteam-alert-deliveries-qa',
        SLACK_WEBHOOK_SECRET_ID: 'test/qa/alarms-webhook',
        POWERTOOLS_SERVICE_NAME: 'alert-service',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      const policy = resourceOf(json, 'aws_iam_role_policy', 'cloudwatch_alert_secrets_policy');
      expect(decodeJsonencode(policy.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadSlackWebhookSecret',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: `arn:aws:secretsmanager:ap-northeast-2:${ACCOUNT}:secret:test/qa/alarms-webhook-??????`,
          },
        ],
      });
    });

    it('is invoked by this topic only, through its subscription', () => {
      expect(resourceOf(json, 'aws_lambda_permission', 'cloudwatch_allow_sns')).toMatchObject({
        statement_id: 'AllowExecutionFromSNS',
        action: 'lambda:InvokeFunction',
        function_name: '${aws_lambda_function.cloudwatch_alert_service.function_name}',
        principal: 'sns.amazonaws.com',
        source_arn: TOPIC_ARN,
      });
      expect(resourceOf(json, 'aws_sns_topic_subscription', 'cloudwatch_alert_sub')).toMatchObject({
        topic_arn: TOPIC_ARN,
        protocol: 'lambda',
        endpoint: FUNCTION_ARN,
      });
    });

    it('keeps an alarm it could not deliver in an encrypted queue, watched by an alarm', () => {
      expect(
        resourceOf(json, 'aws_lambda_function_event_invoke_config', 'cloudwatch_alert_service_async'),
      ).toMatchObject({
        function_name: '${aws_lambda_function.cloudwatch_alert_service.function_name}',
        maximum_retry_attempts: 2,
        destination_config: {
          on_failure: { destination: '${aws_sqs_queue.cloudwatch_alert_service_failures.arn}' },
        },
      });
      expect(resourceOf(json, 'aws_sqs_queue', 'cloudwatch_alert_service_failures')).toMatchObject({
        name: 'qteam-alert-service-failures-qa',
        sqs_managed_sse_enabled: true,
      });
      const sendPolicy = resourceOf(json, 'aws_iam_role_policy', 'cloudwatch_alert_failures_policy');
      expect(decodeJsonencode(sendPolicy.policy)).toMatchObject({
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: '${aws_sqs_queue.cloudwatch_alert_service_failures.arn}',
          },
        ],
      });
      expect(alarms.cloudwatch_alert_service_failures_not_empty).toMatchObject({
        dimensions: { QueueName: '${aws_sqs_queue.cloudwatch_alert_service_failures.name}' },
      });
    });

    it('has basic logging and no VPC access policy (the function runs outside a VPC)', () => {
      const attachments = Object.values(resourcesOf(json, 'aws_iam_role_policy_attachment')).filter(
        (a) => a.role === '${aws_iam_role.cloudwatch_alert_exec.name}',
      );
      expect(attachments.map((a) => a.policy_arn)).toEqual([
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      ]);
    });
  });
});
