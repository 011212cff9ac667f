import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfigText } from "../../src/config/index.ts";
import { CooldownTracker, cooldownPolicy } from "../../src/credentials/cooldown.ts";
import { credentialsFromConfig } from "../../src/credentials/from-config.ts";

const MIN = 60_000;
const T0 = 1_000_000;

function configFrom(yaml: string) {
  return parseConfigText(yaml).config;
}

describe("CooldownTracker", () => {
  it("429 without a hint backs off 1 s, 2 s, 4 s ... up to 30 minutes", () => {
    const t = new CooldownTracker();
    const seen: number[] = [];
    for (let i = 0; i < 14; i++) seen.push(t.fail("k", "m", 429, undefined, T0));
    assert.deepEqual(seen.slice(0, 4), [1000, 2000, 4000, 8000]);
    assert.equal(seen.at(-1), 30 * MIN);
    assert.equal(t.remaining("k", "m", T0), 30 * MIN);
  });

  it("a reset hint sets the cooldown exactly, even after a long backoff", () => {
    const t = new CooldownTracker();
    for (let i = 0; i < 12; i++) t.fail("k", "m", 429, undefined, T0);
    assert.equal(t.fail("k", "m", 429, 3000, T0), 3000);
    assert.equal(t.remaining("k", "m", T0 + 2999), 1);
    assert.equal(t.remaining("k", "m", T0 + 3000), 0);
  });

  it("401/403 cool 30 min, 404 12 h, 408/5xx 60 s, other statuses not at all", () => {
    const t = new CooldownTracker();
    assert.equal(t.fail("a", "m", 401, undefined, T0), 30 * MIN);
    assert.equal(t.fail("b", "m", 403, undefined, T0), 30 * MIN);
    assert.equal(t.fail("c", "m", 404, undefined, T0), 12 * 60 * MIN);
    assert.equal(t.fail("d", "m", 500, undefined, T0), MIN);
    assert.equal(t.fail("e", "m", 503, undefined, T0), MIN);
    assert.equal(t.fail("f", "m", 408, undefined, T0), MIN);
    assert.equal(t.fail("g", "m", 400, undefined, T0), 0);
    assert.equal(t.remaining("g", "m", T0), 0);
  });

  it("is per (credential, model), and success clears it along with the backoff", () => {
    const t = new CooldownTracker();
    t.fail("k", "m", 429, undefined, T0);
    t.fail("k", "m", 429, undefined, T0);
    assert.ok(t.remaining("k", "m", T0) > 0);
    assert.equal(t.remaining("k", "other", T0), 0);
    assert.equal(t.remaining("other", "m", T0), 0);
    t.succeed("k", "m");
    assert.equal(t.remaining("k", "m", T0), 0);
    assert.equal(t.fail("k", "m", 429, undefined, T0), 1000, "backoff starts over");
  });

  it("lists active cooldowns", () => {
    const t = new CooldownTracker();
    t.fail("k", "m", 429, 5000, T0);
    t.fail("k", "gone", 429, 10, T0);
    assert.deepEqual(t.active(T0 + 100), [{ credentialId: "k", model: "m", until: T0 + 5000, status: 429 }]);
  });
});

describe("cooldown policy from config", () => {
  const yaml = (extra: string, keyExtra = "") => `${extra}
claude-api-key:
  - api-key: "first"
${keyExtra}
  - api-key: "second"
`;

  it("transient-error-cooldown-seconds: 0 keeps 60 s, positive sets it, negative turns it off", () => {
    for (const [setting, expected] of [
      [0, MIN],
      [5, 5000],
      [-1, 0],
    ] as const) {
      const config = configFrom(yaml(`transient-error-cooldown-seconds: ${setting}`));
      const t = new CooldownTracker();
      t.configure(cooldownPolicy(config, credentialsFromConfig(config)));
      assert.equal(t.fail("x", "m", 502, undefined, T0), expected, `setting ${setting}`);
      assert.equal(t.fail("y", "m", 429, 2000, T0), 2000, "429 is not a transient error");
    }
  });

  it("disable-cooling globally, with a key that opts back in", () => {
    const config = configFrom(yaml("disable-cooling: true", "    disable-cooling: false"));
    const creds = credentialsFromConfig(config);
    const t = new CooldownTracker();
    t.configure(cooldownPolicy(config, creds));
    const [first, second] = creds;
    assert.ok(t.fail(first.id, "m", 429, 5000, T0) > 0, "the key's own setting wins");
    assert.equal(t.fail(second.id, "m", 429, 5000, T0), 0);
    assert.equal(t.remaining(second.id, "m", T0), 0);
  });

  it("turning cooling off on reload releases existing cooldowns", () => {
    const on = configFrom(yaml(""));
    const creds = credentialsFromConfig(on);
    const t = new CooldownTracker();
    t.configure(cooldownPolicy(on, creds));
    t.fail(creds[0].id, "m", 429, 60_000, T0);
    assert.ok(t.remaining(creds[0].id, "m", T0) > 0);
    const off = configFrom(yaml("disable-cooling: true"));
    t.configure(cooldownPolicy(off, credentialsFromConfig(off)));
    assert.equal(t.remaining(creds[0].id, "m", T0), 0);
  });
});
