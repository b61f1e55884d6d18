// Evaluates the synthesized IAM with a real policy evaluator (@cloud-copilot/iam-simulate): the stack's
// `${...}` references are replaced by the concrete ARNs and names they stand for, in one account.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { decodeJsonencode } from './jsonencode';
import type { TerraformJson } from './synth';

export const ACCOUNT = '111122223333';
/** A config value as text (they are strings in the stack; anything else shows as JSON). */
const str = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'ap-northeast-2';

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

const arnOf: Record<string, (r: Record<string, unknown>, id: string) => string> = {
  aws_sqs_queue: (r) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${String(r.name)}`,
  aws_cloudwatch_event_rule: (r) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${String(r.name)}`,
  aws_iam_role: (r) => `arn:aws:iam::${ACCOUNT}:role/${String(r.name)}`,
  aws_dynamodb_table: (r) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${String(r.name)}`,
  aws_lambda_function: (r) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${String(r.function_name)}`,
  aws_sns_topic: (r) => `arn:aws:sns:${REGION}:${ACCOUNT}:${String(r.name)}`,
  aws_kms_key: (_r, id) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`,
  aws_s3_bucket: (r) => `arn:aws:s3:::${String(r.bucket)}`,
  aws_cloudtrail: (r) => `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${String(r.name)}`,
};

/** What `${<type>.<id>.<attribute>}` evaluates to. */
function referenceValue(stack: TerraformJson, reference: string): string {
  const [type, id, attribute] = reference.split('.');
  const resource = stack.resource[type!]?.[id!];
  if (!resource) throw new Error(`\${${reference}}: no such resource in the stack`);
  if (attribute === 'arn' && arnOf[type!]) return arnOf[type!]!(resource, id!);
  if (attribute === 'url' || (attribute === 'id' && type === 'aws_sqs_queue')) {
    return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${String(resource.name)}`;
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
      if (a.policy_arn !== 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole') {
        throw new Error(`${id}: the IAM proof does not know managed policy ${String(a.policy_arn)}`);
      }
      return { name: id, policy: BASIC_EXECUTION_POLICY };
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
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: String(p.statement_id),
        Effect: 'Allow',
        Principal: { Service: String(p.principal) },
        Action: String(p.action),
        Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
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
  /** The account owning the resource (default: this one). */
  resourceAccount?: string;
}

/** Runs one request through the evaluator; an invalid request or policy fails the test. */
export async function decide(request: Request): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount ?? ACCOUNT },
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
  const managed = Object.keys(stack.resource.aws_iam_role_policy_attachment ?? {}).map((id) => ({
    where: `aws_iam_role_policy_attachment.${id}`,
    policy: BASIC_EXECUTION_POLICY,
  }));
  const permissions = Object.keys(stack.resource.aws_lambda_permission ?? {}).map((id) => ({
    where: `aws_lambda_permission.${id}`,
    policy: lambdaPermissionPolicy(stack, id),
  }));
  return [...documents, ...managed, ...permissions];
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Who may do what, per role of a stack, as a Markdown table (help/security.md); scheduler roles once. */
export function permissionTable(stack: TerraformJson, environment: string): string {
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
    const grants = identityPoliciesOf(stack, id).flatMap(({ policy }) =>
      policy.Statement.filter((s) => s.Effect === 'Allow').map(
        (s) => `${asList(s.Action).join(', ')} on ${asList(s.Resource).join(', ')}`,
      ),
    );
    const name =
      id === sample?.[0]
        ? `each of the ${schedulers.length} \`<svc>-scheduler-role-${environment}\``
        : `\`${String(role.name)}\``;
    return `| ${name} | ${trusted} (account ${'<account>'} only) | ${grants.map((g) => generic(g).replaceAll(ACCOUNT, '<account>')).join('<br>')} |`;
  });
  return ['| Role | Assumed by | Allowed |', '|---|---|---|', ...rows].join('\n');
}
