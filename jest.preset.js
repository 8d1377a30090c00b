const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: require.resolve('./tools/jest/ort-environment.cjs'),
  testMatch: ['**/?(*.)+(spec|integration-spec|e2e-spec).ts'],
};
