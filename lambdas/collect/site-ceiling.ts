import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HttpError } from '../shared/http/http-error.js';
import type { CollectorSite } from '../shared/sites/site.js';
import { VISITS_TABLE, siteMinuteKey } from '../shared/visits/table-schema.js';

export interface SiteCeilingOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: () => Date;
}

/** A counter item outlives its minute by this much before DynamoDB's TTL may delete it. */
const COUNTER_TTL_SECONDS = 120;

/**
 * The per-site ceiling: at most `pageViewsPerMinute` page views of one site are accepted in each clock
 * minute, counted with one conditional atomic update in DynamoDB, so the ceiling holds across every
 * running function instance. Past it the site's page views are refused (429) before any enrichment
 * or storage, and other sites' counters are other items: their page views go on.
 */
export class SiteCeiling {
  constructor(private readonly options: SiteCeilingOptions) {}

  async admit(site: CollectorSite): Promise<void> {
    const now = this.options.clock().getTime();
    const epochMinute = Math.floor(now / 60_000);
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: siteMinuteKey(site.tenantId, site.siteId, epochMinute),
          UpdateExpression: 'ADD #pageViews :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#pageViews) OR #pageViews < :ceiling',
          ExpressionAttributeNames: { '#pageViews': 'pageViews', '#expiresAt': VISITS_TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':one': 1, ':ceiling': site.pageViewsPerMinute, ':expiresAt': (epochMinute + 1) * 60 + COUNTER_TTL_SECONDS },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new HttpError(429, 'SITE_RATE_LIMITED', 'The site has reached its page-view ceiling for this minute; nothing was recorded.');
      }
      throw error;
    }
  }
}
