// What the configs ask for (databases, namespaces, queues and their DLQs, buckets) and the order the
// Workers deploy in, from the parsed wrangler.toml of every Worker. Pure.

/** A KV namespace's title: the Worker and binding, so two Workers' CACHE bindings never share one. */
export const kvTitle = (workerName, binding) => `${workerName}-${binding}`;

/**
 * What the configs ask for. `workers` are `{ configPath, text, config }` (config: the parsed TOML).
 *
 * @example desiredResources(workers).queues // ["edgeworks-blog-notifications", "edgeworks-blog-notifications-dlq", ...]
 */
export function desiredResources(workers) {
  const d1 = [];
  const kv = [];
  const queues = new Set();
  const r2 = new Set();
  const dlqs = [];
  const problems = [];
  const consumers = workers.flatMap((w) => w.config.queues?.consumers ?? []);
  const consumed = new Set(consumers.map((c) => c.queue));
  // a DLQ's own consumer (it records dead letters) needs no DLQ of its own
  const deadLetterQueues = new Set(consumers.map((c) => c.dead_letter_queue).filter(Boolean));
  for (const w of workers) {
    const c = w.config;
    for (const db of c.d1_databases ?? []) {
      d1.push({ name: db.database_name, worker: c.name, configPath: w.configPath, binding: db.binding, id: db.database_id });
    }
    for (const ns of c.kv_namespaces ?? []) {
      kv.push({ title: kvTitle(c.name, ns.binding), worker: c.name, configPath: w.configPath, binding: ns.binding, id: ns.id });
    }
    for (const p of c.queues?.producers ?? []) queues.add(p.queue);
    for (const consumer of c.queues?.consumers ?? []) {
      queues.add(consumer.queue);
      if (!consumer.dead_letter_queue) {
        if (deadLetterQueues.has(consumer.queue)) continue;
        problems.push(`${w.configPath}: the consumer of ${consumer.queue} has no dead_letter_queue (failed messages would be dropped)`);
        continue;
      }
      queues.add(consumer.dead_letter_queue);
      dlqs.push({
        dlq: consumer.dead_letter_queue,
        queue: consumer.queue,
        worker: c.name,
        consumed: consumed.has(consumer.dead_letter_queue),
      });
    }
    for (const b of c.r2_buckets ?? []) r2.add(b.bucket_name);
  }
  return { d1, kv, queues: [...queues].sort(), r2: [...r2].sort(), dlqs, problems };
}

/**
 * The Workers in deploy order: every Worker after the Workers it binds ([[services]], and Durable Objects
 * of another script), names sorted within a level; bindings to Workers outside the repo are ignored.
 * Throws on a cycle.
 */
export function deployOrder(workers) {
  const names = new Set(workers.map((w) => w.config.name));
  const deps = new Map(
    workers.map((w) => [
      w.config.name,
      [
        ...(w.config.services ?? []).map((s) => s.service),
        ...(w.config.durable_objects?.bindings ?? []).map((b) => b.script_name).filter(Boolean),
      ].filter((d) => names.has(d) && d !== w.config.name),
    ]),
  );
  const order = [];
  const done = new Set();
  while (order.length < workers.length) {
    const ready = [...deps.keys()].filter((n) => !done.has(n) && deps.get(n).every((d) => done.has(d))).sort();
    if (ready.length === 0) {
      const left = [...deps.keys()].filter((n) => !done.has(n));
      throw new Error(`[[services]] bindings form a cycle among ${left.join(", ")}`);
    }
    for (const n of ready) {
      done.add(n);
      order.push(workers.find((w) => w.config.name === n));
    }
  }
  return order;
}
