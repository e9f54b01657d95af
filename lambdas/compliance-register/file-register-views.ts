import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { controllerViewKey, type ControllerRegisterView } from '../shared/compliance/controller-register-view.js';
import type { RegisterViews } from './compliance-register-api.js';

/** The views `npm run register` wrote into a directory: the local run's stand-in for the audit bucket. */
export function fileRegisterViews(directory: string): RegisterViews {
  return async (tenantId) => {
    try {
      return JSON.parse(await readFile(path.join(directory, controllerViewKey(tenantId)), 'utf8')) as ControllerRegisterView;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
}
