import { version } from "../../package.json";

/**
 * The ingest runtime's image, built from this repository on the server (README, "Ingest"):
 *   DOCKER_HOST=ssh://… docker build -f runtimes/ingest/Dockerfile -t localhost/shelfstack-ingest:<version> .
 * Same convention as the jobs image: `localhost/` so a missing image fails the apply instead of
 * pulling someone else's image of that name, and the tag follows package.json.
 */
export const INGEST_IMAGE = `localhost/shelfstack-ingest:${version}`;
