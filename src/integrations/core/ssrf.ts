import ipaddr from 'ipaddr.js';

/** Why an address may not receive webhooks, or null when it may. Pure: the caller resolves names. */
export function forbiddenAddressReason(address: string, options: { allowLoopback: boolean }): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // ::ffff:a.b.c.d reaches the IPv4 host, so it is judged as that host.
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  const range = parsed.range();
  if (parsed.kind() === 'ipv4' && parsed.toString() === '169.254.169.254') return 'cloud metadata address';
  if (range === 'loopback') return options.allowLoopback ? null : 'loopback address';
  if (range === 'unicast') return null;
  const reasons: Record<string, string> = {
    private: 'private address',
    linkLocal: 'link-local address',
    carrierGradeNat: 'carrier-grade NAT address',
    multicast: 'multicast address',
    unspecified: 'unspecified address',
    uniqueLocal: 'unique local address',
    broadcast: 'broadcast address',
    reserved: 'reserved address',
  };
  return reasons[range] ?? `${range} address`;
}

/** Only plain http(s) URLs without credentials. Returns the problem, or null. */
export function urlShapeProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http and https are allowed';
  if (parsed.username || parsed.password) return 'credentials in the URL are not allowed';
  return null;
}
