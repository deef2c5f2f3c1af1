import { createHash, randomBytes } from 'node:crypto';

/** 256-bit random secrets; only their SHA-256 is stored, so a database leak yields no usable credential. */
export const newSecret = () => randomBytes(32).toString('base64url');
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
