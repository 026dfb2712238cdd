// Context for the benchmark: the least a Worker can do with D1 (one `SELECT 1`), to show what a
// single local D1 round trip costs next to the bare baseline.
export default {
  async fetch(_request, env) {
    const row = await env.DB.prepare("SELECT 1 AS one").first();
    return Response.json(row);
  },
};
