import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { controllerViewKey, type ControllerRegisterView } from '../shared/compliance/controller-register-view.js';
import type { RegisterViews } from './compliance-register-api.js';

/** The views the stack publishes to the audit bucket under `prefix` (lib/register/register-publication.ts). */
export function s3RegisterViews(s3: S3Client, bucket: string, prefix: string): RegisterViews {
  return async (tenantId) => {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${controllerViewKey(tenantId)}` }));
      return JSON.parse(await object.Body!.transformToString('utf-8')) as ControllerRegisterView;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  };
}
