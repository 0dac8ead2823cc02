import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A port nothing listens on right now, chosen by the kernel. */
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

async function eventually<T>(
  what: string,
  attempt: () => Promise<T>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${what}: ${(error as Error).message}`);
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

/** Resolves once something accepts TCP connections on the port. */
function connects(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Debian's newest PostgreSQL (the postgresql package), as scripts/test.sh finds it. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter(v => fs.existsSync(path.join(root, v, 'bin/initdb')))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL is not installed: apt-get install -y postgresql (scripts/test.sh does)',
    );
  }
  return path.join(root, versions[versions.length - 1], 'bin');
}

export interface ThrowawayPostgres {
  port: number;
  /** Connection settings for `backend.database.connection`. */
  connection: { host: string; port: number; user: string };
  /** `pg_ctl stop -m fast`: connections are cut, as in a failover. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of its own in a temp dir on a free port, trust auth
 * on loopback. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user (as scripts/test.sh does).
 */
export async function startPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resilience-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await run('chown', ['postgres', dir]);
  }
  const asPostgres = (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', command, ...args])
      : run(command, args);
  const data = path.join(dir, 'data');
  await asPostgres(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
  ]);
  const port = await freePort();
  const pgCtl = path.join(bin, 'pg_ctl');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await asPostgres(pgCtl, [
      '-D',
      data,
      '-l',
      path.join(dir, 'pg.log'),
      '-w',
      '-o',
      options,
      'start',
    ]);
  };
  const stop = async () => {
    await asPostgres(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  return {
    port,
    connection: { host: '127.0.0.1', port, user: 'postgres' },
    start,
    stop,
    async destroy() {
      if (fs.existsSync(path.join(data, 'postmaster.pid'))) {
        await stop().catch(() => undefined);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ThrowawayRedis {
  url: string;
  /** Kills the server (SIGKILL): clients see the connection drop. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** Debian's redis-server on a free loopback port, owned by the test. */
export async function startRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resilience-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', code =>
        reject(new Error(`redis-server exited with ${code}`)),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([
      eventually('redis-server did not start', () => connects(port)),
      exited,
    ]);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running && running.exitCode === null) {
      const exited = new Promise(resolve => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async destroy() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { eventually };
