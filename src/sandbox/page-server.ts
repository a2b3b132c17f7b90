/**
 * The sandbox page's web server (node:http, loopback only): the page, its state for the chosen
 * person, live updates as server-sent events, and what the visitor does. It acts as anyone, so it
 * never listens beyond this machine and refuses requests from other sites.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ZodType } from 'zod';
import { type ClientAssets, clientAssets } from './client-assets';
import { pageHtml } from './page-html';
import { actRequest, advanceRequest, resetRequest, tourRequest } from './requests';
import type { Sandbox } from './sandbox';
import type { Tour } from './tour';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const MIME: Record<string, string> = {
  png: 'image/png',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  md: 'text/markdown; charset=utf-8',
};
const BODY_LIMIT = 1024 * 1024;
const HEARTBEAT_MS = 20_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function body<T>(req: IncomingMessage, schema: ZodType<T>): Promise<T> {
  // A cross-site form can post text/plain without asking first; it cannot post JSON.
  if (req.headers['content-type']?.split(';')[0]?.trim() !== 'application/json')
    throw new HttpError(415, 'expected application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new HttpError(413, 'too large');
    chunks.push(chunk as Buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'not JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}

function send(res: ServerResponse, status: number, type: string, content: string | Buffer, extra = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra });
  res.end(content);
}
const json = (res: ServerResponse, value: unknown, status = 200) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

export class PageServer {
  /** Open event streams, each for the person its page shows. */
  private readonly streams = new Map<ServerResponse, string>();
  private assets: Promise<ClientAssets> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly sandbox: Sandbox,
    private readonly tour: Tour,
    readonly port: number,
  ) {}

  static async start(sandbox: Sandbox, tour: Tour, port: number): Promise<PageServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const page = new PageServer(server, sandbox, tour, (server.address() as AddressInfo).port);
    server.on('request', (req, res) => {
      page.handle(req, res).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (!res.headersSent)
          json(res, { ok: false, error: err instanceof Error ? err.message : String(err) }, status);
        else res.end();
      });
    });
    sandbox.onChange(() => page.broadcast());
    // Bundling from source takes a moment: start it now, not when the first visitor arrives.
    page.assets = clientAssets();
    await page.assets;
    return page;
  }

  async stop(): Promise<void> {
    for (const s of this.streams.keys()) s.end();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /**
   * Sends each page what its person now sees. Pushing the state itself, not a "changed" note the
   * page would answer with a fetch, saves a round trip on every click.
   */
  private broadcast(): void {
    const events = new Map<string, string>();
    for (const [res, as] of this.streams) {
      if (!events.has(as)) events.set(as, `data: ${JSON.stringify(this.sandbox.state(as))}\n\n`);
      res.write(events.get(as) ?? '');
    }
  }

  /** Only this machine's own names for the server (a rebinding DNS name must not reach it). */
  private hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    return [`localhost:${this.port}`, `127.0.0.1:${this.port}`, `[::1]:${this.port}`].includes(host);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.hostAllowed(req)) throw new HttpError(421, 'unknown host');
    // A request that arrives while the sandbox starts again waits for the new Vigil.
    await this.sandbox.idle();
    const url = new URL(req.url ?? '/', `http://localhost:${this.port}`);
    const route = `${req.method} ${url.pathname}`;
    this.assets ??= clientAssets();
    const assets = await this.assets;
    if (route === 'GET /') return send(res, 200, 'text/html; charset=utf-8', pageHtml());
    if (route === 'GET /client.js') return send(res, 200, 'text/javascript; charset=utf-8', assets.js);
    if (route === 'GET /client.css') return send(res, 200, 'text/css; charset=utf-8', assets.css);
    if (route === 'GET /api/events') {
      const as = url.searchParams.get('as') ?? '';
      if (!this.sandbox.isPerson(as)) throw new HttpError(404, 'no such person');
      return this.events(res, as);
    }
    if (route === 'GET /api/state') {
      const as = url.searchParams.get('as') ?? '';
      if (!this.sandbox.isPerson(as)) throw new HttpError(404, 'no such person');
      return json(res, this.sandbox.state(as));
    }
    if (route === 'POST /api/act') {
      const { as, act } = await body(req, actRequest);
      if (!this.sandbox.isPerson(as)) throw new HttpError(404, 'no such person');
      return json(res, await this.sandbox.act(as, act));
    }
    if (route === 'POST /api/advance') {
      const { jump } = await body(req, advanceRequest);
      await this.sandbox.advance(jump);
      return json(res, { ok: true });
    }
    if (route === 'POST /api/reset') {
      await body(req, resetRequest);
      await this.sandbox.reset();
      return json(res, { ok: true });
    }
    if (route === 'GET /api/tour') return json(res, this.tour.steps());
    if (route === 'POST /api/tour') {
      const { index } = await body(req, tourRequest);
      return json(res, await this.tour.run(index));
    }
    if (req.method === 'GET' && url.pathname.startsWith('/files/'))
      return this.file(res, url.pathname.slice(7));
    throw new HttpError(404, 'not found');
  }

  private events(res: ServerResponse, as: string): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      ...SECURITY_HEADERS,
    });
    res.write(`data: ${JSON.stringify(this.sandbox.state(as))}\n\n`);
    this.streams.set(res, as);
    const beat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(beat);
      this.streams.delete(res);
    });
  }

  private file(res: ServerResponse, rawId: string): void {
    const id = decodeURIComponent(rawId);
    const upload = this.sandbox.slack.uploads.find((u) => u.fileId === id && u.completed);
    if (!upload) throw new HttpError(404, 'no such file');
    const ext = upload.filename.split('.').pop()?.toLowerCase() ?? '';
    const image = ext === 'png';
    // Anything but the chart downloads: a file Vigil shares must never run as a page here.
    send(res, 200, MIME[ext] ?? 'application/octet-stream', upload.bytes, {
      'content-disposition': `${image ? 'inline' : 'attachment'}; filename="${upload.filename.replace(/[^\w.-]/g, '_')}"`,
    });
  }
}
