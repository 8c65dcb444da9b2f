import { describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../server/outbound/address-policy.js';
import { checkTargetUrl, OutboundRefusedError } from '../../server/outbound/outbound-target.js';

const policy = new AddressPolicy();

/** The class that refuses a URL's host, as the webhook API and every delivery see it; null when allowed. */
function refusal(url: string, p = policy): string | null {
  try {
    checkTargetUrl(url, p);
    return null;
  } catch (err) {
    if (!(err instanceof OutboundRefusedError)) throw err;
    return /is an? ([\w-]+) address/.exec(err.message)?.[1] ?? err.message;
  }
}

describe('outbound address policy', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://2852039166/', 'metadata'], // decimal
    ['http://0xa9fea9fe/', 'metadata'], // hex
    ['http://0251.0376.0251.0376/', 'metadata'], // octal
    ['http://169.254.43518/', 'metadata'], // short form
    ['http://[::ffff:169.254.169.254]/', 'metadata'], // IPv4-mapped IPv6
    ['http://[::ffff:a9fe:a9fe]/', 'metadata'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'metadata'], // NAT64
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://100.100.100.200/', 'metadata'],
    ['http://169.254.1.1:8080/', 'link-local'],
    ['http://0xa9fe0101/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://127.0.0.1:9/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'private'],
    ['http://[fc00::1]/', 'private'],
    ['http://[fd12:3456::1]/', 'private'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://[2002:a9fe:a9fe::1]/', 'reserved'], // 6to4
  ])('refuses %s (%s)', (url, expected) => {
    expect(refusal(url)).toBe(expected);
  });

  it.each([
    'https://hooks.slack.com/services/x',
    'http://93.184.216.34/',
    'http://[2606:4700::1111]/',
    'http://[64:ff9b::5db8:d822]/',
  ])('allows the public address or name %s', (url) => expect(refusal(url)).toBeNull());

  it('refuses credentials in the URL and other schemes', () => {
    expect(refusal('https://user:secret@hooks.example.com/x')).toContain('credentials');
    expect(refusal('https://:secret@hooks.example.com/x')).toContain('credentials');
    expect(refusal('file:///etc/passwd')).toContain('http or https');
  });

  it('opens exactly the allow-listed addresses and ranges, in every spelling', () => {
    const internal = new AddressPolicy(['127.0.0.1', '10.20.0.0/16', 'fd00:1::/32']);
    expect(refusal('http://127.0.0.1:8080/', internal)).toBeNull();
    expect(refusal('http://2130706433/', internal)).toBeNull();
    expect(refusal('http://[::ffff:127.0.0.1]/', internal)).toBeNull();
    expect(refusal('http://127.0.0.2/', internal)).toBe('loopback');
    expect(refusal('http://10.20.99.1/', internal)).toBeNull();
    expect(refusal('http://10.21.0.1/', internal)).toBe('private');
    expect(refusal('http://[fd00:1::5]/', internal)).toBeNull();
    expect(refusal('http://169.254.169.254/', internal)).toBe('metadata');
  });

  it('fails on an allow-list entry that is not an address or range', () => {
    expect(() => new AddressPolicy(['intranet.local'])).toThrow(/OUTBOUND_ALLOWED_NETWORKS/);
    expect(() => new AddressPolicy(['10.0.0.0/33'])).toThrow(/OUTBOUND_ALLOWED_NETWORKS/);
  });
});
