import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with one request: answer with a status (and headers), or never answer (hung). */
export type Reply = number | 'hang' | { status: number; headers: Record<string, string> };

/**
 * A real HTTP webhook receiver on a free loopback port. `replies` are used in order, the last one repeating.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;

  private constructor(
    private readonly replies: Reply[],
    private readonly host: string,
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = this.replies[Math.min(this.requests.length, this.replies.length - 1)] ?? 200;
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (reply === 'hang') return;
        const { status, headers } = typeof reply === 'number' ? { status: reply, headers: {} } : reply;
        res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(`reply ${status}`);
      });
    });
  }

  /** `host`: the loopback address to listen on (127.0.0.1; any 127.x.y.z on Linux). */
  static async start(replies: Reply[] = [200], host = '127.0.0.1'): Promise<Receiver> {
    const receiver = new Receiver(replies, host);
    await new Promise<void>((resolve) => receiver.server.listen(0, host, resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://${this.host}:${this.port}/hook`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
