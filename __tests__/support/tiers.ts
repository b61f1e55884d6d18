// `npm run test:quick` (jest.quick.config.js, TEST_TIER=quick) leaves out what starts processes: the
// project's commands, a child jest, moto_server. Whole files are listed in jest.quick.config.js; in a
// file that holds both, the process-starting part is a `describeProcess`. `npm test` runs them all.
export const QUICK_TIER = process.env.TEST_TIER === 'quick';

export const describeProcess: jest.Describe = QUICK_TIER ? describe.skip : describe;
export const itProcess: jest.It = QUICK_TIER ? it.skip : it;
