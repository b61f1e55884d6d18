// Prints jest's totals as the plain closing line CI reads ("jest: N passed, M failed"),
// and fails when the run failed, ran no test, or skipped a real-Terraform check.
const fs = require('node:fs');

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const REAL_TERRAFORM = /[/\\](terraform|migrate-check|provider-server)\.test\.ts$/;
const SUITES = 3;
const skipped = report.testResults
  .filter((file) => REAL_TERRAFORM.test(file.name))
  .flatMap((file) => file.assertionResults.filter((t) => t.status !== 'passed' && t.status !== 'failed'))
  .map((t) => t.fullName);
const ran = report.testResults.filter((file) => REAL_TERRAFORM.test(file.name)).length;

console.log(`jest: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
if (ran < SUITES) console.error(`the real-Terraform suites did not run (found ${ran} of ${SUITES})`);
if (skipped.length > 0) console.error(`real-Terraform checks skipped in CI:\n  ${skipped.join('\n  ')}`);
if (report.numTotalTests === 0 || !report.success || ran < SUITES || skipped.length > 0) process.exit(1);
