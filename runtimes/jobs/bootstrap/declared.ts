import { ABS_KEY_CLIENTS, ABS_LIBRARY_PATHS, absKeyHandoffs, absKeyName, type AbsKeyClient } from "../../../config/abs-keys";
import type { StackConfig } from "../../../config/resolve";
import type { NewLibrary } from "./abs-api";

/**
 * Metadata sources, later wins. Audiobookshelf's default puts `absMetadata` (a metadata.json in
 * the book folder) last; shelfstack puts Calibre's `metadata.opf` last, since Calibre is where
 * ebook metadata is kept and a stray metadata.json must not override it.
 */
export const METADATA_PRECEDENCE = ["folderStructure", "audioMetatags", "nfoFile", "txtFiles", "absMetadata", "opfFile"] as const;

/** The Audiobookshelf state stack.yaml declares: what the bootstrap brings the server to. */
export interface DeclaredState {
  readonly rootUser: string;
  readonly libraries: readonly NewLibrary[];
  /** Clients that get a key, with the key's name. */
  readonly keys: readonly { readonly client: AbsKeyClient; readonly keyName: string }[];
  /** Key names of clients disabled in stack.yaml: keys left from when they were enabled are revoked. */
  readonly revokedKeys: readonly { readonly client: AbsKeyClient; readonly keyName: string }[];
}

export function declaredState(config: StackConfig): DeclaredState {
  const abs = config.audiobookshelf;
  const library = (name: string, fullPath: string): NewLibrary => ({
    name,
    mediaType: "book",
    folders: [{ fullPath }],
    settings: { metadataPrecedence: [...METADATA_PRECEDENCE] },
  });
  const keys = absKeyHandoffs(config).map(({ client, keyName }) => ({ client, keyName }));
  const enabled = new Set(keys.map((k) => k.client));
  return {
    rootUser: abs.rootUser,
    libraries: [library(abs.ebookLibraryName, ABS_LIBRARY_PATHS.ebooks), library(abs.audiobookLibraryName, ABS_LIBRARY_PATHS.audiobooks)],
    keys,
    revokedKeys: ABS_KEY_CLIENTS.filter((c) => !enabled.has(c)).map((client) => ({ client, keyName: absKeyName(client) })),
  };
}
