/**
 * A tiny real SOCKS5 server for tests (RFC 1928, CONNECT only), with username/password
 * authentication (RFC 1929) when credentials are given. Counts what went through it.
 */
import { connect, createServer, type Socket } from "node:net";

export interface TestSocksServer {
  url(user?: string, pass?: string): string;
  port: number;
  /** TCP connections accepted from clients. */
  connections: number;
  /** Usernames that authenticated successfully. */
  logins: string[];
  /** Failed authentication attempts. */
  rejected: number;
  /** CONNECT targets, as "host:port". */
  targets: string[];
  close(): Promise<void>;
}

const VERSION = 0x05;
const NO_AUTH = 0x00;
const USER_PASS = 0x02;
const NO_ACCEPTABLE = 0xff;
const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;
const REP_OK = 0x00;
const REP_CMD_UNSUPPORTED = 0x07;
const REP_REFUSED = 0x05;

export async function startSocksServer(
  opts: { user?: string; pass?: string } = {},
): Promise<TestSocksServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, logins: [] as string[], rejected: 0, targets: [] as string[] };
  const needAuth = opts.user !== undefined;

  const server = createServer((client) => {
    state.connections++;
    track(client);
    const input = new ByteReader(client);
    handshake(client, input).catch(() => client.destroy());
  });

  function track(s: Socket): void {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  }

  async function handshake(client: Socket, input: ByteReader): Promise<void> {
    // Greeting: VER, NMETHODS, METHODS...
    const [ver, count] = await input.read(2);
    if (ver !== VERSION) throw new Error("not SOCKS5");
    const methods = [...(await input.read(count))];
    const method = needAuth ? USER_PASS : NO_AUTH;
    if (!methods.includes(method)) {
      client.end(Buffer.from([VERSION, NO_ACCEPTABLE]));
      return;
    }
    client.write(Buffer.from([VERSION, method]));

    if (needAuth) {
      // RFC 1929: VER=1, ULEN, UNAME, PLEN, PASSWD; reply VER=1, STATUS (0 = success).
      const [subVersion, userLength] = await input.read(2);
      if (subVersion !== 0x01) throw new Error("bad auth version");
      const user = (await input.read(userLength)).toString();
      const [passLength] = await input.read(1);
      const pass = (await input.read(passLength)).toString();
      if (user !== opts.user || pass !== (opts.pass ?? "")) {
        state.rejected++;
        client.end(Buffer.from([0x01, 0x01]));
        return;
      }
      state.logins.push(user);
      client.write(Buffer.from([0x01, 0x00]));
    }

    // Request: VER, CMD, RSV, ATYP, DST.ADDR, DST.PORT
    const [reqVer, cmd, , atyp] = await input.read(4);
    if (reqVer !== VERSION) throw new Error("bad request version");
    let host: string;
    if (atyp === ATYP_IPV4) host = [...(await input.read(4))].join(".");
    else if (atyp === ATYP_DOMAIN) host = (await input.read((await input.read(1))[0])).toString();
    else if (atyp === ATYP_IPV6) {
      const raw = await input.read(16);
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
      host = groups.join(":");
    } else throw new Error("bad address type");
    const port = (await input.read(2)).readUInt16BE(0);
    if (cmd !== CMD_CONNECT) {
      client.end(reply(REP_CMD_UNSUPPORTED));
      return;
    }

    state.targets.push(`${host}:${port}`);
    const target = connect(port, host);
    track(target);
    target.once("error", () => client.end(reply(REP_REFUSED)));
    target.once("connect", () => {
      client.write(reply(REP_OK));
      const leftover = input.detach();
      if (leftover.length > 0) target.write(leftover);
      target.pipe(client);
      client.pipe(target);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: (user, pass) =>
      user === undefined
        ? `socks5://127.0.0.1:${port}`
        : `socks5://${encodeURIComponent(user)}:${encodeURIComponent(pass ?? "")}@127.0.0.1:${port}`,
    port,
    get connections() {
      return state.connections;
    },
    logins: state.logins,
    get rejected() {
      return state.rejected;
    },
    targets: state.targets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reply with a zero bound address (clients ignore it for CONNECT). */
function reply(code: number): Buffer {
  return Buffer.from([VERSION, code, 0x00, ATYP_IPV4, 0, 0, 0, 0, 0, 0]);
}

/** Reads exact byte counts from a socket until detached; bytes beyond the handshake are kept. */
class ByteReader {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private readonly socket: Socket;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.pump();
  };
  private readonly onEnd = () => this.waiting?.reject(new Error("closed during handshake"));

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", this.onData);
    socket.on("close", this.onEnd);
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject };
      this.pump();
    });
  }

  /** Stops reading and returns whatever arrived beyond the handshake. */
  detach(): Buffer {
    this.socket.off("data", this.onData);
    this.socket.off("close", this.onEnd);
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  private pump(): void {
    const w = this.waiting;
    if (!w || this.buffered.length < w.n) return;
    const out = this.buffered.subarray(0, w.n);
    this.buffered = this.buffered.subarray(w.n);
    this.waiting = undefined;
    w.resolve(out);
  }
}
