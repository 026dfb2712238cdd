-- commerce-cart: the carts live in the Cart Durable Objects; this is the operators' read model of them.
-- Must match workers/commerce-cart/src/schema.ts (the drift check in test/conformance.test.ts).
CREATE TABLE carts (
  user_id TEXT PRIMARY KEY NOT NULL,
  line_count INTEGER NOT NULL,
  item_count INTEGER NOT NULL,
  currency TEXT,
  updated_at INTEGER NOT NULL
);

CREATE INDEX carts_updated ON carts (updated_at) WHERE line_count > 0;
