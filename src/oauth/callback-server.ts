import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { callbackPage } from "./callback-page.ts";
import { LoginError } from "./errors.ts";
import { sameState } from "./state.ts";

/**
 * The local page the OAuth server redirects the browser to at the end of a login
 * (`http://localhost:PORT/PATH?code=...&state=...`). It takes the first callback for this
 * login and answers the browser with a short page; a denial (`error=`), a foreign `state` or a
 * missing code fails the login. Listens on every interface, as the original does, so a login
 * inside a container works through a published port.
 */
export interface CallbackServer {
  port: number;
  redirectUri: string;
  /** Resolves with the authorization code; rejects with a LoginError (denied, state mismatch, timeout). */
  waitForCode(timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

export async function startCallbackServer(opts: {
  port: number;
  path: string;
  state: string;
}): Promise<CallbackServer> {
  let settled = false;
  let resolveCode!: (code: string) => void;
  let rejectCode!: (err: LoginError) => void;
  const outcome = new Promise<string>((resolve, reject) => {
    resolveCode = resolve;
    rejectCode = reject;
  });
  outcome.catch(() => {}); // observed by waitForCode; never an unhandled rejection

  const answer = (res: ServerResponse, status: number, ok: boolean, message: string) => {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", connection: "close" });
    res.end(callbackPage(ok, message));
  };
  const fail = (res: ServerResponse, message: string) => {
    settled = true;
    answer(res, 400, false, message);
    rejectCode(new LoginError(message));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || url.pathname !== opts.path) {
      res.writeHead(404, { connection: "close" });
      res.end();
      return;
    }
    if (settled)
      return answer(res, 409, false, "This login has already finished; you can close this window.");
    const q = url.searchParams;
    const error = q.get("error");
    const state = q.get("state") ?? "";
    const code = q.get("code") ?? "";
    if (error) {
      const detail = q.get("error_description");
      return fail(res, `the authorization was denied: ${error}${detail ? ` (${detail})` : ""}`);
    }
    if (!sameState(opts.state, state)) {
      return fail(res, "state mismatch: this callback does not belong to this login; start the login again");
    }
    if (!code) return fail(res, "the callback carried no authorization code");
    settled = true;
    answer(res, 200, true, "Authorization received. You can close this window and return to the terminal.");
    resolveCode(code);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") {
        reject(
          new LoginError(
            `port ${opts.port} is already in use, so the login callback cannot listen there; ` +
              "stop the program using it (another login still running?) and try again",
          ),
        );
      } else if (err.code === "EACCES") {
        reject(new LoginError(`not allowed to listen on port ${opts.port} for the login callback`));
      } else {
        reject(err);
      }
    });
    server.listen(opts.port, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://localhost:${port}${opts.path}`;

  return {
    port,
    redirectUri,
    waitForCode(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          settled = true;
          reject(
            new LoginError(
              `timed out after ${Math.round(timeoutMs / 1000)}s waiting for the browser to come back to ${redirectUri}`,
            ),
          );
        }, timeoutMs);
      });
      return Promise.race([outcome, timeout]).finally(() => clearTimeout(timer));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
