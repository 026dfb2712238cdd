// One balancer per service object of a snapshot (snapshots are immutable, so a config change starts fresh
// counters and a fresh ring), and the consistent-hash key of a request.

import type { CompiledService } from "../../contract";
import { consistentHash } from "./consistent-hash";
import { leastOutstanding } from "./least-outstanding";
import { roundRobin } from "./round-robin";
import type { Balancer } from "./types";
import { smoothWeighted } from "./weighted";

export { acquire, outstanding } from "./least-outstanding";
export type { Balancer } from "./types";

const balancers = new WeakMap<CompiledService, Balancer>();

/**
 * The service's balancer, built on first use and kept with the (immutable) service object.
 *
 * @example balancerOf(service).order(eligible, hashKey(service, request, clientIp))
 */
export function balancerOf(service: CompiledService): Balancer {
  let balancer = balancers.get(service);
  if (!balancer) {
    balancer =
      service.algorithm === "weighted"
        ? smoothWeighted()
        : service.algorithm === "least-outstanding"
          ? leastOutstanding()
          : service.algorithm === "consistent-hash"
            ? consistentHash(service.targets, roundRobin())
            : roundRobin();
    balancers.set(service, balancer);
  }
  return balancer;
}

/** The value of cookie `name` in a Cookie header, or null. */
function cookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * What a consistent-hash service hashes for this request (header, cookie or client IP), or null (another
 * algorithm, or the value is absent: the request is then balanced round-robin).
 *
 * @example hashKey(service, request, "203.0.113.7")
 */
export function hashKey(service: CompiledService, request: Request, clientIp: string): string | null {
  const on = service.hashOn;
  if (service.algorithm !== "consistent-hash" || !on) return null;
  if (on.source === "ip") return clientIp === "unknown" ? null : clientIp;
  if (!on.name) return null;
  return on.source === "header" ? request.headers.get(on.name) : cookie(request.headers.get("cookie"), on.name);
}
