import type { CompiledTarget } from "../../contract";
import type { Balancer } from "./types";

/**
 * Smooth weighted round-robin (nginx's): every pick adds each eligible target's weight to its running score,
 * takes the highest and subtracts the total from it, so weights 5:1:1 give `a a b a c a a`, never five a's in a
 * row. A target that is not eligible for a while keeps its score and rejoins smoothly. Retries go on in score order.
 *
 * @example const w = smoothWeighted(); w.order([a5, b1, c1], null)[0] // a, a, b, a, c, a, a, …
 */
export function smoothWeighted(): Balancer {
  const current = new Map<string, number>();
  return {
    order(eligible) {
      if (eligible.length <= 1) return eligible.slice();
      let total = 0;
      let best: CompiledTarget | null = null;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const target of eligible) {
        const score = (current.get(target.id) ?? 0) + target.weight;
        current.set(target.id, score);
        total += target.weight;
        if (score > bestScore) {
          best = target;
          bestScore = score;
        }
      }
      const chosen = best as CompiledTarget;
      current.set(chosen.id, bestScore - total);
      const rest = eligible.filter((t) => t !== chosen).sort((a, b) => (current.get(b.id) ?? 0) - (current.get(a.id) ?? 0));
      return [chosen, ...rest];
    },
  };
}
