import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { readSettledText } from "../config/index.ts";
import { log } from "../logging/logger.ts";
import type { ObjectStoreSettings } from "./env.ts";
import {
  AUTH_DIR_REL,
  CONFIG_REL,
  mirrorPaths,
  normalizeLineEndings,
  redact,
  type Store,
  StoreError,
  safeAuthId,
  seedConfig,
} from "./store.ts";

// config.yaml and the auth files in an S3-compatible bucket (OBJECTSTORE_*), under the Go
// original's keys: `config/config.yaml` and `auths/<name>.json`. Path-style addressing (what
// MinIO and most self-hosted stores expect); the bucket is created when missing. The mirror
// is <local path>/objectstore.

/** The region signatures are scoped to; S3-compatible stores that ignore regions accept it. */
const REGION = "us-east-1";

export class ObjectStore implements Store {
  readonly kind = "object" as const;
  readonly root: string;
  readonly configPath: string;
  readonly authDir: string;
  private readonly settings: ObjectStoreSettings;
  private readonly client: S3Client;

  constructor(settings: ObjectStoreSettings) {
    this.settings = settings;
    this.root = settings.root;
    ({ configPath: this.configPath, authDir: this.authDir } = mirrorPaths(settings.root));
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secretKey },
      // Plain signed payloads: many S3-compatible stores reject the newer default checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 2,
    });
  }

  async pull(examplePath?: string): Promise<void> {
    await mkdir(dirname(this.configPath), { recursive: true, mode: 0o700 });
    await mkdir(this.authDir, { recursive: true, mode: 0o700 });
    await this.guard(async () => {
      await this.ensureBucket();
      const config = await this.get(CONFIG_REL);
      if (config !== undefined) {
        await writeFile(this.configPath, normalizeLineEndings(config.toString("utf8")), { mode: 0o600 });
      } else {
        await seedConfig(this.configPath, examplePath);
        const text = await readFile(this.configPath);
        if (text.length > 0) await this.put(CONFIG_REL, text, "application/x-yaml");
      }
      const prefix = `${AUTH_DIR_REL}/`;
      let token: string | undefined;
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.settings.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        );
        for (const { Key } of page.Contents ?? []) {
          const id = Key && !Key.endsWith("/") ? safeAuthId(Key.slice(prefix.length)) : undefined;
          if (!id) {
            if (Key && !Key.endsWith("/"))
              log.warn({ store: "object", key: Key }, "store: key outside the auth dir; skipped");
            continue;
          }
          const data = await this.get(Key!);
          if (data === undefined) continue; // deleted meanwhile
          const path = join(this.authDir, ...id.split("/"));
          await mkdir(dirname(path), { recursive: true, mode: 0o700 });
          await writeFile(path, data, { mode: 0o600 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    });
  }

  async pushFile(rel: string): Promise<void> {
    await this.guard(async () => {
      let text = "";
      try {
        text = await readSettledText(join(this.root, ...rel.split("/")));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
      if (rel === CONFIG_REL) {
        if (text) await this.put(rel, Buffer.from(text), "application/x-yaml");
        return;
      }
      if (text) await this.put(rel, Buffer.from(text), "application/json");
      else await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: rel }));
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: this.settings.bucket }));
    }
  }

  private async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return Buffer.from((await out.Body?.transformToByteArray()) ?? []);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.settings.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : "";
      const text = redact(`${e.name}: ${e.message}${status}`, [this.settings.secretKey]);
      throw new StoreError(`object store: ${text}`);
    }
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 404 || e?.name === "NoSuchKey" || e?.name === "NotFound";
}
