import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';
import { checkResolvedHost, checkTargetUrl, systemResolver, type Resolver } from './outbound-target.js';

export interface OutboundPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Aborts the request (shutdown). */
  signal: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  /** The start of the response body (at most `excerptBytes`); the rest is never read. */
  excerpt: string;
  /** The receiver's `Retry-After` header (429, 503), as sent. */
  retryAfter: string | undefined;
}

/**
 * POSTs to a receiver that the address policy allows, checked where it cannot be dodged: the URL before anything is
 * sent, and every address its host resolves to at connection time — on every request, so a name that later
 * resolves to an internal address (DNS rebinding) is refused then, and the connection goes to the address that was
 * checked. Redirects are never followed: a 3xx is the receiver's answer like any other status. Throws
 * OutboundRefusedError (nothing was sent), a timeout or abort DOMException, or the network error.
 */
export async function postGuarded(
  post: OutboundPost,
  policy: AddressPolicy,
  { resolve = systemResolver, excerptBytes = 256 }: { resolve?: Resolver; excerptBytes?: number } = {},
): Promise<OutboundResponse> {
  const url = checkTargetUrl(post.url, policy);
  const lookup: LookupFunction = (hostname, options, callback) => {
    checkResolvedHost(hostname, policy, resolve)
      .then((addresses) => {
        const entries = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
        if (options.all) return callback(null, entries);
        const [first] = entries;
        if (!first) throw new Error(`${hostname} has no address`);
        callback(null, first.address, first.family);
      })
      .catch((err: Error) => callback(err, '', 4));
  };
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException('timed out', 'TimeoutError')), post.timeoutMs);
  const signal = AbortSignal.any([post.signal, timeout.signal]);
  try {
    const response = await new Promise<IncomingMessage>((resolveResponse, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, {
        method: 'POST',
        headers: { ...post.headers, 'Content-Length': String(Buffer.byteLength(post.body)) },
        lookup,
        agent: false,
        signal,
      });
      req.once('response', resolveResponse);
      req.once('error', reject);
      req.end(post.body);
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
    }
    const retryAfter = response.headers['retry-after'];
    const excerpt = await readExcerpt(response, excerptBytes);
    return { status: response.statusCode ?? 0, headers, excerpt, retryAfter };
  } catch (err) {
    throw signal.aborted ? signal.reason : err;
  } finally {
    clearTimeout(timer);
  }
}

async function readExcerpt(response: IncomingMessage, bytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= bytes) break; // leaving the loop destroys the response: the rest is never read
  }
  return Buffer.concat(chunks).subarray(0, bytes).toString('utf8');
}
