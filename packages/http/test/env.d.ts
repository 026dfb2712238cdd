declare global {
  namespace Cloudflare {
    interface Env {
      FILES: R2Bucket;
      DB: D1Database;
    }
  }
}

export {};
