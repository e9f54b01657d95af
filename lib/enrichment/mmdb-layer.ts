import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Reader } from 'maxmind';

/** Where functions find the database: layers are extracted under /opt. */
export const MMDB_LAYER_PATH = '/opt/mmdb/database.mmdb';

export interface MmdbLayerProps {
  /** The MMDB file to ship: the default database or the operator's own. */
  readonly databasePath: string;
}

/**
 * A Lambda layer holding one MMDB file at MMDB_LAYER_PATH. The file is checked to be a readable
 * MaxMind DB at synth, and the asset hash is the file's SHA-256, so a new layer version is
 * published exactly when the data changes.
 */
export class MmdbLayer extends Construct {
  readonly layer: lambda.LayerVersion;
  /** database_type and build date of the shipped file, for descriptions and the register. */
  readonly databaseType: string;
  readonly buildDate: Date;

  constructor(scope: Construct, id: string, props: MmdbLayerProps) {
    super(scope, id);
    const databasePath = path.resolve(props.databasePath);
    const contents = readDatabase(databasePath);
    const metadata = new Reader(contents).metadata;
    this.databaseType = metadata.databaseType;
    this.buildDate = metadata.buildEpoch;

    this.layer = new lambda.LayerVersion(this, 'Layer', {
      description: `MMDB ${metadata.databaseType} built ${metadata.buildEpoch.toISOString().slice(0, 10)}`,
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

function readDatabase(databasePath: string): Buffer {
  if (!existsSync(databasePath)) throw new Error(`MMDB database not found at ${databasePath}`);
  const contents = readFileSync(databasePath);
  try {
    new Reader(contents);
  } catch (error) {
    throw new Error(`${databasePath} is not a readable MaxMind DB file: ${(error as Error).message}`);
  }
  return contents;
}
