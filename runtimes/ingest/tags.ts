import { parseFile, type IAudioMetadata } from "music-metadata";
import type { AudiobookTags } from "./placement";

/** Reads the tags that place an audiobook; throws when the file is not audio music-metadata can read. */
export async function readAudiobookTags(path: string): Promise<AudiobookTags> {
  const meta = await parseFile(path, { duration: false, skipCovers: true });
  // music-metadata reads almost anything without complaint; audio has a codec and a sample rate.
  if (!meta.format.sampleRate || !(meta.format.codec || meta.format.container)) throw new Error("no audio stream found");
  return audiobookTags(meta);
}

/**
 * Author is the album artist (audiobook taggers put the author there and the narrator in artist
 * or composer), else the artist; the book's title is the album (a track title is often "Chapter 1"),
 * else the title. Series as Audiobookshelf reads it: the movement name (MVNM, ©mvn) or a SERIES tag.
 */
export function audiobookTags(meta: IAudioMetadata): AudiobookTags {
  const c = meta.common;
  const native = Object.values(meta.native).flat();
  const nativeText = (...ids: string[]) => {
    const tag = native.find((t) => ids.includes(t.id.toUpperCase()));
    const value = tag && (typeof tag.value === "string" ? tag.value : (tag.value as { text?: string } | undefined)?.text);
    return typeof value === "string" && value.trim() ? value.trim() : undefined;
  };
  const series = c.movement ?? nativeText("TXXX:SERIES", "----:COM.APPLE.ITUNES:SERIES", "SERIES");
  const seriesIndex = (c.movementIndex?.no != null ? String(c.movementIndex.no) : undefined) ?? nativeText("TXXX:SERIES-PART", "----:COM.APPLE.ITUNES:SERIES-PART", "SERIES-PART");
  return {
    author: c.albumartist ?? c.artist ?? c.artists?.[0],
    title: c.album ?? c.title,
    series,
    seriesIndex,
  };
}
