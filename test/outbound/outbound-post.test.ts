import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../server/outbound/address-policy.js';
import { postGuarded } from '../../server/outbound/outbound-post.js';
import { OutboundRefusedError, type Resolver } from '../../server/outbound/outbound-target.js';
import { Receiver } from '../webhooks/receiver.js';

// Two real receivers on loopback: `allowed` on 127.0.0.1 (allow-listed), `trap` on 127.0.0.2 (loopback, refused).
// Whatever the guard refuses must never reach the trap.
const policy = new AddressPolicy(['127.0.0.1']);
let allowed: Receiver;
let trap: Receiver;
beforeAll(async () => {
  trap = await Receiver.start([200], '127.0.0.2');
  allowed = await Receiver.start([200]);
});
afterAll(async () => {
  await allowed.close();
  await trap.close();
});

const post = (url: string, resolve?: Resolver) =>
  postGuarded(
    {
      url,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 5000,
      signal: new AbortController().signal,
    },
    policy,
    resolve ? { resolve } : {},
  );
const answers =
  (...addresses: string[]): Resolver =>
  () =>
    Promise.resolve(addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('guarded outbound POST', () => {
  it('refuses a forbidden address given literally, in any spelling, without connecting', async () => {
    for (const host of ['127.0.0.2', '2130706434', '0x7f000002', '0177.0.0.2', '127.2', '[::ffff:127.0.0.2]']) {
      await expect(post(`http://${host}:${trap.port}/hook`)).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    expect(trap.requests).toHaveLength(0);
  });

  it('checks the addresses a name resolves to when it connects, on every request (DNS rebinding)', async () => {
    let calls = 0;
    const rebinding: Resolver = (hostname) => answers(++calls === 1 ? '127.0.0.1' : '127.0.0.2')(hostname);
    expect((await post(`http://hooks.test:${allowed.port}/hook`, rebinding)).status).toBe(200);
    const second = post(`http://hooks.test:${trap.port}/hook`, rebinding);
    await expect(second).rejects.toThrow(/hooks\.test resolves to 127\.0\.0\.2, which is a loopback address/);
    await expect(post(`http://mixed.test:${trap.port}/`, answers('127.0.0.1', '127.0.0.2'))).rejects.toBeInstanceOf(
      OutboundRefusedError,
    );
    await expect(post(`http://meta.test/`, answers('169.254.169.254'))).rejects.toThrow(/metadata address/);
    await expect(post(`http://v6.test/`, answers('::ffff:10.0.0.7'))).rejects.toThrow(/private address/);
    expect(trap.requests).toHaveLength(0);
  });

  it('never follows a redirect: the 3xx is the answer', async () => {
    const redirector = await Receiver.start([{ status: 307, headers: { location: trap.url } }]);
    try {
      const answer = await post(redirector.url);
      expect([answer.status, answer.excerpt]).toEqual([307, 'reply 307']);
      expect(redirector.requests).toHaveLength(1);
      expect(trap.requests).toHaveLength(0);
    } finally {
      await redirector.close();
    }
  });
});
