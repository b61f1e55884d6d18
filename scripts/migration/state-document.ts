// A parsed state written back as the state file (format 4) terraform reads: the form the real
// planner is given, whether the operator pulled the state or printed it with `terraform show -json`.
import type { StateDocument } from '../terraform/plan';
import type { StateResource } from './state-file';

interface Instance {
  index_key?: string | number;
  schema_version: number;
  attributes: Record<string, unknown>;
  sensitive_attributes: never[];
}

interface Group {
  mode: string;
  type: string;
  name: string;
  module?: string;
  provider: string;
  instances: Instance[];
}

/** `module.a.aws_x.y["k"]` -> module `module.a`, type, name, index key. */
function split(r: StateResource): { module?: string; name: string; index_key?: string | number } {
  const index = /\[(\d+|"(?:[^"\\]|\\.)*")\]$/.exec(r.address);
  const base = index ? r.address.slice(0, index.index) : r.address;
  const local = `${r.mode === 'data' ? 'data.' : ''}${r.type}.`;
  const at = base.lastIndexOf(local);
  const module = at > 0 ? base.slice(0, at - 1) : undefined;
  const key = index ? (JSON.parse(index[1]!) as string | number) : undefined;
  return {
    ...(module ? { module } : {}),
    name: base.slice(at + local.length),
    ...(key === undefined ? {} : { index_key: key }),
  };
}

export function stateDocument(resources: StateResource[], terraformVersion = '1.11.4'): StateDocument {
  const grouped = new Map<string, Group>();
  for (const r of resources) {
    const { module, name, index_key } = split(r);
    const id = `${module ?? ''}|${r.mode}|${r.type}|${name}`;
    const group: Group = grouped.get(id) ?? {
      mode: r.mode,
      type: r.type,
      name,
      ...(module ? { module } : {}),
      provider: `provider["registry.terraform.io/hashicorp/${r.type.split('_')[0]}"]`,
      instances: [],
    };
    group.instances.push({
      ...(index_key === undefined ? {} : { index_key }),
      schema_version: r.schemaVersion ?? 0,
      attributes: r.attributes,
      sensitive_attributes: [],
    });
    grouped.set(id, group);
  }
  return {
    version: 4,
    terraform_version: terraformVersion,
    serial: 1,
    lineage: '00000000-0000-4000-8000-00000000c0de',
    outputs: {},
    resources: [...grouped.values()],
  };
}
