module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Property-based tests assert through fast-check.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'fc.assert'] },
    ],
  },
});
