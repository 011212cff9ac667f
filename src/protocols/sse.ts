/** Server-sent-event framing shared by the stream encoders. */

/** One SSE frame: optional `event:` line, one `data:` line, blank line. `data` must not contain newlines (JSON.stringify never emits raw ones). */
export function sseFrame(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

/** An SSE frame carrying `value` as JSON. */
export function sseJson(value: unknown, event?: string): string {
  return sseFrame(JSON.stringify(value), event);
}
