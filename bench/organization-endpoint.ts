// A simulated organization for `npm run bench`, in a process of its own so its work never shares the
// audit's event loop: Organizations ListAccounts, STS GetCallerIdentity and AssumeRole, EC2 DescribeRegions
// and DescribeInstances, each answered after a fixed delay. The account of an EC2 call is read from its
// access key (AssumeRole hands out `ASIA<account>`), its region from the signature's scope.
//
// Usage: tsx bench/organization-endpoint.ts <accounts> <delay ms>; prints {"url": ...} when listening.
// GET /stats answers the calls per operation since the last POST /reset.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeDescribeInstances, describeInstances } from '../test/support/aws/ec2.js';
import type { LocalInstance } from '../test/support/aws/types.js';

const ACCOUNTS = Number(process.argv[2] ?? 1000);
const DELAY_MS = Number(process.argv[3] ?? 20);
const MANAGEMENT = '100000000000';
/** The 17 regions enabled by default in an account. */
export const REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const PAGE = 20;

const accountId = (index: number) => String(200000000000 + index);
const calls: Record<string, number> = {};

const bodyOf = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** Two app-tier instances an account, in two of its regions: one with a profile, one without, owned. */
const instancesOf = (account: string, region: string): LocalInstance[] => {
  const index = Number(account) % REGIONS.length;
  if (region !== REGIONS[index] && region !== REGIONS[(index + 5) % REGIONS.length]) return [];
  const id = `i-${account.slice(-8)}${String(REGIONS.indexOf(region)).padStart(9, '0')}`;
  const tags = [
    { Key: 'tier', Value: 'app' },
    { Key: 'Name', Value: `app-${account}` },
    { Key: 'aws:autoscaling:groupName', Value: `asg-${account}` },
  ];
  return region === REGIONS[index]
    ? [{ InstanceId: id, State: { Code: 16, Name: 'running' }, Tags: tags, OwnerId: account }]
    : [
        {
          InstanceId: id,
          State: { Code: 16, Name: 'running' },
          Tags: tags.slice(0, 2),
          OwnerId: account,
          IamInstanceProfile: { Arn: `arn:aws:iam::${account}:instance-profile/app`, Id: 'AIPAEXAMPLE' },
        },
      ];
};

const xml = (action: string, inner: string, namespace: string) =>
  `<${action}Response xmlns="${namespace}">${inner}</${action}Response>`;

const answer = (
  request: IncomingMessage,
  body: string,
): { type: string; body: string; operation: string } => {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (target.endsWith('.ListAccounts')) {
    const start = Number(JSON.parse(body || '{}').NextToken ?? 0);
    const end = Math.min(ACCOUNTS, start + PAGE);
    const Accounts = Array.from({ length: end - start }, (_, offset) => ({
      Id: accountId(start + offset),
      Name: `account-${start + offset}`,
      State: 'ACTIVE',
      Status: 'ACTIVE',
    }));
    const page = { Accounts, ...(end < ACCOUNTS ? { NextToken: String(end) } : {}) };
    return { operation: 'ListAccounts', type: 'application/x-amz-json-1.1', body: JSON.stringify(page) };
  }
  const form = new URLSearchParams(body);
  const action = form.get('Action') ?? '';
  const sts = 'https://sts.amazonaws.com/doc/2011-06-15/';
  const ec2 = 'http://ec2.amazonaws.com/doc/2016-11-15/';
  if (action === 'GetCallerIdentity') {
    const inner = `<GetCallerIdentityResult><Account>${MANAGEMENT}</Account><Arn>arn:aws:iam::${MANAGEMENT}:user/bench</Arn><UserId>AIDA</UserId></GetCallerIdentityResult>`;
    return { operation: action, type: 'text/xml', body: xml(action, inner, sts) };
  }
  if (action === 'AssumeRole') {
    const account = /iam::(\d{12}):role/.exec(form.get('RoleArn') ?? '')?.[1] ?? '000000000000';
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    const inner =
      `<AssumeRoleResult><Credentials><AccessKeyId>ASIA${account}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>` +
      `<SessionToken>token</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>`;
    return { operation: action, type: 'text/xml', body: xml(action, inner, sts) };
  }
  if (action === 'DescribeRegions') {
    const items = REGIONS.map(
      (region) =>
        `<item><regionName>${region}</regionName><regionEndpoint>ec2.${region}.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`,
    );
    return {
      operation: action,
      type: 'text/xml',
      body: xml(action, `<regionInfo>${items.join('')}</regionInfo>`, ec2),
    };
  }
  throw new Error(`not served: ${target || action}`);
};

const server = createServer(async (request, response) => {
  if (request.method === 'GET' && request.url === '/stats') return void response.end(JSON.stringify(calls));
  if (request.method === 'POST' && request.url === '/reset') {
    for (const name of Object.keys(calls)) delete calls[name];
    return void response.end('{}');
  }
  const body = await bodyOf(request);
  await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
  try {
    const form = new URLSearchParams(body);
    if (form.get('Action') === 'DescribeInstances') {
      calls.DescribeInstances = (calls.DescribeInstances ?? 0) + 1;
      const credential = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(String(request.headers.authorization));
      const account = credential?.[1]?.replace(/^ASIA/, '') ?? MANAGEMENT;
      const text = await describeInstances(
        decodeDescribeInstances(form),
        instancesOf(account, credential?.[2] ?? ''),
      );
      return void response.writeHead(200, { 'content-type': 'text/xml' }).end(text);
    }
    const { operation, type, body: text } = answer(request, body);
    calls[operation] = (calls[operation] ?? 0) + 1;
    response.writeHead(200, { 'content-type': type }).end(text);
  } catch (error) {
    response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
