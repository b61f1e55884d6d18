// What `cdktf deploy` / `cdktf diff` need before they can do anything: a terraform binary, AWS
// credentials, and an HCP Terraform token when a stack uses the cloud backend. Checked up front so
// the operator gets one line, not a stack trace from deep inside cdktf.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface Host {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  fileExists(path: string): boolean;
}

export const realHost: Host = { env: process.env, homeDir: homedir(), fileExists: existsSync };

/** A reason to stop, said in one line. */
export class DeployStop extends Error {
  override name = 'DeployStop';
}

export function findOnPath(host: Host, binary: string): string | undefined {
  const extensions = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (host.env.PATH ?? '').split(delimiter)) {
    for (const ext of extensions) {
      const candidate = join(dir, binary + ext);
      if (dir && host.fileExists(candidate)) return candidate;
    }
  }
  return undefined;
}

const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

function hasAwsCredentials(host: Host): boolean {
  if (AWS_CREDENTIAL_VARIABLES.some((name) => host.env[name])) return true;
  const dir = join(host.homeDir, '.aws');
  return host.fileExists(join(dir, 'credentials')) || host.fileExists(join(dir, 'config'));
}

function hasHcpToken(host: Host, hostname: string): boolean {
  const variable = `TF_TOKEN_${hostname.replace(/\./g, '_').replace(/-/g, '__')}`;
  return Boolean(host.env[variable]) || host.fileExists(join(host.homeDir, '.terraform.d', 'credentials.tfrc.json'));
}

/** Throws DeployStop naming what is missing and how to get it. */
export function requirePrerequisites(host: Host, cloudHostnames: string[]): void {
  if (!findOnPath(host, 'terraform')) {
    throw new DeployStop(
      'no terraform binary on PATH: cdktf runs terraform to plan and apply. Install Terraform 1.7 or later (https://developer.hashicorp.com/terraform/install) and retry',
    );
  }
  if (!hasAwsCredentials(host)) {
    throw new DeployStop(
      "no AWS credentials found (no AWS_PROFILE, AWS_ACCESS_KEY_ID, web identity or ~/.aws files): log in to the environment's account (e.g. `aws sso login --profile <p>` and export AWS_PROFILE) and retry",
    );
  }
  for (const hostname of cloudHostnames) {
    if (!hasHcpToken(host, hostname)) {
      throw new DeployStop(
        `no HCP Terraform token for ${hostname}: run \`terraform login${hostname === 'app.terraform.io' ? '' : ` ${hostname}`}\` (or set TF_TOKEN_${hostname.replace(/\./g, '_')}) and retry`,
      );
    }
  }
}
