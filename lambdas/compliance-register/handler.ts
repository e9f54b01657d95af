import { S3Client } from '@aws-sdk/client-s3';
import { requiredEnv, startupStep } from '../shared/config/startup.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { createComplianceRegisterApi } from './compliance-register-api.js';
import { s3RegisterViews } from './register-views.js';

const logger = createLogger('compliance-register');
const config = startupStep(logger, 'read the configuration', () => ({
  bucket: requiredEnv('REGISTER_BUCKET'),
  prefix: requiredEnv('REGISTER_PREFIX'),
}));
const tenants = startupStep(logger, 'read TENANT_API_KEYS', () => TenantDirectory.fromJson(process.env.TENANT_API_KEYS));

export const handler = httpApi(createComplianceRegisterApi({ tenants, views: s3RegisterViews(new S3Client({}), config.bucket, config.prefix) }), logger);
