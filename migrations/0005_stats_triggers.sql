-- Pre-aggregated statistics, kept exact by triggers on every source table.
-- What each metric counts, and at which instant, is defined ONCE, in the three *_facts views
-- below (documented in src/stats/service.ts). The triggers retract a record's facts before it
-- changes and add them back after, so stats_daily always equals a full recount of stats_facts.
-- Days are Asia/Shanghai calendar dates (UTC+8, no daylight saving).

-- Reads scan these tables by metric, then date: rebuilt clustered on that key (WITHOUT ROWID,
-- which drizzle cannot declare; the same columns are unique, so its schema still holds).
-- They are empty here: nothing writes to them before the triggers below.
DROP TABLE stats_daily;
--> statement-breakpoint
CREATE TABLE stats_daily (
  day text NOT NULL, metric text NOT NULL, district text NOT NULL, fraud_type text NOT NULL, value integer NOT NULL,
  PRIMARY KEY (metric, day, district, fraud_type)
) WITHOUT ROWID;
--> statement-breakpoint
DROP TABLE stats_monthly;
--> statement-breakpoint
CREATE TABLE stats_monthly (
  month text NOT NULL, metric text NOT NULL, district text NOT NULL, fraud_type text NOT NULL, value integer NOT NULL,
  PRIMARY KEY (metric, month, district, fraud_type)
) WITHOUT ROWID;
--> statement-breakpoint
-- a case's district or fraud type moves its targets' warnings: find them without a scan
CREATE INDEX IF NOT EXISTS stats_targets_case_idx ON targets (case_id);
--> statement-breakpoint
-- alerts: every case, when received. casesFiled / casesSolved: when filed / solved.
-- suspectsDetained: the case's count, when solved (else filed, else received).
CREATE VIEW stats_case_facts AS
SELECT c.id AS case_id, c.received_at AS at, 'alerts' AS metric, c.district AS district, c.fraud_type AS fraud_type, 1 AS value FROM cases c
UNION ALL SELECT c.id, c.filed_at, 'casesFiled', c.district, c.fraud_type, 1 FROM cases c WHERE c.filed_at IS NOT NULL
UNION ALL SELECT c.id, c.solved_at, 'casesSolved', c.district, c.fraud_type, 1 FROM cases c WHERE c.solved_at IS NOT NULL
UNION ALL SELECT c.id, coalesce(c.solved_at, c.filed_at, c.received_at), 'suspectsDetained', c.district, c.fraud_type, c.suspects_detained FROM cases c WHERE c.suspects_detained <> 0;
--> statement-breakpoint
-- warnings: every contact with a target, when made. peopleWarned: each target once, at its
-- first warning. District: the target's; fraud type: its case's ("" when none).
CREATE VIEW stats_warning_facts AS
SELECT t.case_id AS case_id, w.target_id AS target_id, w.created_at AS at, 'warnings' AS metric, coalesce(t.district, '') AS district, coalesce(k.fraud_type, '') AS fraud_type, 1 AS value
FROM warnings w JOIN targets t ON t.id = w.target_id LEFT JOIN cases k ON k.id = t.case_id
UNION ALL
SELECT t.case_id, w.target_id, w.created_at, 'peopleWarned', coalesce(t.district, ''), coalesce(k.fraud_type, ''), 1
FROM warnings w JOIN targets t ON t.id = w.target_id LEFT JOIN cases k ON k.id = t.case_id
WHERE NOT EXISTS (SELECT 1 FROM warnings e WHERE e.target_id = w.target_id AND (e.created_at < w.created_at OR (e.created_at = w.created_at AND e.id < w.id)));
--> statement-breakpoint
-- stopPayments / freezes / numbersCutOff / cardsCutOff: requests that took effect (completed,
-- partially completed, or since expired, lapsed or released), at their effective time (止付/冻结
-- 时间; the answer's time if none). A renewal updates the same request: it counts once.
-- amountStopped / amountFrozen / amountReturned: the confirmed amount (fen) of those requests.
-- District and fraud type: the request's case ("" when none).
CREATE VIEW stats_request_facts AS
SELECT r.case_id AS case_id, r.id AS request_id, coalesce(r.effective_at, r.responded_at) AS at,
  CASE r.kind WHEN 'stop_payment' THEN 'stopPayments' WHEN 'freeze' THEN 'freezes' WHEN 'suspend_number' THEN 'numbersCutOff' ELSE 'cardsCutOff' END AS metric,
  coalesce(k.district, '') AS district, coalesce(k.fraud_type, '') AS fraud_type, 1 AS value
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
SELECT date(at / 1000 + 28800, 'unixepoch') AS day, metric, district, fraud_type, value FROM stats_case_facts
UNION ALL SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, value FROM stats_warning_facts
UNION ALL SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, value FROM stats_request_facts;
--> statement-breakpoint
-- stats_monthly follows stats_daily
CREATE TRIGGER stats_daily_ai AFTER INSERT ON stats_daily BEGIN
  INSERT INTO stats_monthly (month, metric, district, fraud_type, value) VALUES (substr(NEW.day, 1, 7), NEW.metric, NEW.district, NEW.fraud_type, NEW.value)
  ON CONFLICT (month, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_daily_au AFTER UPDATE OF value ON stats_daily BEGIN
  UPDATE stats_monthly SET value = value + NEW.value - OLD.value
  WHERE month = substr(NEW.day, 1, 7) AND metric = NEW.metric AND district = NEW.district AND fraud_type = NEW.fraud_type;
END;
--> statement-breakpoint
CREATE TRIGGER stats_daily_ad AFTER DELETE ON stats_daily BEGIN
  UPDATE stats_monthly SET value = value - OLD.value
  WHERE month = substr(OLD.day, 1, 7) AND metric = OLD.metric AND district = OLD.district AND fraud_type = OLD.fraud_type;
END;
--> statement-breakpoint
-- the records already there when this migration runs
INSERT INTO stats_daily (day, metric, district, fraud_type, value)
SELECT day, metric, district, fraud_type, sum(value) FROM stats_facts WHERE true GROUP BY day, metric, district, fraud_type HAVING sum(value) <> 0;
--> statement-breakpoint
-- cases: their own facts; a new district or fraud type also moves their warnings and requests
CREATE TRIGGER stats_cases_ai AFTER INSERT ON cases BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_case_facts WHERE case_id = NEW.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_cases_bu BEFORE UPDATE OF received_at, filed_at, solved_at, suspects_detained, district, fraud_type ON cases BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_case_facts WHERE case_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_cases_au AFTER UPDATE OF received_at, filed_at, solved_at, suspects_detained, district, fraud_type ON cases BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_case_facts WHERE case_id = NEW.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_cases_links_bu BEFORE UPDATE OF district, fraud_type ON cases BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_warning_facts WHERE case_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_request_facts WHERE case_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_cases_links_au AFTER UPDATE OF district, fraud_type ON cases BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_warning_facts WHERE case_id = NEW.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_request_facts WHERE case_id = NEW.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_cases_bd BEFORE DELETE ON cases BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_case_facts WHERE case_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_warning_facts WHERE case_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_request_facts WHERE case_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_cases_ad AFTER DELETE ON cases BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_warning_facts WHERE case_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_request_facts WHERE case_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
-- targets: their district and case decide where their warnings count
CREATE TRIGGER stats_targets_bu BEFORE UPDATE OF district, case_id ON targets BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_warning_facts WHERE target_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_targets_au AFTER UPDATE OF district, case_id ON targets BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_warning_facts WHERE target_id = NEW.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_targets_bd BEFORE DELETE ON targets BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_warning_facts WHERE target_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
-- warnings: a new, moved or removed warning can change which one is the target's first
CREATE TRIGGER stats_warnings_bi BEFORE INSERT ON warnings BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_warning_facts WHERE target_id = NEW.target_id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_warnings_ai AFTER INSERT ON warnings BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_warning_facts WHERE target_id = NEW.target_id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_warnings_bu BEFORE UPDATE OF created_at, target_id ON warnings BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_warning_facts WHERE target_id IN (OLD.target_id, NEW.target_id)
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_warnings_au AFTER UPDATE OF created_at, target_id ON warnings BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_warning_facts WHERE target_id IN (OLD.target_id, NEW.target_id)
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_warnings_bd BEFORE DELETE ON warnings BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_warning_facts WHERE target_id = OLD.target_id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_warnings_ad AFTER DELETE ON warnings BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_warning_facts WHERE target_id = OLD.target_id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
-- requests: a request counts once it takes effect, with its confirmed amount
CREATE TRIGGER stats_requests_ai AFTER INSERT ON requests BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_request_facts WHERE request_id = NEW.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_requests_bu BEFORE UPDATE OF kind, status, case_id, effective_at, responded_at, done_amount_fen ON requests BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_request_facts WHERE request_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_requests_au AFTER UPDATE OF kind, status, case_id, effective_at, responded_at, done_amount_fen ON requests BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, sum(value) FROM stats_request_facts WHERE request_id = NEW.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_requests_bd BEFORE DELETE ON requests BEGIN
  INSERT INTO stats_daily (day, metric, district, fraud_type, value)
  SELECT date(at / 1000 + 28800, 'unixepoch'), metric, district, fraud_type, -sum(value) FROM stats_request_facts WHERE request_id = OLD.id
  GROUP BY 1, 2, 3, 4 ON CONFLICT (day, metric, district, fraud_type) DO UPDATE SET value = value + excluded.value;
END;
