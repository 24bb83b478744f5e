-- City-wide totals per metric and day / month, kept from stats_daily (which the source-table
-- triggers of stats_triggers keep exact). Rebuilt clustered on (metric, date) like stats_daily;
-- empty here, nothing has written to them yet.
DROP TABLE stats_daily_city;
--> statement-breakpoint
CREATE TABLE stats_daily_city (metric text NOT NULL, day text NOT NULL, value integer NOT NULL, PRIMARY KEY (metric, day)) WITHOUT ROWID;
--> statement-breakpoint
DROP TABLE stats_monthly_city;
--> statement-breakpoint
CREATE TABLE stats_monthly_city (metric text NOT NULL, month text NOT NULL, value integer NOT NULL, PRIMARY KEY (metric, month)) WITHOUT ROWID;
--> statement-breakpoint
CREATE TRIGGER stats_daily_city_ai AFTER INSERT ON stats_daily BEGIN
  INSERT INTO stats_daily_city (metric, day, value) VALUES (NEW.metric, NEW.day, NEW.value)
  ON CONFLICT (metric, day) DO UPDATE SET value = value + excluded.value;
  INSERT INTO stats_monthly_city (metric, month, value) VALUES (NEW.metric, substr(NEW.day, 1, 7), NEW.value)
  ON CONFLICT (metric, month) DO UPDATE SET value = value + excluded.value;
END;
--> statement-breakpoint
CREATE TRIGGER stats_daily_city_au AFTER UPDATE OF value ON stats_daily BEGIN
  UPDATE stats_daily_city SET value = value + NEW.value - OLD.value WHERE metric = NEW.metric AND day = NEW.day;
  UPDATE stats_monthly_city SET value = value + NEW.value - OLD.value WHERE metric = NEW.metric AND month = substr(NEW.day, 1, 7);
END;
--> statement-breakpoint
CREATE TRIGGER stats_daily_city_ad AFTER DELETE ON stats_daily BEGIN
  UPDATE stats_daily_city SET value = value - OLD.value WHERE metric = OLD.metric AND day = OLD.day;
  UPDATE stats_monthly_city SET value = value - OLD.value WHERE metric = OLD.metric AND month = substr(OLD.day, 1, 7);
END;
--> statement-breakpoint
-- what stats_daily already holds
INSERT INTO stats_daily_city (metric, day, value) SELECT metric, day, sum(value) FROM stats_daily WHERE true GROUP BY metric, day;
--> statement-breakpoint
INSERT INTO stats_monthly_city (metric, month, value) SELECT metric, substr(day, 1, 7), sum(value) FROM stats_daily WHERE true GROUP BY metric, substr(day, 1, 7);
