-- Nothing reads audit_log by user_id (the audit screen filters by actor name, entity and time);
-- the index cost a B-tree insert on every audited change.
DROP INDEX `audit_user_idx`;