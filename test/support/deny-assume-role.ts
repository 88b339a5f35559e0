import { startForwardingProxy } from './forwarding-proxy.js';

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
  const proxy = await startForwardingProxy(upstream, (_incoming, body) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const roleArn = form.get('RoleArn') ?? '';
    const account = /^arn:[^:]+:iam::(\d{12}):role\//.exec(roleArn)?.[1];
    if (form.get('Action') !== 'AssumeRole' || account === undefined || !deniedAccounts.includes(account)) {
      return undefined;
    }
    denied.push(roleArn);
    return { status: 403, contentType: 'text/xml', body: accessDenied(roleArn) };
  });
  return { ...proxy, denied };
};
