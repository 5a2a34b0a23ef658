import type { AbsApi, AbsApiKey } from "./abs-api";
import type { DeclaredState } from "./declared";
import type { KeyFiles } from "./key-files";

/** The `keyId` an Audiobookshelf API key (a JWT: `{keyId, name, type: "api"}`) names, or undefined. */
export function apiKeyId(key: string): string | undefined {
  const parts = key.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { keyId?: unknown; type?: unknown };
    return payload.type === "api" && typeof payload.keyId === "string" ? payload.keyId : undefined;
  } catch {
    return undefined;
  }
}

/** Why the key on disk can't be kept, or undefined when it can (pending the server's own check). */
function unusable(onDisk: string | undefined, named: readonly AbsApiKey[], userId: string, now: number): string | undefined {
  if (!onDisk) return "no key file yet";
  const id = apiKeyId(onDisk);
  if (!id) return "the key file holds no Audiobookshelf API key";
  const listed = named.find((k) => k.id === id);
  if (!listed) return "its key is no longer on the server";
  if (!listed.isActive) return "its key was deactivated";
  if (listed.expiresAt && Date.parse(listed.expiresAt) <= now) return "its key expired";
  if (listed.userId !== userId) return "its key belongs to another user";
  return undefined;
}

/**
 * One key per client, named `shelfstack <client>`, owned by the bootstrap's user, its value in
 * the client's key file. A key is kept while its file still holds it and the server accepts it;
 * otherwise a new one is created and written before the old ones are deleted, so a run killed at
 * any point leaves at worst an extra key that the next run deletes. Keys of clients disabled in
 * stack.yaml are revoked and their files removed.
 */
export async function reconcileKeys(api: AbsApi, token: string, userId: string, declared: DeclaredState, files: KeyFiles, note: (change: string) => void): Promise<void> {
  const existing = await api.apiKeys(token);
  for (const { client, keyName } of declared.keys) {
    const named = existing.filter((k) => k.name === keyName);
    const onDisk = files.read(client);
    let why = unusable(onDisk, named, userId, Date.now());
    if (!why && !(await api.accepts(onDisk!))) why = "the server refuses its key";
    let keepId = why ? undefined : apiKeyId(onDisk!);
    if (why) {
      const created = await api.createApiKey(token, keyName, userId);
      if (!(await api.accepts(created.apiKey))) {
        throw new Error(`Audiobookshelf created the API key "${keyName}" but does not accept it (isActive: ${String(created.isActive)})`);
      }
      files.write(client, created.apiKey);
      keepId = created.id;
      note(`created the API key "${keyName}" (${why}) and wrote it to ${files.path(client)}`);
    }
    for (const stale of named.filter((k) => k.id !== keepId)) {
      await api.deleteApiKey(token, stale.id);
      note(`deleted the API key "${keyName}" ${stale.id}, which no client holds any more`);
    }
  }
  for (const { client, keyName } of declared.revokedKeys) {
    for (const stale of existing.filter((k) => k.name === keyName)) {
      await api.deleteApiKey(token, stale.id);
      note(`deleted the API key "${keyName}" ${stale.id}: ${client} is disabled in stack.yaml`);
    }
    if (files.remove(client)) note(`removed ${files.path(client)}: ${client} is disabled in stack.yaml`);
  }
}
