/** The small page the browser shows after the OAuth redirect lands on us. */
export function callbackPage(ok: boolean, message: string): string {
  const title = ok ? "Login successful" : "Login failed";
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${escaped}</p></body></html>`;
}
