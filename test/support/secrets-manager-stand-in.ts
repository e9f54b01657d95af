import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Secrets Manager has no local emulator here: this stand-in answers GetSecretValue for one secret in
 * the service's JSON protocol, so the real SDK client in a handler talks to it over HTTP. It counts the
 * calls (to prove the secret is fetched once per container) and fails every call while `failing` is set.
 */
export class SecretsManagerStandIn {
  calls = 0;
  failing = false;
  private server: Server | undefined;

  constructor(
    private readonly secretArn: string,
    private readonly secretString: string,
  ) {}

  /** Starts listening; returns the endpoint for AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  async start(): Promise<string> {
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.calls++;
        const { SecretId } = JSON.parse(body) as { SecretId: string };
        const ok = request.headers['x-amz-target'] === 'secretsmanager.GetSecretValue' && SecretId === this.secretArn && !this.failing;
        response.writeHead(ok ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify(
            ok ? { ARN: this.secretArn, Name: 'pseudonym-key', SecretString: this.secretString, VersionId: 'v1' } : { __type: 'ResourceNotFoundException', message: 'no such secret' },
          ),
        );
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
