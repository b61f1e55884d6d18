import { cloudBackend, defaultTags, serviceCatalog } from './common';
import type { EnvironmentInput } from './schema';

export const stg: EnvironmentInput = {
  name: 'stg',
  region: 'ap-northeast-2',
  // PLACEHOLDER (AWS's documentation account): replace with the real account ID (help/migration.md, step 0).
  // The provider refuses credentials of any other account; `npm run deploy` refuses the placeholder.
  accountId: '111122223333',
  defaultTags: defaultTags('stg'),
  namePrefix: 'ecs-scheduler',
  backend: cloudBackend('stg'),
  scheduler: {
    timezone: 'Asia/Seoul',
    scaleUp: { time: '09:00', weekdays: 'MON-FRI' },
    scaleDown: { time: '18:00', weekdays: 'MON-FRI' },
    flexibleWindowMinutes: 5,
    services: serviceCatalog('stg'),
  },
  slackNotifier: {
    webhookSecret: 'ecs-scheduler/stg/slack-webhook',
    // The account's trail already logs management events (the legacy notifier received them).
    managementEventsTrail: { mode: 'existing' },
  },
  cloudwatch: {
    team: 'ott',
    webhookSecret: 'formation-lap/slack/webhook',
    aurora: { clusterIdentifier: 'ott-aurora-stg' },
    ecsAlarms: { services: ['nestjs', 'python-api', 'fileflow-web-api'] },
  },
  // PLACEHOLDER: never delivered. Replace with the on-call address(es) or an existing topic before the
  // first deploy (help/migration.md, step 0; help/configuration.md, "operations").
  operations: { emails: ['platform-oncall@example.com'] },
};
