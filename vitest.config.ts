import { defineConfig } from 'vitest/config';

/**
 * One test run for the whole project: every test/**\/*.test.ts, with ONE Amazon DynamoDB Local
 * started for the run by test/support/dynamodb-global-setup.ts (tests get its endpoint with
 * `inject('dynamoDbEndpoint')` and create uniquely named tables of their own).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    globalSetup: ['test/support/dynamodb-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
