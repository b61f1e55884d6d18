// Reads back a policy that synthesized as `${jsonencode({...})}`: turns the HCL object
// literal CDKTF writes into JSON. Bare references such as
// `aws_sqs_queue.alerts.arn` become the string "${...}", so a
// decoded value compares equal to the same reference inside a template string.

const PREFIX = '${jsonencode(';
const SUFFIX = ')}';

export function decodeJsonencode(expression: unknown): unknown {
  if (typeof expression !== 'string' || !expression.startsWith(PREFIX) || !expression.endsWith(SUFFIX)) {
    throw new Error(`not a \${jsonencode(...)} expression: ${String(expression).slice(0, 80)}`);
  }
  const hcl = expression.slice(PREFIX.length, -SUFFIX.length);
  let json = '';
  for (let i = 0; i < hcl.length;) {
    const char = hcl[i]!;
    if (char === '"') {
      let end = i + 1;
      while (hcl[end] !== '"') end += hcl[end] === '\\' ? 2 : 1;
      json += hcl.slice(i, end + 1);
      i = end + 1;
    } else if (/[A-Za-z_]/.test(char)) {
      const reference = /^[A-Za-z_][\w.-]*(?:\[\d+\][\w.-]*)*/.exec(hcl.slice(i))![0];
      json += ['true', 'false', 'null'].includes(reference) ? reference : JSON.stringify(`\${${reference}}`);
      i += reference.length;
    } else {
      json += char === '=' ? ':' : char;
      i += 1;
    }
  }
  return JSON.parse(json);
}

/** The trust policy `serviceTrustPolicy` writes, decoded: `service` may assume the role for `account` only. */
export function serviceTrust(service: string, account: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  };
}
