// Prints jest's totals as the plain closing line CI reads ("jest: N passed, M failed"),
// and fails when the run failed or ran no test.
const fs = require('node:fs');

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
console.log(`jest: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
if (report.numTotalTests === 0 || !report.success) process.exit(1);
