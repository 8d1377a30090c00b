const { nestAppConfig } = require('../../tools/webpack/nest-app.config');

// Chart.js's browser build is served by the gateway itself (the dashboard loads nothing from elsewhere).
module.exports = nestAppConfig(__dirname, {
  assets: ['./src/assets', { input: 'node_modules/chart.js/dist', glob: 'chart.umd.min.js', output: 'assets/ui/vendor' }],
});
