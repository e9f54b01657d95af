import * as apigw from 'aws-cdk-lib/aws-apigateway';

/**
 * Errors API Gateway answers itself (before any function runs), mapped to the same JSON error shape
 * and stable codes the functions use, so a client handles one format. `messageString` is already a
 * quoted JSON string; no template echoes the request path, which can carry an IP.
 */
const GATEWAY_ERRORS: ReadonlyArray<[apigw.ResponseType, string]> = [
  [apigw.ResponseType.INVALID_API_KEY, 'INVALID_API_KEY'],
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 'NOT_FOUND'],
  [apigw.ResponseType.ACCESS_DENIED, 'ACCESS_DENIED'],
  [apigw.ResponseType.THROTTLED, 'THROTTLED'],
  [apigw.ResponseType.QUOTA_EXCEEDED, 'QUOTA_EXCEEDED'],
  [apigw.ResponseType.BAD_REQUEST_BODY, 'INVALID_BODY'],
  [apigw.ResponseType.BAD_REQUEST_PARAMETERS, 'INVALID_PARAMETERS'],
  [apigw.ResponseType.REQUEST_TOO_LARGE, 'PAYLOAD_TOO_LARGE'],
  [apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, 'UNSUPPORTED_MEDIA_TYPE'],
  [apigw.ResponseType.WAF_FILTERED, 'REQUEST_BLOCKED'],
  [apigw.ResponseType.DEFAULT_4XX, 'BAD_REQUEST'],
  [apigw.ResponseType.DEFAULT_5XX, 'INTERNAL_ERROR'],
];

export function addJsonGatewayErrors(api: apigw.RestApi): void {
  for (const [type, code] of GATEWAY_ERRORS) {
    const message =
      type === apigw.ResponseType.BAD_REQUEST_BODY ? '$context.error.validationErrorString' : '$context.error.messageString';
    api.addGatewayResponse(`Error${code}${type.responseType}`, {
      type,
      responseHeaders: { 'Content-Type': "'application/json'", 'Cache-Control': "'no-store'" },
      templates: { 'application/json': `{"error":{"code":"${code}","message":${message}}}` },
    });
  }
}
