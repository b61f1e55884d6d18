// Evaluates the synthesized IAM with a real policy evaluator (@cloud-copilot/iam-simulate): the stack's
// `${...}` references are replaced by the concrete ARNs and names they stand for, in the stack's own
// account and region (its provider's `allowed_account_ids` and `region`).
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { decodeJsonencode } from './jsonencode';
import type { TerraformJson } from './synth';

/** A config value as text (they are strings in the stack; anything else shows as JSON). */
const str = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
/** An account no test environment declares. */
export const OTHER_ACCOUNT = '444455556666';

/** The account and region the stack is pinned to (its AWS provider). */
export function scopeOf(stack: TerraformJson): { account: string; region: string } {
  const provider = stack.provider.aws[0] as { allowed_account_ids?: string[]; region?: string } | undefined;
  const account = provider?.allowed_account_ids?.[0];
  if (!account || !provider?.region) throw new Error('the stack declares no AWS provider account and region');
  return { account, region: provider.region };
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The managed policy of the `*_basic` attachments (AWSLambdaBasicExecutionRole, as AWS publishes it). */
export const BASIC_EXECUTION_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: '*',
    },
  ],
};

type Scope = { account: string; region: string };
const arnOf: Record<string, (r: Record<string, unknown>, id: string, at: Scope) => string> = {
  aws_sqs_queue: (r, _id, at) => `arn:aws:sqs:${at.region}:${at.account}:${String(r.name)}`,
  aws_cloudwatch_event_rule: (r, _id, at) => `arn:aws:events:${at.region}:${at.account}:rule/${String(r.name)}`,
  aws_iam_role: (r, _id, at) => `arn:aws:iam::${at.account}:role/${String(r.name)}`,
  aws_dynamodb_table: (r, _id, at) => `arn:aws:dynamodb:${at.region}:${at.account}:table/${String(r.name)}`,
  aws_lambda_function: (r, _id, at) => `arn:aws:lambda:${at.region}:${at.account}:function:${String(r.function_name)}`,
  aws_sns_topic: (r, _id, at) => `arn:aws:sns:${at.region}:${at.account}:${String(r.name)}`,
  aws_kms_key: (_r, id, at) => `arn:aws:kms:${at.region}:${at.account}:key/${id}`,
  aws_s3_bucket: (r) => `arn:aws:s3:::${String(r.bucket)}`,
  aws_cloudtrail: (r, _id, at) => `arn:aws:cloudtrail:${at.region}:${at.account}:trail/${String(r.name)}`,
};

/** What `${<type>.<id>.<attribute>}` evaluates to. */
function referenceValue(stack: TerraformJson, reference: string): string {
  const [type, id, attribute] = reference.split('.');
  const resource = stack.resource[type!]?.[id!];
  if (!resource) throw new Error(`\${${reference}}: no such resource in the stack`);
  if (attribute === 'arn' && arnOf[type!]) return arnOf[type!]!(resource, id!, scopeOf(stack));
  if (attribute === 'url' || (attribute === 'id' && type === 'aws_sqs_queue')) {
    const { account, region } = scopeOf(stack);
    return `https://sqs.${region}.amazonaws.com/${account}/${String(resource.name)}`;
  }
  if (attribute === 'id' || attribute === 'name') return str(resource.name ?? resource.function_name ?? id);
  if (attribute === 'function_name') return String(resource.function_name);
  throw new Error(`\${${reference}}: the IAM proof does not know what ${attribute} of ${type} is`);
}

/** Replaces every `${...}` reference in a value (deeply) by its concrete value. */
export function concrete<T>(stack: TerraformJson, value: T): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{([a-z0-9_.]+)\}/gi, (_m, ref: string) => referenceValue(stack, ref)) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => concrete(stack, v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, concrete(stack, v)])) as T;
  }
  return value;
}

export function policyOf(stack: TerraformJson, expression: unknown): PolicyDocument {
  return concrete(stack, decodeJsonencode(expression) as PolicyDocument);
}

function roleRefersTo(value: unknown, roleId: string): boolean {
  return value === `\${aws_iam_role.${roleId}.id}` || value === `\${aws_iam_role.${roleId}.name}`;
}

/** Every identity policy of a role: its inline policies and its managed attachments. */
export function identityPoliciesOf(stack: TerraformJson, roleId: string): { name: string; policy: PolicyDocument }[] {
  const inline = Object.entries(stack.resource.aws_iam_role_policy ?? {})
    .filter(([, p]) => roleRefersTo(p.role, roleId))
    .map(([id, p]) => ({ name: id, policy: policyOf(stack, p.policy) }));
  const managed = Object.entries(stack.resource.aws_iam_role_policy_attachment ?? {})
    .filter(([, a]) => roleRefersTo(a.role, roleId))
    .map(([id, a]) => {
      if (a.policy_arn === 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole') {
        return { name: id, policy: BASIC_EXECUTION_POLICY };
      }
      // A customer managed policy of the stack itself.
      const own = /^\$\{aws_iam_policy\.([a-z0-9_]+)\.arn\}$/.exec(String(a.policy_arn));
      const policy = own ? stack.resource.aws_iam_policy?.[own[1]!] : undefined;
      if (!policy) throw new Error(`${id}: the IAM proof does not know managed policy ${String(a.policy_arn)}`);
      return { name: own![1]!, policy: policyOf(stack, policy.policy) };
    });
  return [...inline, ...managed];
}

export function roleArn(stack: TerraformJson, roleId: string): string {
  return referenceValue(stack, `aws_iam_role.${roleId}.arn`);
}

export function trustPolicyOf(stack: TerraformJson, roleId: string): PolicyDocument {
  return policyOf(stack, stack.resource.aws_iam_role?.[roleId]?.assume_role_policy);
}

export function resourcePolicyOf(stack: TerraformJson, type: string, id: string): PolicyDocument {
  return policyOf(stack, stack.resource[type]?.[id]?.policy);
}

/** A Lambda permission as the function's resource policy statement. */
export function lambdaPermissionPolicy(stack: TerraformJson, id: string): PolicyDocument {
  const p = concrete(stack, stack.resource.aws_lambda_permission?.[id] ?? {});
  const functionName = String(p.function_name);
  const { account, region } = scopeOf(stack);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: String(p.statement_id),
        Effect: 'Allow',
        Principal: { Service: String(p.principal) },
        Action: String(p.action),
        Resource: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
        ...(p.source_arn ? { Condition: { ArnLike: { 'aws:SourceArn': str(p.source_arn) } } } : {}),
      },
    ],
  };
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Request {
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
  identityPolicies?: { name: string; policy: PolicyDocument }[];
  resourcePolicy?: PolicyDocument;
  /** The account owning the resource (default: the one in its ARN). */
  resourceAccount?: string;
}

/** The account field of an ARN; throws for an ARN without one (S3), which needs `resourceAccount`. */
function accountInArn(arn: string): string {
  const account = arn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new Error(`${arn} names no account: give resourceAccount`);
  return account;
}

/** Runs one request through the evaluator; an invalid request or policy fails the test. */
export async function decide(request: Request): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount ?? accountInArn(request.resource) },
        contextVariables: request.context ?? {},
      },
      identityPolicies: request.identityPolicies ?? [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new Error(
      `the evaluator refused ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`,
    );
  }
  return response.overallResult;
}

/** Every Allow statement in a document with `*` in an action or a resource. */
export function wildcardStatements(document: PolicyDocument): Statement[] {
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return document.Statement.filter(
    (s) => s.Effect === 'Allow' && [...list(s.Action), ...list(s.Resource)].some((v) => v.includes('*')),
  );
}

/** Every policy document of a stack, named by the resource that holds it. */
export function allPolicies(stack: TerraformJson): { where: string; policy: PolicyDocument }[] {
  const holders: [type: string, attribute: string][] = [
    ['aws_iam_role', 'assume_role_policy'],
    ['aws_iam_role_policy', 'policy'],
    ['aws_iam_policy', 'policy'],
    ['aws_sqs_queue_policy', 'policy'],
    ['aws_sns_topic_policy', 'policy'],
    ['aws_kms_key', 'policy'],
    ['aws_s3_bucket_policy', 'policy'],
  ];
  const documents = holders.flatMap(([type, attribute]) =>
    Object.entries(stack.resource[type] ?? {}).map(([id, r]) => ({
      where: `${type}.${id}`,
      policy: policyOf(stack, r[attribute]),
    })),
  );
  const managed = Object.entries(stack.resource.aws_iam_role_policy_attachment ?? {})
    .filter(([, a]) => a.policy_arn === 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')
    .map(([id]) => ({ where: `aws_iam_role_policy_attachment.${id}`, policy: BASIC_EXECUTION_POLICY }));
  const permissions = Object.keys(stack.resource.aws_lambda_permission ?? {}).map((id) => ({
    where: `aws_lambda_permission.${id}`,
    policy: lambdaPermissionPolicy(stack, id),
  }));
  return [...documents, ...managed, ...permissions];
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Who may do what, per role of a stack, as a Markdown table (help/security.md); scheduler roles once. */
export function permissionTable(stack: TerraformJson, environment: string): string {
  const { account } = scopeOf(stack);
  const roles = Object.entries(stack.resource.aws_iam_role ?? {});
  const schedulers = roles.filter(([, r]) => String(r.name).endsWith(`-scheduler-role-${environment}`));
  const sample = schedulers[0];
  const shown = [...roles.filter((r) => !schedulers.includes(r)), ...(sample ? [sample] : [])];
  const generic = (text: string) => {
    if (!sample) return text;
    const service = String(sample[1].name).replace(`-scheduler-role-${environment}`, '');
    return text.replaceAll(service, '<svc>').replace(/service\/[^/]+\/<svc>/g, 'service/<cluster>/<svc>');
  };
  const rows = shown.map(([id, role]) => {
    const trusted = trustPolicyOf(stack, id)
      .Statement.map((s) => String((s.Principal as { Service?: string }).Service))
      .join(', ');
    // Many services' ARNs (ecs:DescribeServices, one per scheduled service) are summed up, once.
    const serviceArns = new Set<string>();
    const grants = identityPoliciesOf(stack, id).flatMap(({ policy }) =>
      policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => {
        const resources = asList(s.Resource);
        if (resources.length > 1 && resources.every((r) => /^arn:aws:ecs:[^:]+:\d{12}:service\//.test(r))) {
          const seen = serviceArns.size > 0;
          resources.forEach((r) => serviceArns.add(r));
          return seen ? [] : [`${asList(s.Action).join(', ')} on SERVICE_ARNS`];
        }
        return [`${asList(s.Action).join(', ')} on ${resources.join(', ')}`];
      }),
    );
    const scheduled = `each of the ${serviceArns.size} scheduled services by its ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<svc>)`;
    const name =
      id === sample?.[0]
        ? `each of the ${schedulers.length} \`<svc>-scheduler-role-${environment}\``
        : `\`${String(role.name)}\``;
    const shown = grants.map((g) =>
      g.endsWith(' on SERVICE_ARNS')
        ? g.replace('SERVICE_ARNS', scheduled)
        : generic(g).replaceAll(account, '<account>'),
    );
    return `| ${name} | ${trusted} (account ${'<account>'} only) | ${shown.join('<br>')} |`;
  });
  return ['| Role | Assumed by | Allowed |', '|---|---|---|', ...rows].join('\n');
}

const RESOURCE_POLICIES: [type: string, what: string, nameOf: (arn: string) => string][] = [
  ['aws_sqs_queue_policy', 'SQS queue', (arn) => arn.split(':').pop()!],
  ['aws_sns_topic_policy', 'SNS topic', (arn) => arn.split(':').pop()!],
  ['aws_kms_key', 'KMS key', () => ''],
];

function conditionText(condition: Statement['Condition']): string {
  return Object.entries(condition ?? {})
    .flatMap(([operator, keys]) =>
      Object.entries(keys).map(([key, value]) => {
        const values = (Array.isArray(value) ? value : [value]).map(str);
        const relation = operator.startsWith('ArnLike') ? 'like' : operator === 'Bool' ? 'is' : '=';
        // Several ARNs that differ only after the last ":" (alarm names): the shared part once.
        const prefix = values[0]!.slice(0, values[0]!.lastIndexOf(':') + 1);
        const shared = values.length > 1 && prefix !== '' && values.every((v) => v.startsWith(prefix));
        const shown = shared
          ? `${prefix}{${values.map((v) => v.slice(prefix.length)).join(', ')}}`
          : values.join(' or ');
        return `${key} ${relation} ${shown}`;
      }),
    )
    .join('; ');
}

function principalText(principal: unknown): string {
  if (principal === '*') return 'everyone';
  const p = principal as { Service?: string | string[]; AWS?: string | string[] };
  return [...asList(p.Service), ...asList(p.AWS).map((arn) => `${arn.replace(/:root$/, '')} (IAM)`)].join(', ');
}

/** Who may send to, publish to or use each queue, topic and key of a stack (help/security.md). */
export function resourcePolicyTable(stack: TerraformJson): string {
  const rows = RESOURCE_POLICIES.flatMap(([type, what, nameOf]) =>
    Object.entries(stack.resource[type] ?? {}).flatMap(([id, r]) => {
      const subject = type === 'aws_kms_key' ? `${what} of ${String(r.description).replace(/^Encrypts /, '')}` : '';
      const target = concrete(stack, type === 'aws_sqs_queue_policy' ? r.queue_url : r.arn);
      const name = subject || `\`${nameOf(str(target).replace(/^https:\/\/sqs\.[^/]+\/(\d+)\//, 'x:$1:'))}\` (${what})`;
      return policyOf(stack, r.policy).Statement.map((s) => {
        const verb = s.Effect === 'Allow' ? asList(s.Action).join(', ') : `denied: ${asList(s.Action).join(', ')}`;
        return `| ${name} \`${id}\` | ${principalText(s.Principal)} | ${verb} | ${conditionText(s.Condition) || 'always'} |`;
      });
    }),
  );
  const lambda = Object.keys(stack.resource.aws_lambda_permission ?? {}).flatMap((id) =>
    lambdaPermissionPolicy(stack, id).Statement.map(
      (s) =>
        `| \`${String(s.Resource).split(':').pop()}\` (Lambda function) \`${id}\` | ${principalText(s.Principal)} | ${asList(s.Action).join(', ')} | ${conditionText(s.Condition) || 'always'} |`,
    ),
  );
  const subscriptions = Object.entries(stack.resource.aws_sns_topic_subscription ?? {}).map(([id, s]) => {
    const topic = str(concrete(stack, s.topic_arn)).split(':').pop()!;
    const endpoint = s.protocol === 'lambda' ? str(concrete(stack, s.endpoint)).split(':').pop()! : str(s.endpoint);
    return `| \`${topic}\` (SNS topic) \`${id}\` | delivers to ${String(s.protocol)} ${endpoint} | (subscription) | ${s.protocol === 'email' ? 'once the address confirmed it' : 'always'} |`;
  });
  return [
    '| Resource | Principal | Allowed | Only when |',
    '|---|---|---|---|',
    ...[...rows, ...lambda, ...subscriptions].map((row) => row.replaceAll(scopeOf(stack).account, '<account>')),
  ].join('\n');
}
