import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback proxy in front of a test's server (moto): it sees every request, and may answer one itself. */
export interface ForwardingProxy {
  readonly url: string;
  stop(): Promise<void>;
}

/** An answer the proxy gives instead of forwarding. */
export interface ProxyAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Starts the proxy on 127.0.0.1. `inspect` is shown each request with its body; what it returns is answered
 * in place of the upstream, and undefined forwards the request unchanged.
 */
export const startForwardingProxy = async (
  upstream: string,
  inspect: (incoming: IncomingMessage, body: Buffer) => ProxyAnswer | undefined,
): Promise<ForwardingProxy> => {
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const answer = inspect(incoming, body);
    if (answer !== undefined) {
      outgoing.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
      return;
    }
    const target = new URL(incoming.url ?? '/', upstream);
    const forward = request(
      target,
      { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The SDK keeps connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
};
