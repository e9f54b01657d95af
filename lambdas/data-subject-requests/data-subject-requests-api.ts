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
import { preflightResponse } from './cors.js';
import { dataSubjectRequestFrom } from './data-subject-request.js';

export interface DataSubjectRequestsApiDeps {
  /** Tenant id → its controller's notice topic; the tenants that accept requests. */
  readonly topics: ReadonlyMap<string, string>;
  readonly sns: Pick<SNSClient, 'send'>;
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
 * reference. The processor stores nothing of it; only the reference, tenant and type are logged.
 */
export function createDataSubjectRequestsApi(deps: DataSubjectRequestsApiDeps): ApiHandler {
  const routes: RouteTable<APIGatewayProxyEvent> = {
    '/v1/data-subject-requests': {
      POST: (event) => forward(deps, event),
      OPTIONS: async () => preflightResponse(),
    },
  };
  return async (event) => selectRoute(routes, event)(event);
}

async function forward(deps: DataSubjectRequestsApiDeps, event: APIGatewayProxyEvent) {
  validQuery(event);
  const request = dataSubjectRequestFrom(event);
  const topicArn = deps.topics.get(request.tenantId);
  if (topicArn === undefined) {
    throw new HttpError(404, 'UNKNOWN_TENANT', 'No website operator with this tenant id takes requests here. Check the tenant id the website gave you.');
  }

  const reference = deps.newReference();
  const notice = renderControllerNotice({ reference, receivedAt: deps.clock(), request });
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
  return jsonResponse(202, { reference, status: 'FORWARDED', message: ACKNOWLEDGMENT });
}
