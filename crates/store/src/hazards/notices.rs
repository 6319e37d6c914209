//! Notices nobody's action sets off (the rules are the domain's `hazard::notices`): the
//! county administrator's and committee office's morning digest of overdue and listed hazards
//! by town, each town's reminder that units' statistics reports fall due within a week, and the
//! unit's and town's word that a three-post certificate's review is 30, then 7, days off.
//! A notice is claimed in `notices_sent` by county and key before it is written, in the same
//! transaction, so restarts and several processes send each once. Each also goes to the
//! county's webhook, for SMS.

use crate::audit::now;
use crate::db::{Conn, Store};
use crate::{Result, insert};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::hazard::notices::{digest_day, digest_key, reminder_key, reports_to_remind};
use safegrid_domain::hazard::report::Period;
use safegrid_domain::region::RegionLevel;
use sea_query::{Cond, Expr, ExprTrait, Func, JoinType, OnConflict, Order, Query};
use serde_json::json;

/// What a round sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeRound {
    /// Counties whose digest went out.
    pub digests: u64,
    /// Towns reminded of reports falling due.
    pub reminders: u64,
    /// Certificates whose review is 30 or 7 days off, told to their unit and town.
    pub certificates: u64,
}

/// Days before a certificate's review that its unit and town are told.
pub const CERTIFICATE_NOTICE_DAYS: [u64; 2] = [30, 7];

/// A current certificate whose review draws near.
#[derive(sqlx::FromRow)]
struct DueCertificate {
    id: i64,
    unit_id: i64,
    unit_name: String,
    region_code: Option<String>,
    holder: String,
    kind: String,
    category: Option<String>,
    review_due: NaiveDate,
}

/// A town's open hazards that the digest counts.
#[derive(sqlx::FromRow)]
struct TownTally {
    code: String,
    name: String,
    overdue: i64,
    listed: i64,
}

/// The town a village-level code belongs to: its first nine digits and `000`.
const TOWN_OF_REGION: &str = "substr({}.region_code, 1, 9) || '000'";

fn town_of(table: &str) -> Expr {
    Expr::cust(TOWN_OF_REGION.replace("{}", table))
}

/// Takes the notice for the county unless another process has; true when this one sends it.
async fn claim(conn: &mut Conn<'_>, county: &str, notice: &str) -> Result<bool> {
    let claimed = conn
        .insert(
            insert::row(
                "notices_sent",
                [
                    ("county_code", county.into()),
                    ("notice", notice.into()),
                    ("sent_at", now().into()),
                ],
            )
            .on_conflict(
                OnConflict::columns(["county_code", "notice"])
                    .do_nothing()
                    .to_owned(),
            ),
        )
        .await?;
    Ok(claimed == 1)
}

/// One notification with its figures to each enabled account matching `who` in the county.
async fn tell(
    conn: &mut Conn<'_>,
    county: &str,
    kind: &str,
    who: Cond,
    detail: &serde_json::Value,
) -> Result<u64> {
    let mut recipients = Query::select();
    recipients
        .column("id")
        .expr(Expr::val(kind))
        .expr(Expr::val(now()))
        .expr(Expr::val(county))
        .expr(Expr::val(detail.to_string()))
        .from("accounts")
        .and_where(Expr::col("disabled").eq(false))
        .cond_where(who);
    let insert = Query::insert()
        .into_table("notifications")
        .columns(["account_id", "kind", "created_at", "county_code", "detail"])
        .select_from(recipients)
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .to_owned();
    conn.insert(&insert).await
}

impl Store {
    /// Whether the county's notice has gone out: read before taking the write lock, so the
    /// minute-by-minute round costs one small read per county once the day's notices are sent.
    async fn notice_sent(&self, county: &str, notice: &str) -> Result<bool> {
        let mut c = self.read().await?;
        let n = c
            .conn()
            .scalar(
                Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .from("notices_sent")
                    .and_where(Expr::col("county_code").eq(county))
                    .and_where(Expr::col("notice").eq(notice)),
            )
            .await?;
        Ok(n > 0)
    }

    /// Sends what is due at `at`: each county's digest once a day from the working day's
    /// start, and each reminder of reports falling due once per county and period.
    pub async fn send_notices(&self, at: DateTime<Utc>) -> Result<NoticeRound> {
        let mut round = NoticeRound::default();
        let counties: Vec<(String,)> = {
            let mut c = self.read().await?;
            c.conn()
                .all(
                    Query::select()
                        .column("code")
                        .from("regions")
                        .and_where(Expr::col("level").eq(RegionLevel::County as i32))
                        .order_by("code", Order::Asc),
                )
                .await?
        };
        let today = safegrid_domain::time::local_date(at);
        for (county,) in &counties {
            if let Some(day) = digest_day(at)
                && self.send_digest(county, day).await?
            {
                round.digests += 1;
            }
            for period in reports_to_remind(today) {
                round.reminders += self.remind_of_reports(county, &period).await?;
            }
            for days in CERTIFICATE_NOTICE_DAYS {
                round.certificates += self.remind_of_certificates(county, today, days).await?;
            }
        }
        Ok(round)
    }

    /// The county's digest of the day: overdue and listed hazards still open, by town, to its
    /// administrators and committee office. Nothing to tell sends nothing.
    async fn send_digest(&self, county: &str, day: NaiveDate) -> Result<bool> {
        if self.notice_sent(county, &digest_key(day)).await? {
            return Ok(false);
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        if !claim(&mut conn, county, &digest_key(day)).await? {
            return Ok(false);
        }
        let overdue = Expr::col(("h", "deadline")).lt(day);
        let towns: Vec<TownTally> = conn
            .all(
                Query::select()
                    .expr_as(Expr::col(("t", "code")), "code")
                    .expr_as(Expr::col(("t", "name")), "name")
                    .expr_as(
                        Func::sum(Expr::case(overdue.clone(), 1).finally(0)),
                        "overdue",
                    )
                    .expr_as(
                        Func::sum(Expr::case(Expr::col(("h", "listed")).eq(true), 1).finally(0)),
                        "listed",
                    )
                    .from_as("hazards", "h")
                    .join_as(
                        JoinType::InnerJoin,
                        "regions",
                        "t",
                        Expr::col(("t", "code")).eq(town_of("h")),
                    )
                    .and_where(Expr::col(("h", "county_code")).eq(county))
                    .and_where(Expr::col(("h", "state")).is_in(super::notify::OPEN))
                    .cond_where(
                        Cond::any()
                            .add(overdue)
                            .add(Expr::col(("h", "listed")).eq(true)),
                    )
                    .group_by_col(("t", "code"))
                    .group_by_col(("t", "name"))
                    .order_by(("t", "code"), Order::Asc),
            )
            .await?;
        let sent = !towns.is_empty();
        if sent {
            let detail = json!({
                "date": day,
                "overdue": towns.iter().map(|t| t.overdue).sum::<i64>(),
                "listed": towns.iter().map(|t| t.listed).sum::<i64>(),
                "towns": towns
                    .iter()
                    .map(|t| json!({"code": t.code, "name": t.name, "overdue": t.overdue, "listed": t.listed}))
                    .collect::<Vec<_>>(),
            });
            let county_office = Cond::all()
                .add(Expr::col("role").is_in(["county_admin", "committee_office"]))
                .add(Expr::col("scope_region_code").eq(county));
            tell(&mut conn, county, "daily_digest", county_office, &detail).await?;
            let mut payload = detail;
            payload["kind"] = json!("daily_digest");
            payload["at"] = json!(now());
            crate::webhooks::enqueue(&mut conn, county, payload).await?;
        }
        tx.commit_unaudited("a notice is recorded in notices_sent and the notifications")
            .await?;
        Ok(sent)
    }

    /// Each current certificate of the county whose review falls within `days` and has not
    /// been told at that distance: its unit's manager and its town's station hear of it, once.
    async fn remind_of_certificates(
        &self,
        county: &str,
        today: NaiveDate,
        days: u64,
    ) -> Result<u64> {
        let horizon = today + chrono::Days::new(days);
        let key = |id: i64| format!("certificate_due:{days}:{id}");
        let due: Vec<DueCertificate> = {
            let mut c = self.read().await?;
            c.conn()
                .all(
                    Query::select()
                        .columns(
                            ["id", "unit_id", "holder", "kind", "category", "review_due"]
                                .map(|col| ("c", col)),
                        )
                        .expr_as(Expr::col(("u", "name")), "unit_name")
                        .expr_as(Expr::col(("u", "region_code")), "region_code")
                        .from_as("certificates", "c")
                        .join_as(
                            JoinType::InnerJoin,
                            "units",
                            "u",
                            Expr::col(("u", "id")).equals(("c", "unit_id")),
                        )
                        .and_where(Expr::col(("c", "county_code")).eq(county))
                        .and_where(Expr::col(("c", "renewed_by")).is_null())
                        .and_where(Expr::col(("c", "review_due")).gte(today))
                        .and_where(Expr::col(("c", "review_due")).lte(horizon))
                        .and_where(Expr::cust(format!(
                            "NOT EXISTS (SELECT 1 FROM notices_sent n WHERE n.county_code = c.county_code \
                             AND n.notice = 'certificate_due:{days}:' || CAST(c.id AS TEXT))"
                        ))),
                )
                .await?
        };
        if due.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let mut told = 0;
        for cert in &due {
            if !claim(&mut conn, county, &key(cert.id)).await? {
                continue;
            }
            let detail = json!({
                "certificate": cert.id, "unit_id": cert.unit_id, "unit": cert.unit_name,
                "holder": cert.holder, "kind": cert.kind, "category": cert.category,
                "review_due": cert.review_due, "days": days,
            });
            let mut who = Cond::any().add(
                Cond::all()
                    .add(Expr::col("role").eq("unit_manager"))
                    .add(Expr::col("scope_unit_id").eq(cert.unit_id)),
            );
            if let Some(town) = cert
                .region_code
                .as_deref()
                .and_then(|r| safegrid_domain::region::RegionCode::parse("region", r).ok())
                .and_then(|r| r.town())
            {
                who = who.add(
                    Cond::all()
                        .add(Expr::col("role").eq("town_staff"))
                        .add(Expr::col("scope_region_code").eq(town.as_str())),
                );
            }
            tell(&mut conn, county, "certificate_due", who, &detail).await?;
            let mut payload = detail;
            payload["kind"] = json!("certificate_due");
            payload["at"] = json!(now());
            crate::webhooks::enqueue(&mut conn, county, payload).await?;
            told += 1;
        }
        tx.commit_unaudited("a notice is recorded in notices_sent and the notifications")
            .await?;
        Ok(told)
    }

    /// Each town of the county with units yet to report for `period`: one reminder to its
    /// station, with how many are missing and the due date.
    async fn remind_of_reports(&self, county: &str, period: &Period) -> Result<u64> {
        if self.notice_sent(county, &reminder_key(period)).await? {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        if !claim(&mut conn, county, &reminder_key(period)).await? {
            return Ok(0);
        }
        let missing: Vec<(String, i64)> = conn
            .all(
                Query::select()
                    .expr_as(town_of("u"), "town")
                    .expr_as(Expr::cust("COUNT(*)"), "missing")
                    .from_as("units", "u")
                    .join_as(
                        JoinType::LeftJoin,
                        "hazard_reports",
                        "r",
                        Cond::all()
                            .add(Expr::col(("r", "unit_id")).equals(("u", "id")))
                            .add(Expr::col(("r", "period")).eq(period.code())),
                    )
                    .and_where(Expr::col(("u", "county_code")).eq(county))
                    .and_where(Expr::col(("u", "region_code")).is_not_null())
                    .and_where(Expr::col(("u", "status")).is_in(["operating", "suspended"]))
                    .and_where(Expr::col(("r", "id")).is_null())
                    .add_group_by([town_of("u")])
                    .order_by_expr(town_of("u"), Order::Asc),
            )
            .await?;
        for (town, count) in &missing {
            let detail = json!({"period": period.code(), "due": period.due(), "missing": count, "town": town});
            let station = Cond::all()
                .add(Expr::col("role").eq("town_staff"))
                .add(Expr::col("scope_region_code").eq(town.as_str()));
            tell(&mut conn, county, "reports_due", station, &detail).await?;
            let mut payload = detail;
            payload["kind"] = json!("reports_due");
            payload["at"] = json!(now());
            crate::webhooks::enqueue(&mut conn, county, payload).await?;
        }
        tx.commit_unaudited("a notice is recorded in notices_sent and the notifications")
            .await?;
        Ok(missing.len() as u64)
    }
}
