/**
 * Credentials never reach a message: every runtime line that may hold a URL goes through these.
 * The whole userinfo goes (a user name alone can be a token, e.g. https://TOKEN@host).
 */

const HIDDEN = "***";

/** A URL with its userinfo replaced, safe to print; a string that does not parse loses it too. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = HIDDEN;
      u.password = "";
    }
    // Not every string URL parses as intended: "postgres:/u:pw@h" is an opaque path to it.
    return redactSecrets(u.toString());
  } catch {
    return redactSecrets(url);
  }
}

// scheme ":" any slashes, then everything up to the LAST "@" before the host: a password may hold
// a raw "@", and "postgres:/u:pw@h" (one slash) is a typo people make.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/*)[^\s/?#]*@(?=[^\s@]*(?:[\s/?#]|$))/gi;

/** Free text (an error message, a log line) with the userinfo of every URL in it replaced. */
export function redactSecrets(text: string): string {
  return text.replace(USERINFO, `$1${HIDDEN}@`);
}
