import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { type Construct } from 'constructs';
import { AuditTrail, REGISTER_PREFIX } from './audit/audit-trail.js';
import { OffboardingReportKey } from './audit/offboarding-report-key.js';
import { incidentDetectors } from './audit/trail-detectors.js';
import { ControllerAuditorAccess } from './compliance/controller-auditor-access.js';
import { DEPLOYMENT_FACTS_FILE, type DeploymentFacts } from './compliance/deployment-facts.js';
import { AuditorAccess, BreachAlertTopics, BreachRegister, BreachReporting, OperationalAlarms } from './breach/index.js';
import type { AppConfig } from './config/app-config.js';
import { ApiFunction } from './enrichment/api-function.js';
import { EnrichmentApi } from './enrichment/enrichment-api.js';
import { ErasureConfirmationAlarm } from './enrichment/erasure-confirmation-alarm.js';
import { MMDB_LAYER_PATH, MmdbLayer } from './enrichment/mmdb-layer.js';
import { PseudonymKeys, pseudonymSecretName } from './enrichment/pseudonym-key.js';
import { RequestCountersTable } from './enrichment/request-counters-table.js';
import { VisitsTable } from './enrichment/visits-table.js';
import { ServiceDashboard } from './observability/service-dashboard.js';
import { ApiFirewall } from './security/api-firewall.js';
import { COLLECT_ROUTE } from '../lambdas/collect/collector-api.js';
import { collectorSitesByKey } from './config/sites-config.js';
import { LogEncryptionKey } from './security/log-encryption-key.js';
import { MisuseSignals } from './security/misuse-signals.js';
import type { RegisterDocuments } from '../tools/register/register-documents.js';
import { RegisterPublication } from './register/register-publication.js';

export interface EnrichmentStackProps extends StackProps {
  readonly config: AppConfig;
  /** The MMDB file the layer ships (the default database or config.mmdbPath). */
  readonly databasePath: string;
  /** The Art. 30 register to publish into the audit trail bucket; absent: not published. */
  readonly registerDocuments?: RegisterDocuments;
}

/** Page views one client address may report to the collector in 5 minutes: an office of people browsing. */
const COLLECTOR_REQUESTS_PER_FIVE_MINUTES_PER_IP = 600;

const handlerEntry = (name: string) => fileURLToPath(new URL(`../lambdas/${name}/handler.ts`, import.meta.url));

/** The workload: enrichment API, visits store and everything that protects them. Composition only. */
export class EnrichmentStack extends Stack {
  readonly api: EnrichmentApi;
  readonly visits: VisitsTable;
  readonly enrichFunction: ApiFunction;
  readonly visitsFunction: ApiFunction;
  readonly visitorDataFunction: ApiFunction;
  readonly dataSubjectRequestsFunction: ApiFunction;
  readonly complianceRegisterFunction: ApiFunction;
  readonly collectFunction: ApiFunction;
  readonly firewall: ApiFirewall;
  readonly database: MmdbLayer;
  readonly auditTrail: AuditTrail;
  readonly breachRegister: BreachRegister;
  readonly alertTopics: BreachAlertTopics;
  readonly breachReporting: BreachReporting;
  readonly auditors: AuditorAccess | undefined;
  readonly pseudonymKeys: PseudonymKeys;
  readonly requestCounters: RequestCountersTable;
  /** Per controller with auditors configured: the role that reads its audit packs. */
  readonly controllerAuditors: ReadonlyMap<string, ControllerAuditorAccess>;

  constructor(scope: Construct, id: string, props: EnrichmentStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logKey = new LogEncryptionKey(this, 'LogKey').key;

    this.database = new MmdbLayer(this, 'Database', { databasePath: props.databasePath });
    this.visits = new VisitsTable(this, 'VisitsStore', {
      retentionDays: config.retentionDays,
      pointInTimeRecoveryDays: config.pointInTimeRecoveryDays,
    });
    this.pseudonymKeys = new PseudonymKeys(this, 'PseudonymKeys', {
      tenantIds: config.tenants.map((tenant) => tenant.id),
      breakGlassRoleArnPattern: config.breakGlassRoleArnPattern,
    });
    const pseudonymKeys = this.pseudonymKeys;
    this.api = new EnrichmentApi(this, 'Api', {
      tenants: config.tenants,
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
    });
    this.firewall = new ApiFirewall(this, 'Firewall', {
      stage: this.api.api.deploymentStage,
      publicRoutes: this.api,
      backstopRequestsPerFiveMinutesPerIp: Math.max(...config.tenants.map((tenant) => tenant.rateLimit * 300 + tenant.burstLimit)),
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
      collector: { path: COLLECT_ROUTE, requestsPerFiveMinutesPerIp: COLLECTOR_REQUESTS_PER_FIVE_MINUTES_PER_IP },
    });
    this.alertTopics = new BreachAlertTopics(this, 'AlertTopics', {
      tenants: config.tenants,
      operationsEmails: config.operationsEmails,
    });
    const tenantApiKeys = this.api.tenantsByApiKeyId();
    const databaseEnvironment = { MMDB_PATH: MMDB_LAYER_PATH, MMDB_NETWORK_COUNT: String(this.database.networkCount) };

    this.enrichFunction = new ApiFunction(this, 'Enrich', {
      entry: handlerEntry('enrich'),
      description: 'Enriches IP addresses with public company information (no storage)',
      layers: [this.database.layer],
      reservedConcurrentExecutions: config.reservedConcurrency.enrich,
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
      environment: { ...databaseEnvironment, TENANT_API_KEYS: tenantApiKeys },
    });
    this.visitsFunction = new ApiFunction(this, 'Visits', {
      entry: handlerEntry('visits'),
      description: 'Records and lists business visits of a tenant (pseudonymised, with TTL)',
      layers: [this.database.layer],
      reservedConcurrentExecutions: config.reservedConcurrency.visits,
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
      environment: {
        ...databaseEnvironment,
        TENANT_API_KEYS: tenantApiKeys,
        VISITS_TABLE_NAME: this.visits.table.tableName,
        VISIT_TTL_DAYS: String(this.visits.itemTtlDays),
        PSEUDONYM_SECRET_ARNS: pseudonymKeys.secretArnsJson(),
        VISIT_SHARDS: String(config.visitShards),
      },
    });
    this.visits.grantItemAccess(this.visitsFunction.role, 'dynamodb:PutItem', 'dynamodb:Query');
    pseudonymKeys.grantRead(this.visitsFunction.role);

    this.visitorDataFunction = new ApiFunction(this, 'VisitorData', {
      entry: handlerEntry('visitor-data'),
      description: "Finds and erases a data subject's visits for the controller (access and erasure requests)",
      memorySize: 256,
      reservedConcurrentExecutions: config.reservedConcurrency.visitorData,
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
      environment: {
        VISITOR_DATA_API_KEYS: this.api.tenantsByRightsKeyId(),
        VISITS_TABLE_NAME: this.visits.table.tableName,
        PSEUDONYM_SECRET_ARNS: pseudonymKeys.secretArnsJson(),
        TENANT_TOPIC_ARNS: this.toJsonString(this.alertTopics.requestTopicArns()),
      },
    });
    // Completed erasures are confirmed in writing on the controller's request topic.
    this.alertTopics.grantPublishToRequestTopics(this.visitorDataFunction.role);
    this.visits.grantVisitorIndexQuery(this.visitorDataFunction.role);
    this.visits.grantItemAccess(this.visitorDataFunction.role, 'dynamodb:BatchGetItem', 'dynamodb:DeleteItem');
    pseudonymKeys.grantRead(this.visitorDataFunction.role);

    this.requestCounters = new RequestCountersTable(this, 'RequestCounters');

    this.dataSubjectRequestsFunction = new ApiFunction(this, 'DataSubjectRequests', {
      entry: handlerEntry('data-subject-requests'),
      description: "Forwards data subjects' requests to the controller's topic (stores nothing)",
      memorySize: 256,
      reservedConcurrentExecutions: 5,
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
      environment: {
        TENANT_TOPIC_ARNS: this.toJsonString(this.alertTopics.requestTopicArns()),
        REQUEST_COUNTERS_TABLE_NAME: this.requestCounters.table.tableName,
        REQUEST_FORM_ORIGINS: this.toJsonString(Object.fromEntries(config.tenants.map((tenant) => [tenant.id, tenant.requestFormOrigins]))),
      },
    });
    this.alertTopics.grantPublishToRequestTopics(this.dataSubjectRequestsFunction.role);
    this.requestCounters.grantCounting(this.dataSubjectRequestsFunction.role);

    this.collectFunction = new ApiFunction(this, 'Collect', {
      entry: handlerEntry('collect'),
      description: "Records page views reported by the snippet on tenants' sites (the visit pipeline) and serves the snippet",
      layers: [this.database.layer],
      // Its own share of concurrency: a flood of page views cannot take the tenants' API functions' capacity.
      reservedConcurrentExecutions: 20,
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
      environment: {
        ...databaseEnvironment,
        COLLECTOR_SITES: JSON.stringify(collectorSitesByKey(config.tenants)),
        VISITS_TABLE_NAME: this.visits.table.tableName,
        VISIT_SHARDS: String(config.visitShards),
        VISIT_TTL_DAYS: String(this.visits.itemTtlDays),
        PSEUDONYM_SECRET_ARNS: pseudonymKeys.secretArnsJson(),
      },
    });
    // PutItem: the visit; UpdateItem: the per-site ceiling's counter. No read of any visit.
    this.visits.grantItemAccess(this.collectFunction.role, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    pseudonymKeys.grantRead(this.collectFunction.role);
    pseudonymKeys.denyAllButReaders();

    this.breachRegister = new BreachRegister(this, 'BreachRegister', {
      retentionYears: config.breachRecordRetentionYears,
      accessLogRetentionDays: config.auditLogRetentionDays,
    });
    this.breachReporting = new BreachReporting(this, 'BreachReporting', {
      register: this.breachRegister,
      alertTopics: this.alertTopics,
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
    });

    this.auditTrail = new AuditTrail(this, 'AuditTrail', {
      retentionDays: config.auditLogRetentionDays,
      dataEventBuckets: [this.breachRegister.bucket],
      dataEventTables: [this.visits.table],
      tableWritersNotRecorded: [this.visitsFunction.role, this.visitorDataFunction.role, this.collectFunction.role],
      dataEventTopicArnPrefixes: [this.alertTopics.tenantTopicArnPrefix, this.alertTopics.requestTopicArnPrefix],
      logEncryptionKey: logKey,
    });
    new OffboardingReportKey(this, 'OffboardingReportKey');
    new ErasureConfirmationAlarm(this, 'ErasureConfirmationAlarm', {
      visitorDataLogs: this.visitorDataFunction.logGroup.logGroup,
      operationsTopic: this.alertTopics.operationsTopic,
    });
    const misuse = new MisuseSignals(this, 'MisuseSignals', {
      visitorDataLogs: this.visitorDataFunction.logGroup.logGroup,
    });
    this.auditors =
      config.auditorPrincipals.length > 0
        ? new AuditorAccess(this, 'Auditors', { principals: config.auditorPrincipals, register: this.breachRegister })
        : undefined;
    if (this.auditors) this.auditTrail.grantRead(this.auditors.role);
    this.controllerAuditors = new Map(
      config.tenants
        .filter((tenant) => tenant.auditorPrincipals.length > 0)
        .map((tenant) => [tenant.id, new ControllerAuditorAccess(this, `Auditors-${tenant.id}`, { tenantId: tenant.id, principals: tenant.auditorPrincipals, auditTrail: this.auditTrail })]),
    );
    this.complianceRegisterFunction = new ApiFunction(this, 'ComplianceRegister', {
      entry: handlerEntry('compliance-register'),
      description: "Serves each controller its view of the Art. 30 register from the audit bucket (read-only)",
      memorySize: 256,
      reservedConcurrentExecutions: 5,
      retentionDays: config.retentionDays,
      logEncryptionKey: logKey,
      environment: {
        TENANT_API_KEYS: tenantApiKeys,
        REGISTER_BUCKET: this.auditTrail.bucket.bucketName,
        REGISTER_PREFIX,
      },
    });
    this.auditTrail.grantReadUnder(
      this.complianceRegisterFunction.role,
      `${REGISTER_PREFIX}controllers/`,
      "The function reads the published controller views only (one object per tenant, chosen by the caller's API key); no trail files, no whole register.",
    );
    if (props.registerDocuments) {
      new RegisterPublication(this, 'Register', {
        bucket: this.auditTrail.bucket,
        bucketKey: this.auditTrail.encryptionKey,
        keyPrefix: REGISTER_PREFIX,
        documents: { ...props.registerDocuments, [DEPLOYMENT_FACTS_FILE]: this.toJsonString(this.deploymentFacts(pseudonymKeys)) },
        retentionDays: config.retentionDays,
        logEncryptionKey: logKey,
      });
    }

    new OperationalAlarms(this, 'OperationalAlarms', {
      alertTopics: this.alertTopics,
      trail: {
        logGroup: this.auditTrail.logGroup,
        detectors: incidentDetectors(this, {
          visitsTable: this.visits.table,
          visitsReaders: [this.visitsFunction.role, this.visitorDataFunction.role],
          pseudonymSecretNamePrefix: pseudonymSecretName(this.stackName, ''),
          pseudonymReaders: pseudonymKeys.readerRoles,
          protectedBuckets: [this.auditTrail.bucket, this.breachRegister.bucket],
          breachTopicArnPrefix: this.alertTopics.tenantTopicArnPrefix,
          breakGlassRoleArnPattern: config.breakGlassRoleArnPattern,
        }),
      },
      api: this.api.api,
      register: this.breachRegister,
      signals: misuse.signals,
      functions: [
        this.enrichFunction.function,
        this.visitsFunction.function,
        this.visitorDataFunction.function,
        this.dataSubjectRequestsFunction.function,
        this.complianceRegisterFunction.function,
        this.collectFunction.function,
        this.breachReporting.reportFunction.function,
        this.breachReporting.notifyFunction.function,
        this.breachReporting.deliveryCheckFunction.function,
      ],
    });

    new ServiceDashboard(this, 'Observability', {
      api: this.api.api,
      table: this.visits.table,
      operationsTopic: this.alertTopics.operationsTopic,
      functions: {
        enrich: { function: this.enrichFunction.function, reservedConcurrency: config.reservedConcurrency.enrich, looksUp: true },
        visits: { function: this.visitsFunction.function, reservedConcurrency: config.reservedConcurrency.visits, looksUp: true },
        'visitor-data': { function: this.visitorDataFunction.function, reservedConcurrency: config.reservedConcurrency.visitorData, looksUp: false },
      },
    });

    this.api.addRoutes({
      enrich: this.enrichFunction.function,
      visits: this.visitsFunction.function,
      visitorData: this.visitorDataFunction.function,
      dataSubjectRequests: this.dataSubjectRequestsFunction.function,
      breachReport: this.breachReporting.reportFunction.function,
      complianceRegister: this.complianceRegisterFunction.function,
      collect: this.collectFunction.function,
    });

    new CfnOutput(this, 'AuditBucket', { value: this.auditTrail.bucket.bucketName });
    new CfnOutput(this, 'ApiUrl', { value: this.api.api.urlForPath('/v1') });
    new CfnOutput(this, 'BreachApiUrl', { value: this.api.api.urlForPath('/v1/operator/breaches') });
    new CfnOutput(this, 'BreachRegisterBucket', { value: this.breachRegister.bucket.bucketName });
    new CfnOutput(this, 'VisitsTableName', { value: this.visits.table.tableName });
  }

  private deploymentFacts(pseudonymKeys: PseudonymKeys): DeploymentFacts {
    return {
      account: this.account,
      region: this.region,
      visitsTableArn: this.visits.table.tableArn,
      pseudonymSecretArns: pseudonymKeys.secretArnsByTenant(),
      breachRegisterBucket: this.breachRegister.bucket.bucketName,
      auditBucket: this.auditTrail.bucket.bucketName,
      requestTopicArnPrefix: this.alertTopics.requestTopicArnPrefix,
      serviceRoleArns: {
        enrich: this.enrichFunction.role.roleArn,
        visits: this.visitsFunction.role.roleArn,
        visitorData: this.visitorDataFunction.role.roleArn,
        collect: this.collectFunction.role.roleArn,
        dataSubjectRequests: this.dataSubjectRequestsFunction.role.roleArn,
        complianceRegister: this.complianceRegisterFunction.role.roleArn,
        breachReport: this.breachReporting.reportFunction.role.roleArn,
        breachNotify: this.breachReporting.notifyFunction.role.roleArn,
      },
    };
  }
}
