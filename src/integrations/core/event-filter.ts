/** `*` matches everything, `lead.*` every event of the lead family, anything else must match exactly. */
export function eventMatches(pattern: string, eventType: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return eventType.startsWith(pattern.slice(0, -1));
  return pattern === eventType;
}

export const endpointWants = (patterns: readonly string[], eventType: string) => patterns.some((p) => eventMatches(p, eventType));
