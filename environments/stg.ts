import { cloudBackend, defaultTags, serviceCatalog } from './common';
import type { EnvironmentInput } from './schema';

export const stg: EnvironmentInput = {
  name: 'stg',
  region: 'ap-northeast-2',
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
};
