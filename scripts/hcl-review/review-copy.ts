// Turns the HCL that CDKTF 0.21 renders (`cdktf synth --hcl`) into a review copy Terraform accepts:
// CDKTF quotes the references in `depends_on` and `lifecycle.replace_triggered_by` (the first is
// deprecated, the second rejected by `terraform validate`) and leaves out `required_version`.

/** What the review copy changes against CDKTF's HCL (its header and the README say the same). */
export const REVIEW_COPY_CHANGES = [
  'depends_on and lifecycle.replace_triggered_by hold bare references (CDKTF quotes them: deprecated in depends_on, rejected by terraform validate in replace_triggered_by)',
  'terraform.required_version is added (CDKTF 0.21 cannot render it in HCL)',
];

const REFERENCE_LIST = /\b(depends_on|replace_triggered_by)(\s*=\s*\[)((?:\s*"[^"\n]*"\s*,?)*\s*)\]/g;
const QUOTED_REFERENCE = /"((?:module\.[A-Za-z_][\w-]*\.)?(?:data\.)?[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)"/g;

/** Unquotes the references in every `depends_on` and `replace_triggered_by` list. */
export function unquoteReferenceLists(hcl: string): string {
  return hcl.replace(
    REFERENCE_LIST,
    (_all, name: string, open: string, items: string) => `${name}${open}${items.replace(QUOTED_REFERENCE, '$1')}]`,
  );
}

/** Adds `required_version` as the first line of the top-level `terraform` block. */
export function addRequiredVersion(hcl: string, requiredVersion: string): string {
  const block = /^terraform \{\n/m;
  if (!block.test(hcl)) throw new Error('the HCL has no top-level terraform block to add required_version to');
  return hcl.replace(block, `terraform {\nrequired_version = ${JSON.stringify(requiredVersion)}\n`);
}

export interface ReviewCopyOptions {
  stack: string;
  requiredVersion: string;
}

export function reviewCopy(hcl: string, options: ReviewCopyOptions): string {
  const header = [
    `# REVIEW COPY of stack "${options.stack}", written by \`npm run synth:hcl\`. Deploy from the JSON`,
    `# (cdktf.out/stacks/${options.stack}/cdk.tf.json: npm run diff / npm run deploy), not from this file.`,
    '# Same resources, arguments, moved and import blocks as the JSON. Changed from `cdktf synth --hcl`',
    '# so that `terraform validate` accepts it:',
    ...REVIEW_COPY_CHANGES.map((change) => `#   - ${change}`),
    '',
  ].join('\n');
  return `${header}\n${addRequiredVersion(unquoteReferenceLists(hcl), options.requiredVersion)}`;
}
