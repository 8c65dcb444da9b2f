import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with one request: answer with a status, or never answer (a hung endpoint). */
export type Reply = number | 'hang';

/**
 * A real HTTP webhook receiver on a free loopback port. `replies` are used in order, the last one repeating.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;

  private constructor(private readonly replies: Reply[]) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = this.replies[Math.min(this.requests.length, this.replies.length - 1)] ?? 200;
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (reply !== 'hang') res.writeHead(reply, { 'content-type': 'text/plain' }).end(`reply ${reply}`);
      });
    });
  }

  static async start(replies: Reply[] = [200]): Promise<Receiver> {
    const receiver = new Receiver(replies);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
