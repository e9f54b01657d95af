import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MMDB_LAYER_PATH, MmdbDatabase } from '../../lambdas/shared/enrichment/mmdb-database.js';

/** Where functions find the database: defined once, beside the reader that opens it there. */
export { MMDB_LAYER_PATH };

export interface MmdbLayerProps {
  /** The MMDB file to ship: the default database or the operator's own. */
  readonly databasePath: string;
}

/**
 * A Lambda layer holding one MMDB file at MMDB_LAYER_PATH. At synth the file is opened exactly as a
 * function opens it and its whole search tree is walked (a corrupt file fails synth, not a cold start);
 * the asset hash is the file's SHA-256, so a new layer version is published exactly when the data changes.
 */
export class MmdbLayer extends Construct {
  readonly layer: lambda.LayerVersion;
  /** database_type and build date of the shipped file, for descriptions and the register. */
  readonly databaseType: string;
  readonly buildDate: Date;
  /** Networks with data, verified at synth: functions get it as MMDB_NETWORK_COUNT and skip the walk. */
  readonly networkCount: number;

  constructor(scope: Construct, id: string, props: MmdbLayerProps) {
    super(scope, id);
    const databasePath = path.resolve(props.databasePath);
    if (!existsSync(databasePath)) throw new Error(`MMDB database not found at ${databasePath}`);
    const contents = readFileSync(databasePath);
    const { info } = MmdbDatabase.fromBuffer(contents, databasePath);
    this.databaseType = info.type;
    this.buildDate = new Date(info.buildDate);
    this.networkCount = info.recordCount;

    this.layer = new lambda.LayerVersion(this, 'Layer', {
      description: `MMDB ${info.type} built ${info.buildDate.slice(0, 10)}, ${info.recordCount} networks`,
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
      code: lambda.Code.fromAsset(path.dirname(databasePath), {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: createHash('sha256').update(contents).digest('hex'),
        bundling: {
          // Never pulled: the local copy below always succeeds. BundlingOptions requires an image.
          image: DockerImage.fromRegistry('scratch'),
          local: {
            tryBundle(outputDir: string) {
              const target = path.join(outputDir, path.relative('/opt', MMDB_LAYER_PATH));
              mkdirSync(path.dirname(target), { recursive: true });
              copyFileSync(databasePath, target);
              return true;
            },
          },
        },
      }),
    });
  }
}
