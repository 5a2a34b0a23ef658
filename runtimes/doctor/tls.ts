import { connect } from "node:tls";
import { fail, pass, reason, unchecked, type Check } from "./check";
import { isUnreachable } from "./http";

/** The tailnet HTTPS name answers with a certificate Node trusts for that name (Tailscale's Let's Encrypt certificate). */
export function checkCertificate(host: string, port = 443, timeoutMs = 5000): Promise<Check> {
  const name = "https certificate";
  return new Promise((resolve) => {
    const socket = connect({ host, port, servername: host, rejectUnauthorized: false, timeout: timeoutMs });
    const done = (check: Check) => {
      socket.destroy();
      resolve(check);
    };
    socket.on("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      const until = cert?.valid_to ? new Date(cert.valid_to).toISOString().slice(0, 10) : "unknown";
      if (socket.authorized) done(pass(name, `https://${host}${port === 443 ? "" : `:${port}`} has a valid certificate (until ${until})`));
      else
        done(
          fail(
            name,
            `https://${host} answers with a certificate that does not verify: ${socket.authorizationError}`,
            "turn on HTTPS certificates in the tailnet's DNS settings and restart the tailscale container",
          ),
        );
    });
    socket.on("timeout", () => done(unchecked(name, `no answer from ${host}:${port} within ${timeoutMs / 1000} s`, "join the tailnet (tailscale up) and run again")));
    socket.on("error", (error) =>
      done(
        isUnreachable(error)
          ? unchecked(name, `no network path to ${host}:${port} (${reason(error)})`, "join the tailnet (tailscale up), or run doctor on the laptop")
          : fail(name, `${host}:${port}: ${reason(error)}`, "is tailscale serve running? docker logs tailscale"),
      ),
    );
  });
}
