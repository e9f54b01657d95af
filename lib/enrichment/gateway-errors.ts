import * as apigw from 'aws-cdk-lib/aws-apigateway';

/**
 * Errors API Gateway answers itself (before any function runs), mapped to the same JSON error shape
 * and stable codes the functions use, so a client handles one format. `messageString` is already a
 * quoted JSON string; no template echoes the request path, which can carry an IP.
 */
const GATEWAY_ERRORS: ReadonlyArray<[apigw.ResponseType, string, string?]> = [
  [apigw.ResponseType.INVALID_API_KEY, 'INVALID_API_KEY'],
  // API Gateway answers an unknown route as a missing IAM signature (403); say what it is.
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 'NOT_FOUND', '404'],
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
  for (const [type, code, statusCode] of GATEWAY_ERRORS) {
    // The validator's own text is not JSON-escaped and may quote the rejected body back.
    const message =
      type === apigw.ResponseType.BAD_REQUEST_BODY
        ? '"The request body does not match the schema in the OpenAPI document."'
        : '$context.error.messageString';
    api.addGatewayResponse(`Error${code}${type.responseType}`, {
      type,
      statusCode,
      // Any origin may read the error: the public data-subject route is called from visitors' browsers.
      responseHeaders: { 'Content-Type': "'application/json'", 'Cache-Control': "'no-store'", 'Access-Control-Allow-Origin': "'*'" },
      templates: { 'application/json': `{"error":{"code":"${code}","message":${message}}}` },
    });
  }
}
