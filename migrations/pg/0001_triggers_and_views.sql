-- What SQLite's hand-written migrations add beyond the tables, in PostgreSQL's form: the audit
-- log's append-only rule (0001), the statistics views and the triggers that keep stats_daily,
-- stats_monthly and the city tables exact (0005, 0013), and the index those triggers use.
-- The same facts, the same days, the same rows as on SQLite: a test compares the two engines.

-- The audit log is append-only: refuse updates and deletes at the database itself.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
-- TRUNCATE deletes without row triggers: refused too (SQLite has no such statement)
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint

-- a case's district or fraud type moves its targets' warnings: find them without a scan
CREATE INDEX stats_targets_case_idx ON targets (case_id);
--> statement-breakpoint
-- a target's first warning (peopleWarned), read by the statistics triggers: one index entry,
-- whatever the planner knows of the table's size (SQLite finds it through warnings_target_idx)
CREATE INDEX stats_warnings_first_idx ON warnings (target_id, created_at, id);
--> statement-breakpoint

-- The Asia/Shanghai calendar day (UTC+8, no daylight saving) of an instant in milliseconds, as
-- SQLite's date(at / 1000 + 28800, 'unixepoch'): the same integer division, the same text.
-- STABLE as to_char is: the planner then inlines it instead of planning a call for every query.
CREATE FUNCTION stats_day(at bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT to_char(to_timestamp((at / 1000 + 28800)::double precision) AT TIME ZONE 'UTC', 'YYYY-MM-DD')
$$;
--> statement-breakpoint

-- What each metric counts, and at which instant, is defined ONCE, in the three *_facts views
-- (documented in src/stats/service.ts); they read as SQLite's.
-- alerts: every case, when received. casesFiled / casesSolved: when filed / solved.
-- suspectsDetained: the case's count, when solved (else filed, else received).
CREATE VIEW stats_case_facts AS
SELECT c.id AS case_id, c.received_at AS at, 'alerts' AS metric, c.district AS district, c.fraud_type AS fraud_type, 1::bigint AS value FROM cases c
UNION ALL SELECT c.id, c.filed_at, 'casesFiled', c.district, c.fraud_type, 1 FROM cases c WHERE c.filed_at IS NOT NULL
UNION ALL SELECT c.id, c.solved_at, 'casesSolved', c.district, c.fraud_type, 1 FROM cases c WHERE c.solved_at IS NOT NULL
UNION ALL SELECT c.id, coalesce(c.solved_at, c.filed_at, c.received_at), 'suspectsDetained', c.district, c.fraud_type, c.suspects_detained FROM cases c WHERE c.suspects_detained <> 0;
--> statement-breakpoint
-- warnings: every contact with a target, when made. peopleWarned: each target once, at its
-- first warning. District: the target's; fraud type: its case's ("" when none).
-- The first warning is looked up per warning (SQLite's view says NOT EXISTS an earlier one, the
-- same rows): PostgreSQL would otherwise hash the whole table to check one target.
CREATE VIEW stats_warning_facts AS
SELECT t.case_id AS case_id, w.target_id AS target_id, w.created_at AS at, 'warnings' AS metric, coalesce(t.district, '') AS district, coalesce(k.fraud_type, '') AS fraud_type, 1::bigint AS value
FROM warnings w JOIN targets t ON t.id = w.target_id LEFT JOIN cases k ON k.id = t.case_id
UNION ALL
SELECT t.case_id, w.target_id, w.created_at, 'peopleWarned', coalesce(t.district, ''), coalesce(k.fraud_type, ''), 1
FROM warnings w JOIN targets t ON t.id = w.target_id LEFT JOIN cases k ON k.id = t.case_id
WHERE w.id = (SELECT e.id FROM warnings e WHERE e.target_id = w.target_id ORDER BY e.created_at, e.id LIMIT 1);
--> statement-breakpoint
-- stopPayments / freezes / numbersCutOff / cardsCutOff: requests that took effect (completed,
-- partially completed, or since expired, lapsed or released), at their effective time (止付/冻结
-- 时间; the answer's time if none). A renewal updates the same request: it counts once.
-- amountStopped / amountFrozen / amountReturned: the confirmed amount (fen) of those requests.
-- District and fraud type: the request's case ("" when none).
CREATE VIEW stats_request_facts AS
SELECT r.case_id AS case_id, r.id AS request_id, coalesce(r.effective_at, r.responded_at) AS at,
  CASE r.kind WHEN 'stop_payment' THEN 'stopPayments' WHEN 'freeze' THEN 'freezes' WHEN 'suspend_number' THEN 'numbersCutOff' ELSE 'cardsCutOff' END AS metric,
  coalesce(k.district, '') AS district, coalesce(k.fraud_type, '') AS fraud_type, 1::bigint AS value
FROM requests r LEFT JOIN cases k ON k.id = r.case_id
WHERE r.kind IN ('stop_payment', 'freeze', 'suspend_number', 'close_card') AND r.status IN ('completed', 'partially_completed', 'expired', 'lapsed', 'released')
  AND coalesce(r.effective_at, r.responded_at) IS NOT NULL
UNION ALL
SELECT r.case_id, r.id, coalesce(r.effective_at, r.responded_at),
  CASE r.kind WHEN 'stop_payment' THEN 'amountStopped' WHEN 'freeze' THEN 'amountFrozen' ELSE 'amountReturned' END,
  coalesce(k.district, ''), coalesce(k.fraud_type, ''), r.done_amount_fen
FROM requests r LEFT JOIN cases k ON k.id = r.case_id
WHERE r.kind IN ('stop_payment', 'freeze', 'return') AND r.status IN ('completed', 'partially_completed', 'expired', 'lapsed', 'released')
  AND coalesce(r.effective_at, r.responded_at) IS NOT NULL AND r.done_amount_fen IS NOT NULL AND r.done_amount_fen <> 0;
--> statement-breakpoint
-- every fact of every metric: a full recount is SELECT ... FROM stats_facts GROUP BY ...
CREATE VIEW stats_facts AS
SELECT stats_day(at) AS day, metric, district, fraud_type, value FROM stats_case_facts
UNION ALL SELECT stats_day(at), metric, district, fraud_type, value FROM stats_warning_facts
UNION ALL SELECT stats_day(at), metric, district, fraud_type, value FROM stats_request_facts;
--> statement-breakpoint

-- stats_monthly and the city totals follow stats_daily (an upsert that conflicts fires the
-- UPDATE trigger, as on SQLite). Every upsert here skips a change of 0: the stored values are the
-- same as SQLite's, and a row updated many times in one transaction (a bulk load) keeps as many
-- versions, each read by the next update, so the ones that change nothing are not written.
CREATE FUNCTION stats_daily_ai() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_monthly AS s (month, metric, district, fraud_type, value)
  VALUES (substr(NEW.day, 1, 7), NEW.metric, NEW.district, NEW.fraud_type, NEW.value)
  ON CONFLICT (metric, month, district, fraud_type) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
  INSERT INTO stats_daily_city AS s (metric, day, value) VALUES (NEW.metric, NEW.day, NEW.value)
  ON CONFLICT (metric, day) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
  INSERT INTO stats_monthly_city AS s (metric, month, value) VALUES (NEW.metric, substr(NEW.day, 1, 7), NEW.value)
  ON CONFLICT (metric, month) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_daily_ai AFTER INSERT ON stats_daily FOR EACH ROW EXECUTE FUNCTION stats_daily_ai();
--> statement-breakpoint
CREATE FUNCTION stats_daily_au() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE stats_monthly SET value = value + NEW.value - OLD.value
  WHERE month = substr(NEW.day, 1, 7) AND metric = NEW.metric AND district = NEW.district AND fraud_type = NEW.fraud_type;
  UPDATE stats_daily_city SET value = value + NEW.value - OLD.value WHERE metric = NEW.metric AND day = NEW.day;
  UPDATE stats_monthly_city SET value = value + NEW.value - OLD.value WHERE metric = NEW.metric AND month = substr(NEW.day, 1, 7);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_daily_au AFTER UPDATE OF value ON stats_daily FOR EACH ROW EXECUTE FUNCTION stats_daily_au();
--> statement-breakpoint
CREATE FUNCTION stats_daily_ad() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE stats_monthly SET value = value - OLD.value
  WHERE month = substr(OLD.day, 1, 7) AND metric = OLD.metric AND district = OLD.district AND fraud_type = OLD.fraud_type;
  UPDATE stats_daily_city SET value = value - OLD.value WHERE metric = OLD.metric AND day = OLD.day;
  UPDATE stats_monthly_city SET value = value - OLD.value WHERE metric = OLD.metric AND month = substr(OLD.day, 1, 7);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_daily_ad AFTER DELETE ON stats_daily FOR EACH ROW EXECUTE FUNCTION stats_daily_ad();
--> statement-breakpoint

-- The source tables retract a record's facts before it changes and add them back after, so
-- stats_daily always equals a full recount of stats_facts. Each helper adds (sign 1) or retracts
-- (sign -1) one record's facts, summed per day, metric, district and fraud type. Rows go in key
-- order (metric, day, ...): concurrent writers take the stats rows' locks in the same order.
CREATE FUNCTION stats_shift_case(p_case_id bigint, p_sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_daily AS s (day, metric, district, fraud_type, value)
  SELECT stats_day(at), metric, district, fraud_type, (p_sign * sum(value))::bigint FROM stats_case_facts WHERE case_id = p_case_id
  GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4 ON CONFLICT (metric, day, district, fraud_type) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
END $$;
--> statement-breakpoint
CREATE FUNCTION stats_shift_case_warnings(p_case_id bigint, p_sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_daily AS s (day, metric, district, fraud_type, value)
  SELECT stats_day(at), metric, district, fraud_type, (p_sign * sum(value))::bigint FROM stats_warning_facts WHERE case_id = p_case_id
  GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4 ON CONFLICT (metric, day, district, fraud_type) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
END $$;
--> statement-breakpoint
CREATE FUNCTION stats_shift_case_requests(p_case_id bigint, p_sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_daily AS s (day, metric, district, fraud_type, value)
  SELECT stats_day(at), metric, district, fraud_type, (p_sign * sum(value))::bigint FROM stats_request_facts WHERE case_id = p_case_id
  GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4 ON CONFLICT (metric, day, district, fraud_type) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
END $$;
--> statement-breakpoint
CREATE FUNCTION stats_shift_target(p_target_id bigint, p_sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_daily AS s (day, metric, district, fraud_type, value)
  SELECT stats_day(at), metric, district, fraud_type, (p_sign * sum(value))::bigint FROM stats_warning_facts WHERE target_id = p_target_id
  GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4 ON CONFLICT (metric, day, district, fraud_type) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
END $$;
--> statement-breakpoint
CREATE FUNCTION stats_shift_request(p_request_id bigint, p_sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_daily AS s (day, metric, district, fraud_type, value)
  SELECT stats_day(at), metric, district, fraud_type, (p_sign * sum(value))::bigint FROM stats_request_facts WHERE request_id = p_request_id
  GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4 ON CONFLICT (metric, day, district, fraud_type) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
END $$;
--> statement-breakpoint

-- Concurrent writers (READ COMMITTED): a record's facts also read other rows (a warning's target
-- and that target's case, a request's case, a target's case). Before counting, a trigger locks
-- those rows against the writes that move them: an UPDATE of a case or a target conflicts with
-- the lock, so one transaction waits for the other, and the waiting one's next query (a fresh
-- snapshot in these volatile functions) counts with what the other committed. Without it two
-- transactions each count with the other's old row and the totals drift (SQLite has one writer).
CREATE FUNCTION stats_hold_cases(p_case_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM cases WHERE id = ANY (p_case_ids) ORDER BY id FOR SHARE;
END $$;
--> statement-breakpoint
CREATE FUNCTION stats_hold_targets(p_target_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM targets WHERE id = ANY (p_target_ids) ORDER BY id FOR NO KEY UPDATE;
  PERFORM stats_hold_cases(ARRAY(SELECT case_id FROM targets WHERE id = ANY (p_target_ids) AND case_id IS NOT NULL));
END $$;
--> statement-breakpoint

-- Cases, targets and requests: row triggers as on SQLite. A record's facts depend on its own row
-- (and rows of other tables), so PostgreSQL's AFTER row triggers, which run when the whole
-- statement is done, still add exactly what each row's BEFORE trigger retracted.
-- cases: their own facts; a new district or fraud type also moves their warnings and requests
CREATE FUNCTION stats_cases_ai() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_shift_case(NEW.id, 1);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_cases_ai AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION stats_cases_ai();
--> statement-breakpoint
CREATE FUNCTION stats_cases_bu() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_shift_case(OLD.id, -1);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_cases_bu BEFORE UPDATE OF received_at, filed_at, solved_at, suspects_detained, district, fraud_type ON cases
FOR EACH ROW EXECUTE FUNCTION stats_cases_bu();
--> statement-breakpoint
CREATE FUNCTION stats_cases_au() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_shift_case(NEW.id, 1);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_cases_au AFTER UPDATE OF received_at, filed_at, solved_at, suspects_detained, district, fraud_type ON cases
FOR EACH ROW EXECUTE FUNCTION stats_cases_au();
--> statement-breakpoint
CREATE FUNCTION stats_cases_links_bu() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_shift_case_warnings(OLD.id, -1);
  PERFORM stats_shift_case_requests(OLD.id, -1);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_cases_links_bu BEFORE UPDATE OF district, fraud_type ON cases FOR EACH ROW EXECUTE FUNCTION stats_cases_links_bu();
--> statement-breakpoint
CREATE FUNCTION stats_cases_links_au() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_shift_case_warnings(NEW.id, 1);
  PERFORM stats_shift_case_requests(NEW.id, 1);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_cases_links_au AFTER UPDATE OF district, fraud_type ON cases FOR EACH ROW EXECUTE FUNCTION stats_cases_links_au();
--> statement-breakpoint
CREATE FUNCTION stats_cases_bd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_shift_case(OLD.id, -1);
  PERFORM stats_shift_case_warnings(OLD.id, -1);
  PERFORM stats_shift_case_requests(OLD.id, -1);
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_cases_bd BEFORE DELETE ON cases FOR EACH ROW EXECUTE FUNCTION stats_cases_bd();
--> statement-breakpoint
CREATE FUNCTION stats_cases_ad() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_shift_case_warnings(OLD.id, 1);
  PERFORM stats_shift_case_requests(OLD.id, 1);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_cases_ad AFTER DELETE ON cases FOR EACH ROW EXECUTE FUNCTION stats_cases_ad();
--> statement-breakpoint
-- targets: their district and case decide where their warnings count
CREATE FUNCTION stats_targets_bu() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_hold_cases(ARRAY[OLD.case_id]);
  PERFORM stats_shift_target(OLD.id, -1);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_targets_bu BEFORE UPDATE OF district, case_id ON targets FOR EACH ROW EXECUTE FUNCTION stats_targets_bu();
--> statement-breakpoint
CREATE FUNCTION stats_targets_au() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_hold_cases(ARRAY[NEW.case_id]);
  PERFORM stats_shift_target(NEW.id, 1);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_targets_au AFTER UPDATE OF district, case_id ON targets FOR EACH ROW EXECUTE FUNCTION stats_targets_au();
--> statement-breakpoint
CREATE FUNCTION stats_targets_bd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_hold_cases(ARRAY[OLD.case_id]);
  PERFORM stats_shift_target(OLD.id, -1);
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_targets_bd BEFORE DELETE ON targets FOR EACH ROW EXECUTE FUNCTION stats_targets_bd();
--> statement-breakpoint
-- requests: a request counts once it takes effect, with its confirmed amount
CREATE FUNCTION stats_requests_ai() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_hold_cases(ARRAY[NEW.case_id]);
  PERFORM stats_shift_request(NEW.id, 1);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_requests_ai AFTER INSERT ON requests FOR EACH ROW EXECUTE FUNCTION stats_requests_ai();
--> statement-breakpoint
CREATE FUNCTION stats_requests_bu() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_hold_cases(ARRAY[OLD.case_id]);
  PERFORM stats_shift_request(OLD.id, -1);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_requests_bu BEFORE UPDATE OF kind, status, case_id, effective_at, responded_at, done_amount_fen ON requests
FOR EACH ROW EXECUTE FUNCTION stats_requests_bu();
--> statement-breakpoint
CREATE FUNCTION stats_requests_au() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_hold_cases(ARRAY[NEW.case_id]);
  PERFORM stats_shift_request(NEW.id, 1);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_requests_au AFTER UPDATE OF kind, status, case_id, effective_at, responded_at, done_amount_fen ON requests
FOR EACH ROW EXECUTE FUNCTION stats_requests_au();
--> statement-breakpoint
CREATE FUNCTION stats_requests_bd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_hold_cases(ARRAY[OLD.case_id]);
  PERFORM stats_shift_request(OLD.id, -1);
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_requests_bd BEFORE DELETE ON requests FOR EACH ROW EXECUTE FUNCTION stats_requests_bd();
--> statement-breakpoint

-- warnings: a new, moved or removed warning can change which one is its target's first, so its
-- target's facts are recounted. Not with row triggers: two rows of one statement on the same
-- target would see each other half done (PostgreSQL runs AFTER row triggers at the statement's
-- end). One statement trigger instead: the target's facts as they are now, less the facts of the
-- warnings as they were before the statement (the current rows, with the statement's rows put
-- back as they were). Instants of the rows that changed come in as arrays.
-- (Planned for each call's arrays, PostgreSQL's default for this query: a plan kept from a small
-- table would scan it whole once it has grown, e.g. in a bulk load's one transaction.)
CREATE FUNCTION stats_shift_warnings(p_targets bigint[], p_fresh bigint[], p_old_id bigint[], p_old_target bigint[], p_old_at bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- joins, not "= ANY (array)" filters: a bulk statement's arrays are long
  WITH moved AS (SELECT DISTINCT m.target_id FROM unnest(p_targets) AS m (target_id)),
  fresh AS (SELECT f.id FROM unnest(p_fresh) AS f (id)),
  before AS (
    SELECT w.id, w.target_id, w.created_at FROM warnings w JOIN moved USING (target_id)
    WHERE NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.id = w.id)
    UNION ALL
    SELECT o.id, o.target_id, o.created_at FROM unnest(p_old_id, p_old_target, p_old_at) AS o (id, target_id, created_at)
    JOIN moved USING (target_id)
  ),
  first AS (SELECT DISTINCT ON (b.target_id) b.id FROM before b ORDER BY b.target_id, b.created_at, b.id),
  -- stats_warning_facts over the warnings as they were
  before_facts AS (
    SELECT w.created_at AS at, 'warnings' AS metric, coalesce(t.district, '') AS district, coalesce(k.fraud_type, '') AS fraud_type, 1::bigint AS value
    FROM before w JOIN targets t ON t.id = w.target_id LEFT JOIN cases k ON k.id = t.case_id
    UNION ALL
    SELECT w.created_at, 'peopleWarned', coalesce(t.district, ''), coalesce(k.fraud_type, ''), 1
    FROM before w JOIN first ON first.id = w.id JOIN targets t ON t.id = w.target_id LEFT JOIN cases k ON k.id = t.case_id
  )
  INSERT INTO stats_daily AS s (day, metric, district, fraud_type, value)
  SELECT stats_day(f.at), f.metric, f.district, f.fraud_type, sum(f.value)::bigint FROM (
    SELECT at, metric, district, fraud_type, value FROM stats_warning_facts WHERE target_id = ANY (p_targets)
    UNION ALL
    SELECT at, metric, district, fraud_type, -value FROM before_facts
  ) f
  GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4 ON CONFLICT (metric, day, district, fraud_type) DO UPDATE SET value = s.value + excluded.value WHERE excluded.value <> 0;
END $$;
--> statement-breakpoint
CREATE FUNCTION stats_warnings_ai() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved bigint[];
  fresh bigint[];
BEGIN
  SELECT array_agg(DISTINCT target_id), array_agg(id) INTO moved, fresh FROM new_rows;
  IF moved IS NOT NULL THEN
    PERFORM stats_hold_targets(moved);
    PERFORM stats_shift_warnings(moved, fresh, '{}', '{}', '{}');
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_warnings_ai AFTER INSERT ON warnings REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION stats_warnings_ai();
--> statement-breakpoint
-- SQLite's trigger fires on updates of created_at or target_id; a statement trigger with
-- transition tables cannot name columns, so it picks the rows where either changed
CREATE FUNCTION stats_warnings_au() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved bigint[];
  fresh bigint[];
  old_id bigint[];
  old_target bigint[];
  old_at bigint[];
BEGIN
  SELECT array_agg(o.id), array_agg(o.target_id), array_agg(o.created_at) INTO old_id, old_target, old_at
  FROM old_rows o JOIN new_rows n ON n.id = o.id
  WHERE o.created_at IS DISTINCT FROM n.created_at OR o.target_id IS DISTINCT FROM n.target_id;
  IF old_id IS NULL THEN
    RETURN NULL;
  END IF;
  fresh := old_id;
  SELECT array_agg(DISTINCT x) INTO moved FROM (
    SELECT unnest(old_target) AS x
    UNION ALL
    SELECT n.target_id FROM new_rows n WHERE n.id = ANY (fresh)
  ) changed;
  PERFORM stats_hold_targets(moved);
  PERFORM stats_shift_warnings(moved, fresh, old_id, old_target, old_at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_warnings_au AFTER UPDATE ON warnings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION stats_warnings_au();
--> statement-breakpoint
CREATE FUNCTION stats_warnings_ad() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved bigint[];
  old_id bigint[];
  old_target bigint[];
  old_at bigint[];
BEGIN
  SELECT array_agg(DISTINCT target_id) INTO moved FROM old_rows;
  IF moved IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(id), array_agg(target_id), array_agg(created_at) INTO old_id, old_target, old_at FROM old_rows;
  PERFORM stats_hold_targets(moved);
  PERFORM stats_shift_warnings(moved, '{}', old_id, old_target, old_at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_warnings_ad AFTER DELETE ON warnings REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION stats_warnings_ad();
--> statement-breakpoint

-- the records already there when this migration runs (none on a fresh database); stats_monthly
-- and the city totals follow through the triggers above
INSERT INTO stats_daily (day, metric, district, fraud_type, value)
SELECT day, metric, district, fraud_type, sum(value)::bigint FROM stats_facts GROUP BY day, metric, district, fraud_type HAVING sum(value) <> 0;
