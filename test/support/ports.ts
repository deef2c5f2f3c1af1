import { isPortFree } from '../../src/platform/port-free.js';

/**
 * A port for a child process's HTTP server that is free now and stays out of the kernel's ephemeral range
 * (32768–60999 on Linux): embedded PostgreSQL clusters and every outgoing connection take their ports from that
 * range, so a port drawn there could be taken before the child binds it (seen: EADDRINUSE, then a 90 s wait).
 */
export async function httpPortForChild(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await isPortFree(port)) return port;
  }
}
