import { version } from "../../package.json";

/**
 * The jobs runtime's image, built from this repository on the server (README, "Nightly jobs"):
 *   DOCKER_HOST=ssh://… docker build -f runtimes/jobs/Dockerfile -t localhost/shelfstack-jobs:<version> .
 * The docker provider uses an image it finds locally and pulls only when it is missing; the
 * `localhost/` registry means a missing image fails the apply instead of pulling a stranger's
 * image of the same name from Docker Hub. The tag follows package.json, so a release is a new tag.
 */
export const JOBS_IMAGE = `localhost/shelfstack-jobs:${version}`;
