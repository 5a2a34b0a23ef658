import { EXIT, failure, loadFromArgs, parse, UsageError, type Command } from "../cli";
import { runBootstrap } from "../../runtimes/jobs/bootstrap";
import { redactSecrets } from "../../runtimes/redact";

const HELP = `usage: shelfstack bootstrap [-c stack.yaml] [--url http://127.0.0.1:80] [--keys-dir dir] [--timeout seconds]

Brings Audiobookshelf to the state stack.yaml declares, through its API: the root user (password
from the environment variable audiobookshelf.rootPassword names), the ebook and audiobook
libraries, and one API key per client (abs-opds, shelfbridge, ingest, etl), each written to
<keys dir>/<client>/api-key for that client's container to read. The jobs container runs it at
every start; running it again changes nothing. Waits for Audiobookshelf to answer first.

  --url       Audiobookshelf's address (default: $ABS_URL, else http://127.0.0.1:80)
  --keys-dir  where the key files go (default: $ABS_KEYS_DIR, else <paths.appdata>/abs-keys)
  --timeout   seconds to wait for Audiobookshelf (default: audiobookshelf.bootstrapTimeoutSeconds)

Exit 0: the server is in the declared state. 1: it could not be reached or logged into, or a
library differs from stack.yaml (listed; shelfstack never changes an existing library). 2: a bug.`;

const command: Command = async (args) => {
  const { values } = parse(
    args,
    {
      config: { type: "string", short: "c" },
      url: { type: "string" },
      "keys-dir": { type: "string" },
      timeout: { type: "string" },
    },
    HELP,
  );
  const config = loadFromArgs(values.config);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) {
    return failure(new UsageError(`--timeout wants a number of seconds, got "${values.timeout}"`), { prefix: "shelfstack bootstrap" });
  }
  const log = (line: string) => console.error(`bootstrap: ${redactSecrets(line)}`);
  try {
    const report = await runBootstrap(config, { url: values.url, keysDir: values["keys-dir"], timeoutSeconds: timeout, log });
    if (report.differences.length) {
      console.error(`bootstrap: ${report.differences.length} difference(s) from stack.yaml left as they are (listed above)`);
      return EXIT.invalid;
    }
    log(report.changes.length ? `done: ${report.changes.length} change(s)` : "nothing to do: Audiobookshelf is as stack.yaml declares");
    return EXIT.ok;
  } catch (error) {
    return failure(error, { prefix: "shelfstack bootstrap", redact: true });
  }
};
export default command;
