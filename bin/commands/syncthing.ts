import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadStack } from "../../config/load";
import { EXIT, parse, UsageError, type Command } from "../cli";
import { defaultKeyFile, generateIdentity, withIdentity, writeIdentityFiles } from "../syncthing-identity";

const HELP = `usage: shelfstack syncthing identity [-c stack.yaml] [--key-file PATH] [--replace]

Makes the server's Syncthing identity before its first deploy, so the first synth already writes
each reader's config.xml and SETUP.md with the server in them:
  - the key pair Syncthing uses (ECDSA P-384, as Syncthing makes it);
  - its certificate beside stack.yaml (syncthing-server-cert.pem: public, commit it);
  - its private key to --key-file, outside the repository (default
    ~/.config/shelfstack/<hostname>-syncthing-key.pem, mode 0600: keep it, never commit it);
  - syncthing.serverId and syncthing.identity in stack.yaml.
The deploy puts both in the server's Syncthing home before Syncthing starts.
  --replace   make a new identity although stack.yaml has one or names the server's ID (the
              server's ID changes: every reader must then re-add the server)`;

const syncthing: Command = async (args) => {
  const { values, positionals } = parse(args, { config: { type: "string", short: "c" }, "key-file": { type: "string" }, replace: { type: "boolean" } }, HELP);
  const [sub, ...extra] = positionals;
  if (sub !== "identity" || extra.length) throw new UsageError(`${sub ? `unknown subcommand "${[sub, ...extra].join(" ")}"` : "say what to do"}\n\n${HELP}`);
  // Never the bundled example: this writes to the stack it reads.
  const file = values.config ?? "stack.yaml";
  if (!existsSync(file)) throw new UsageError(`${file}: no such file — run \`shelfstack init\` first, or give -c stack.yaml`);
  const config = loadStack(file);
  if (config.syncthing.identity && !values.replace) {
    throw new UsageError(`${file} already has syncthing.identity (server ${config.syncthing.serverId}) — keep it, or give --replace to make a new one`);
  }
  if (config.syncthing.serverId && !config.syncthing.identity && !values.replace) {
    throw new UsageError(
      `${file} already names the server's ID (${config.syncthing.serverId}), which the server made itself — a new identity changes it, and every reader must then re-add the server; give --replace to do that`,
    );
  }
  const keyFile = values["key-file"] ?? defaultKeyFile(config.server.hostname);
  if (!/^(\/|~\/)/.test(keyFile)) throw new UsageError(`--key-file ${keyFile}: write an absolute path or one starting with ~/ (the key lives outside the repository)`);
  const identity = await generateIdentity();
  writeIdentityFiles(identity, dirname(resolve(file)), keyFile);
  writeFileSync(file, withIdentity(readFileSync(file, "utf8"), identity, keyFile));
  console.log(`server Syncthing device ID: ${identity.deviceId}`);
  console.error(`wrote ${keyFile} (the private key: keep it, never commit it), syncthing-server-cert.pem and ${file}; synth again`);
  return EXIT.ok;
};
export default syncthing;
