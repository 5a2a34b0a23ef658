import { version } from "../../package.json";

/**
 * The ingest runtime's image tag. The deploy builds it on the server from the build context synth
 * writes to <out>/images/ingest (see constructs/image-context.ts). The `localhost/` registry means a
 * missing image is an error, never a pull of a stranger's image of the same name from Docker Hub;
 * the tag follows package.json, so a release is a new tag.
 */
export const INGEST_IMAGE = `localhost/shelfstack-ingest:${version}`;
