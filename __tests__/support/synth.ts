// Synthesizes one environment stack in memory and returns its Terraform JSON; or, for tests of one
// module at scale, a stack holding only that module.
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { EcsScheduler } from '../../constructs/ecs-scheduler';
import { EnvironmentStack } from '../../constructs/environment-stack';
import type { AccountScope } from '../../constructs/shared/arn';
import { SlackNotifier } from '../../constructs/slack-notifier';
import type { EnvironmentConfig, EnvironmentInput } from '../../environments/schema';
import { parseEnvironment } from '../../environments/validate';
import { schedulerResourceNames } from '../../shared/scheduler-names';

export interface TerraformJson {
  terraform: Record<string, unknown>;
  provider: { aws: Record<string, unknown>[] };
  data?: Record<string, Record<string, Record<string, unknown>>>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  [block: string]: unknown;
}

/** The synthesized JSON text of the stack, as `cdktf synth` writes it. */
export function synthText(input: EnvironmentInput): string {
  const app = Testing.app();
  const stack = new EnvironmentStack(app, parseEnvironment(input));
  return Testing.synth(stack);
}

export function synthJson(input: EnvironmentInput): TerraformJson {
  return JSON.parse(synthText(input)) as TerraformJson;
}

/** A stack of the AWS provider and one module, built as EnvironmentStack builds it (same logical IDs). */
function moduleStack(
  input: EnvironmentInput,
  build: (stack: TerraformStack, config: EnvironmentConfig, account: AccountScope) => void,
): TerraformJson {
  const config = parseEnvironment(input);
  const stack = new TerraformStack(Testing.app(), config.name);
  new AwsProvider(stack, 'aws', { region: config.region, allowedAccountIds: [config.accountId] });
  build(stack, config, { region: config.region, accountId: config.accountId });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** Only the ecs-scheduler module of the environment (failures go to a fixed `<env>-operations` topic ARN). */
export function synthScheduler(input: EnvironmentInput): TerraformJson {
  return moduleStack(input, (stack, config, account) => {
    new EcsScheduler(stack, 'ecs_scheduler', {
      environment: config.name,
      namePrefix: config.namePrefix,
      account,
      scheduler: config.scheduler,
      operationsTopicArn: `arn:aws:sns:${account.region}:${account.accountId}:${config.name}-operations`,
    });
  });
}

/**
 * Only the slack-notifier module of the environment, admitting the role names the ecs-scheduler
 * module gives its services; failures go to a fixed operations topic ARN, `<env>-operations`.
 */
export function synthNotifier(input: EnvironmentInput): TerraformJson {
  return moduleStack(input, (stack, config, account) => {
    new SlackNotifier(stack, 'slack_notifier', {
      config,
      account,
      schedulerRoleNames: config.scheduler.services.map(
        (s) => schedulerResourceNames(s.resourceName, config.name).role,
      ),
      operationsTopicArn: `arn:aws:sns:${account.region}:${account.accountId}:${config.name}-operations`,
    });
  });
}

/** All resources of one type, keyed by logical ID. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource[type] ?? {};
}

/** A deep copy of an environment input that a test may change freely. */
export function copyOf(input: EnvironmentInput): EnvironmentInput {
  return structuredClone(input);
}

/** A copy with another service list; the ECS alarms, which name services of the old list, go with it. */
export function withServices(input: EnvironmentInput, services: EnvironmentInput['scheduler']['services']) {
  const env = copyOf(input);
  env.scheduler.services = services;
  delete env.cloudwatch.ecsAlarms;
  return env;
}

/** The ecs-scheduler module's resources of a type (logical IDs `<service>_scheduler_<legacy name>`). */
export function schedulerResourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(resourcesOf(json, type)).filter(([id]) =>
      /_scheduler_(ecs_scheduler_role|ecs_scheduler_policy|scale_up|scale_down)$/.test(id),
    ),
  );
}

/** The stack with each function's zip path and hash replaced by placeholders, for snapshots. */
export function maskFunctionCode(json: TerraformJson): TerraformJson {
  const masked = structuredClone(json);
  for (const fn of Object.values(masked.resource.aws_lambda_function ?? {})) {
    fn.filename = (fn.filename as string).replace(/\/[0-9A-F]{32}\//, '/<zip hash>/');
    fn.source_code_hash = '<zip sha256>';
  }
  return masked;
}

/** One resource by type and logical ID; throws when the stack lacks it. */
export function resourceOf(json: TerraformJson, type: string, logicalId: string): Record<string, unknown> {
  const resource = resourcesOf(json, type)[logicalId];
  if (!resource) throw new Error(`${type}.${logicalId} is not in the stack`);
  return resource;
}
