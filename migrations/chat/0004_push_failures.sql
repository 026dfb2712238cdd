-- Web Push endpoints that keep failing are dropped (404/410 drop one at once, as before): `failures`
-- counts consecutive failed pushes (reset by a success), `failing_since` is when the current run of
-- failures began (NULL while the endpoint works). 5 in a row, or failing for more than 24 hours, and
-- the subscription is deleted.
ALTER TABLE push_subscriptions ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE push_subscriptions ADD COLUMN failing_since INTEGER;
