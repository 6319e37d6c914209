//! The annual assessment (R-ASSESS-1) as read: the towns and departments in scope, each
//! year's records counted for the party that answers for them, and scored by the domain's rule
//! (`safegrid_domain::assessment`) on the county's scheme (`county_settings`, key
//! `assessment_scheme`, the default when none is set).
//!
//! Who answers for what: a town for its own duties, the hazards found in it, its units' own
//! duties and the accidents that happened in it; a department for its own duties, the hazards
//! of the units it supervises (and those referred to it), those units' own duties and their
//! accidents (at an unregistered site, the accident it reported). The duties are the calendar's
//! (one derived set of the year for the scope, kept like any other), so an assessment and the
//! calendar never disagree.

use crate::audit::Event;
use crate::db::Store;
use crate::duties::DutyFilter;
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::accident::AccidentLevel;
use safegrid_domain::assessment::{PartyYear, Scheme, Score, score};
use safegrid_domain::duty::{Period, RegionCodeKey};
use safegrid_domain::policy::{self, Object, Verb};
use safegrid_domain::time::today;
use safegrid_domain::{Invalid, Violation};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

mod records;

pub(crate) use records::Assessing;
use records::YearRecords;

const SCHEME: &str = "assessment_scheme";

/// The first year an assessment may be asked for.
pub const FIRST_YEAR: i32 = 2000;

/// Who is assessed: a town or a department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Assessed {
    Town(RegionCodeKey),
    Department(i64),
}

/// One party's year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyAssessment {
    /// town or department
    pub party: String,
    pub town_code: Option<String>,
    pub department_id: Option<i64>,
    pub name: String,
    /// Its place among the parties of its kind, by points (equal points share a place).
    pub rank: usize,
    /// How many parties of its kind were ranked.
    pub ranked_of: usize,
    #[serde(flatten)]
    pub score: Score,
}

/// The assessment of a year: the scheme it was scored by and each party's result, towns
/// first, each kind best first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub year: i32,
    /// The day it was computed on: duties and deadlines after it have not fallen due.
    pub as_of: NaiveDate,
    pub scheme: Scheme,
    pub parties: Vec<PartyAssessment>,
}

/// What one party missed, behind its score.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyDetail {
    pub year: i32,
    pub as_of: NaiveDate,
    pub scheme: Scheme,
    #[serde(flatten)]
    pub result: PartyAssessment,
    /// Its own duties overdue, counted by kind.
    pub missed_duties_by_kind: BTreeMap<String, u64>,
    /// Its own duties overdue (at most [`MISSED_LISTED`], the earliest due first).
    pub missed_duties: Vec<crate::DutyRow>,
    /// Its units' own duties overdue, counted by kind.
    pub missed_unit_duties: BTreeMap<String, u64>,
    /// Hazards whose deadline passed in the year and that were not closed by it.
    pub missed_hazards: Vec<MissedHazard>,
    /// The accidents it answers for.
    pub accidents: Vec<YearAccident>,
}

/// Rows listed at most in a party's detail (the counts are whole).
pub const MISSED_LISTED: usize = 200;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MissedHazard {
    pub id: i64,
    pub description: String,
    pub deadline: NaiveDate,
    /// When it was closed (after its deadline); none while it is still open.
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearAccident {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    #[schema(value_type = String)]
    pub level: AccidentLevel,
    pub kind: String,
    pub unit_name: Option<String>,
}

impl Store {
    /// The county's assessment scheme.
    pub async fn assessment_scheme(&self, actor: &Actor) -> Result<Scheme> {
        if !policy::may(actor, Verb::Read, Object::Assessment) {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::NotFound)?;
        let mut c = self.read().await?;
        Ok(
            crate::settings::read(&mut c.conn(), county.as_str(), SCHEME)
                .await?
                .unwrap_or_default(),
        )
    }

    /// Sets the county's scheme (its weights adding up to 100).
    pub async fn set_assessment_scheme(&self, actor: &Actor, scheme: Scheme) -> Result<Scheme> {
        if !policy::may(actor, Verb::Write, Object::Assessment) || actor.scope == Scope::All {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        scheme.validate()?;
        let mut tx = self.write().await?;
        crate::settings::write(&mut tx.conn(), county.as_str(), SCHEME, &scheme).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: county.as_str(),
                action: "settings.assessment_scheme",
                object_type: "county",
                object_id: Some(county.as_str().to_owned()),
                detail: json!({ "scheme": scheme }),
                outcome: "ok",
            },
        )
        .await?;
        self.assessments.invalidate();
        Ok(scheme)
    }

    /// The year's assessment of the towns and departments in scope: a county's all, a town's
    /// itself, a department's itself.
    pub async fn assessment(&self, actor: &Actor, year: i32) -> Result<Assessment> {
        let assessed = self.assess(actor, year).await?;
        Ok(Assessment {
            year,
            as_of: assessed.as_of,
            scheme: assessed.scheme,
            parties: ranked(&assessed.scheme, &assessed.records, &assessed.names),
        })
    }

    /// One party's year with what it missed; a party outside the scope is not found.
    pub async fn assessment_of(
        &self,
        actor: &Actor,
        year: i32,
        party: Assessed,
    ) -> Result<PartyDetail> {
        let assessed = self.assess(actor, year).await?;
        let Assessing {
            scheme,
            as_of,
            records,
            names,
        } = &*assessed;
        let result = ranked(scheme, records, names)
            .into_iter()
            .find(|p| party_of(p) == Some(party))
            .ok_or(StoreError::NotFound)?;
        let set = self.duty_set_for(actor, &year_filter(year)).await?;
        let missed = records
            .missed_duties
            .get(&party)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut missed_duties_by_kind = BTreeMap::new();
        for d in missed {
            *missed_duties_by_kind
                .entry(d.kind.as_str().to_owned())
                .or_insert(0) += 1;
        }
        let missed_duties = missed
            .iter()
            .take(MISSED_LISTED)
            .map(|d| set.row(d))
            .collect();
        let listed = |list: Option<&Vec<_>>| -> Vec<_> {
            list.map(|l| l.iter().take(MISSED_LISTED).cloned().collect())
                .unwrap_or_default()
        };
        Ok(PartyDetail {
            year,
            as_of: *as_of,
            scheme: *scheme,
            result,
            missed_duties_by_kind,
            missed_duties,
            missed_unit_duties: records
                .missed_unit_duties
                .get(&party)
                .cloned()
                .unwrap_or_default(),
            missed_hazards: listed(records.missed_hazards.get(&party)),
            accidents: records.accidents.get(&party).cloned().unwrap_or_default(),
        })
    }

    /// The scope's year assessed, as kept (see [`Assessing`]).
    async fn assess(&self, actor: &Actor, year: i32) -> Result<std::sync::Arc<Assessing>> {
        if !policy::may(actor, Verb::Read, Object::Assessment) {
            return Err(StoreError::Forbidden);
        }
        let as_of = today();
        if !(FIRST_YEAR..=as_of.year()).contains(&year) {
            return Err(Invalid::from(
                Violation::new("year", "error.year_range")
                    .with("first", FIRST_YEAR)
                    .with("last", as_of.year()),
            )
            .into());
        }
        let key = format!("{:?}|{year}|{as_of}", actor.scope);
        self.assessments
            .get_or_count(&key, || async {
                self.assess_afresh(actor, year, as_of)
                    .await
                    .map(std::sync::Arc::new)
            })
            .await
    }
}

fn year_filter(year: i32) -> DutyFilter {
    DutyFilter {
        period: Some(Period::Year { year }),
        ..DutyFilter::default()
    }
}

fn party_of(p: &PartyAssessment) -> Option<Assessed> {
    match (&p.town_code, p.department_id) {
        (Some(code), _) => RegionCodeKey::new(code).map(Assessed::Town),
        (None, Some(id)) => Some(Assessed::Department(id)),
        (None, None) => None,
    }
}

/// Each named party scored, ranked within its kind (towns first), best first.
fn ranked(
    scheme: &Scheme,
    records: &YearRecords,
    names: &BTreeMap<Assessed, String>,
) -> Vec<PartyAssessment> {
    let empty = PartyYear::default();
    let mut scored: Vec<(Assessed, Score)> = names
        .keys()
        .map(|p| (*p, score(scheme, records.years.get(p).unwrap_or(&empty))))
        .collect();
    let is_town = |p: &Assessed| matches!(p, Assessed::Town(_));
    scored.sort_by(|(a, sa), (b, sb)| {
        is_town(b)
            .cmp(&is_town(a))
            .then(sb.total.total_cmp(&sa.total))
            .then(a.cmp(b))
    });
    let mut parties: Vec<PartyAssessment> = Vec::with_capacity(scored.len());
    let (mut seen, mut rank, mut last) = (0, 0, None);
    for (party, score) in scored {
        let town = is_town(&party);
        if last.map(|(kind, _)| kind) != Some(town) {
            seen = 0;
        }
        seen += 1;
        if last != Some((town, score.total)) {
            rank = seen;
        }
        last = Some((town, score.total));
        let (kind, town_code, department_id) = match party {
            Assessed::Town(code) => ("town", Some(code.as_str().to_owned()), None),
            Assessed::Department(id) => ("department", None, Some(id)),
        };
        parties.push(PartyAssessment {
            party: kind.to_owned(),
            town_code,
            department_id,
            name: names.get(&party).cloned().unwrap_or_default(),
            rank,
            ranked_of: 0,
            score,
        });
    }
    let towns = parties.iter().filter(|p| p.town_code.is_some()).count();
    let departments = parties.len() - towns;
    for p in &mut parties {
        p.ranked_of = if p.town_code.is_some() {
            towns
        } else {
            departments
        };
    }
    parties
}
