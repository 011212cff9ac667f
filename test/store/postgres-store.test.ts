import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import pg from "pg";
import { storeSettingsFromEnv } from "../../src/store/env.ts";
import { postgresBinDir, startPgCluster } from "./pg-cluster.ts";
import { AUTH_NAME, runStoreScenario } from "./scenario.ts";

// Against a real PostgreSQL server (a throwaway cluster); the checks read the tables with
// their own connection, in the schema PGSTORE_SCHEMA names.

test("postgres store: bootstrap, push on change, second instance, delete", {
  skip: !postgresBinDir() && "PostgreSQL is not installed",
}, async () => {
  const cluster = await startPgCluster();
  const dir = await mkdtemp(join(tmpdir(), "cpa-pgstore-"));
  const client = new pg.Client({ connectionString: cluster.dsn });
  try {
    await client.connect();
    const one = async (sql: string, id: string) =>
      (await client.query(sql, [id]).catch(() => ({ rows: [] as any[] }))).rows[0];
    await runStoreScenario(
      (instance) => {
        const settings = storeSettingsFromEnv(
          { PGSTORE_DSN: cluster.dsn, PGSTORE_SCHEMA: "cpa", PGSTORE_LOCAL_PATH: join(dir, instance) },
          dir,
        );
        assert.equal(settings?.kind, "postgres");
        assert.equal(settings.root, join(dir, instance, "pgstore"));
        return settings;
      },
      {
        config: async () =>
          (await one(`SELECT content FROM cpa.config_store WHERE id = $1`, "config"))?.content,
        auth: async (name) =>
          (await one(`SELECT content::text AS content FROM cpa.auth_store WHERE id = $1`, name))?.content,
      },
      {
        afterUpload: async () => {
          const row = await one(
            `SELECT jsonb_typeof(content) AS t FROM cpa.auth_store WHERE id = $1`,
            AUTH_NAME,
          );
          assert.equal(row.t, "object", "auth content is JSONB");
        },
      },
    );
    const rows = await client.query(`SELECT id FROM cpa.config_store`);
    assert.deepEqual(rows.rows, [{ id: "config" }]);
  } finally {
    await client.end().catch(() => {});
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
