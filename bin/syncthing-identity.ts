import "reflect-metadata"; // @peculiar/x509's dependency injection needs it loaded first
import { createPrivateKey, randomBytes, webcrypto } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, relative, resolve } from "node:path";
import * as x509 from "@peculiar/x509";
import { parseDocument } from "yaml";
import { deviceIdOfCertificate } from "../config/syncthing-identity";
import { UsageError } from "./errors";

/** Syncthing's own device certificates: 20 years, CN "syncthing", ECDSA P-384 signed with SHA-256. */
const LIFETIME_DAYS = 20 * 365;
const COMMON_NAME = "syncthing";
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Identity {
  readonly deviceId: string;
  readonly certificatePem: string;
  readonly keyPem: string;
}

/** A key pair as `syncthing generate` makes it, so the server cannot tell the difference. */
export async function generateIdentity(now = new Date()): Promise<Identity> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign", "verify"]);
  const notBefore = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    // A positive 63-bit serial, like Syncthing's random uint64 (DER integers are signed).
    serialNumber: (randomBytes(8)[0] & 0x7f).toString(16).padStart(2, "0") + randomBytes(7).toString("hex"),
    name: `CN=${COMMON_NAME}, O=Syncthing, OU=Automatically Generated`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"],
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: COMMON_NAME }]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  // Syncthing writes its key as "EC PRIVATE KEY" (SEC 1); Go reads both, this matches it.
  const keyPem = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({ type: "sec1", format: "pem" }).toString();
  const certificatePem = certificate.toString("pem") + "\n";
  return { deviceId: deviceIdOfCertificate(certificatePem), certificatePem, keyPem };
}

/** The certificate's file name beside stack.yaml. */
export const CERTIFICATE_FILE = "syncthing-server-cert.pem";

/** Where the key goes unless told: the user's config directory, outside any repository. */
export function defaultKeyFile(hostname: string): string {
  return `~/.config/shelfstack/${hostname}-syncthing-key.pem`;
}

export function expandHome(path: string): string {
  return path.startsWith("~/") ? resolve(process.env.HOME || homedir(), path.slice(2)) : resolve(path);
}

/**
 * Writes the key (mode 0600, refusing to replace one) and the certificate beside stack.yaml.
 * The key first: if it cannot be written, nothing else is.
 */
export function writeIdentityFiles(identity: Identity, stackDir: string, keyFile: string): void {
  const key = expandHome(keyFile);
  if (!relative(resolve(stackDir), key).startsWith(".."))
    throw new UsageError(`${keyFile} is inside the stack's directory, where it would be committed — give a --key-file outside it`);
  if (existsSync(key)) throw new UsageError(`${keyFile} already exists — it may be another server's key; give another --key-file or move it away`);
  mkdirSync(dirname(key), { recursive: true, mode: 0o700 });
  writeFileSync(key, identity.keyPem, { mode: 0o600, flag: "wx" });
  chmodSync(key, 0o600);
  writeFileSync(resolve(stackDir, CERTIFICATE_FILE), identity.certificatePem);
}

/** Sets syncthing.serverId and syncthing.identity in a stack.yaml's text, keeping its comments and order. */
export function withIdentity(text: string, identity: Identity, keyFile: string): string {
  const doc = parseDocument(text);
  doc.setIn(["syncthing", "serverId"], identity.deviceId);
  doc.setIn(["syncthing", "identity"], doc.createNode({ certificate: CERTIFICATE_FILE, keyFile }));
  return doc.toString({ lineWidth: 0 });
}
