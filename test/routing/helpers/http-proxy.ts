/**
 * A tiny real HTTP forward proxy for tests: CONNECT tunnels and absolute-URI requests (undici's
 * ProxyAgent uses either, depending on version and options). Counts what went through it and
 * checks Basic proxy credentials when given.
 */
import { createServer, type IncomingMessage, request } from "node:http";
import { connect, type Socket } from "node:net";

export interface TestHttpProxy {
  url: string;
  port: number;
  /** TCP connections accepted from clients. */
  connections: number;
  /** CONNECT tunnels opened, as "host:port". */
  tunnels: string[];
  /** Absolute-URI requests forwarded. */
  forwarded: string[];
  /** Proxy-Authorization values seen, decoded ("user:pass"). */
  auths: string[];
  close(): Promise<void>;
}

export async function startHttpProxy(opts: { user?: string; pass?: string } = {}): Promise<TestHttpProxy> {
  const expected = opts.user !== undefined ? `${opts.user}:${opts.pass ?? ""}` : undefined;
  const sockets = new Set<Socket>();
  const state = { connections: 0, tunnels: [] as string[], forwarded: [] as string[], auths: [] as string[] };

  /** Records the credentials and says whether they are acceptable. */
  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers["proxy-authorization"];
    if (typeof header === "string" && header.startsWith("Basic ")) {
      state.auths.push(Buffer.from(header.slice(6), "base64").toString());
    }
    return expected === undefined || state.auths.at(-1) === expected;
  };

  const server = createServer((req, res) => {
    if (!authorized(req)) {
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="test"' }).end();
      return;
    }
    const target = req.url ?? "";
    if (!/^https?:\/\//.test(target)) {
      res.writeHead(400).end("absolute URI required");
      return;
    }
    state.forwarded.push(target);
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const upstream = request(target, { method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });

  server.on("connection", (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (!authorized(req)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n',
      );
      return;
    }
    const [host, port] = splitHostPort(req.url ?? "");
    state.tunnels.push(`${host}:${port}`);
    const target = connect(port, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) target.write(head);
      target.pipe(client);
      client.pipe(target);
    });
    sockets.add(target);
    target.on("close", () => sockets.delete(target));
    target.on("error", () => client.destroy());
    client.on("error", () => target.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return state.connections;
    },
    tunnels: state.tunnels,
    forwarded: state.forwarded,
    auths: state.auths,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function splitHostPort(authority: string): [string, number] {
  const i = authority.lastIndexOf(":");
  const host = authority.slice(0, i).replace(/^\[|\]$/g, "");
  return [host, Number(authority.slice(i + 1))];
}
