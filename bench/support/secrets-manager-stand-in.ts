import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerStandIn {
  /** http://127.0.0.1:<port>, for AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  readonly endpoint: string;
  /** GetSecretValue calls answered: the handlers cache the secret, so warm runs add none. */
  readonly calls: () => number;
  close(): Promise<void>;
}

/**
 * A local endpoint answering Secrets Manager's GetSecretValue (JSON 1.1 protocol) with one fixed
 * secret, so the unmodified visits handler can run here with its real SDK client. There is no
 * Secrets Manager emulator among the project's tools; this answers that one call and refuses the rest.
 */
export async function startSecretsManagerStandIn(secretArn: string, secretString: string): Promise<SecretsManagerStandIn> {
  let calls = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target !== 'secretsmanager.GetSecretValue') {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'InvalidRequestException', message: `the stand-in answers GetSecretValue only, not ${target}` }));
        return;
      }
      calls++;
      response.end(JSON.stringify({ ARN: secretArn, Name: 'pseudonym-secret', SecretString: secretString, VersionId: 'v1', CreatedDate: 1_700_000_000 }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
