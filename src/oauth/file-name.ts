/**
 * A name part from an untrusted source (an email claim) made safe for a file name in
 * auth-dir: path separators, ':' and control characters become '_', everything else stays
 * (so names match the ones the Go original writes).
 */
export function fileNamePart(value: string): string {
  return value.trim().replace(/[/\\:\x00-\x1f\x7f]/g, "_");
}
