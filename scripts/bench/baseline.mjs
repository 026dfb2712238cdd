// The ceiling: a Worker that does nothing but answer a fixed 200.
export default {
  fetch() {
    return new Response('{"status":"ok"}', { headers: { "Content-Type": "application/json" } });
  },
};
