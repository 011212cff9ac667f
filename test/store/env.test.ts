import assert from "node:assert/strict";
import { test } from "node:test";
import { objectEndpointUrl, storeSettingsFromEnv } from "../../src/store/env.ts";
import { StoreError } from "../../src/store/store.ts";

const OBJECT = {
  OBJECTSTORE_ENDPOINT: "minio.local:9000",
  OBJECTSTORE_BUCKET: "b",
  OBJECTSTORE_ACCESS_KEY: "ak",
  OBJECTSTORE_SECRET_KEY: "sk",
};

test("store env: none set means local files", () => {
  assert.equal(storeSettingsFromEnv({ GITSTORE_GIT_URL: "  " }, "/srv"), undefined);
});

test("store env: PGSTORE_DSN wins over OBJECTSTORE_ENDPOINT, which wins over GITSTORE_GIT_URL", () => {
  const git = { GITSTORE_GIT_URL: "https://example.com/r.git" };
  assert.equal(
    storeSettingsFromEnv({ ...git, ...OBJECT, PGSTORE_DSN: "postgresql://x" }, "/srv")?.kind,
    "postgres",
  );
  assert.equal(storeSettingsFromEnv({ ...git, ...OBJECT }, "/srv")?.kind, "object");
  assert.equal(storeSettingsFromEnv(git, "/srv")?.kind, "git");
});

test("store env: lower-case names, trimming, and mirror roots", () => {
  assert.deepEqual(
    storeSettingsFromEnv(
      {
        gitstore_git_url: " https://example.com/r.git ",
        GITSTORE_GIT_TOKEN: "t",
        GITSTORE_GIT_BRANCH: "cfg",
      },
      "/srv",
    ),
    {
      kind: "git",
      url: "https://example.com/r.git",
      username: "",
      token: "t",
      branch: "cfg",
      root: "/srv/gitstore",
    },
  );
  // Local path: the variable, else WRITABLE_PATH, else the working directory.
  assert.equal(
    storeSettingsFromEnv({ PGSTORE_DSN: "d", WRITABLE_PATH: "/data" }, "/srv")?.root,
    "/data/pgstore",
  );
  assert.equal(
    storeSettingsFromEnv({ PGSTORE_DSN: "d", PGSTORE_LOCAL_PATH: "rel", WRITABLE_PATH: "/data" }, "/srv")
      ?.root,
    "/srv/rel/pgstore",
  );
  assert.equal(storeSettingsFromEnv(OBJECT, "/srv")?.root, "/srv/objectstore");
});

test("store env: object store endpoint and required values", () => {
  assert.equal(objectEndpointUrl("minio.local:9000"), "https://minio.local:9000");
  assert.equal(objectEndpointUrl("http://127.0.0.1:9000/"), "http://127.0.0.1:9000");
  assert.equal(objectEndpointUrl("https://s3.example.com/base/"), "https://s3.example.com/base");
  assert.throws(() => objectEndpointUrl("ftp://x"), StoreError);
  assert.throws(
    () => storeSettingsFromEnv({ ...OBJECT, OBJECTSTORE_BUCKET: "" }, "/srv"),
    /OBJECTSTORE_BUCKET is required/,
  );
});
