import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type HubHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A status body in ai.doo's shape with fixed JSON types; fields overridable. */
export function hubStatus(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    valid: true,
    customer: 'Acme Corp',
    tier: 'enterprise',
    seats: 10,
    products: ['pika', 'vera'],
    expires_at: Math.floor(Date.now() / 1000) + 365 * 86_400,
    error: '',
    ...overrides,
  };
}

/**
 * A real HTTP hub on 127.0.0.1, port 0: answers what `handler` says, records every request's
 * headers, and can stop and start again on the same port (the hub going away and coming back).
 */
export class FakeHub {
  readonly requests: Array<{ url: string; headers: IncomingMessage['headers'] }> = [];
  /** The most requests that were open at the same time. */
  maxConcurrent = 0;
  private open = 0;
  handler: HubHandler = (_request, response) => json(response, 200, hubStatus());
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  static async start(): Promise<FakeHub> {
    const hub = new FakeHub();
    await hub.up();
    return hub;
  }

  /** What a satellite's LIBERTY_HUB_URL takes. */
  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `${this.base}/api/license/status`;
  }

  /** Answers `body` (JSON) with `status` from now on. */
  answer(body: unknown, status = 200): void {
    this.handler = (_request, response) => json(response, status, body);
  }

  async up(): Promise<void> {
    const server = createServer((request, response) => {
      this.requests.push({ url: request.url ?? '', headers: request.headers });
      this.maxConcurrent = Math.max(this.maxConcurrent, ++this.open);
      response.on('close', () => this.open--);
      this.handler(request, response);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every open connection (a hung request included). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(text);
}
