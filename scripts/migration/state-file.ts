// Reads a Terraform state as `terraform state pull` writes it (format version 4) or as
// `terraform show -json` prints it, into one list of resource instances.
import { readFileSync } from 'node:fs';

export interface StateResource {
  /** Full instance address, e.g. `module.slack_notifier.aws_sqs_queue.alerts`. */
  address: string;
  mode: 'managed' | 'data';
  type: string;
  attributes: Record<string, unknown>;
  /** The resource's `schema_version` (needed to hand the state to terraform). */
  schemaVersion?: number;
}

export interface ParsedState {
  format: 'state v4' | 'show -json';
  terraformVersion?: string;
  resources: StateResource[];
}

/** A state file the check cannot use; the message says what to give instead. */
export class StateFileError extends Error {
  override name = 'StateFileError';
}

const HOW_TO_GET =
  'give the output of `npm run state:pull -- <env>` (or `terraform state pull > state.json` run on its own, after `terraform init`), or of `terraform show -json > state.json`';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function instanceKey(key: unknown): string {
  if (key === undefined || key === null) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

function fromStateV4(doc: Json, file: string): StateResource[] {
  if (!Array.isArray(doc.resources)) throw new StateFileError(`${file}: "resources" is missing; ${HOW_TO_GET}`);
  return doc.resources.flatMap((raw: unknown) => {
    if (
      !isObject(raw) ||
      typeof raw.type !== 'string' ||
      typeof raw.name !== 'string' ||
      !Array.isArray(raw.instances)
    ) {
      throw new StateFileError(`${file}: a resource entry lacks "type", "name" or "instances"; ${HOW_TO_GET}`);
    }
    const mode = raw.mode === 'data' ? 'data' : 'managed';
    const base = `${typeof raw.module === 'string' ? `${raw.module}.` : ''}${mode === 'data' ? 'data.' : ''}${raw.type}.${raw.name}`;
    return (raw.instances as unknown[]).map((instance) => {
      const inst = isObject(instance) ? instance : {};
      return {
        address: base + instanceKey(inst.index_key),
        mode,
        type: raw.type as string,
        attributes: isObject(inst.attributes) ? inst.attributes : {},
        ...(typeof inst.schema_version === 'number' ? { schemaVersion: inst.schema_version } : {}),
      } satisfies StateResource;
    });
  });
}

function fromShowJson(doc: Json, file: string): StateResource[] {
  if ('resource_changes' in doc || 'planned_values' in doc) {
    throw new StateFileError(`${file} is a plan (terraform show -json <planfile>), not a state; ${HOW_TO_GET}`);
  }
  const values = doc.values;
  if (values === undefined) return []; // an empty state
  const walk = (module: unknown): StateResource[] => {
    if (!isObject(module)) return [];
    const own = (Array.isArray(module.resources) ? module.resources : []).map((raw: unknown) => {
      const r = isObject(raw) ? raw : {};
      if (typeof r.address !== 'string' || typeof r.type !== 'string') {
        throw new StateFileError(`${file}: a resource lacks "address" or "type"; ${HOW_TO_GET}`);
      }
      return {
        address: r.address,
        mode: r.mode === 'data' ? 'data' : 'managed',
        type: r.type,
        attributes: isObject(r.values) ? r.values : {},
        ...(typeof r.schema_version === 'number' ? { schemaVersion: r.schema_version } : {}),
      } satisfies StateResource;
    });
    const children = Array.isArray(module.child_modules) ? module.child_modules : [];
    return [...own, ...children.flatMap(walk)];
  };
  return walk(isObject(values) ? values.root_module : undefined);
}

// eslint-disable-next-line no-control-regex -- terraform colours its progress lines
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/** Why a file that is not JSON at all begins with text: usually another command's output. */
function leadingTextProblem(text: string, file: string): string | undefined {
  const body = text.replace(/^\uFEFF/, '').replace(ANSI_ESCAPE, '');
  const first = body.trimStart();
  if (first === '') return `${file} is empty; ${HOW_TO_GET}`;
  if (first.startsWith('{')) return undefined;
  const line = first.split('\n', 1)[0]!.trim();
  const quoted = `'${line.length > 60 ? `${line.slice(0, 60)}...` : line}'`;
  const fromInit = /^(Initializing|Terraform has been successfully initialized|- |Upgrading|Reusing)/.test(line);
  const cause = fromInit
    ? "terraform init's output got into the file (init prints its progress on stdout)"
    : 'something other than the state was written into the file';
  return `${file} starts with ${quoted}, not with the state's "{": ${cause}. Pull the state alone: \`npm run state:pull -- <env>\` (help/migration.md), or run \`terraform init\` first and then \`terraform state pull > ${file}\` as a separate command`;
}

export function parseState(text: string, file: string): ParsedState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const leading = leadingTextProblem(text, file);
    if (leading) throw new StateFileError(leading);
    throw new StateFileError(`${file} is not JSON (${(error as Error).message}); ${HOW_TO_GET}`);
  }
  if (!isObject(doc)) throw new StateFileError(`${file} is not a Terraform state object; ${HOW_TO_GET}`);
  const terraformVersion = typeof doc.terraform_version === 'string' ? doc.terraform_version : undefined;
  if ('format_version' in doc) {
    return {
      format: 'show -json',
      ...(terraformVersion ? { terraformVersion } : {}),
      resources: fromShowJson(doc, file),
    };
  }
  if ('version' in doc) {
    if (doc.version !== 4) {
      throw new StateFileError(
        `${file} is state format version ${JSON.stringify(doc.version)}; this check reads version 4 (Terraform >= 0.12). Run \`terraform state pull\` with a current Terraform`,
      );
    }
    return { format: 'state v4', ...(terraformVersion ? { terraformVersion } : {}), resources: fromStateV4(doc, file) };
  }
  throw new StateFileError(
    `${file} has neither "version" nor "format_version"; it is not a Terraform state. ${HOW_TO_GET}`,
  );
}

export function readStateFile(file: string): ParsedState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StateFileError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseState(text, file);
}
