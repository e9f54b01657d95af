import { startLocalApi, type LocalApi, type LocalApiOptions } from '../../bin/local/local-api.js';
import type { LocalApiKey } from '../../bin/local/local-credentials.js';
import { createLogger } from '../../lambdas/shared/logging/logger.js';
import type { TestVisitsTable } from './dynamodb.js';
import { testDatabase } from './maxmind-test-data.js';
import { TEST_PSEUDONYM_SECRET } from './visits-api-harness.js';

function silentLogger() {
  const logger = createLogger('local-test');
  logger.setLogLevel('SILENT');
  return logger;
}

/** The local API on a test table and MaxMind's Enterprise test database, on a free port, with silent loggers. */
export function startTestLocalApi(
  table: TestVisitsTable,
  apiKeys: readonly LocalApiKey[],
  overrides: Partial<LocalApiOptions> = {},
): Promise<LocalApi> {
  return startLocalApi({
    mmdbPath: testDatabase('GeoIP2-Enterprise-Test'),
    dynamoDbEndpoint: table.endpoint,
    tableName: table.tableName,
    apiKeys,
    pseudonymSecret: TEST_PSEUDONYM_SECRET,
    retentionDays: 30,
    port: 0,
    loggers: { enrich: silentLogger(), visits: silentLogger(), visitorData: silentLogger(), dataSubjectRequests: silentLogger(), collect: silentLogger() },
    ...overrides,
  });
}
