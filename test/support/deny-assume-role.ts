import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A proxy in front of moto's STS that refuses AssumeRole into the roles of some accounts, as STS does when
 * a role's trust policy does not name the caller: moto does not evaluate trust policies, so it would let
 * every AssumeRole through. Everything else is forwarded to moto unchanged.
 */
export interface DenyingStsProxy {
  readonly url: string;
  /** The AssumeRole calls refused so far, by role ARN. */
  readonly denied: string[];
  stop(): Promise<void>;
}

const bodyOf = async (incoming: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** STS's answer to an AssumeRole its trust policy refuses (the query protocol's error document). */
const accessDenied = (roleArn: string) =>
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
  '<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/moto is not authorized to perform: ' +
  `sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>denied-by-test</RequestId></ErrorResponse>`;

export const startDenyingStsProxy = async (
  upstream: string,
  deniedAccounts: readonly string[],
): Promise<DenyingStsProxy> => {
  const denied: string[] = [];
  const server = createServer(async (incoming, outgoing) => {
    const body = await bodyOf(incoming);
    const form = new URLSearchParams(body.toString('utf8'));
    const roleArn = form.get('RoleArn') ?? '';
    const account = /^arn:[^:]+:iam::(\d{12}):role\//.exec(roleArn)?.[1];
    if (form.get('Action') === 'AssumeRole' && account !== undefined && deniedAccounts.includes(account)) {
      denied.push(roleArn);
      outgoing.writeHead(403, { 'content-type': 'text/xml' }).end(accessDenied(roleArn));
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
    denied,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
