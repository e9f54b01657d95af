import { parseArgs } from 'node:util';
import { DEPLOYMENT_REGION } from '../../lib/eu-regions.js';
import type { OffboardReport, OffboardRequest } from './offboard.js';

export const USAGE = `Usage: npm run offboard -- --tenant <id> (--export <dir> | --delete | --export <dir> --delete) [options]
       npm run offboard -- --tenant <id> --end-of-contract --stack <name> --audit-bucket <bucket> --state <dir> [--export <dir>] [options]

  --tenant <id>       the tenant (controller) whose personal data is exported and/or deleted
  --export <dir>      write every item to <dir>/items.jsonl and <dir>/manifest.json (count, SHA-256)
  --delete            delete every item of the tenant; with --export, exactly the exported and verified items
  --table <name>      the visits table (the stack's VisitsTable physical name)
  --dry-run           print what would happen; write and delete nothing
  --endpoint <url>    DynamoDB endpoint, e.g. http://localhost:8000 for DynamoDB Local
  --region <region>   default ${DEPLOYMENT_REGION}
  --page-size <n>     items per page and per checkpoint (1-1000), default 500
  --end-of-contract   everything of the tenant (DPA 12.3): delete its API keys and usage plans, (export and) delete its
                      visits, its topics and subscriptions, destroy its pseudonym secret, and write a report signed with
                      HMAC-SHA256 (key: <stack>/offboarding-report-key) of what remains until when into the audit bucket
  --stack <name>      the stack's name (resource names derive from it)
  --audit-bucket <b>  the audit trail bucket (Object Lock) the signed report goes to
  --state <dir>       where the end-of-contract progress is kept (run again with the same dir to resume)

Interrupted (Ctrl-C, crash)? Run the same command again: it resumes.
Exit codes: 0 done, 1 error, 2 usage, 3 items remain after deletion, 130 interrupted.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OffboardCommand {
  readonly request: OffboardRequest;
  readonly region: string;
  readonly endpoint: string | undefined;
  /** Present for --end-of-contract. */
  readonly endOfContract?: { readonly stackName: string; readonly auditBucket: string; readonly stateDir: string };
}

const OPTIONS = {
  tenant: { type: 'string' },
  export: { type: 'string' },
  delete: { type: 'boolean', default: false },
  table: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  endpoint: { type: 'string' },
  region: { type: 'string', default: DEPLOYMENT_REGION },
  'page-size': { type: 'string', default: '500' },
  'end-of-contract': { type: 'boolean', default: false },
  stack: { type: 'string' },
  'audit-bucket': { type: 'string' },
  state: { type: 'string' },
} as const;

export function parseOffboardArgs(args: readonly string[]): OffboardCommand {
  const values = parseStrict(args);
  if (!values.tenant) throw new UsageError('--tenant is required');
  if (!values.table) throw new UsageError('--table is required (the physical name of the visits table)');
  const endOfContract = values['end-of-contract'];
  if (endOfContract && !(values.stack && values['audit-bucket'] && values.state)) {
    throw new UsageError('--end-of-contract needs --stack <name>, --audit-bucket <bucket> and --state <dir>');
  }
  if (!endOfContract && values.export === undefined && !values.delete) throw new UsageError('say what to do: --export <dir>, --delete, or both');
  const pageSize = Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new UsageError('--page-size must be a whole number from 1 to 1000');
  return {
    request: {
      tenantId: values.tenant,
      table: values.table,
      exportDir: values.export,
      delete: values.delete || endOfContract,
      dryRun: values['dry-run'],
      pageSize,
    },
    region: values.region,
    endpoint: values.endpoint,
    ...(endOfContract ? { endOfContract: { stackName: values.stack!, auditBucket: values['audit-bucket']!, stateDir: values.state! } } : {}),
  };
}

export function exitCodeOf(report: OffboardReport): number {
  const statuses = [report.export, report.delete].map((part) => (part && 'status' in part ? part.status : undefined));
  if (statuses.includes('interrupted')) return 130;
  if (statuses.includes('items-remain')) return 3;
  return 0;
}

function parseStrict(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
