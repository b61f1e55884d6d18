// ecs-scheduler: mirrors legacy modules/ecs-scheduler, called once per service.
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../environments/schema';
import type { AccountScope } from '../shared/arn';
import { schedulerResourceNames } from '../../shared/scheduler-names';
import { ServiceScheduler } from './service-scheduler';

export interface EcsSchedulerProps {
  environment: string;
  account: AccountScope;
  scheduler: EnvironmentConfig['scheduler'];
}

export class EcsScheduler extends Construct {
  /** Keyed by the service's resource name (normally the ECS service name). */
  readonly services: ReadonlyMap<string, ServiceScheduler>;
  /** IAM role names of every schedule: the callers whose UpdateService calls are reported. */
  readonly roleNames: string[];

  constructor(scope: Construct, id: string, props: EcsSchedulerProps) {
    super(scope, id);
    const { services, ...timing } = props.scheduler;
    this.services = new Map(
      services.map((service) => [
        service.resourceName,
        new ServiceScheduler(this, { environment: props.environment, account: props.account, service, timing }),
      ]),
    );
    this.roleNames = services.map((service) => schedulerResourceNames(service.resourceName, props.environment).role);
  }
}

export { UPDATE_SERVICE_TARGET_ARN } from './service-scheduler';
