// `npm run test:quick`, the edit loop: every jest test but the real-Terraform checks (no terraform
// process), property tests at their local count. `npm test` (and CI) runs everything.
process.env.REAL_TERRAFORM = 'off';
process.env.PROPERTY_RUNS = 'local';

module.exports = require('./jest.config.js');
