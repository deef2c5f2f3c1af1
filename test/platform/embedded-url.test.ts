import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { embeddedUrl, socketDirFor } from '../../src/platform/db/embedded.js';
import { withCredentials, withDatabase } from '../../src/platform/db/roles.js';

describe('reaching the embedded cluster', () => {
  it.each([
    ['a data dir of ordinary depth gets the socket', '/tmp/baton-test-x/pg', 54321, '/tmp/baton-test-x/pg'],
    ['a relative data dir is made absolute', '.baton/pg', 5432, path.resolve('.baton/pg')],
    ['a data dir too deep for a socket path falls back to TCP', `/srv/${'deep/'.repeat(20)}pg`, 54321, null],
  ])('%s', (_name, databaseDir, port, expected) => {
    expect(socketDirFor(databaseDir, port)).toBe(expected);
  });

  it.each([
    ['through the socket', { port: 54321, socketDir: '/tmp/baton x/pg' }, { host: '/tmp/baton x/pg', port: '54321', database: 'postgres' }],
    ['over TCP without one', { port: 54321, socketDir: null }, { host: '127.0.0.1', port: '54321', database: 'postgres' }],
  ])('connects %s, with credentials and another database set on the URL', (_name, cluster, expected) => {
    const url = withCredentials(withDatabase(embeddedUrl(cluster, 'baton'), 'postgres'), 'baton_app', 'p@ss/word');
    const parsed = new pg.Client({ connectionString: url });
    expect({ host: parsed.host, port: String(parsed.port), database: parsed.database }).toEqual(expected);
    expect([parsed.user, parsed.password]).toEqual(['baton_app', 'p@ss/word']);
  });
});
