import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';

/** A TCP server that accepts every connection, reads what it is sent, and never answers. */
export interface SilentEndpoint {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** HTTP requests received so far (request lines seen), over all connections. */
  requests(): number;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections still open: a call abandoned by its client closes its socket. */
  open(): number;
  /** Closes the server and every connection it holds. */
  stop(): Promise<void>;
}

const REQUEST_LINE = /^(GET|POST|PUT|DELETE|HEAD) \S+ HTTP\/1\.1\r$/gm;

/** Starts a silent endpoint on 127.0.0.1: the endpoint that hangs an SDK call whose timeout is not enforced. */
export const startSilentEndpoint = async (): Promise<SilentEndpoint> => {
  const sockets = new Set<Socket>();
  let requests = 0;
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      requests += chunk.toString('latin1').match(REQUEST_LINE)?.length ?? 0;
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    connections: () => connections,
    open: () => sockets.size,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
