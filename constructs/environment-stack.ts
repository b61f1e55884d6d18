// One Terraform stack (and one state) per environment: provider, backend and the modules.
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/schema';
import { Cloudwatch } from './cloudwatch';
import { EcsScheduler } from './ecs-scheduler';
import { Operations } from './operations';
import type { AccountScope } from './shared/arn';
import { SlackNotifier } from './slack-notifier';
import { configureBackend, requiredTerraformVersion } from './shared/backend';

type TerraformJson = { terraform: Record<string, unknown> } & Record<string, unknown>;

export class EnvironmentStack extends TerraformStack {
  readonly account: AccountScope;
  readonly ecsScheduler: EcsScheduler;
  readonly slackNotifier: SlackNotifier;
  readonly cloudwatch: Cloudwatch;
  readonly operations: Operations;

  constructor(
    scope: Construct,
    readonly config: EnvironmentConfig,
  ) {
    super(scope, config.name);
    configureBackend(this, config.backend);

    new AwsProvider(this, 'aws', {
      region: config.region,
      // Credentials of any other account stop plan and apply before anything is read or changed.
      allowedAccountIds: [config.accountId],
      ...(Object.keys(config.defaultTags).length > 0 ? { defaultTags: [{ tags: config.defaultTags }] } : {}),
    });

    // The declared account, not data.aws_caller_identity: a plan then needs no STS call.
    this.account = { region: config.region, accountId: config.accountId };

    this.operations = new Operations(this, 'operations', { config, account: this.account });
    const operationsTopicArn = this.operations.topicArn;

    this.ecsScheduler = new EcsScheduler(this, 'ecs_scheduler', {
      environment: config.name,
      namePrefix: config.namePrefix,
      account: this.account,
      scheduler: config.scheduler,
      operationsTopicArn,
    });

    this.cloudwatch = new Cloudwatch(this, 'cloudwatch', { config, account: this.account, operationsTopicArn });

    this.slackNotifier = new SlackNotifier(this, 'slack_notifier', {
      config,
      account: this.account,
      schedulerRoleNames: this.ecsScheduler.roleNames,
      operationsTopicArn,
      alarmTopicArn: this.cloudwatch.topic.topic.arn,
    });
    this.operations.admit([
      ...this.ecsScheduler.operationsAlarms,
      ...this.cloudwatch.operationsAlarms,
      ...this.slackNotifier.operationsAlarms,
    ]);
  }

  /**
   * Adds `required_version` to the JSON output. Not through addOverride: CDKTF 0.21 renders
   * extra `terraform` attributes as `0 = "required_version"` under `synth --hcl`, so the HCL
   * (a review copy) goes without it.
   */
  override toTerraform(): TerraformJson {
    const json = super.toTerraform() as TerraformJson;
    json.terraform.required_version = requiredTerraformVersion(this.config.backend);
    return json;
  }
}
