// Turns the HCL that CDKTF 0.21 renders (`cdktf synth --hcl`) into a review copy Terraform accepts
// and `terraform fmt -check` passes: CDKTF quotes the references in `depends_on` and
// `lifecycle.replace_triggered_by` (the first is deprecated, the second rejected by `terraform
// validate`; main.ts unquotes them in plain `cdktf synth --hcl` output too), writes every reference as
// an interpolation-only string ("${aws_x.y.arn}", which terraform fmt rewrites to the bare
// expression) and leaves out `required_version`.

/** What the review copy changes against CDKTF's HCL (its header and the README say the same). */
export const REVIEW_COPY_CHANGES = [
  'depends_on and lifecycle.replace_triggered_by hold bare references (CDKTF quotes them: deprecated in depends_on, rejected by terraform validate in replace_triggered_by)',
  'terraform.required_version is added (CDKTF 0.21 cannot render it in HCL)',
  'an interpolation-only string ("${expr}") is written as the bare expression, as terraform fmt writes it',
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

/** Where the string literal (or template) that opens at `start` (a `"`) ends: just past its closing quote. */
function stringEnd(hcl: string, start: number): number {
  let i = start + 1;
  while (i < hcl.length) {
    if (hcl[i] === '\\') i += 2;
    else if (hcl.startsWith('$${', i) || hcl.startsWith('%%{', i)) i += 3;
    else if (hcl.startsWith('${', i) || hcl.startsWith('%{', i)) i = expressionEnd(hcl, i + 2);
    else if (hcl[i] === '"') return i + 1;
    else i += 1;
  }
  throw new Error(`unterminated string at offset ${start}`);
}

/** Where the template expression that opens just before `start` (after `${`) ends: just past its `}`. */
function expressionEnd(hcl: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < hcl.length) {
    const c = hcl[i];
    if (c === '"') {
      i = stringEnd(hcl, i);
      continue;
    }
    if (c === '{') depth += 1;
    else if (c === '}' && --depth === 0) return i + 1;
    i += 1;
  }
  throw new Error(`unterminated template expression at offset ${start}`);
}

/** Writes every interpolation-only string (`"${expr}"`) as the bare expression, as `terraform fmt` does. */
export function unwrapInterpolationOnly(hcl: string): string {
  let out = '';
  let i = 0;
  while (i < hcl.length) {
    const c = hcl[i]!;
    if (c === '#' || hcl.startsWith('//', i)) {
      const end = hcl.indexOf('\n', i);
      const stop = end === -1 ? hcl.length : end;
      out += hcl.slice(i, stop);
      i = stop;
    } else if (c === '"') {
      const end = stringEnd(hcl, i);
      const literal = hcl.slice(i, end);
      const only = literal.startsWith('"${') && expressionEnd(literal, 3) === literal.length - 1;
      out += only ? unwrapInterpolationOnly(literal.slice(3, -2).trim()) : literal;
      i = end;
    } else {
      if (hcl.startsWith('<<', i)) throw new Error('a heredoc: unwrapInterpolationOnly does not read heredocs');
      out += c;
      i += 1;
    }
  }
  return out;
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
  const body = unwrapInterpolationOnly(unquoteReferenceLists(hcl));
  return `${header}\n${addRequiredVersion(body, options.requiredVersion)}`;
}
