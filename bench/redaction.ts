// The result token filter on log lines (src/secrets.ts): every string of every log line passes it. Side by
// side, in one run: the filter that masks any run of 32 characters of the token (one rolling hash per
// character, windows looked up in the token's index), against a plain search for the token's head
// (`indexOf`, what a filter that only knows the token's first characters costs), on lines with no token,
// of three sizes, and on a line that echoes part of it.
import { performance } from 'node:perf_hooks';
import { REDACTED, redactSecret } from '../src/secrets.js';
import { median } from './cold-start.mjs';

const RUNS = Number(process.env.BENCH_REDACTION_RUNS ?? 7);
const MIN_RUN_MS = 200;

/** A token as Config sends them: base64 of {"encryptedData":[…]}, about 3,500 characters. */
const token = Buffer.from(
  JSON.stringify({
    encryptedData: Array.from({ length: 900 }, (_, index) => ((index * 7919) % 256) - 128),
    materialSetSerialNumber: 1,
    ivParameterSpec: { iv: Array.from({ length: 16 }, (_, index) => index) },
  }),
).toString('base64');

/** A decision's log line, as the logger writes it. */
const logLine = JSON.stringify({
  level: 'INFO',
  message: 'Evaluated',
  service: 'app-tier-iam-role-rule',
  configRuleName: 'app-tier-ec2-instance-uses-iam-role',
  resourceType: 'AWS::EC2::Instance',
  resourceId: 'i-0a763ac3ee37d8d2b',
  compliance: 'NON_COMPLIANT',
  annotation:
    'App-tier instance (tier=app) has no IAM instance profile; attach one with ec2 associate-iam-instance-profile',
});

/** A line naming 1,000 resources, as a failed delivery logs them. */
const deliveryLine = JSON.stringify({
  message: 'Evaluations not delivered',
  resources: Array.from(
    { length: 1000 },
    (_, i) => `AWS::EC2::Instance i-${i.toString(16).padStart(17, '0')}`,
  ),
});

const LINES = {
  [`decision log line, ${logLine.length} B`]: logLine,
  [`delivery failure naming 1,000 resources, ${Math.round(deliveryLine.length / 1000)} KB`]: deliveryLine,
  'a 10 KB base64 blob, not the token (every character hashed)': Buffer.from(
    Array.from({ length: 7500 }, (_, i) => (i * 31) % 251),
  ).toString('base64'),
  'an error echoing 200 characters from the middle of the token': `Value '${token.slice(1500, 1700)}' at 'resultToken'`,
};

/** The head-only search: the cost floor of any filter that looks for the token at all. */
const headOnly = (text: string) => {
  const at = text.indexOf(token.slice(0, 16));
  return at < 0 ? text : `${text.slice(0, at)}${REDACTED}`;
};

const perLineNs = (filter: (text: string) => string, line: string): number => {
  let lines = 0;
  let sink = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_RUN_MS) {
    for (let index = 0; index < 100; index += 1) sink += filter(line).length;
    lines += 100;
    elapsed = performance.now() - started;
  }
  if (sink === 0) throw new Error('nothing filtered');
  return (elapsed * 1e6) / lines;
};

const runs = (filter: (text: string) => string, line: string) => {
  perLineNs(filter, line);
  return median(Array.from({ length: RUNS }, () => perLineNs(filter, line)));
};

const format = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(2)} µs`);

console.log(`token of ${token.length} characters; median of ${RUNS} runs of at least ${MIN_RUN_MS} ms each`);
console.log('line | runs of 32 anywhere | head search (floor) | ratio | MB/s (runs)');
for (const [name, line] of Object.entries(LINES)) {
  const full = runs((text) => redactSecret(text, token), line);
  const floor = runs(headOnly, line);
  const mbPerSecond = line.length / 1e6 / (full / 1e9);
  console.log(
    `${name} | ${format(full)} | ${format(floor)} | ${(full / floor).toFixed(1)}× | ${mbPerSecond.toFixed(0)}`,
  );
}
