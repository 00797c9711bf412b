/**
 * The CLI never prints a token: terminals get shared, recorded and pasted into issues. Every
 * line that may carry one (the banner, errors, `--verbose` lines) goes through {@link maskSecrets}.
 */

const TOKEN_PARAM = /([?&]token=)[^&#\s'"]*/gi;
const PASSWORD = /(\/\/[^/:@\s]*):[^/@\s]*@/g;

/**
 * `text` with `***` for every `token=` query value, the password of a URL, and every given
 * secret (raw or percent-encoded). Works on any text, a URL that does not parse included.
 */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let masked = text.replace(TOKEN_PARAM, '$1***').replace(PASSWORD, '$1:***@');
  for (const secret of secrets) {
    if (secret === undefined || secret === '') continue;
    for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ t: secret }).toString().slice(2)])) {
      masked = masked.split(form).join('***');
    }
  }
  return masked;
}

/** The `token` query value of a URL as written (to mask it where it appears without `token=`). */
export function tokenOf(url: string | undefined): string | undefined {
  return url === undefined ? undefined : /[?&]token=([^&#]*)/i.exec(url)?.[1];
}
