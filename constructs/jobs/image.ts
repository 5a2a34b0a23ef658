import { version } from "../../package.json";

/**
 * The jobs runtime's image tag. The deploy builds it on the server from the build context synth
 * writes to <out>/images/jobs (see constructs/image-context.ts). The `localhost/` registry means a
 * missing image is an error, never a pull of a stranger's image of the same name from Docker Hub;
 * the tag follows package.json, so a release is a new tag.
 */
export const JOBS_IMAGE = `localhost/shelfstack-jobs:${version}`;
