/** The contract every generation surface (one provider wire format) fulfils. */
import type { AnswerPlan } from "./answer.ts";
import type { Conversation } from "./conversation.ts";
import type { Dialect } from "./errors.ts";
import type { FakeCall } from "./scenarios.ts";

export interface GenerationSurface {
  dialect: Dialect;
  /** Summarises the request body for the fake model. */
  read(body: any): Conversation;
  /** The whole (non-stream) response body. */
  reply(plan: AnswerPlan, call: FakeCall): unknown;
  /** The streamed response, one wire frame per item, terminal event included. */
  frames(plan: AnswerPlan, call: FakeCall): Iterable<string>;
  streamContentType(call: FakeCall): string;
}
