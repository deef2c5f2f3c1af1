import { lookup } from 'node:dns/promises';
import { invalidField } from '../platform/errors.js';
import { forbiddenAddressReason, urlShapeProblem } from './core/ssrf.js';

/** Loopback receivers are for local development and tests only. */
export const loopbackAllowed = () => process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK === '1';

/** The reason a URL may not receive webhooks right now (shape, or any address its host resolves to), or null. */
export async function unsafeUrlReason(url: string): Promise<string | null> {
  const shape = urlShapeProblem(url);
  if (shape) return shape;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return `host ${host} does not resolve`;
  }
  if (addresses.length === 0) return `host ${host} does not resolve`;
  for (const { address } of addresses) {
    const reason = forbiddenAddressReason(address, { allowLoopback: loopbackAllowed() });
    if (reason) return `${host} resolves to a ${reason} (${address})`;
  }
  return null;
}

export async function assertSafeUrl(url: string, path = 'url'): Promise<void> {
  const reason = await unsafeUrlReason(url);
  if (reason) throw invalidField(path, reason);
}
