import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from '../shared/http/http-error.js';
import type { ApiHandler } from '../shared/http/middleware.js';
import { validQuery } from '../shared/http/request-validation.js';
import { jsonResponse } from '../shared/http/responses.js';
import { selectRoute, type RouteTable } from '../shared/http/router.js';
import { renderControllerNotice } from './controller-notice.js';
import type { corsFor } from './cors.js';
import { dataSubjectRequestFrom } from './data-subject-request.js';
import type { RequestCounters } from './request-counters.js';

export interface DataSubjectRequestsApiDeps {
  /** Tenant id → its controller's notice topic; the tenants that accept requests. */
  readonly topics: ReadonlyMap<string, string>;
  readonly sns: Pick<SNSClient, 'send'>;
  /** Daily caps per tenant and per sender. */
  readonly counters: Pick<RequestCounters, 'admit'>;
  /** The tenants' declared form origins (CORS). */
  readonly cors: ReturnType<typeof corsFor>;
  readonly clock: () => Date;
  readonly newReference: () => string;
  readonly logger: Logger;
}

/** A request's reference: the requester and the controller quote it; nothing else identifies the request. */
export const newRequestReference = () => `DSR-${randomUUID()}`;

export const ACKNOWLEDGMENT =
  'Your request has been forwarded to the operator of the website, who is responsible for your data and will answer ' +
  'you at the e-mail address you gave. We process visitor data on their behalf and do not decide on requests ' +
  'ourselves; we have kept no copy. IP addresses in your message were removed before forwarding: if your request ' +
  'concerns one, the website operator will ask you for it. Quote the reference in any follow-up.';

/**
 * POST /v1/data-subject-requests, public: a website visitor's request about their personal data is
 * forwarded to the controller (the tenant) through its notice topic and acknowledged with a
 * reference. The processor stores nothing of it but daily counters (TTL, hashed senders); only the
 * reference, tenant and type are logged. An unknown tenant id gets the very same answer, so the route
 * does not reveal who the processor's customers are; its requests go nowhere. Per-tenant and
 * per-sender daily caps keep the route from becoming a relay into a DPO's inbox.
 */
export function createDataSubjectRequestsApi(deps: DataSubjectRequestsApiDeps): ApiHandler {
  const routes: RouteTable<APIGatewayProxyEvent> = {
    '/v1/data-subject-requests': {
      POST: (event) => forward(deps, event),
      OPTIONS: async (event) => deps.cors.preflightResponse(event),
    },
  };
  return async (event) => selectRoute(routes, event)(event);
}

async function forward(deps: DataSubjectRequestsApiDeps, event: APIGatewayProxyEvent) {
  validQuery(event);
  const request = dataSubjectRequestFrom(event);
  const now = deps.clock();
  const sender = { email: request.contact.email, address: event.requestContext?.identity?.sourceIp ?? undefined };
  if (!(await deps.counters.admit(request.tenantId, sender, now))) {
    deps.logger.info('data-subject request over a daily cap', { tenantId: request.tenantId, type: request.type });
    throw new HttpError(429, 'DAILY_LIMIT_REACHED', 'Too many requests were sent today, by you or to this website operator. Please try again tomorrow, or contact the website operator directly.');
  }
  const reference = deps.newReference();
  const topicArn = deps.topics.get(request.tenantId);
  if (topicArn === undefined) {
    deps.logger.info('data-subject request for an unknown tenant dropped', { reference, type: request.type });
    return accepted(reference);
  }
  const notice = renderControllerNotice({ reference, receivedAt: now, request });
  const logged = { reference, tenantId: request.tenantId, type: request.type };
  try {
    const { MessageId } = await deps.sns.send(new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.body }));
    deps.logger.info('data-subject request forwarded', { ...logged, messageId: MessageId });
  } catch (error) {
    deps.logger.error('data-subject request not forwarded', { ...logged, error: error as Error });
    throw new HttpError(
      503,
      'FORWARDING_FAILED',
      'Your request could not be forwarded just now and was not kept. Please send it again in a few minutes.',
    );
  }
  return accepted(reference);
}

const accepted = (reference: string) => jsonResponse(202, { reference, status: 'FORWARDED', message: ACKNOWLEDGMENT });
