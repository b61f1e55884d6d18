// Pointing a Terraform root at the emulator without touching its own files: an override file beside
// them (Terraform merges `*_override.tf.json` into the configuration) with a local backend and a
// provider that talks to the emulator with fake keys.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** The override's file name; Terraform reads any `*_override.tf.json`. */
export const OVERRIDE_FILE = 'emulator_override.tf.json';

/** Every service the stacks and the legacy roots call (the provider's `endpoints` keys). */
export const EMULATED_SERVICES = [
  'cloudtrail',
  'cloudwatch',
  'dynamodb',
  'events',
  'iam',
  'kms',
  'lambda',
  'logs',
  's3',
  'scheduler',
  'secretsmanager',
  'sns',
  'sqs',
  'sts',
] as const;

/**
 * One `provider "aws"` configuration against the emulator. The account is not skipped: the provider
 * asks the emulator's STS, so `allowed_account_ids` is checked as against AWS.
 */
export function emulatorProvider(endpoint: string, alias?: string): Record<string, unknown> {
  return {
    ...(alias ? { alias } : {}),
    access_key: 'emulator-access-key',
    secret_key: 'emulator-secret-key',
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    s3_use_path_style: true,
    endpoints: Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint])),
  };
}

/** The override for a root whose provider configurations are the default one and `aliases`. */
export function emulatorOverride(endpoint: string, aliases: string[] = []): Record<string, unknown> {
  return {
    terraform: { backend: { local: {} } },
    provider: { aws: [emulatorProvider(endpoint), ...aliases.map((alias) => emulatorProvider(endpoint, alias))] },
  };
}

export function writeEmulatorOverride(dir: string, endpoint: string, aliases: string[] = []): string {
  const file = path.join(dir, OVERRIDE_FILE);
  writeFileSync(file, `${JSON.stringify(emulatorOverride(endpoint, aliases), null, 2)}\n`);
  return file;
}
