import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { RegisterStore } from '../../../lambdas/breach-shared/register-store.js';
import type { ReportBreachDependencies } from '../../../lambdas/breach-report/report-breach.js';
import { createLogger } from '../../../lambdas/shared/logging/logger.js';
import { type BreachEmulator, BUCKET, RETRY_QUEUE, TOPIC_ARN_PREFIX } from './emulator.js';
import { NOW } from './sample-report.js';

export const TENANT_IDS = ['acme', 'globex', 'initech'];

/** One AWS call as it left the SDK, in order across all clients. */
export interface SentRequest {
  readonly service: 's3' | 'sns' | 'sqs';
  readonly command: string;
  readonly input: Record<string, any>;
  /** The HTTP headers on the wire (after serialization and signing). */
  readonly headers: Record<string, string>;
}

type AnyClient = S3Client | SNSClient | SQSClient;

/** Records every request a client sends: the Object Lock headers are asserted here since fauxqs ignores them. */
export function recordRequests(client: AnyClient, service: SentRequest['service'], log: SentRequest[]): void {
  (client.middlewareStack as any).add(
    (next: any, context: any) => async (args: any) => {
      log.push({ service, command: context.commandName, input: args.input, headers: { ...args.request?.headers } });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests', priority: 'low' },
  );
}

/**
 * FAILURE-PATH MOCK: makes a real client fail the calls a predicate picks, before they reach the
 * emulator (an outage, a refused write) — the only place these tests fake AWS behaviour.
 */
export function failWhen(client: AnyClient, shouldFail: (command: string, input: Record<string, any>) => Error | undefined): void {
  (client.middlewareStack as any).add(
    (next: any, context: any) => async (args: any) => {
      const error = shouldFail(context.commandName, args.input);
      if (error) throw error;
      return next(args);
    },
    { step: 'initialize', name: 'failWhen' },
  );
}

/** An error as the SDK raises it for an HTTP status. */
export function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (injected)`), { name, $metadata: { httpStatusCode: status } });
}

export interface Wiring {
  readonly deps: ReportBreachDependencies;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly requests: SentRequest[];
}

/** The report function's dependencies on real SDK clients pointed at the emulator, recording every request. */
export function wire(emulator: BreachEmulator, options: { retentionYears?: number } = {}): Wiring {
  const requests: SentRequest[] = [];
  const s3 = emulator.s3();
  const sns = emulator.sns();
  const sqs = emulator.sqs();
  recordRequests(s3, 's3', requests);
  recordRequests(sns, 'sns', requests);
  recordRequests(sqs, 'sqs', requests);
  return {
    s3,
    sns,
    sqs,
    requests,
    deps: {
      register: new RegisterStore(s3, BUCKET),
      sns,
      sqs,
      retryQueueUrl: emulator.queueUrl(RETRY_QUEUE),
      topicArnOf: (tenantId) => `${TOPIC_ARN_PREFIX}${tenantId}`,
      tenantIds: TENANT_IDS,
      retentionYears: options.retentionYears ?? 5,
      now: () => NOW,
      logger: createLogger('breach-test'),
    },
  };
}
