// The Terraform backend of a stack, from the environment config. A declared backend also
// keeps CDKTF's default local backend (which writes an absolute path) out of the output.
import { CloudBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../../environments/schema';

export function configureBackend(stack: TerraformStack, backend: EnvironmentConfig['backend']): void {
  if (backend.type === 'cloud') {
    new CloudBackend(stack, {
      organization: backend.organization,
      workspaces: new NamedCloudWorkspace(backend.workspace),
      ...(backend.hostname ? { hostname: backend.hostname } : {}),
    });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    encrypt: true,
    ...(backend.dynamodbTable ? { dynamodbTable: backend.dynamodbTable } : {}),
  });
  // Without a DynamoDB table, lock with S3's own lock file (Terraform >= 1.10).
  // CDKTF 0.21's S3Backend has no typed option for it.
  if (!backend.dynamodbTable) stack.addOverride('terraform.backend.s3.use_lockfile', true);
}

/**
 * Oldest Terraform that can apply the stack: `removed` blocks need 1.7, S3's own lock file 1.10.
 * Terraform enforces it at init and plan; synth never runs terraform.
 */
export function requiredTerraformVersion(backend: EnvironmentConfig['backend']): string {
  return backend.type === 's3' && !backend.dynamodbTable ? '>= 1.10.0' : '>= 1.7.0';
}
