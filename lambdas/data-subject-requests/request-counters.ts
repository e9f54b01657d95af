import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The request-counters table's layout, shared by the CDK table, the function and the local server:
 *   pk        = DSR#<scope>#<day>#<subject>   (scope: TENANT, SENDER-EMAIL, SENDER-ADDRESS)
 *   count     = requests accepted that day
 *   expiresAt = epoch seconds: the end of the next day, then DynamoDB's TTL deletes the counter
 * A sender is held as a SHA-256 of the day and the normalised e-mail address or network address, never
 * as text: the counter only has to recognise the same sender again on the same day.
 */
export const REQUEST_COUNTERS_TABLE = { partitionKey: 'pk', ttlAttribute: 'expiresAt' } as const;

/** A counter lives its own day and the next (time zones, a request at midnight), then TTL removes it. */
export const COUNTER_LIFETIME_DAYS = 2;

export interface DailyCaps {
  /** Requests forwarded to one tenant per UTC day, whoever sends them. */
  readonly perTenant: number;
  /** Requests one sender (the same e-mail address, or the same network address) may send per UTC day. */
  readonly perSender: number;
}

export const DEFAULT_DAILY_CAPS: DailyCaps = { perTenant: 50, perSender: 3 };

export interface RequestSender {
  readonly email: string;
  /** The caller's network address as API Gateway saw it; undefined when unknown. */
  readonly address: string | undefined;
}

const DAY_SECONDS = 86_400;

/** Daily request counters with TTL in DynamoDB: a request is counted only when every cap still has room. */
export class RequestCounters {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly caps: DailyCaps = DEFAULT_DAILY_CAPS,
  ) {}

  /** Counts one request of the sender to the tenant; false (and nothing counted) when any daily cap is reached. */
  async admit(tenantId: string, sender: RequestSender, now: Date): Promise<boolean> {
    const day = now.toISOString().slice(0, 10);
    const expiresAt = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + COUNTER_LIFETIME_DAYS * DAY_SECONDS;
    const counters: Array<[string, number]> = [
      [`DSR#TENANT#${day}#${tenantId}`, this.caps.perTenant],
      [`DSR#SENDER-EMAIL#${day}#${digest(day, sender.email.toLowerCase())}`, this.caps.perSender],
    ];
    if (sender.address !== undefined) counters.push([`DSR#SENDER-ADDRESS#${day}#${digest(day, sender.address)}`, this.caps.perSender]);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: counters.map(([pk, cap]) => ({
            Update: {
              TableName: this.tableName,
              Key: { [REQUEST_COUNTERS_TABLE.partitionKey]: pk },
              UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
              ConditionExpression: 'attribute_not_exists(#count) OR #count < :cap',
              ExpressionAttributeNames: { '#count': 'count', '#expiresAt': REQUEST_COUNTERS_TABLE.ttlAttribute },
              ExpressionAttributeValues: { ':one': 1, ':cap': cap, ':expiresAt': expiresAt },
            },
          })),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')) {
        return false;
      }
      throw error;
    }
  }
}

function digest(day: string, value: string): string {
  return createHash('sha256').update(`${day}\n${value}`).digest('base64url');
}
