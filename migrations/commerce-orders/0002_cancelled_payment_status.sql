-- Data only (no schema change). Issue 12 review F11/F7:
-- 1. A cancel before any payment.succeeded now leaves paymentStatus 'none' (was: 'processing' forever, though
--    payments cancels the PaymentIntent); the orders cancelled before this change say the same, so a replay
--    (which folds through the new machine) stays consistent.
UPDATE orders SET payment_status = 'none' WHERE status = 'cancelled' AND payment_status = 'processing';
-- 2. Refused cancels (409) and replays no longer write to the saga log; drop the rows they wrote before.
--    Stale cancels never moved the order (order_version NULL), so the fold is unchanged.
DELETE FROM order_events WHERE kind = 'step' AND type = 'replay';
DELETE FROM order_events WHERE kind = 'step' AND type = 'cancel.requested' AND order_version IS NULL AND outcome LIKE 'stale:%';
