/**
 * Frames Responses stream events: numbers them (`sequence_number`), hands out output indexes and
 * remembers each finished output item for the final response object.
 */
import { sseJson } from "../sse.ts";
import type { OutputItem } from "./output-items.ts";

export class ResponseEventWriter {
  #seq = 0;
  /** Output items by output_index; items still open leave a hole until they finish. */
  readonly #output: OutputItem[] = [];

  /** One SSE frame: `event: <type>` and the event JSON with its sequence number. */
  emit(type: string, fields: Record<string, unknown>): string {
    return sseJson({ type, sequence_number: this.#seq++, ...fields }, type);
  }

  /** The output_index of a new item. */
  reserveIndex(): number {
    const index = this.#output.length;
    this.#output.length = index + 1;
    return index;
  }

  added(outputIndex: number, item: OutputItem): string {
    return this.emit("response.output_item.added", { output_index: outputIndex, item });
  }

  done(outputIndex: number, item: OutputItem): string {
    this.#output[outputIndex] = item;
    return this.emit("response.output_item.done", { output_index: outputIndex, item });
  }

  /** Records an item for the final response without announcing it (unfinished items of a failed response). */
  record(outputIndex: number, item: OutputItem): void {
    this.#output[outputIndex] = item;
  }

  /** The recorded items in output order. */
  items(): OutputItem[] {
    return this.#output.filter((item) => item !== undefined);
  }
}
