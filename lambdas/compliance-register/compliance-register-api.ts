import type { ControllerRegisterView } from '../shared/compliance/controller-register-view.js';
import { renderRegisterViewHtml } from '../shared/compliance/render-register-view.js';
import type { ApiHandler } from '../shared/http/middleware.js';
import { HttpError } from '../shared/http/http-error.js';
import { validQuery } from '../shared/http/request-validation.js';
import { htmlResponse, jsonResponse } from '../shared/http/responses.js';
import { tenantApi } from '../shared/tenants/tenant-api.js';
import type { TenantDirectory } from '../shared/tenants/tenant-directory.js';

/** Reads the published view of one controller; undefined when none is published (yet). */
export type RegisterViews = (tenantId: string) => Promise<ControllerRegisterView | undefined>;

export interface ComplianceRegisterDeps {
  readonly tenants: TenantDirectory;
  readonly views: RegisterViews;
}

/**
 * GET /v1/compliance/register: the calling controller's view of the Art. 30 register (agreement 2.6),
 * as JSON, or as a readable page with `?format=html` or an `Accept: text/html` header.
 */
export function createComplianceRegisterApi(deps: ComplianceRegisterDeps): ApiHandler {
  return tenantApi(deps.tenants, {
    '/v1/compliance/register': {
      GET: async ({ event, tenantId }) => {
        // The documented parameters only (lib/api/openapi.json): `format` is json or html.
        const { format } = validQuery(event) as { format?: 'json' | 'html' };
        const view = await deps.views(tenantId);
        if (view === undefined) throw new HttpError(404, 'REGISTER_NOT_PUBLISHED', 'No register has been published for this deployment yet.');
        const html = format === 'html' || (format === undefined && /\btext\/html\b/.test(event.headers?.accept ?? ''));
        return html ? htmlResponse(200, renderRegisterViewHtml(view)) : jsonResponse(200, view);
      },
    },
  });
}
