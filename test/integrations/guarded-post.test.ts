import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedPost } from '../../src/integrations/guarded-post.js';

let server: http.Server;
let hits = 0;
const saved = process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => res.writeHead(204, { 'retry-after': '7' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK = saved;
  await new Promise((resolve) => server.close(resolve));
});

describe('the webhook transport checks the address it connects to', () => {
  const url = () => `http://localhost:${(server.address() as AddressInfo).port}/hook`;

  it('refuses inside the connection’s own DNS lookup, so a host re-resolving to an internal address is never reached', async () => {
    delete process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK;
    const before = hits;
    await expect(guardedPost(url(), {}, '{}', 2000)).rejects.toMatchObject({ code: 'EADDRREFUSED', message: expect.stringContaining('loopback') });
    expect(hits).toBe(before);
  });

  it('connects when the resolved address is allowed, and reports status and Retry-After', async () => {
    process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK = '1';
    await expect(guardedPost(url(), { 'content-type': 'application/json' }, '{"a":1}', 2000)).resolves.toEqual({ status: 204, text: '', retryAfter: '7' });
  });
});
