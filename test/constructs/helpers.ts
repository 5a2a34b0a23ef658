import { TerraformStack, Testing } from "cdktf";
import type { IConstruct } from "constructs";
import { Container } from "../../constructs/container";
import { RenderedFile } from "../../constructs/rendered-file";

/** What Testing.synth gives for the resources and variables these tests read. */
export interface Synthesized {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly variable?: Record<string, { sensitive?: boolean; default?: string }>;
}

/** An empty stack to build one construct in, as cdk8s-plus tests do: nothing of stack.yaml. */
export function bareStack(): TerraformStack {
  return new TerraformStack(Testing.app(), "t");
}

/** A stand-in for the Tailscale sidecar: a container others join the network namespace of. */
export function network(stack: TerraformStack): Container {
  return new Container(stack, "Net", { name: "net", image: "example/net:1" });
}

export function synthesize(stack: TerraformStack): Synthesized {
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

/** A container's docker_container resource, by the container's name. */
export function terraformContainer(json: Synthesized, name: string): Record<string, unknown> {
  const found = Object.values(json.resource.docker_container ?? {}).find((c) => c.name === name);
  if (!found) throw new Error(`no docker_container named ${name}`);
  return found;
}

/** Every rendered file below scope: path → content. */
export function renderedFiles(scope: IConstruct): Map<string, string> {
  return new Map(RenderedFile.all(scope).map((f) => [f.path, f.content]));
}

/** The env list of a docker_container as a record (NAME=value). */
export function envOf(container: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(((container.env as string[] | undefined) ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}
