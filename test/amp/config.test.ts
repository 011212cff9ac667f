/** The `ampcode` section: defaults, validation, clean-ups; the mapper and the upstream key order. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ModelMapper } from "../../src/amp/model-mapper.ts";
import { SecretsFile, upstreamKeyFor, upstreamKeysFrom } from "../../src/amp/upstream-key.ts";
import { ConfigError, parseConfigText } from "../../src/config/index.ts";

function problems(text: string): string[] {
  try {
    parseConfigText(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("amp: config section", () => {
  it("defaults every key", () => {
    assert.deepEqual(parseConfigText("").config.ampcode, {
      "upstream-url": "",
      "upstream-api-key": "",
      "upstream-api-keys": [],
      "restrict-management-to-localhost": false,
      "model-mappings": [],
      "force-model-mappings": false,
    });
  });

  it("reads a full section", () => {
    const { config, warnings } = parseConfigText(`ampcode:
  upstream-url: "https://ampcode.com"
  upstream-api-key: " amp-key "
  upstream-api-keys:
    - upstream-api-key: "team-a"
      api-keys: ["k1", "k2"]
  restrict-management-to-localhost: yes
  force-model-mappings: true
  model-mappings:
    - from: "claude-opus-4-5-20251101"
      to: "gemini-claude-opus-4-5-thinking"
    - from: "^gpt-5.*"
      to: "gpt-5"
      regex: true
`);
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.ampcode, {
      "upstream-url": "https://ampcode.com",
      "upstream-api-key": "amp-key",
      "upstream-api-keys": [{ "upstream-api-key": "team-a", "api-keys": ["k1", "k2"] }],
      "restrict-management-to-localhost": true,
      "model-mappings": [
        { from: "claude-opus-4-5-20251101", to: "gemini-claude-opus-4-5-thinking", regex: false },
        { from: "^gpt-5.*", to: "gpt-5", regex: true },
      ],
      "force-model-mappings": true,
    });
  });

  it("rejects wrong types and a URL that is not http(s), with the line", () => {
    assert.deepEqual(problems("ampcode:\n  upstream-url: ampcode.com\n"), [
      'config.yaml:2:17 ampcode.upstream-url: expected an http:// or https:// URL such as "https://ampcode.com", or "", got "ampcode.com"',
    ]);
    assert.deepEqual(problems("ampcode:\n  force-model-mappings: sometimes\n"), [
      'config.yaml:2:25 ampcode.force-model-mappings: expected true or false, got "sometimes"',
    ]);
    assert.deepEqual(problems("ampcode:\n  model-mappings: {from: a, to: b}\n"), [
      "config.yaml:2:19 ampcode.model-mappings: expected a list, got a mapping",
    ]);
    assert.deepEqual(problems("ampcode: [1]\n"), [
      "config.yaml:1:10 ampcode: expected a mapping (key: value pairs), got a list",
    ]);
  });

  it("warns about and drops what cannot work, like the original's mapper", () => {
    const { config, warnings } = parseConfigText(`ampcode:
  model-mappings:
    - from: "only-from"
    - from: "("
      to: "x"
      regex: true
    - from: "(?i)^claude"
      to: "y"
      regex: true
  upstream-api-keys:
    - api-keys: ["k0"]
    - upstream-api-key: "u1"
      api-keys: ["k1", ""]
    - upstream-api-key: "u2"
      api-keys: ["k1", "k2"]
  surprise: 1
`);
    assert.deepEqual(config.ampcode["model-mappings"], [{ from: "(?i)^claude", to: "y", regex: true }]);
    assert.deepEqual(config.ampcode["upstream-api-keys"], [
      { "upstream-api-key": "u1", "api-keys": ["k1"] },
      { "upstream-api-key": "u2", "api-keys": ["k2"] },
    ]);
    assert.equal(warnings.length, 5);
    assert.match(warnings[0], /ampcode\.model-mappings\[0\]: needs both from and to; ignored/);
    assert.match(warnings[1], /ampcode\.model-mappings\[1\]\.from: not a valid regular expression/);
    assert.match(warnings[2], /ampcode\.upstream-api-keys\[0\]: entry has no upstream-api-key; ignored/);
    assert.match(warnings[3], /ampcode\.upstream-api-keys\[2\]\.api-keys\[0\]: client key already mapped/);
    assert.match(warnings[4], /ampcode\.surprise: unknown key; ignored/);
  });

  it("names the legacy top-level amp keys", () => {
    const { config, warnings } = parseConfigText(
      "amp-upstream-url: https://ampcode.com\namp-model-mappings: []\n",
    );
    assert.equal(config.ampcode["upstream-url"], "");
    assert.deepEqual(warnings, [
      "config.yaml:1:1 amp-upstream-url: legacy Amp key; ignored: move it to ampcode.upstream-url",
      "config.yaml:2:1 amp-model-mappings: legacy Amp key; ignored: move it to ampcode.model-mappings",
    ]);
  });
});

describe("amp: model mapper", () => {
  const served = new Set(["local-a", "local-b", "local-c(high)"]);
  const isServed = (m: string) => served.has(m);
  const mapper = new ModelMapper([
    { from: "Claude-Opus", to: "local-a", regex: false },
    { from: "claude-opus", to: "local-b", regex: false },
    { from: "^gpt-.*-mini$", to: "local-b", regex: true },
    { from: "^gpt-", to: "local-a(low)", regex: true },
    { from: "gone", to: "not-served", regex: false },
  ]);

  it("matches exact names case-insensitively, the later mapping winning, before patterns in order", () => {
    assert.equal(mapper.map("CLAUDE-OPUS", isServed), "local-b");
    assert.equal(mapper.map("gpt-5-mini", isServed), "local-b");
    assert.equal(mapper.map("gpt-5", isServed), "local-a(low)");
    assert.equal(mapper.map("other", isServed), undefined);
  });

  it("carries the thinking suffix over unless the target has its own", () => {
    assert.equal(mapper.map("claude-opus(8192)", isServed), "local-b(8192)");
    assert.equal(mapper.map("gpt-5(high)", isServed), "local-a(low)");
    assert.equal(mapper.map("claude-opus()", isServed), "local-b");
  });

  it("skips a mapping whose target is not served", () => {
    assert.equal(mapper.map("gone", isServed), undefined);
  });
});

describe("amp: upstream key order", () => {
  it("per-client key, then upstream-api-key, then AMP_API_KEY, then the Amp CLI secrets file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cpa-amp-secret-"));
    const path = join(dir, "secrets.json");
    const saved = process.env.AMP_API_KEY;
    try {
      await writeFile(path, JSON.stringify({ "apiKey@https://ampcode.com/": " from-file " }));
      const file = new SecretsFile(path, 60_000);
      const keys = upstreamKeysFrom(
        parseConfigText(`ampcode:
  upstream-api-key: explicit
  upstream-api-keys:
    - upstream-api-key: team
      api-keys: [client-a]
`).config.ampcode,
      );
      assert.equal(await upstreamKeyFor(keys, "client-a", file), "team");
      assert.equal(await upstreamKeyFor(keys, "client-b", file), "explicit");
      const none = upstreamKeysFrom(parseConfigText("").config.ampcode);
      process.env.AMP_API_KEY = "from-env";
      assert.equal(await upstreamKeyFor(none, "", file), "from-env");
      delete process.env.AMP_API_KEY;
      assert.equal(await upstreamKeyFor(none, "", file), "from-file");
      // Cached: a change to the file shows after the cache time only.
      await writeFile(path, JSON.stringify({ "apiKey@https://ampcode.com/": "changed" }));
      assert.equal(await upstreamKeyFor(none, "", file), "from-file");
      assert.equal(await upstreamKeyFor(none, "", new SecretsFile(path, 0)), "changed");
      assert.equal(await upstreamKeyFor(none, "", new SecretsFile(join(dir, "missing.json"))), "");
    } finally {
      if (saved === undefined) delete process.env.AMP_API_KEY;
      else process.env.AMP_API_KEY = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
