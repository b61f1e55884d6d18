// The HCL fixes: plain `cdktf synth --hcl` output gets bare reference lists (main.ts), and the review
// copy writes interpolation-only strings as terraform fmt does (the real terraform checks both in
// terraform.test.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { App } from 'cdktf';
import { fixHclReferenceLists } from '../main';
import { unwrapInterpolationOnly } from '../scripts/hcl-review/review-copy';

describe('unwrapInterpolationOnly', () => {
  it('writes "${expr}" as the bare expression, nested ones too', () => {
    expect(unwrapInterpolationOnly('role = "${aws_iam_role.r.arn}"\n')).toBe('role = aws_iam_role.r.arn\n');
    expect(unwrapInterpolationOnly('p = "${jsonencode({ "A" = "${aws_a.b.id}", "B" = "x" })}"')).toBe(
      'p = jsonencode({ "A" = aws_a.b.id, "B" = "x" })',
    );
    expect(unwrapInterpolationOnly('l = ["${a.b}", "c"]')).toBe('l = [a.b, "c"]');
  });

  it('leaves templates with text, escapes, literal ${ and comments alone', () => {
    const kept = [
      'n = "arn:${aws_a.b.id}"',
      'n = "${aws_a.b.id}-x"',
      'n = "${a.b}${c.d}"',
      'n = "$${not.interpolated}"',
      'n = "say \\"${a.b}\\""',
      '# a "${comment}" stays',
      'n = "한국어 ${a.b} 알람"',
    ].join('\n');
    expect(unwrapInterpolationOnly(kept)).toBe(kept);
  });

  it('refuses what it does not read', () => {
    expect(() => unwrapInterpolationOnly('x = <<EOT\n"${a}"\nEOT\n')).toThrow(/heredoc/);
    expect(() => unwrapInterpolationOnly('x = "${a')).toThrow(/unterminated/);
  });
});

describe('fixHclReferenceLists (after the app writes `cdktf synth --hcl` output)', () => {
  it('unquotes replace_triggered_by and depends_on in each cdk.tf, and touches no JSON', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'hcl-fix-'));
    try {
      const quoted =
        'resource "x" "y" {\n  lifecycle {\n    replace_triggered_by = ["aws_lambda_function.f.arn"]\n  }\n  depends_on = ["aws_iam_role.r"]\n}\n';
      mkdirSync(path.join(outdir, 'stacks', 'qa'), { recursive: true });
      mkdirSync(path.join(outdir, 'stacks', 'json'), { recursive: true });
      writeFileSync(path.join(outdir, 'stacks', 'qa', 'cdk.tf'), quoted);
      writeFileSync(path.join(outdir, 'stacks', 'json', 'cdk.tf.json'), '{"depends_on": ["aws_iam_role.r"]}');
      const stacks = {
        qa: { synthesizedStackPath: 'stacks/qa/cdk.tf' },
        json: { synthesizedStackPath: 'stacks/json/cdk.tf.json' },
      };
      fixHclReferenceLists({ outdir, manifest: { stacks } } as unknown as App);
      expect(readFileSync(path.join(outdir, 'stacks', 'qa', 'cdk.tf'), 'utf8')).toBe(
        'resource "x" "y" {\n  lifecycle {\n    replace_triggered_by = [aws_lambda_function.f.arn]\n  }\n  depends_on = [aws_iam_role.r]\n}\n',
      );
      expect(readFileSync(path.join(outdir, 'stacks', 'json', 'cdk.tf.json'), 'utf8')).toBe(
        '{"depends_on": ["aws_iam_role.r"]}',
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
