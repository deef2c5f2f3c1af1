import { createRequire } from 'node:module';

// canonicalize ships CommonJS with ESM-style typings; requiring it gives the function on every loader.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON: the same value always serialises to the same bytes. */
export const canonicalJson = (value: unknown): string => canonicalize(value) ?? 'null';
