/**
 * A minimal S3-compatible object store on `node:http` for the object-store tests: path-style
 * buckets (HEAD/PUT bucket), objects (PUT/GET/HEAD/DELETE) and ListObjectsV2 with a prefix,
 * kept in memory. Every request must carry a valid AWS Signature V4 (the header form the
 * official SDKs send) for the configured key pair; the payload hash is checked against the body.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeS3Options {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface FakeS3Object {
  body: Buffer;
  contentType: string;
}

export interface FakeS3 {
  /** Endpoint URL, e.g. http://127.0.0.1:PORT */
  url: string;
  /** bucket -> key -> object; tests may read it directly. */
  buckets: Map<string, Map<string, FakeS3Object>>;
  /** Requests refused for a bad key or signature. */
  refused: number;
  close(): Promise<void>;
}

export async function startFakeS3(opts: FakeS3Options): Promise<FakeS3> {
  const buckets = new Map<string, Map<string, FakeS3Object>>();
  const state: FakeS3 = { url: "", buckets, refused: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const problem = checkSignature(req, body, opts);
      if (problem) {
        state.refused++;
        sendError(res, 403, problem.code, problem.message);
        return;
      }
      handle(req, res, body, buckets);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const { address, port } = server.address() as AddressInfo;
  state.url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  buckets: Map<string, Map<string, FakeS3Object>>,
): void {
  const url = new URL(req.url ?? "/", "http://s3.local");
  const [bucketName, ...rest] = url.pathname.slice(1).split("/");
  const key = decodeURIComponent(rest.join("/"));
  const method = req.method ?? "GET";
  const bucket = buckets.get(bucketName);
  if (!bucketName) {
    sendError(res, 400, "InvalidRequest", "path-style bucket expected");
    return;
  }
  if (!key) {
    if (method === "PUT") {
      if (!bucket) buckets.set(bucketName, new Map());
      res.writeHead(200, { location: `/${bucketName}` }).end();
      return;
    }
    if (!bucket) {
      sendError(res, 404, "NoSuchBucket", "The specified bucket does not exist", method);
      return;
    }
    if (method === "HEAD") {
      res.writeHead(200).end();
      return;
    }
    if (method === "GET" && url.searchParams.get("list-type") === "2") {
      listObjects(res, bucketName, bucket, url.searchParams.get("prefix") ?? "");
      return;
    }
    sendError(res, 405, "MethodNotAllowed", `${method} on a bucket is not supported here`);
    return;
  }
  if (!bucket) {
    sendError(res, 404, "NoSuchBucket", "The specified bucket does not exist", method);
    return;
  }
  const object = bucket.get(key);
  const etag = (b: Buffer) => `"${createHash("md5").update(b).digest("hex")}"`;
  switch (method) {
    case "PUT":
      bucket.set(key, { body, contentType: req.headers["content-type"] ?? "application/octet-stream" });
      res.writeHead(200, { etag: etag(body) }).end();
      return;
    case "GET":
    case "HEAD":
      if (!object) {
        sendError(res, 404, "NoSuchKey", "The specified key does not exist.", method);
        return;
      }
      res.writeHead(200, {
        "content-type": object.contentType,
        "content-length": object.body.length,
        etag: etag(object.body),
      });
      res.end(method === "GET" ? object.body : undefined);
      return;
    case "DELETE":
      bucket.delete(key);
      res.writeHead(204).end();
      return;
    default:
      sendError(res, 405, "MethodNotAllowed", `${method} is not supported here`);
  }
}

function listObjects(
  res: ServerResponse,
  name: string,
  bucket: Map<string, FakeS3Object>,
  prefix: string,
): void {
  const keys = [...bucket.keys()].filter((k) => k.startsWith(prefix)).sort();
  const contents = keys
    .map((k) => `<Contents><Key>${xml(k)}</Key><Size>${bucket.get(k)!.body.length}</Size></Contents>`)
    .join("");
  res.writeHead(200, { "content-type": "application/xml" });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${xml(name)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount>` +
      `<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
  );
}

function sendError(res: ServerResponse, status: number, code: string, message: string, method = "GET"): void {
  res.writeHead(status, { "content-type": "application/xml", "x-amz-error-code": code });
  // HEAD answers carry no body; the SDK maps the status (404 -> NotFound).
  if (method === "HEAD") return void res.end();
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`,
  );
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/** Verifies the SigV4 Authorization header; returns the S3 error to send, or undefined. */
function checkSignature(
  req: IncomingMessage,
  body: Buffer,
  opts: FakeS3Options,
): { code: string; message: string } | undefined {
  const m = AUTH_RE.exec(String(req.headers.authorization ?? ""));
  if (!m) return { code: "AccessDenied", message: "a SigV4 Authorization header is required" };
  const [, accessKey, date, region, service, signedHeaders, signature] = m;
  if (accessKey !== opts.accessKeyId) {
    return {
      code: "InvalidAccessKeyId",
      message: "The AWS Access Key Id you provided does not exist in our records.",
    };
  }
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
  if (/^[0-9a-f]{64}$/.test(payloadHash) && createHash("sha256").update(body).digest("hex") !== payloadHash) {
    return {
      code: "XAmzContentSHA256Mismatch",
      message: "The provided 'x-amz-content-sha256' header does not match",
    };
  }
  const [rawPath, rawQuery = ""] = (req.url ?? "/").split("?", 2);
  const canonicalHeaders = signedHeaders
    .split(";")
    .map(
      (h) =>
        `${h}:${String(req.headers[h] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const canonicalRequest = [
    req.method,
    rawPath,
    canonicalQuery(rawQuery),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key: Buffer = hmac(`AWS4${opts.secretAccessKey}`, date);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(toSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
    return {
      code: "SignatureDoesNotMatch",
      message: "The request signature we calculated does not match the signature you provided.",
    };
  }
  return undefined;
}

function canonicalQuery(raw: string): string {
  if (!raw) return "";
  return raw
    .split("&")
    .map((pair) => {
      const [k, v = ""] = pair.split("=", 2);
      return [
        rfc3986(decodeURIComponent(k.replace(/\+/g, " "))),
        rfc3986(decodeURIComponent(v.replace(/\+/g, " "))),
      ];
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
