import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { canonicalDeviceId, deviceIdFromDigest } from "./device-id";
import { StackError } from "./load";
import type { StackConfig } from "./resolve";

/** Where the key pair sits in Syncthing's home, by Syncthing's own file names. */
export const IDENTITY_FILES = { certificate: "cert.pem", key: "key.pem" } as const;

/** The device ID Syncthing shows for a certificate: it hashes the DER bytes, nothing else. */
export function deviceIdOfCertificate(pem: string): string {
  const der = new X509Certificate(pem).raw;
  return deviceIdFromDigest(createHash("sha256").update(der).digest());
}

/** The server's declared identity, ready for the deploy to place before Syncthing's first start. */
export interface ServerIdentity {
  readonly deviceId: string;
  /** The public certificate (cert.pem): safe in the output and in Terraform state. */
  readonly certificatePem: string;
  /**
   * The private key's path on the machine that deploys, as written in stack.yaml (`~/` kept, so
   * no path of this machine lands in the output). Terraform uploads it from there, which keeps
   * the key out of the state; compose bind-mounts it from the same path on the server.
   */
  readonly keyFile: string;
}

const problem = (path: string, message: string) => new StackError("stack.yaml", [{ path, message }]);

/**
 * Reads and checks `syncthing.identity`: the certificate exists, is a certificate, and is the one
 * `syncthing.serverId` names; the key lives outside the repository. Undefined when not declared.
 */
export function serverIdentity(config: StackConfig): ServerIdentity | undefined {
  const identity = config.syncthing.identity;
  if (!identity) return undefined;
  const stackDir = config.source ? dirname(resolve(config.source.file)) : process.cwd();
  const certPath = resolve(stackDir, identity.certificate);
  if (!existsSync(certPath)) {
    throw problem(
      "syncthing.identity.certificate",
      `${identity.certificate}: no such file beside stack.yaml — run \`shelfstack syncthing identity\` to make the server's identity, or remove syncthing.identity`,
    );
  }
  const certificatePem = readFileSync(certPath, "utf8");
  let deviceId: string;
  try {
    deviceId = deviceIdOfCertificate(certificatePem);
  } catch {
    throw problem("syncthing.identity.certificate", `${identity.certificate} is not a PEM certificate — use the cert.pem that \`shelfstack syncthing identity\` wrote`);
  }
  if (!config.syncthing.serverId || canonicalDeviceId(config.syncthing.serverId) !== deviceId) {
    throw problem(
      "syncthing.serverId",
      `does not match ${identity.certificate}, whose device ID is ${deviceId} — write that ID here (the readers must list the ID the server will really have)`,
    );
  }
  const keyOnDisk = identity.keyFile.replace(/^~(?=\/)/, process.env.HOME ?? "~");
  if (isAbsolute(keyOnDisk) && !relative(stackDir, keyOnDisk).startsWith("..")) {
    throw problem(
      "syncthing.identity.keyFile",
      `${identity.keyFile} is inside the stack's directory, where it would be committed — move the private key outside it (e.g. ~/.config/shelfstack/) and write that path here`,
    );
  }
  return { deviceId, certificatePem, keyFile: identity.keyFile };
}
