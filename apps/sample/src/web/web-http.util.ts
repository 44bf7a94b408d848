/** The few Express request/response members the web part uses (no @types/express here). */
export interface WebRequest {
  originalUrl: string;
}

export interface WebResponse {
  status(code: number): WebResponse;
  setHeader(name: string, value: string): unknown;
  send(body: string | Buffer): unknown;
  redirect(status: number, url: string): unknown;
}

/**
 * Headers for every page and asset: scripts and styles only from this origin, no framing, no
 * caching (the page shows license data).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function sendWeb(res: WebResponse, status: number, contentType: string, body: string | Buffer): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  res.setHeader('Content-Type', contentType);
  res.status(status).send(body);
}
