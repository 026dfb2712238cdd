declare global {
  namespace Cloudflare {
    interface Env {
      FILES: R2Bucket;
    }
  }
}

export {};
