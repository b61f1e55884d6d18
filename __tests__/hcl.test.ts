// `cdktf synth --hcl` is how reviewers read the stacks: its HCL must parse and say
// exactly what the JSON says.
import { parse } from './support/hcl2json';
import { Testing } from 'cdktf';
import { EnvironmentStack } from '../constructs/environment-stack';
import { parseEnvironment } from '../environments/validate';
import { TEST_ACCOUNT, testEnvironment } from './support/environment-builder';

type Blocks = Record<string, Record<string, unknown>>;

/** HCL has no JSON-style single nested object: hcl2json returns every block as a list. */
function unwrapBlocks(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(unwrapBlocks);
    return items.length === 1 && typeof items[0] === 'object' && items[0] !== null ? items[0] : items;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapBlocks(v)]));
  }
  return value;
}

/** hcl2json wraps every block body in an array; cdk.tf.json carries "//" metadata. */
function comparable(json: Record<string, unknown>, fromHcl: boolean): Blocks {
  const out: Blocks = {};
  for (const [type, byId] of Object.entries(json.resource as Blocks)) {
    out[type] = {};
    for (const [id, body] of Object.entries(byId)) {
      const { '//': _metadata, ...attributes } = (fromHcl ? (body as unknown[])[0] : body) as Record<string, unknown>;
      out[type][id] = unwrapBlocks(attributes);
    }
  }
  return out;
}

describe.each([
  ['qa (defaults)', testEnvironment()],
  [
    'qb (trail created, ECS alarms, operations topic given)',
    testEnvironment({
      name: 'qb',
      slackNotifier: { managementEventsTrail: { mode: 'create' } },
      cloudwatch: { ecsAlarms: { services: ['api', 'worker'] } },
      operations: { emails: undefined, topicArn: `arn:aws:sns:ap-northeast-2:${TEST_ACCOUNT}:qb-oncall` },
    }),
  ],
])('the %s stack as HCL', (_, input) => {
  it('parses and holds the same resources, attributes and backend as the JSON', async () => {
    const stack = new EnvironmentStack(Testing.app(), parseEnvironment(input));
    const json = JSON.parse(Testing.synth(stack));
    const hcl = await parse('cdk.tf', Testing.synthHcl(stack) as string);

    expect(comparable(hcl, true)).toEqual(comparable(json, false));
    expect(json.terraform.cloud).toEqual({ organization: 'test-org', workspaces: { name: `scheduler-${input.name}` } });
    expect(hcl.terraform[0].cloud[0]).toEqual({
      organization: json.terraform.cloud.organization,
      workspaces: [json.terraform.cloud.workspaces],
    });
  });
});
