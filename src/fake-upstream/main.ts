/** CLI: `node src/fake-upstream/main.ts [--host H] [--port P] [--no-record]` (default 127.0.0.1:8318). */
import { parseArgs } from "node:util";
import { startFakeUpstream } from "./server.ts";

const USAGE = "usage: node src/fake-upstream/main.ts [--host HOST] [--port PORT] [--no-record]";

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8318" },
    "no-record": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}\n${USAGE}`);
  process.exit(2);
}

const upstream = await startFakeUpstream({ host: values.host, port, record: !values["no-record"] });
console.log(`fake upstream listening on ${upstream.url}`);

async function shutdown(): Promise<void> {
  await upstream.close();
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
