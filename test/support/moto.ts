import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { toolCommand } from '../../scripts/python-tools.mjs';

/** A moto server (AWS emulator) on a free loopback port, started and stopped by the test that needs it. */
export interface MotoServer {
  readonly url: string;
  /** AWS_ENDPOINT_URL_* variables that send the given services' SDK clients to this server. */
  env(services: readonly string[]): Record<string, string>;
  /** Forgets every resource, so one server can serve several independent tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()));
    });
  });

/**
 * moto's server: on PATH, else in the project's .venv (scripts/python-tools.mjs installs it there).
 * Looked up once, when first needed.
 */
let command: string | undefined | null = null;
const motoCommand = (): string | undefined => {
  if (command === null) command = toolCommand('moto_server');
  return command;
};

/** Whether moto's server is installed; integration suites skip without it. */
export const motoAvailable = (): boolean => motoCommand() !== undefined;

const waitUntilUp = async (url: string, child: ChildProcess, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
};

export const startMoto = async (): Promise<MotoServer> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const moto = motoCommand();
  if (moto === undefined) throw new Error('moto_server is neither on PATH nor in .venv/bin');
  const child = spawn(moto, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  await waitUntilUp(url, child, 20_000);
  return {
    url,
    env: (services) =>
      Object.fromEntries(services.map((service) => [`AWS_ENDPOINT_URL_${service.toUpperCase()}`, url])),
    async reset() {
      await fetch(`${url}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};
