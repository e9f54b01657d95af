/** The rules of the synth-time EU guard; each names one way data could leave the allowed regions. */
export interface EuGuardRule {
  readonly name: string;
  readonly fix: string;
}

export const EU_GUARD_RULES = {
  stackRegion: {
    name: 'StackRegion',
    fix: 'Give the stack an explicit env.region from the allowed EU regions.',
  },
  edgeOptimizedApi: {
    name: 'EdgeOptimizedApi',
    fix: 'Use a REGIONAL (or PRIVATE) endpoint, e.g. endpointConfiguration: { types: [EndpointType.REGIONAL] }, and a regional certificate on custom domain names.',
  },
  cloudFront: {
    name: 'CloudFrontEdge',
    fix: 'Serve from a regional endpoint in an allowed EU region; do not put CloudFront, or a feature built on it, in front.',
  },
  lambdaAtEdge: {
    name: 'LambdaAtEdge',
    fix: 'Run the code in a regular Lambda function in an allowed EU region.',
  },
  globalAccelerator: {
    name: 'GlobalAccelerator',
    fix: 'Expose a regional endpoint in an allowed EU region instead of an accelerator or a Multi-Region Access Point.',
  },
  replica: {
    name: 'CrossRegionReplica',
    fix: 'Keep replicas in allowed EU regions, written as literal region names.',
  },
  s3Replication: {
    name: 'S3Replication',
    fix: 'Replicate only to a bucket defined in this CDK app (its stack region is checked), not to an imported bucket ARN or name.',
  },
  backupCopy: {
    name: 'BackupCopy',
    fix: 'Copy backups only to a vault defined in this app or whose ARN names an allowed EU region.',
  },
  destination: {
    name: 'LogOrDataDestination',
    fix: 'Send logs and data only to a resource defined in this app, or one whose ARN names an allowed EU region.',
  },
} as const satisfies Record<string, EuGuardRule>;

/** One breach found in one resource; `location` is relative to the resource, e.g. `Properties/Replicas/0/Region`. */
export interface Finding {
  readonly rule: EuGuardRule;
  readonly message: string;
  readonly location: string;
}
