/**
 * One WebSocket client event (`response.create` / `response.append`) -> the body of an ordinary
 * streamed POST /v1/responses: transport-only fields dropped, a known `previous_response_id`
 * expanded into the full input history from the socket's memory.
 */
import { ProxyError } from "./errors.ts";
import type { ResponseMemory } from "./ws-memory.ts";

/** What a turn sends upstream. */
export interface PreparedTurn {
  /** The request body (`stream: true`) and its JSON text. */
  body: Record<string, any>;
  text: string;
  /** The full input item list in `body.input`. */
  input: unknown[];
  model: string;
  /** Approximate bytes of the history taken from memory (0 for a self-contained request). */
  historyBytes: number;
  /** `generate: false`: warm-up only, answered locally without calling upstream. */
  warmup: boolean;
}

export const CREATE_EVENT = "response.create";
/** The Go original's continuation event: new input for the lane's last response. */
export const APPEND_EVENT = "response.append";

/**
 * Builds the upstream body for `event` (already known to be a create or append). Throws a
 * ProxyError (400) for what the API would refuse.
 */
export function prepareTurn(event: Record<string, any>, memory: ResponseMemory, lane: string): PreparedTurn {
  // Fields of the WebSocket envelope, never sent upstream.
  const {
    type,
    stream_id: _streamId,
    generate,
    previous_response_id: previousId,
    stream: _stream,
    background,
    ...body
  } = event;
  if (background === true) {
    throw new ProxyError(400, "background responses are not supported over WebSocket", {
      code: "unsupported_parameter",
    });
  }
  let input = inputItems(body.input);
  let historyBytes = 0;

  const previous = type === APPEND_EVENT ? memory.lastOnLane(lane) : previousId;
  if (previous !== undefined && previous !== null && previous !== "") {
    if (typeof previous !== "string") {
      throw new ProxyError(400, "previous_response_id must be a string", { code: "invalid_type" });
    }
    const prior = memory.get(previous);
    if (prior === undefined) {
      throw new ProxyError(400, `Previous response with id '${previous}' not found.`, {
        code: "previous_response_not_found",
      });
    }
    input = [...prior.context, ...prior.output, ...input];
    historyBytes = prior.totalBytes;
    // As the Go original does: a continuation may leave out what stays the same.
    if (body.model === undefined) body.model = prior.model;
    if (body.instructions === undefined && prior.instructions !== undefined) {
      body.instructions = prior.instructions;
    }
  } else if (type === APPEND_EVENT) {
    throw new ProxyError(400, "response.append needs an earlier response on this socket", {
      code: "previous_response_not_found",
    });
  }

  if (typeof body.model !== "string" || body.model.trim() === "") {
    throw new ProxyError(400, "Missing required field 'model'", { code: "missing_model" });
  }
  body.input = input;
  body.stream = true;
  return {
    body,
    text: JSON.stringify(body),
    input,
    model: body.model,
    historyBytes,
    warmup: generate === false,
  };
}

/** `input` as a list of items: a bare string is one user message. */
function inputItems(input: unknown): unknown[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  if (Array.isArray(input)) return input;
  throw new ProxyError(400, "input must be a string or an array of items", { code: "invalid_type" });
}

/** Output items as input for the next turn. Ids go: items are not stored, and with `store: false` upstream refuses ids it does not know. */
export function outputAsInput(output: unknown): unknown[] {
  if (!Array.isArray(output)) return [];
  const items: unknown[] = [];
  for (const item of output) {
    if (item === null || typeof item !== "object") continue;
    const { id: _id, ...rest } = item as Record<string, unknown>;
    items.push(rest);
  }
  return items;
}
