import bcrypt from "bcryptjs";
import {
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from "../../src/fake-upstream/server.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";

export { type Harness, waitFor } from "../helpers/harness.ts";

export const CLIENT_KEY = "client-key-amp-1";
export const CLIENT_KEY_2 = "client-key-amp-2";
export const AMP_KEY = "amp-upstream-secret";
export const MANAGEMENT_SECRET = "amp-management-secret";
/** Stored hashed, so the server never rewrites config.yaml to hash it while a test edits the file. */
const MANAGEMENT_HASH = bcrypt.hashSync(MANAGEMENT_SECRET, 4);

/** The proxy in front of one fake provider upstream, plus a second fake playing ampcode.com. */
export interface AmpHarness extends Harness {
  amp: FakeUpstream;
  /** Config text with `ampcode` replaced by `section` (YAML lines under `ampcode:`; "" = none). */
  configWith(section: string): string;
}

/** Local models: echo-model (OpenAI-compatible), claude-local (Claude), gemini-local (Gemini). */
export function ampTestConfig(providerUrl: string, dir: string, ampcode: string): string {
  return `host: "127.0.0.1"
port: 8317
auth-dir: "${dir}/auth"
logging-to-file: false
request-retry: 0
remote-management:
  secret-key: "${MANAGEMENT_HASH}"
api-keys:
  - "${CLIENT_KEY}"
  - "${CLIENT_KEY_2}"
openai-compatibility:
  - name: "fake"
    base-url: "${providerUrl}/v1"
    api-key-entries:
      - api-key: "key-openai"
    models:
      - name: "fake-echo"
        alias: "echo-model"
      - name: "fake-tool-call"
        alias: "tool-model"
claude-api-key:
  - api-key: "key-anthropic"
    base-url: "${providerUrl}"
    models:
      - name: "claude-fake-echo"
        alias: "claude-local"
gemini-api-key:
  - api-key: "key-gemini"
    base-url: "${providerUrl}"
    models:
      - name: "gemini-fake-echo"
        alias: "gemini-local"
${ampcode ? `ampcode:\n${ampcode}` : ""}
`;
}

/** `ampcode` lines for an upstream at `ampUrl` with the test's Amp key. */
export function ampSection(ampUrl: string, extra = ""): string {
  return `  upstream-url: "${ampUrl}"\n  upstream-api-key: "${AMP_KEY}"\n${extra}`;
}

export async function startAmp(section: (ampUrl: string) => string): Promise<AmpHarness> {
  const amp = await startFakeUpstream({ host: "127.0.0.1", port: 0 });
  let providerUrl = "";
  let dir = "";
  let h: Harness;
  try {
    h = await startHarness((url, d) => {
      providerUrl = url;
      dir = d;
      return ampTestConfig(url, d, section(amp.url));
    });
  } catch (err) {
    await amp.close();
    throw err;
  }
  return {
    ...h,
    amp,
    configWith: (s) => ampTestConfig(providerUrl, dir, s),
    close: async () => {
      await h.close();
      await amp.close();
    },
  };
}

/** Every header value the upstream saw, flattened, for "the client key never leaks" checks. */
export function headerValues(rec: RecordedRequest): string {
  return Object.values(rec.headers)
    .flatMap((v) => (Array.isArray(v) ? v : [v ?? ""]))
    .join("\n");
}

export const auth = (key = CLIENT_KEY) => ({ authorization: `Bearer ${key}` });
