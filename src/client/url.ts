/**
 * Puts `token` into the URL's query string with the URL API: other parameters are kept, an
 * existing `token` is replaced, the value is percent-encoded.
 */
export function withToken(url: string, token: string | undefined): string {
  if (token === undefined) return url;
  const parsed = new URL(url);
  parsed.searchParams.set('token', token);
  return parsed.toString();
}
