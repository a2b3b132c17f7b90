import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { LocalSlack } from '../../src/local-slack/local-slack';

/**
 * Slack's Socket Mode in front of the Web API fake: `apps.connections.open` (app-level token only)
 * hands out a loopback WebSocket; every other method goes to the LocalSlack. The socket can be
 * dropped, or made silent (no pongs, no messages), to test that the app notices and reconnects.
 */
export class FakeSocketMode {
  readonly sockets: WebSocket[] = [];
  connectionsOpened = 0;
  /** While true, the server answers no pings: the connection looks open but is dead. */
  silent = false;
  private waiters: ((ws: WebSocket) => void)[] = [];

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(fake: LocalSlack): Promise<FakeSocketMode> {
    let self: FakeSocketMode | undefined;
    const server = createServer((req, res) => void self?.handle(req, res, fake));
    const wss = new WebSocketServer({ server, path: '/link', autoPong: false });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeSocketMode(server, wss, `http://127.0.0.1:${port}/api/`);
    const s = self;
    wss.on('connection', (ws) => {
      s.sockets.push(ws);
      ws.on('ping', (data) => {
        if (!s.silent) ws.pong(data);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TEST' } }));
      for (const wake of s.waiters.splice(0)) wake(ws);
    });
    return self;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, fake: LocalSlack): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const method = (req.url ?? '').replace(/^\/api\//, '');
    if (method === 'apps.connections.open') {
      const appToken = String(req.headers.authorization ?? '').startsWith('Bearer xapp-');
      this.connectionsOpened += appToken ? 1 : 0;
      const { port } = this.server.address() as AddressInfo;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          appToken ? { ok: true, url: `ws://127.0.0.1:${port}/link` } : { ok: false, error: 'invalid_auth' },
        ),
      );
      return;
    }
    const forwarded = await fetch(`${fake.url}${method}`, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => ['authorization', 'content-type'].includes(k)) as [
          string,
          string,
        ][],
      ),
      body: Buffer.concat(chunks),
    });
    res.statusCode = forwarded.status;
    res.setHeader('content-type', forwarded.headers.get('content-type') ?? 'application/json');
    res.end(Buffer.from(await forwarded.arrayBuffer()));
  }

  /** The next connection the app makes (or the current one, if there is an open one not yet taken). */
  nextConnection(after = this.sockets.length, timeoutMs = 20_000): Promise<WebSocket> {
    const existing = this.sockets[after];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the app did not (re)connect')), timeoutMs);
      this.waiters.push((ws) => {
        clearTimeout(timer);
        resolve(ws);
      });
    });
  }

  /** Sends an envelope and resolves with the app's acknowledgement of it. */
  deliver(
    ws: WebSocket,
    type: string,
    payload: Record<string, unknown>,
    envelopeId: string,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${envelopeId}`)), 5000);
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as Record<string, unknown>;
        if (message.envelope_id !== envelopeId) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(message);
      };
      ws.on('message', onMessage);
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          accepts_response_payload: type !== 'events_api',
          payload,
        }),
      );
    });
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
