import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ModelRenamer, renameModelInBody } from "../src/proxy/model-rename.ts";

const STREAM =
  'data: {"id":"1","model":"up-model","choices":[]}\n\n' +
  'data: {"type":"message_start","message":{"model": "up-model","x":"\\"model\\" stays"}}\n\n' +
  'data: {"modelVersion":"up-model","text":"the word up-model alone stays"}\n\n';
const EXPECTED = STREAM.replace('"model":"up-model"', '"model":"alias"')
  .replace('"model": "up-model"', '"model": "alias"')
  .replace('"modelVersion":"up-model"', '"modelVersion":"alias"');

function run(chunks: Buffer[]): string {
  const r = new ModelRenamer("up-model", "alias");
  let out = "";
  for (const c of chunks) out += r.push(c).toString();
  out += r.end()?.toString() ?? "";
  return out;
}

describe("ModelRenamer", () => {
  it("renames the model keys in a stream, wherever the chunks split", () => {
    const bytes = Buffer.from(STREAM);
    assert.equal(run([bytes]), EXPECTED);
    for (let i = 1; i < bytes.length; i++) {
      assert.equal(run([bytes.subarray(0, i), bytes.subarray(i)]), EXPECTED, `split at ${i}`);
    }
  });

  it("hands back the very same buffer when nothing matches, and holds nothing after a frame end", () => {
    const r = new ModelRenamer("up-model", "alias");
    const chunk = Buffer.from('data: {"text":"hi"}\n\n');
    assert.equal(r.push(chunk), chunk);
    assert.equal(r.end(), undefined);
  });

  it("renames a whole JSON body", () => {
    assert.equal(
      renameModelInBody('{"model":"up-model","n":1}', "up-model", "alias"),
      '{"model":"alias","n":1}',
    );
    assert.equal(renameModelInBody('{"n":1}', "up-model", "alias"), '{"n":1}');
  });

  it("renames every model and modelVersion value, pretty-printed or not, and nothing else", () => {
    const body =
      '{\n  "model" : "up-model",\n  "text": "\\"up-model\\" is me",\n  "note":"up-model",\n  "r": [{"modelVersion":"up-model"}]\n}';
    assert.equal(
      renameModelInBody(body, "up-model", "my/alias"),
      '{\n  "model" : "my/alias",\n  "text": "\\"up-model\\" is me",\n  "note":"up-model",\n  "r": [{"modelVersion":"my/alias"}]\n}',
    );
    assert.deepEqual(JSON.parse(renameModelInBody(body, "up-model", "my/alias")).r, [
      { modelVersion: "my/alias" },
    ]);
  });
});
