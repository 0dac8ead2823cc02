module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The shared checks (src/__testUtils__/checks.ts) assert with expect.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect[A-Z]*'] },
    ],
  },
});
