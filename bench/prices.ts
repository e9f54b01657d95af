/**
 * List prices the cost figures use, each with where it was read and when. USD, on demand, no free
 * tier, first volume tier. No live look-up (the benchmark runs offline): update by hand, with the
 * source and date, when AWS or a vendor changes a price.
 *
 * The AWS figures are those of AWS's Price List API offer files for eu-central-1 —
 * https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/eu-central-1/index.json —
 * as read on the dates given (transcribed in public cost notes; AWS's pricing pages render their
 * tables client-side). A service whose price is the same in every region says so.
 */
export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  readonly asOf: string;
}

const PRICE_LIST = (service: string, detail: string) => `AWS Price List API, ${service} offer, eu-central-1, ${detail}`;

export const AWS_PRICES = {
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 'GB-second, Arm (first 7.5 billion GB-s a month)',
    source: PRICE_LIST('AWSLambda', 'EUC1-Lambda-GB-Second-ARM'),
    asOf: 'offer read 2026-09-11',
  },
  lambdaRequest: { usd: 0.2 / 1e6, per: 'request ($0.20 per million)', source: PRICE_LIST('AWSLambda', 'EUC1-Request-ARM'), asOf: 'offer read 2026-09-11' },
  apiGatewayRestRequest: {
    usd: 3.7 / 1e6,
    per: 'REST API request ($3.70 per million, first 333 million a month)',
    source: PRICE_LIST('AmazonApiGateway', 'EUC1-ApiGatewayRequest'),
    asOf: 'offer read 2026-08-12',
  },
  wafRequest: {
    usd: 0.6 / 1e6,
    per: 'web request inspected ($0.60 per million; plus $5 per web ACL and $1 per rule a month)',
    source:
      'https://aws.amazon.com/waf/pricing/, the same in every region (AWS Networking & Content Delivery blog, "Cost-effective ' +
      'ways for securing your web applications using AWS WAF"); figures as quoted by https://c3x.dev/blog/aws-waf-cost-explained/',
    asOf: 'looked up 2026-11-25; quoted as current in 2026',
  },
  dynamoDbWriteRequestUnit: {
    usd: 0.7625 / 1e6,
    per: 'on-demand write request unit ($0.7625 per million)',
    source: PRICE_LIST('AmazonDynamoDB', 'publicationDate 2026-08-15'),
    asOf: 'offer read 2026-09-11',
  },
  cloudWatchLogsIngestedGb: {
    usd: 0.63,
    per: 'GB of log data ingested (standard class)',
    source: PRICE_LIST('AmazonCloudWatch', 'publicationDate 2026-08-06'),
    asOf: 'offer read 2026-09-11',
  },
  dataTransferOutGb: {
    usd: 0.09,
    per: 'GB out to the internet (first 10 TB a month, after the first 100 GB free)',
    source: PRICE_LIST('AWSDataTransfer', 'publicationDate 2026-07-20'),
    asOf: 'offer read 2026-08-16',
  },
  secretsManagerApiCall: {
    usd: 0.05 / 10_000,
    per: 'API call ($0.05 per 10,000): one per container, the secret is cached',
    source: 'https://aws.amazon.com/secrets-manager/pricing/, as quoted in public AWS cost notes',
    asOf: 'looked up 2026-11-25',
  },
} as const satisfies Record<string, Price>;

/** Commercial IP-to-company/organisation APIs at their published list prices. */
export interface CommercialOffer {
  readonly name: string;
  /** What a million lookups cost at this price. */
  readonly usdPerMillion: number;
  readonly basis: string;
  readonly source: string;
  readonly asOf: string;
}

const DAYS_PER_MONTH = 365.25 / 12;

export const COMMERCIAL_OFFERS: readonly CommercialOffer[] = [
  {
    name: 'IPinfo Core (pay as you go)',
    usdPerMillion: 0.000539 * 1e6,
    basis: '$0.000539 per request',
    source: 'https://ipinfo.io/faq/article/90-manage-overages ("Overage request pricing")',
    asOf: 'looked up 2026-11-25 in a stored copy of the page, which carries no date',
  },
  {
    name: 'DB-IP API Pro key (with organisation)',
    usdPerMillion: 129 / ((200_000 * DAYS_PER_MONTH) / 1e6),
    basis: '$129 a month (24-month key) for up to 200,000 queries a day, used in full',
    source: 'https://db-ip.com/api/ (API key comparison table)',
    asOf: 'looked up 2026-11-25 in a stored copy of the page, which carries no date',
  },
];
