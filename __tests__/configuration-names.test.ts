// help/configuration.md, "Generated names": every resource a stack can hold is listed there, by its
// Terraform address, and every address listed exists. Checked on a stack with every optional part on
// (a created trail, ECS alarms, the operations topic with an email, enough services for two rules).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { numberedServices, testEnvironment } from './support/environment-builder';
import { synthJson } from './support/synth';

const doc = readFileSync(path.join(__dirname, '..', 'help', 'configuration.md'), 'utf8');
const section = doc.slice(
  doc.indexOf('## Generated names'),
  doc.indexOf('\n## ', doc.indexOf('## Generated names') + 1),
);

/** `aws_x.<svc_>_scheduler_{scale_up,scale_down}` -> a regular expression for the addresses it stands for. */
function addressPattern(documented: string): RegExp {
  const source = documented
    .split(/(<[a-z_]+>|\{[a-z0-9_,]+\})/)
    .map((part) => {
      if (/^<[a-z_]+>$/.test(part)) return part === '<n>' ? '\\d+' : '[a-z0-9_]+';
      if (/^\{.*\}$/.test(part)) return `(${part.slice(1, -1).split(',').join('|')})`;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

const tableRows = section.split('\n').filter((line) => line.startsWith('|'));
const documented = tableRows.flatMap((row) =>
  [...row.matchAll(/`(aws_[a-z0-9_]+\.[a-z0-9_<>{},]+)`/g)].map((m) => m[1]!),
);
const patterns = documented.map((address) => ({ address, pattern: addressPattern(address) }));

const stack = synthJson(
  testEnvironment({
    name: 'dev',
    scheduler: { services: numberedServices(120) },
    slackNotifier: { managementEventsTrail: { mode: 'create' } },
    cloudwatch: { ecsAlarms: { services: ['svc-001'] } },
  }),
);
const addresses = Object.entries(stack.resource).flatMap(([type, byId]) =>
  Object.keys(byId).map((id) => `${type}.${id}`),
);

it('lists every resource of a stack with every optional part', () => {
  expect(addresses.length).toBeGreaterThan(120 * 4);
  expect(addresses.filter((a) => !patterns.some(({ pattern }) => pattern.test(a)))).toEqual([]);
});

it('lists no address that no stack holds', () => {
  expect(patterns.filter(({ pattern }) => !addresses.some((a) => pattern.test(a))).map((p) => p.address)).toEqual([]);
});
