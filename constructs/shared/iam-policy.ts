// IAM policy documents. They synthesize as Terraform `jsonencode({...})` rather than a JSON
// string: CDKTF 0.21 renders a string that holds both quotes and `${...}` (any policy with
// a token such as the account ID) as broken HCL under `cdktf synth --hcl`.
import { Fn } from 'cdktf';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export function policyDocument(statements: PolicyStatement[]): string {
  return Fn.jsonencode({ Version: '2012-10-17', Statement: statements });
}

/** Trust policy for an AWS service principal, limited to calls made for this account. */
export function serviceTrustPolicy(servicePrincipal: string, accountId: string): string {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: servicePrincipal },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
    },
  ]);
}

/** Denies any request to the resource that does not use TLS. */
export function denyInsecureTransport(action: string, resource: string | string[]): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: action,
    Resource: resource,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
