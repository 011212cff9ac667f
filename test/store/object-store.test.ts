import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startFakeS3 } from "../../src/fake-upstream/s3.ts";
import { storeSettingsFromEnv } from "../../src/store/env.ts";
import { createStore } from "../../src/store/start-with-store.ts";
import { StoreError } from "../../src/store/store.ts";
import { AUTH_NAME, runStoreScenario } from "./scenario.ts";

// Through the fake S3 server (src/fake-upstream/s3.ts), which checks every SigV4 signature;
// the checks read its buckets directly.

const KEYS = { accessKeyId: "cpa-test-access", secretAccessKey: "cpa-test-secret-key" };

test("object store: bootstrap, push on change, second instance, delete", async () => {
  const s3 = await startFakeS3(KEYS);
  const dir = await mkdtemp(join(tmpdir(), "cpa-objstore-"));
  const object = (key: string) => s3.buckets.get("cpa-bucket")?.get(key);
  try {
    await runStoreScenario(
      (instance) => {
        const settings = storeSettingsFromEnv(
          {
            OBJECTSTORE_ENDPOINT: s3.url,
            OBJECTSTORE_BUCKET: "cpa-bucket",
            OBJECTSTORE_ACCESS_KEY: KEYS.accessKeyId,
            OBJECTSTORE_SECRET_KEY: KEYS.secretAccessKey,
            OBJECTSTORE_LOCAL_PATH: join(dir, instance),
          },
          dir,
        );
        assert.equal(settings?.kind, "object");
        assert.equal(settings.root, join(dir, instance, "objectstore"));
        return settings;
      },
      {
        config: async () => object("config/config.yaml")?.body.toString("utf8"),
        auth: async (name) => object(`auths/${name}`)?.body.toString("utf8"),
      },
      {
        afterBootstrap: async () =>
          assert.equal(object("config/config.yaml")?.contentType, "application/x-yaml"),
        afterUpload: async () => assert.equal(object(`auths/${AUTH_NAME}`)?.contentType, "application/json"),
      },
    );
    assert.equal(s3.refused, 0);
  } finally {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("object store: a wrong secret is refused by the server and reported without the secret", async () => {
  const s3 = await startFakeS3(KEYS);
  const dir = await mkdtemp(join(tmpdir(), "cpa-objstore-"));
  try {
    const settings = storeSettingsFromEnv(
      {
        OBJECTSTORE_ENDPOINT: s3.url,
        OBJECTSTORE_BUCKET: "cpa-bucket",
        OBJECTSTORE_ACCESS_KEY: KEYS.accessKeyId,
        OBJECTSTORE_SECRET_KEY: "not-the-secret",
        OBJECTSTORE_LOCAL_PATH: dir,
      },
      dir,
    )!;
    const store = await createStore(settings);
    const err = await store.pull().then(
      () => undefined,
      (e: Error) => e,
    );
    await store.close();
    assert.ok(err instanceof StoreError);
    assert.match(err.message, /SignatureDoesNotMatch|403/);
    assert.doesNotMatch(err.message, /not-the-secret/);
    assert.ok(s3.refused > 0);
    assert.equal(s3.buckets.size, 0);
  } finally {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
});
