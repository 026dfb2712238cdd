import type { TestRoom } from "./worker";

declare global {
  namespace Cloudflare {
    interface Env {
      ROOM: DurableObjectNamespace<TestRoom>;
    }
  }
}
