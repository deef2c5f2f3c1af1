import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, RETRY_SCHEDULE_SECONDS, nextAttemptAt, retryAfterSeconds } from '../../src/integrations/core/backoff.js';
import { eventMatches } from '../../src/integrations/core/event-filter.js';
import { forbiddenAddressReason, urlShapeProblem } from '../../src/integrations/core/ssrf.js';

describe('SSRF address guard', () => {
  it.each([
    ['127.0.0.1', 'loopback address', null],
    ['127.9.9.9', 'loopback address', null],
    ['::1', 'loopback address', null],
    ['10.0.0.1', 'private address', 'private address'],
    ['172.16.5.4', 'private address', 'private address'],
    ['192.168.1.1', 'private address', 'private address'],
    ['169.254.169.254', 'cloud metadata address', 'cloud metadata address'],
    ['169.254.10.1', 'link-local address', 'link-local address'],
    ['fe80::1', 'link-local address', 'link-local address'],
    ['100.64.0.1', 'carrier-grade NAT address', 'carrier-grade NAT address'],
    ['224.0.0.1', 'multicast address', 'multicast address'],
    ['ff02::1', 'multicast address', 'multicast address'],
    ['0.0.0.0', 'unspecified address', 'unspecified address'],
    ['::', 'unspecified address', 'unspecified address'],
    ['fd00::1', 'unique local address', 'unique local address'],
    ['::ffff:127.0.0.1', 'loopback address', null],
    ['::ffff:10.0.0.1', 'private address', 'private address'],
    ['::ffff:169.254.169.254', 'cloud metadata address', 'cloud metadata address'],
    ['255.255.255.255', 'broadcast address', 'broadcast address'],
    ['93.184.216.34', null, null],
    ['2606:4700::6810:85e5', null, null],
    ['not-an-ip', 'not an IP address', 'not an IP address'],
  ])('%s → %s (loopback allowed: %s)', (address, strict, relaxed) => {
    expect(forbiddenAddressReason(address, { allowLoopback: false })).toBe(strict);
    expect(forbiddenAddressReason(address, { allowLoopback: true })).toBe(relaxed);
  });

  it.each([
    ['https://hooks.example.com/x', null],
    ['http://hooks.example.com:8080/x?y=1', null],
    ['ftp://hooks.example.com/x', 'only http and https are allowed'],
    ['file:///etc/passwd', 'only http and https are allowed'],
    ['https://user:pw@hooks.example.com/', 'credentials in the URL are not allowed'],
    ['not a url', 'not a valid URL'],
  ])('URL shape %s → %s', (url, problem) => {
    expect(urlShapeProblem(url)).toBe(problem);
  });
});

describe('event filters', () => {
  it.each([
    ['*', 'lead.created', true],
    ['lead.*', 'lead.created', true],
    ['lead.*', 'leads.created', false],
    ['lead.*', 'lead', false],
    ['lead.created', 'lead.created', true],
    ['lead.created', 'lead.updated', false],
    ['assignment.*', 'assignment.acknowledged', true],
  ])('%s matches %s: %s', (pattern, type, expected) => {
    expect(eventMatches(pattern, type)).toBe(expected);
  });
});

describe('retry schedule', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('spans about three days at the upper bound and stops after the last attempt', () => {
    const totalHours = RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0) / 3600;
    expect(totalHours).toBeGreaterThan(60);
    expect(totalHours).toBeLessThan(80);
    expect(nextAttemptAt(MAX_ATTEMPTS, now, 0.5, null)).toBeNull();
    expect(nextAttemptAt(MAX_ATTEMPTS - 1, now, 0.999, null)).not.toBeNull();
  });

  it.each([
    [1, 1, 5],
    [1, 0.5, 2],
    [2, 1, 300],
    [3, 1, 1800],
    [4, 1, 7200],
  ])('after attempt %d with jitter %d waits %d s', (attempts, random, seconds) => {
    expect(nextAttemptAt(attempts, now, random, null)!.getTime() - now.getTime()).toBe(seconds * 1000);
  });

  it('full jitter never waits less than a second, and Retry-After is a floor', () => {
    expect(nextAttemptAt(1, now, 0, null)!.getTime() - now.getTime()).toBe(1000);
    expect(nextAttemptAt(1, now, 0.1, 120)!.getTime() - now.getTime()).toBe(120_000);
  });

  it.each([
    ['120', 120],
    ['0', 0],
    [' 7 ', 7],
    ['Thu, 01 Jan 2026 00:01:00 GMT', 60],
    ['Wed, 31 Dec 2025 00:00:00 GMT', 0],
    ['9999999', 86_400],
    ['soon', null],
    ['', null],
    [null, null],
  ])('Retry-After %j → %j s', (header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds);
  });
});
