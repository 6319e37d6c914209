-- Notices that are not about one hazard: the county's morning digest and the towns' reminder
-- of statistics reports falling due. Their figures are kept as JSON in `detail`; each goes
-- once per county and key (digest:2026-12-03, reports_due:2026Q4), recorded in notices_sent
-- whose primary key lets only one process send it.
ALTER TABLE notifications ADD COLUMN detail TEXT;

CREATE TABLE notices_sent (
    county_code TEXT NOT NULL,
    notice      TEXT NOT NULL,
    sent_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (county_code, notice)
);
