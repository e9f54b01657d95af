import type { ViaService } from './support/request-universe.js';

/**
 * WHAT EACH FUNCTION MAY DO — the one place to read it, and the contract least-privilege.test.ts
 * holds the synthesized app to by policy evaluation:
 *
 *   - every grant below must be Allowed, on every resource it names;
 *   - every other action of the covered services on every resource of the stack (and on a stand-in
 *     resource elsewhere in the account) must NOT be Allowed;
 *   - every function in the stack must have an entry here and every entry a function (a new function
 *     fails the test until its permissions are declared);
 *   - MUST_BE_DENIED spells out the sensitive refusals (purpose limitation, the locked register),
 *     whatever the grants above say.
 *
 * Functions are keyed by construct path under the stack (`BreachReporting/Report`), resources by
 * construct path without `/Resource` (`VisitsStore/Table`); `*` matches within one path segment,
 * `**` across segments.
 */

export interface ResourceRef {
  readonly path: string;
  /** A part of the resource: `object:<key glob>`, `index:<name>`, `log-stream`. Absent: the resource itself. */
  readonly part?: string;
  /** The resource and every part of it. */
  readonly andParts?: boolean;
}

export const resource = (path: string): ResourceRef => ({ path });
export const objects = (bucket: string, keys: string): ResourceRef => ({ path: bucket, part: `object:${keys}` });
export const index = (table: string, name: string): ResourceRef => ({ path: table, part: `index:${name}` });
export const logStreams = (logGroup: string): ResourceRef => ({ path: logGroup, part: 'log-stream' });
export const allOf = (path: string): ResourceRef => ({ path, andParts: true });

export interface Grant {
  readonly actions: readonly string[];
  readonly on: ResourceRef;
  /** The grant holds only through this service (kms:ViaService condition). */
  readonly via?: ViaService;
  readonly why: string;
}

export interface FunctionPermissions {
  readonly job: string;
  readonly may: readonly Grant[];
}

const ownLogs = (fn: string): Grant => ({
  actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  on: logStreams(`${fn}/Logs/LogGroup`),
  why: 'writes its own log group, and no other',
});

const REGISTER = 'BreachRegister/Bucket';
const VISITS_TABLE = 'VisitsStore/Table';

export const FUNCTION_PERMISSIONS: Readonly<Record<string, FunctionPermissions>> = {
  Enrich: {
    job: 'Answers enrichment lookups from the MMDB file in its layer; stores and reads nothing.',
    may: [ownLogs('Enrich')],
  },
  Visits: {
    job: "Records a tenant's visit (pseudonymised) and lists that tenant's visits.",
    may: [
      ownLogs('Visits'),
      { actions: ['dynamodb:PutItem', 'dynamodb:Query'], on: resource(VISITS_TABLE), why: 'records a visit; lists by tenant partition (base table only, never the visitor index)' },
      { actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], on: resource('VisitsStore/Key'), via: 'dynamodb', why: 'the table is encrypted with this key' },
      { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], on: resource('PseudonymKeys/Secret-*'), why: "derives each tenant's pseudonym and cursor keys from that tenant's secret" },
      { actions: ['kms:Decrypt'], on: resource('PseudonymKeys/Key'), via: 'secretsmanager', why: 'the secrets are encrypted with their own key' },
    ],
  },
  VisitorData: {
    job: "Serves a controller's access and erasure requests for one visitor address: finds that visitor's visits of the calling tenant through the visitor index, reads or deletes them, and confirms a completed erasure to the controller.",
    may: [
      ownLogs('VisitorData'),
      { actions: ['dynamodb:Query'], on: index(VISITS_TABLE, 'byVisitor'), why: "finds a visitor's visits by pseudonym (keys only)" },
      { actions: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem'], on: resource(VISITS_TABLE), why: 'reads (access request) or deletes (erasure request) the visits found; never lists or writes' },
      { actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], on: resource('VisitsStore/Key'), via: 'dynamodb', why: 'the table is encrypted with this key' },
      { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], on: resource('PseudonymKeys/Secret-*'), why: "computes the pseudonym of the address asked about, with the calling tenant's secret" },
      { actions: ['kms:Decrypt'], on: resource('PseudonymKeys/Key'), via: 'secretsmanager', why: 'the secrets are encrypted with their own key' },
      { actions: ['sns:Publish'], on: resource('AlertTopics/Requests-*'), why: "confirms a completed erasure in writing on the controller's data-subject request topic" },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], on: resource('AlertTopics/Key'), via: 'sns', why: 'the topics are encrypted' },
    ],
  },
  Collect: {
    job: "Records page views the snippet reports from tenants' sites (the visit pipeline: pseudonymised, organisations only) and counts them against each site's ceiling; serves the snippet. Reads no visit.",
    may: [
      ownLogs('Collect'),
      { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], on: resource(VISITS_TABLE), why: "records a visit; counts the site's page views this minute (conditional atomic update)" },
      { actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], on: resource('VisitsStore/Key'), via: 'dynamodb', why: 'the table is encrypted with this key' },
      { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], on: resource('PseudonymKeys/Secret-*'), why: "derives the pseudonym of the visitor address, with the site's tenant's secret" },
      { actions: ['kms:Decrypt'], on: resource('PseudonymKeys/Key'), via: 'secretsmanager', why: 'the secrets are encrypted with their own key' },
    ],
  },
  DataSubjectRequests: {
    job: "Forwards a website visitor's request (public form) to the controller's notice topic; stores nothing but daily counters.",
    may: [
      ownLogs('DataSubjectRequests'),
      { actions: ['dynamodb:UpdateItem'], on: resource('RequestCounters/Table'), why: 'counts requests per tenant and per (hashed) sender for the daily caps' },
      { actions: ['sns:Publish'], on: resource('AlertTopics/Requests-*'), why: "forwards the request to the controller's data-subject request topic (never its breach notice topic)" },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], on: resource('AlertTopics/Key'), via: 'sns', why: 'the topics are encrypted' },
    ],
  },
  ComplianceRegister: {
    job: "Serves the calling controller its view of the Art. 30 register, published in the audit bucket; reads nothing else.",
    may: [
      ownLogs('ComplianceRegister'),
      { actions: ['s3:GetObject', 's3:GetObjectVersion'], on: objects('AuditTrail/Bucket', 'register/controllers/*'), why: 'the published controller views, never the trail files or the whole register' },
      { actions: ['kms:Decrypt'], on: resource('AuditTrail/Key'), via: 's3', why: 'the audit bucket is SSE-KMS' },
    ],
  },
  'BreachReporting/Report': {
    job: 'Stores a breach report in the locked register, then notifies the affected controllers (or queues a retry).',
    may: [
      ownLogs('BreachReporting/Report'),
      { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'], on: objects(REGISTER, 'breaches/*'), why: 'creates a record with its explicit COMPLIANCE retention; reads it back for replays and updates' },
      { actions: ['s3:GetObject', 's3:PutObject'], on: objects(REGISTER, 'notifications/*'), why: 'notification markers (who was notified)' },
      { actions: ['s3:ListBucket'], on: resource(REGISTER), why: 'a missing record is then a 404, not a 403' },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], on: resource('BreachRegister/Key'), via: 's3', why: 'the register is SSE-KMS' },
      { actions: ['sns:Publish'], on: resource('AlertTopics/Tenant-*'), why: "notifies the controllers' breach topics (never the operations topic)" },
      { actions: ['sns:GetTopicAttributes'], on: resource('AlertTopics/Tenant-*'), why: 'a notice counts as sent only when its topic has a confirmed subscription' },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], on: resource('AlertTopics/Key'), via: 'sns', why: 'the topics are encrypted' },
      { actions: ['sqs:SendMessage'], on: resource('BreachReporting/Retries'), why: 'queues a notification retry' },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], on: resource('BreachReporting/Key'), via: 'sqs', why: 'the retry queue is encrypted' },
    ],
  },
  'BreachReporting/Notify': {
    job: 'Retries breach notifications from the retry queue.',
    may: [
      ownLogs('BreachReporting/Notify'),
      { actions: ['s3:GetObject'], on: objects(REGISTER, 'breaches/*'), why: 'reads the record to notify (never writes one)' },
      { actions: ['s3:GetObject', 's3:PutObject'], on: objects(REGISTER, 'notifications/*'), why: 'notification markers (who was notified)' },
      { actions: ['s3:ListBucket'], on: resource(REGISTER), why: 'a missing record is then a 404, not a 403' },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], on: resource('BreachRegister/Key'), via: 's3', why: 'the register is SSE-KMS' },
      { actions: ['sns:Publish'], on: resource('AlertTopics/Tenant-*'), why: "notifies the controllers' breach topics (never the operations topic)" },
      { actions: ['sns:GetTopicAttributes'], on: resource('AlertTopics/Tenant-*'), why: 'a notice counts as sent only when its topic has a confirmed subscription' },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], on: resource('AlertTopics/Key'), via: 'sns', why: 'the topics are encrypted' },
      {
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        on: resource('BreachReporting/Retries'),
        why: 'its SQS event source polls the retry queue',
      },
      { actions: ['kms:Decrypt'], on: resource('BreachReporting/Key'), why: 'reads the encrypted retry queue (the SQS event source grant, not narrowed by kms:ViaService)' },
    ],
  },
  'BreachReporting/DeliveryCheck': {
    job: 'Checks on a schedule that every breach topic has confirmed, authenticated subscriptions; logs what it finds (an alarm calls the operations team).',
    may: [
      ownLogs('BreachReporting/DeliveryCheck'),
      { actions: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes'], on: resource('AlertTopics/Tenant-*'), why: "lists each breach topic's subscriptions and how they were confirmed" },
      { actions: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes'], on: resource('AlertTopics/Operations'), why: 'checks the operations topic too (alarms reach no one without it)' },
    ],
  },
  // CDK's AWS SDK custom-resource function (one per stack, fixed construct id): runs at deployment only.
  AWS679f53fac002430cb0da5b7982bd2287: {
    job: "Publishes the Art. 30 register (JSON and Markdown), the controllers' views, the change record and the deployment facts to the audit bucket when a deployment changes them.",
    may: [
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], on: logStreams('Register/Logs/LogGroup'), why: 'writes its own log group, and no other' },
      { actions: ['s3:PutObject'], on: objects('AuditTrail/Bucket', 'register/*'), why: 'the register documents, next to (never over) the trail files' },
      { actions: ['kms:Encrypt', 'kms:GenerateDataKey'], on: resource('AuditTrail/Key'), why: 'the audit bucket is SSE-KMS (CDK grant, not narrowed by kms:ViaService)' },
    ],
  },
};

/** Allowed to every principal by AWS itself, whatever the policies say. */
export const ALWAYS_ALLOWED = [{ action: 'sts:GetCallerIdentity', why: 'needs no permission: AWS answers it for any caller' }];

export interface Denial {
  /** Function keys of FUNCTION_PERMISSIONS; `*` for every function; `{ allBut }` for every other function. */
  readonly who: '*' | readonly string[] | { readonly allBut: readonly string[] };
  readonly actions: readonly string[];
  readonly on: ResourceRef;
  readonly why: string;
}

const BREACH_FUNCTIONS = ['BreachReporting/Report', 'BreachReporting/Notify'];
const VISIT_FUNCTIONS = ['Visits', 'VisitorData'];
/** Functions that record visits (the visits API and the public collector) or erase them. */
const VISIT_WRITERS = [...VISIT_FUNCTIONS, 'Collect'];
const READ_BREACH_RECORDS = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'];
const LIST_BREACH_RECORDS = ['s3:ListBucket', 's3:ListBucketVersions'];
const READ_VISITS = ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PartiQLSelect', 'dynamodb:ExportTableToPointInTime'];

export const MUST_BE_DENIED: readonly Denial[] = [
  // Purpose limitation: each function reaches only the data of its purpose.
  { who: { allBut: BREACH_FUNCTIONS }, actions: READ_BREACH_RECORDS, on: objects(REGISTER, '*'), why: 'breach records are for the breach functions and auditors only' },
  { who: { allBut: BREACH_FUNCTIONS }, actions: LIST_BREACH_RECORDS, on: resource(REGISTER), why: 'breach records are for the breach functions and auditors only' },
  { who: { allBut: VISIT_FUNCTIONS }, actions: READ_VISITS, on: allOf(VISITS_TABLE), why: 'only the visits and visitor-data functions read visits' },
  { who: { allBut: VISIT_WRITERS }, actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], on: allOf(VISITS_TABLE), why: 'only the visits and collector functions write visits, only the visitor-data function erases them' },
  { who: { allBut: VISIT_WRITERS }, actions: ['secretsmanager:GetSecretValue'], on: resource('PseudonymKeys/Secret-*'), why: 'a pseudonym secret re-identifies its tenant\'s visitors' },
  { who: { allBut: VISIT_WRITERS }, actions: ['kms:Decrypt'], on: resource('VisitsStore/Key'), why: 'cannot decrypt visits or the pseudonym secret by any route' },
  { who: ['Collect'], actions: ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLDelete', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLInsert'], on: allOf(VISITS_TABLE), why: 'a public route: it records page views and counts them, never deletes or bulk-writes' },
  { who: ['Collect'], actions: ['dynamodb:Query'], on: allOf(VISITS_TABLE), why: "anyone can call it: it must never be able to list a tenant's visits or find a visitor's" },
  { who: ['VisitorData'], actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], on: resource(VISITS_TABLE), why: "answers for one visitor: it never lists a tenant's visits nor writes one" },
  { who: ['Visits'], actions: ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:UpdateItem', 'dynamodb:PartiQLDelete', 'dynamodb:PartiQLUpdate'], on: allOf(VISITS_TABLE), why: 'records and lists: it never alters or deletes a visit (TTL and erasure do)' },
  { who: ['Visits'], actions: ['dynamodb:Query'], on: index(VISITS_TABLE, 'byVisitor'), why: 'the visitor index serves access/erasure requests only, not listing' },
  // The register is append-only: nobody in the stack deletes, rewrites or unlocks a record.
  { who: '*', actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectLegalHold'], on: objects(REGISTER, '*'), why: 'records are immutable (Art. 33(5))' },
  { who: { allBut: ['BreachReporting/Report'] }, actions: ['s3:PutObjectRetention'], on: objects(REGISTER, '*'), why: 'only the report function sets the retention of the record it creates (COMPLIANCE mode: it can only be lengthened)' },
  { who: '*', actions: ['s3:PutObjectRetention'], on: objects(REGISTER, 'notifications/*'), why: 'markers keep the default retention' },
  {
    who: '*',
    actions: ['s3:PutBucketObjectLockConfiguration', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning', 's3:DeleteBucket'],
    on: resource(REGISTER),
    why: "the register's lock, policy, lifecycle and versioning are infrastructure, never a function's",
  },
  // No bulk reads or exports of any table, no key destruction, no audit-trail tampering, no privilege escalation.
  { who: '*', actions: ['dynamodb:Scan', 'dynamodb:ExportTableToPointInTime'], on: allOf('**'), why: 'no function reads a whole table or exports one' },
  { who: '*', actions: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy', 'kms:CreateGrant'], on: allOf('**'), why: 'destroying a key destroys the data; grants would hand it on' },
  { who: '*', actions: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors'], on: allOf('**'), why: 'the audit trail is out of reach of what it audits' },
  { who: '*', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], on: objects('AuditTrail/Bucket', 'AWSLogs/*'), why: 'functions neither read nor forge trail files' },
  { who: '*', actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention'], on: objects('AuditTrail/Bucket', '*'), why: 'nothing in the audit bucket is deleted or unlocked by a function' },
  { who: { allBut: ['ComplianceRegister'] }, actions: ['s3:GetObject'], on: objects('AuditTrail/Bucket', '*'), why: 'nothing in the audit bucket is read back by a function but the controllers\' register views' },
  { who: ['ComplianceRegister'], actions: ['s3:GetObject'], on: objects('AuditTrail/Bucket', 'register/sample-object.json'), why: 'the whole register (files directly under register/, here the catalog\'s sample object) names every controller: a controller sees its own view only' },
  { who: ['ComplianceRegister'], actions: ['s3:GetObject'], on: objects('AuditTrail/Bucket', 'unrelated/*'), why: 'nothing outside the controller views: no audit packs, no other object' },
  { who: '*', actions: ['iam:PassRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'], on: allOf('**'), why: 'no privilege escalation through another role' },
  { who: '*', actions: ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:InvokeFunction'], on: allOf('**'), why: 'no function changes or calls another' },
  { who: '*', actions: ['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy'], on: allOf('**'), why: "logs are written, never read back or shortened by a function" },
  { who: '*', actions: ['sns:Publish'], on: resource('AlertTopics/Operations'), why: 'suspected incidents come from alarms only, never from a function' },
];
