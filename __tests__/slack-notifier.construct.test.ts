import { strFromU8, unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { bundleFunction } from '../constructs/shared/bundle';
import { waveManifestFiles } from '../constructs/slack-notifier/wave-manifest';
import type { EnvironmentInput } from '../environments/schema';
import { ConfigError, parseEnvironment } from '../environments/validate';
import {
  numberedServices,
  TEST_ACCOUNT,
  testEnvironment,
  testServices,
  type Overrides,
} from './support/environment-builder';
import { matchesPattern, updateServiceEvent } from './support/event-pattern';
import { decodeJsonencode, serviceTrust } from './support/jsonencode';
import { resourceOf, resourcesOf, synthJson, synthNotifier } from './support/synth';

const QUEUE_ARN = '${aws_sqs_queue.slack_notifier_alerts.arn}';
const RULE_ARN = '${aws_cloudwatch_event_rule.slack_notifier_ecs_update_service.arn}';

const withNotifier = (slackNotifier: Overrides<EnvironmentInput['slackNotifier']>) =>
  testEnvironment({ slackNotifier });

describe('slack-notifier in a stack of three services', () => {
  const json = synthJson(testEnvironment());

  describe('EventBridge rule', () => {
    const rule = resourceOf(json, 'aws_cloudwatch_event_rule', 'slack_notifier_ecs_update_service');
    const pattern = decodeJsonencode(rule.event_pattern);
    const call = (role: string, account = TEST_ACCOUNT) => updateServiceEvent(role, account);

    it('keeps the legacy name', () => {
      expect(rule.name).toBe('ecs-scheduler-update-service-qa');
    });

    it('matches CloudTrail UpdateService calls of every scheduler role of the environment', () => {
      for (const svc of testServices()) {
        expect(matchesPattern(pattern, call(`${svc.service}-scheduler-role-qa`))).toBe(true);
      }
    });

    it("does not match manual, console, CI or another environment's calls, nor another account", () => {
      for (const caller of ['admin', 'github-actions-deploy', 'AWSServiceRoleForECS', 'api-scheduler-role-stg']) {
        expect(matchesPattern(pattern, call(caller))).toBe(false);
      }
      expect(matchesPattern(pattern, call('api-scheduler-role-qa', '999999999999'))).toBe(false);
      const createService = call('api-scheduler-role-qa');
      createService.detail.eventName = 'CreateService';
      expect(matchesPattern(pattern, createService)).toBe(false);
    });

    it('lists the exact role names of this account, in one rule, within 2,048 characters', () => {
      expect(pattern).toMatchObject({
        source: ['aws.ecs'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ecs.amazonaws.com'],
          eventName: ['UpdateService'],
          userIdentity: {
            sessionContext: {
              sessionIssuer: {
                accountId: [TEST_ACCOUNT],
                userName: ['api-scheduler-role-qa', 'batch-job-scheduler-role-qa', 'worker-scheduler-role-qa'],
              },
            },
          },
        },
      });
      expect(Object.keys(resourcesOf(json, 'aws_cloudwatch_event_rule'))).toHaveLength(1);
      expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
    });

    it('targets the queue as SendToSQS', () => {
      expect(resourceOf(json, 'aws_cloudwatch_event_target', 'slack_notifier_send_to_sqs')).toMatchObject({
        rule: '${aws_cloudwatch_event_rule.slack_notifier_ecs_update_service.name}',
        target_id: 'SendToSQS',
        arn: QUEUE_ARN,
      });
    });
  });

  describe('queues', () => {
    const queue = resourceOf(json, 'aws_sqs_queue', 'slack_notifier_alerts');
    const dlq = resourceOf(json, 'aws_sqs_queue', 'slack_notifier_alerts_dlq');

    it('keeps the legacy queue name, with SSE-SQS and 4 days retention (a rollback keeps the results)', () => {
      expect(queue).toMatchObject({
        name: 'ecs-scheduler-alerts-qa',
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 4 * 24 * 3600,
      });
    });

    it('sets visibility to at least 6 x the function timeout plus the batching window', () => {
      const fn = resourceOf(json, 'aws_lambda_function', 'slack_notifier_slack_notifier');
      const esm = resourceOf(json, 'aws_lambda_event_source_mapping', 'slack_notifier_sqs_trigger');
      expect(queue.visibility_timeout_seconds).toBeGreaterThanOrEqual(
        6 * (fn.timeout as number) + (esm.maximum_batching_window_in_seconds as number),
      );
    });

    it('redrives to an encrypted DLQ after 3 receives by default', () => {
      expect(dlq).toMatchObject({ name: 'ecs-scheduler-alerts-dlq-qa', sqs_managed_sse_enabled: true });
      expect(decodeJsonencode(queue.redrive_policy)).toEqual({
        deadLetterTargetArn: '${aws_sqs_queue.slack_notifier_alerts_dlq.arn}',
        maxReceiveCount: 3,
      });
    });

    it('admits EventBridge only from the rule (aws:SourceArn) and denies plain HTTP', () => {
      const policy = resourceOf(json, 'aws_sqs_queue_policy', 'slack_notifier_allow_eventbridge');
      expect(policy.queue_url).toBe('${aws_sqs_queue.slack_notifier_alerts.id}');
      expect(decodeJsonencode(policy.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AllowUpdateServiceRule',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: QUEUE_ARN,
            Condition: { ArnEquals: { 'aws:SourceArn': RULE_ARN } },
          },
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: QUEUE_ARN,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      });
    });

    it('raises an alarm, to the operations topic and the alarm topic, when the DLQ holds a message, and again when it empties', () => {
      const alarm = resourceOf(json, 'aws_cloudwatch_metric_alarm', 'slack_notifier_alerts_dlq_not_empty');
      expect(alarm).toMatchObject({
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: '${aws_sqs_queue.slack_notifier_alerts_dlq.name}' },
        threshold: 1,
        comparison_operator: 'GreaterThanOrEqualToThreshold',
        alarm_actions: ['${aws_sns_topic.operations_topic.arn}', '${aws_sns_topic.cloudwatch_db_alarm_topic.arn}'],
        ok_actions: ['${aws_sns_topic.operations_topic.arn}', '${aws_sns_topic.cloudwatch_db_alarm_topic.arn}'],
      });
    });
  });

  describe('event source mapping', () => {
    const esm = resourceOf(json, 'aws_lambda_event_source_mapping', 'slack_notifier_sqs_trigger');

    it('reads whole waves: a batch of at least 10, 300 s window, partial batch responses', () => {
      expect(esm).toMatchObject({
        event_source_arn: QUEUE_ARN,
        function_name: '${aws_lambda_function.slack_notifier_slack_notifier.arn}',
        batch_size: 10,
        maximum_batching_window_in_seconds: 300,
        function_response_types: ['ReportBatchItemFailures'],
        enabled: true,
        scaling_config: { maximum_concurrency: 2 },
      });
    });

    it('sizes the default batch at twice the services (20 services: 40), room for a whole wave', () => {
      const twenty = synthJson(testEnvironment({ scheduler: { services: numberedServices(20) } }));
      const mapping = resourceOf(twenty, 'aws_lambda_event_source_mapping', 'slack_notifier_sqs_trigger');
      expect(mapping.batch_size).toBe(40);
    });

    it('is created only after the role may read the queue', () => {
      expect(esm.depends_on).toContain('aws_iam_role_policy.slack_notifier_lambda_sqs');
    });

    it('takes batch size, window, concurrency, receive count and the rollback switch from config', () => {
      const changed = synthJson(
        withNotifier({
          batchSize: 60,
          batchingWindowSeconds: 120,
          maximumConcurrency: 5,
          maxReceiveCount: 5,
          enabled: false,
        }),
      );
      expect(resourceOf(changed, 'aws_lambda_event_source_mapping', 'slack_notifier_sqs_trigger')).toMatchObject({
        batch_size: 60,
        maximum_batching_window_in_seconds: 120,
        enabled: false,
        scaling_config: { maximum_concurrency: 5 },
      });
      const queue = resourceOf(changed, 'aws_sqs_queue', 'slack_notifier_alerts');
      expect(decodeJsonencode(queue.redrive_policy)).toMatchObject({ maxReceiveCount: 5 });
      expect(queue.visibility_timeout_seconds).toBe(6 * 60 + 120);
    });

    it.each([
      [{ maxReceiveCount: 6, queueRetentionHours: 1 }, "maxReceiveCount 6 x the queue's visibility timeout 660 s"],
      [
        { functionTimeoutSeconds: 150, queueRetentionHours: 1 },
        "maxReceiveCount 3 x the queue's visibility timeout 1200 s",
      ],
    ])('rejects %j: a failing message would expire before reaching the DLQ', (change, message) => {
      expect(() => synthJson(withNotifier(change))).toThrow(message);
      expect(() => synthJson(withNotifier(change))).toThrow(
        /slackNotifier\.maxReceiveCount: .*expire before reaching the dead-letter queue/,
      );
    });

    it('rejects a batch smaller than the service list, naming the field and the fix', () => {
      expect(() => synthJson(withNotifier({ batchSize: 2 }))).toThrow(ConfigError);
      expect(() => synthJson(withNotifier({ batchSize: 2 }))).toThrow(
        /slackNotifier\.batchSize: batchSize 2 is below the 3 scheduled services.*use at least 3/,
      );
    });
  });

  describe('function and role', () => {
    const fn = resourceOf(json, 'aws_lambda_function', 'slack_notifier_slack_notifier');

    it('keeps the legacy function name on a current Node.js LTS runtime, bundled as a zip', () => {
      expect(fn).toMatchObject({
        function_name: 'ecs-scheduler-slack-notifier-qa',
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        role: '${aws_iam_role.slack_notifier_lambda_role.arn}',
      });
      expect(fn.filename).toMatch(
        /^assets\/slack_notifier_function_bundle_[0-9A-F]{8}\/[0-9A-F]{32}\/slack-notifier\.zip$/,
      );
      expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    });

    it('passes the secret by name, never the webhook URL', () => {
      expect(fn.environment).toEqual({
        variables: {
          ENVIRONMENT: 'qa',
          TIMEZONE: 'Asia/Seoul',
          WAVES_TABLE: 'ecs-scheduler-waves-qa',
          PAUSED: 'false',
          SLACK_WEBHOOK_SECRET_ID: 'test/qa/notifier-webhook',
          POWERTOOLS_SERVICE_NAME: 'slack-notifier',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
      });
    });

    it('logs JSON to its own log group with retention', () => {
      expect(fn.logging_config).toEqual({
        log_format: 'JSON',
        log_group: '${aws_cloudwatch_log_group.slack_notifier_lambda_logs.name}',
      });
      expect(resourceOf(json, 'aws_cloudwatch_log_group', 'slack_notifier_lambda_logs')).toMatchObject({
        name: '/ecs-scheduler/qa/slack-notifier',
        retention_in_days: 30,
      });
    });

    it('keeps the legacy role, trusted by Lambda for this account only, with basic logging', () => {
      const role = resourceOf(json, 'aws_iam_role', 'slack_notifier_lambda_role');
      expect(role.name).toBe('ecs-scheduler-slack-notifier-role-qa');
      expect(decodeJsonencode(role.assume_role_policy)).toEqual(serviceTrust('lambda.amazonaws.com', TEST_ACCOUNT));
      expect(resourceOf(json, 'aws_iam_role_policy_attachment', 'slack_notifier_lambda_basic')).toEqual({
        role: '${aws_iam_role.slack_notifier_lambda_role.name}',
        policy_arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      });
    });

    it('may receive, delete and read attributes of its own queue only', () => {
      const policy = resourceOf(json, 'aws_iam_role_policy', 'slack_notifier_lambda_sqs');
      expect(policy.name).toBe('ecs-scheduler-lambda-sqs-qa');
      expect(decodeJsonencode(policy.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
            Resource: QUEUE_ARN,
          },
        ],
      });
    });

    it('may read this one secret only', () => {
      const policy = resourceOf(json, 'aws_iam_role_policy', 'slack_notifier_lambda_secret');
      expect(decodeJsonencode(policy.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadSlackWebhookSecret',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: `arn:aws:secretsmanager:ap-northeast-2:${TEST_ACCOUNT}:secret:test/qa/notifier-webhook-??????`,
          },
        ],
      });
    });

    it('takes a secret ARN as is, and a customer KMS key only through Secrets Manager', () => {
      const arn = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:slack/qa-AbCdEf';
      const key = 'arn:aws:kms:ap-northeast-2:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
      const changed = synthJson(withNotifier({ webhookSecret: arn, webhookSecretKmsKeyArn: key }));
      const fnEnv = (
        resourceOf(changed, 'aws_lambda_function', 'slack_notifier_slack_notifier').environment as {
          variables: Record<string, string>;
        }
      ).variables;
      expect(fnEnv.SLACK_WEBHOOK_SECRET_ID).toBe(arn);
      expect(
        decodeJsonencode(resourceOf(changed, 'aws_iam_role_policy', 'slack_notifier_lambda_secret').policy),
      ).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadSlackWebhookSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn },
          {
            Sid: 'DecryptSlackWebhookSecret',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: key,
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.ap-northeast-2.amazonaws.com' } },
          },
        ],
      });
    });

    it('refuses a webhook URL where the secret name belongs', () => {
      const leaked = withNotifier({ webhookSecret: 'https://hooks.slack.com/services/T0/B0/xyz' });
      expect(() => synthJson(leaked)).toThrow(
        /slackNotifier\.webhookSecret: webhookSecret must name a Secrets Manager secret, never the webhook URL/,
      );
    });
  });

  describe('waves', () => {
    const TABLE_ARN = '${aws_dynamodb_table.slack_notifier_waves.arn}';
    const FUNCTION_ARN = '${aws_lambda_function.slack_notifier_slack_notifier.arn}';
    const DLQ_ARN = '${aws_sqs_queue.slack_notifier_alerts_dlq.arn}';

    it('gathers results in an on-demand, encrypted table whose items expire', () => {
      expect(resourceOf(json, 'aws_dynamodb_table', 'slack_notifier_waves')).toMatchObject({
        name: 'ecs-scheduler-waves-qa',
        billing_mode: 'PAY_PER_REQUEST',
        hash_key: 'pk',
        range_key: 'sk',
        attribute: [
          { name: 'pk', type: 'S' },
          { name: 'sk', type: 'S' },
        ],
        ttl: { attribute_name: 'expiresAt', enabled: true },
        server_side_encryption: { enabled: true },
      });
    });

    it('lets the function record, claim and read waves in that table only, and keep failed closes in its DLQ', () => {
      const policy = resourceOf(json, 'aws_iam_role_policy', 'slack_notifier_lambda_waves');
      expect(policy).toMatchObject({
        name: 'ecs-scheduler-slack-notifier-waves-qa',
        role: '${aws_iam_role.slack_notifier_lambda_role.id}',
      });
      expect(decodeJsonencode(policy.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RecordWaves',
            Effect: 'Allow',
            Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Query'],
            Resource: TABLE_ARN,
          },
          { Sid: 'KeepFailedWaveCloses', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: DLQ_ARN },
        ],
      });
      expect(resourceOf(json, 'aws_lambda_function', 'slack_notifier_slack_notifier').depends_on).toContain(
        'aws_iam_role_policy.slack_notifier_lambda_waves',
      );
    });

    it.each([
      ['scale_up', 'scale-up', 'cron(50 8 ? * MON-FRI *)'], // 08:30 + 20 min
      ['scale_down', 'scale-down', 'cron(35 19 ? * MON-FRI *)'], // 19:15 + 20 min
    ])('closes each %s wave 20 min after it, on its days, at the exact minute', (id, action, cron) => {
      const schedule = resourceOf(json, 'aws_scheduler_schedule', `slack_notifier_wave_deadline_${id}`);
      expect(schedule).toMatchObject({
        name: `ecs-scheduler-${action}-deadline-qa`,
        schedule_expression: cron,
        schedule_expression_timezone: 'Asia/Seoul',
        flexible_time_window: { mode: 'OFF' },
        target: {
          arn: FUNCTION_ARN,
          role_arn: '${aws_iam_role.slack_notifier_wave_deadline_role.arn}',
          retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 10 },
        },
      });
      expect(JSON.parse((schedule.target as { input: string }).input)).toEqual({
        closeWave: { action, scheduledTime: '<aws.scheduler.scheduled-time>' },
      });
    });

    it('invokes through a role trusted by Scheduler for this account, allowed only to invoke the function and keep what it could not invoke', () => {
      const role = resourceOf(json, 'aws_iam_role', 'slack_notifier_wave_deadline_role');
      expect(role.name).toBe('ecs-scheduler-wave-deadline-role-qa');
      expect(decodeJsonencode(role.assume_role_policy)).toEqual(serviceTrust('scheduler.amazonaws.com', TEST_ACCOUNT));
      const policy = resourceOf(json, 'aws_iam_role_policy', 'slack_notifier_wave_deadline_invoke');
      expect(policy.role).toBe('${aws_iam_role.slack_notifier_wave_deadline_role.id}');
      expect(decodeJsonencode(policy.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN },
          {
            Sid: 'KeepUninvokedCloses',
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: '${aws_sqs_queue.slack_notifier_wave_deadline_dlq.arn}',
          },
        ],
      });
    });

    it('keeps a close that failed its retries in the DLQ, whose alarm tells someone', () => {
      expect(
        resourceOf(json, 'aws_lambda_function_event_invoke_config', 'slack_notifier_wave_close_retries'),
      ).toMatchObject({
        function_name: '${aws_lambda_function.slack_notifier_slack_notifier.function_name}',
        maximum_retry_attempts: 2,
        destination_config: { on_failure: { destination: DLQ_ARN } },
        depends_on: ['aws_iam_role_policy.slack_notifier_lambda_waves'],
      });
    });

    it('takes the grace period from config', () => {
      const changed = synthJson(withNotifier({ waveGraceMinutes: 45 }));
      expect(
        resourceOf(changed, 'aws_scheduler_schedule', 'slack_notifier_wave_deadline_scale_down').schedule_expression,
      ).toBe('cron(0 20 ? * MON-FRI *)'); // 19:15 + 45 min
    });

    it.each([
      [
        (env: EnvironmentInput) => Object.assign(env.slackNotifier, { waveGraceMinutes: 14 }),
        'slackNotifier.waveGraceMinutes: waveGraceMinutes 14 is shorter than the flexible window (5 min) + the batching window (5 min) + 5 min of CloudTrail delay = 15 min',
      ],
      [
        (env: EnvironmentInput) => Object.assign(env.scheduler, { flexibleWindowMinutes: 15 }),
        'waves would be closed before their results arrive. Use at least 25',
      ],
      [
        (env: EnvironmentInput) => Object.assign(env.scheduler, { scaleDown: { time: '23:50', weekdays: 'MON-FRI' } }),
        "slackNotifier.waveGraceMinutes: the scaleDown wave at 23:50 plus waveGraceMinutes 20 passes midnight, so its deadline would fall on the next day, which the deadline schedule's weekdays do not follow. Use at most 9 or move scheduler.scaleDown.time earlier",
      ],
      [
        (env: EnvironmentInput) => Object.assign(env.slackNotifier, { waveGraceMinutes: 721 }),
        'slackNotifier.waveGraceMinutes: waveGraceMinutes must be 1 to 720 min',
      ],
    ])('rejects a deadline that comes too early or on the next day (%#)', (change, message) => {
      const input = testEnvironment();
      change(input);
      expect(() => synthJson(input)).toThrow(message);
    });
  });

  describe('at 500 services (the module alone)', () => {
    const input = testEnvironment({ scheduler: { services: numberedServices(500) } });
    const big = synthNotifier(input);
    const fn = resourceOf(big, 'aws_lambda_function', 'slack_notifier_slack_notifier');

    it('lists every role by its exact name, over several rules within the pattern limit (caller-rules.test.ts)', () => {
      const rules = Object.values(resourcesOf(big, 'aws_cloudwatch_event_rule'));
      expect(rules.length).toBeGreaterThan(1);
      const patterns = rules.map((rule) => decodeJsonencode(rule.event_pattern));
      for (const pattern of patterns) expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
      const matched = (role: string) => patterns.some((p) => matchesPattern(p, updateServiceEvent(role, TEST_ACCOUNT)));
      expect(matched('svc-001-scheduler-role-qa')).toBe(true);
      expect(matched('svc-500-scheduler-role-qa')).toBe(true);
      expect(matched('svc-001-scheduler-role-stg')).toBe(false);
      expect(matched('svc-501-scheduler-role-qa')).toBe(false);
    });

    it("keeps the function's environment variables far below Lambda's 4 KB", () => {
      const variables = (fn.environment as { variables: Record<string, string> }).variables;
      const size = Object.entries(variables).reduce((sum, [key, value]) => sum + key.length + value.length, 0);
      expect(size).toBeLessThan(400);
    });

    it('carries the 500 expected services in the zip it deploys', () => {
      const bundle = bundleFunction('slack-notifier', waveManifestFiles(parseEnvironment(input)));
      expect(fn.source_code_hash).toBe(bundle.zipSha256);
      const manifest = JSON.parse(strFromU8(unzipSync(readFileSync(bundle.zipPath))['wave-manifest.json']!)) as {
        services: unknown[];
      };
      expect(manifest.services).toHaveLength(500);
      expect(manifest.services).toContainEqual({
        cluster: 'scale-cluster',
        service: 'svc-500',
        upCount: 1,
        downCount: 0,
      });
    });
  });

  describe('management-events trail', () => {
    it('uses the account trail when the config says one exists', () => {
      expect(resourcesOf(json, 'aws_cloudtrail')).toEqual({});
      expect(resourcesOf(json, 'aws_s3_bucket')).toEqual({});
    });

    describe('created when the config says none exists', () => {
      const created = synthJson(withNotifier({ managementEventsTrail: { mode: 'create', logExpirationDays: 30 } }));
      const bucketArn = '${aws_s3_bucket.slack_notifier_trail_bucket.arn}';
      const trailArn = `arn:aws:cloudtrail:ap-northeast-2:${TEST_ACCOUNT}:trail/ecs-scheduler-management-events-qa`;

      it('logs write management events of this region only', () => {
        expect(resourceOf(created, 'aws_cloudtrail', 'slack_notifier_trail_management_events')).toMatchObject({
          name: 'ecs-scheduler-management-events-qa',
          s3_bucket_name: '${aws_s3_bucket.slack_notifier_trail_bucket.id}',
          is_multi_region_trail: false,
          include_global_service_events: false,
          enable_log_file_validation: true,
          event_selector: [{ read_write_type: 'WriteOnly', include_management_events: true }],
          depends_on: ['aws_s3_bucket_policy.slack_notifier_trail_policy'],
        });
      });

      it('into a private, encrypted bucket that expires the logs', () => {
        expect(resourceOf(created, 'aws_s3_bucket', 'slack_notifier_trail_bucket').bucket).toBe(
          `ecs-scheduler-trail-qa-${TEST_ACCOUNT}`,
        );
        expect(
          resourceOf(created, 'aws_s3_bucket_public_access_block', 'slack_notifier_trail_public_access'),
        ).toMatchObject({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
        expect(
          resourceOf(created, 'aws_s3_bucket_server_side_encryption_configuration', 'slack_notifier_trail_encryption'),
        ).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] });
        expect(
          resourceOf(created, 'aws_s3_bucket_lifecycle_configuration', 'slack_notifier_trail_expiry'),
        ).toMatchObject({
          rule: [{ status: 'Enabled', expiration: [{ days: 30 }] }],
        });
      });

      it('whose policy admits only this trail and denies plain HTTP', () => {
        const policy = decodeJsonencode(
          resourceOf(created, 'aws_s3_bucket_policy', 'slack_notifier_trail_policy').policy,
        ) as {
          Statement: { Sid: string; Condition?: Record<string, Record<string, string>> }[];
        };
        expect(policy.Statement.map((s) => s.Sid)).toEqual([
          'CloudTrailAclCheck',
          'CloudTrailWrite',
          'DenyInsecureTransport',
        ]);
        for (const statement of policy.Statement.slice(0, 2)) {
          expect(statement.Condition?.StringEquals?.['aws:SourceArn']).toBe(trailArn);
        }
        expect(policy.Statement[1]).toMatchObject({ Resource: `${bucketArn}/AWSLogs/${TEST_ACCOUNT}/*` });
      });
    });
  });
});
