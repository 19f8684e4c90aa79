/*
 * Test helper: backend replicas as separate Node processes (replicaWorker.ts) sharing one
 * PostgreSQL database, each on its own loopback port. Stopped by stop().
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';

export interface Replica {
  baseUrl: string;
  /** The replica's process id (e.g. to read its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A database prefix of its own, so a run's replicas share a database no other run uses. */
export function databasePrefix(): string {
  return `irsa_replicas_${randomBytes(4).toString('hex')}_`;
}

/**
 * Starts one replica and waits until it answers /api/irsa/health. `appConfig` is merged under
 * the backend's own keys (port, base URL, and the database: the shared PostgreSQL with the
 * given prefix, or `database` as given, e.g. an in-memory SQLite for a single process).
 */
export async function startReplica(options: {
  postgres?: string;
  prefix?: string;
  database?: Record<string, unknown>;
  /** `backend.cache`, e.g. a Redis shared by the replicas. */
  cache?: Record<string, unknown>;
  appConfig: Record<string, unknown>;
  entities: object[];
  timeoutMs?: number;
  /** Node options of the replica's process, e.g. `--cpu-prof` for a profile. */
  execArgv?: string[];
  /** `NODE_ENV` of the replica: `test` unless given (`production`: JSON logs, as deployed). */
  nodeEnv?: string;
}): Promise<Replica> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = {
    ...options.appConfig,
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database: options.database ?? {
        client: 'pg',
        connection: options.postgres,
        prefix: options.prefix,
      },
      ...(options.cache ? { cache: options.cache } : {}),
    },
  };
  const child = spawn(
    process.execPath,
    [
      ...(options.execArgv ?? []),
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'replicaWorker.ts'),
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: options.nodeEnv ?? 'test',
        IRSA_REPLICA_CONFIG: JSON.stringify(config),
        IRSA_REPLICA_ENTITIES: JSON.stringify(options.entities),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout!.on('data', d => output.push(String(d)));
  child.stderr!.on('data', d => output.push(String(d)));
  const replica = { baseUrl, pid: child.pid!, stop: () => stopChild(child) };
  try {
    await waitForHealth(baseUrl, child, options.timeoutMs ?? 90_000);
  } catch (e) {
    await replica.stop();
    throw new Error(`${(e as Error).message}\n${output.join('').slice(-4000)}`);
  }
  return replica;
}

async function waitForHealth(
  baseUrl: string,
  child: ChildProcess,
  timeoutMs: number,
) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`replica exited with ${child.exitCode}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/irsa/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(
    `replica did not answer ${baseUrl}/api/irsa/health in ${timeoutMs} ms`,
  );
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export function stopChild(
  child: ChildProcess,
  graceMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise(resolve => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
