import { cloudBackend, defaultTags, serviceCatalog } from './common';
import type { EnvironmentInput } from './schema';

export const dev: EnvironmentInput = {
  name: 'dev',
  region: 'ap-northeast-2',
  defaultTags: defaultTags('dev'),
  namePrefix: 'ecs-scheduler',
  backend: cloudBackend('dev'),
  scheduler: {
    timezone: 'Asia/Seoul',
    scaleUp: { time: '09:00', weekdays: 'MON-FRI' },
    scaleDown: { time: '18:00', weekdays: 'MON-FRI' },
    flexibleWindowMinutes: 5,
    services: serviceCatalog('dev'),
  },
};
