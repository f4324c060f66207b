-- The queue's usual view is one category in one status: without this the
-- plan walks every ticket of the category to check its status (1M tickets:
-- a count took 166 ms; with the index, 0.4 ms).
CREATE INDEX tickets_category_status ON tickets (category_id, status, id);
