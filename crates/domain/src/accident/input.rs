//! What a request may ask of the accident ledger, as received and as parsed: the quick report
//! ([`AccidentInput`] → [`NewAccident`]), a step of the chain ([`StepInput`] → [`StepRecord`])
//! and a supplement ([`SupplementInput`] → [`Supplement`]). Every fault is collected at once
//! and named by field; the store adds the checks that need the database (the unit in scope).

use super::chain::ChainParty;
use super::level::{Casualties, FiguresInput};
use super::{AccidentKind, last_supplement_day};
use crate::geo::Location;
use crate::hazard::input::{Subject, subject_of};
use crate::invalid::{Invalid, Violation, optional_text, required_text};
use crate::time::{local_date, parse_instant};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;

/// The earliest accident the ledger takes (older ones are history, not quick reports).
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// A clock a few minutes fast on a phone is not a report from the future.
const CLOCK_SLACK_MINUTES: i64 = 5;

/// A quick report (事故快报) as a phone, a form or a client sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AccidentRequest)]
pub struct AccidentInput {
    /// When it happened: RFC 3339, or China time `YYYY-MM-DD HH:MM`. Not in the future.
    pub occurred_at: Option<String>,
    /// The unit of the census where it happened.
    pub unit_id: Option<i64>,
    /// A site not in the census, described by the reporter (name, what it does).
    pub unregistered_unit: Option<String>,
    /// The village of an unregistered site (12 digits); taken from the unit when there is one.
    pub region: Option<String>,
    /// Where exactly (a workshop, a road, an address).
    pub place: Option<String>,
    /// Where in the unit's own grid (a key area, a piece of equipment, a process), when the
    /// reporter knows: a node of that unit's grid, so the record as of the accident names its
    /// responsible people. Only with `unit_id`.
    pub node_id: Option<i64>,
    /// GB 6441 category: object_strike, vehicle, machinery, lifting, electric_shock,
    /// drowning, scald, fire, fall_from_height, collapse, roof_fall, water_inrush, blasting,
    /// powder_explosion, gas_explosion, boiler_explosion, vessel_explosion, other_explosion,
    /// poisoning, other_injury; or road_traffic.
    pub kind: Option<String>,
    pub deaths: Option<i64>,
    /// Missing people, counted with the dead for the level.
    pub missing: Option<i64>,
    /// Serious injuries, acute industrial poisoning included.
    pub serious_injuries: Option<i64>,
    /// The first estimate of the direct economic loss, in yuan.
    pub direct_loss_yuan: Option<f64>,
    /// A short account of what happened (Art. 12).
    pub description: Option<String>,
    /// What has been done (rescue, cordon, people evacuated).
    pub measures: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    /// Photos of the scene: JPEG, PNG or WebP as base64 (a `data:` URL is taken too), at most
    /// five. The web layer takes them in; the rules here do not look at them.
    #[serde(default)]
    pub photos: Vec<String>,
}

/// A checked quick report.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccident {
    pub occurred_at: DateTime<Utc>,
    pub subject: Subject,
    pub place: Option<String>,
    /// The node of the unit's own grid, checked against the unit by the store.
    pub node_id: Option<i64>,
    pub kind: AccidentKind,
    pub casualties: Casualties,
    pub description: String,
    pub measures: Option<String>,
    pub location: Option<Location>,
}

/// The most photos one report carries.
pub const MAX_PHOTOS: usize = 5;

impl NewAccident {
    /// Checks a report received at `now`.
    pub fn parse(input: &AccidentInput, now: DateTime<Utc>) -> Result<Self, Invalid> {
        let mut e = Invalid::default();
        let occurred_at = e.keep(past_instant(
            "occurred_at",
            input.occurred_at.as_deref(),
            None,
            now,
        ));
        let kind = e.keep(AccidentKind::parse(
            "kind",
            input.kind.as_deref().unwrap_or_default(),
        ));
        let casualties = figures(
            &mut e,
            FiguresInput {
                deaths: input.deaths,
                missing: input.missing,
                serious_injuries: input.serious_injuries,
                direct_loss_yuan: input.direct_loss_yuan,
            },
        );
        let description = e.keep(required_text(
            "description",
            input.description.as_deref().unwrap_or_default(),
            2000,
        ));
        let measures = e.keep(optional_text("measures", input.measures.as_deref(), 2000));
        let place = e.keep(optional_text("place", input.place.as_deref(), 100));
        let unregistered = e.keep(optional_text(
            "unregistered_unit",
            input.unregistered_unit.as_deref(),
            200,
        ));
        let location = e.keep(Location::parse(input.longitude, input.latitude));
        if input.photos.len() > MAX_PHOTOS {
            e.push(Violation::new("photos", "error.too_many").with("max", MAX_PHOTOS));
        }
        let subject = subject_of(&mut e, input.unit_id, unregistered, input.region.as_deref());
        if let Some(node) = input.node_id
            && (node < 1 || input.unit_id.is_none())
        {
            e.push(Violation::new("node_id", "error.choice"));
        }
        e.into_result()?;
        match (
            occurred_at,
            subject,
            kind,
            casualties,
            description,
            measures,
            place,
            location,
        ) {
            (
                Some(occurred_at),
                Some(subject),
                Some(kind),
                Some(casualties),
                Some(description),
                Some(measures),
                Some(place),
                Some(location),
            ) => Ok(Self {
                occurred_at,
                subject,
                place,
                node_id: input.node_id,
                kind,
                casualties,
                description,
                measures,
                location,
            }),
            // Every `None` above pushed its violation, so this is not reached.
            _ => Err(Invalid::one("body", "error.body_unreadable")),
        }
    }
}

/// The three figures checked, each fault pushed to `e`.
fn figures(e: &mut Invalid, input: FiguresInput) -> Option<Casualties> {
    match input.parse() {
        Ok(c) => Some(c),
        Err(faults) => {
            faults.0.into_iter().for_each(|v| e.push(v));
            None
        }
    }
}

/// An instant that has happened: not in the future (a few minutes' slack for a phone's
/// clock), not before `after` (or the ledger's earliest day).
fn past_instant(
    field: &str,
    raw: Option<&str>,
    after: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Violation> {
    let at = parse_instant(field, raw.unwrap_or_default())?;
    if at > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(Violation::new(field, "error.future_time"));
    }
    match after {
        Some(after) if at < after => Err(Violation::new(field, "error.accident_before_occurrence")),
        None if local_date(at) < EARLIEST => {
            Err(Violation::new(field, "error.date_too_early").with("min", EARLIEST))
        }
        _ => Ok(at),
    }
}

/// A step of the chain as its party records it (`POST /api/v1/accidents/{id}/steps`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AccidentStepRequest)]
pub struct StepInput {
    /// unit, town, department, county, city or province.
    pub party: Option<String>,
    /// Which report round (1 the first; a raised level starts another). The latest when
    /// left out.
    pub round: Option<i64>,
    /// When this party received the report; the moment of recording when left out and
    /// `forwarded_at` is left out too.
    pub received_at: Option<String>,
    /// When it passed the report on; left out while it has not.
    pub forwarded_at: Option<String>,
    /// To whom, by what means (phone, fax, the platform).
    pub note: Option<String>,
}

/// A checked step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    pub party: ChainParty,
    pub round: Option<i64>,
    pub received_at: Option<DateTime<Utc>>,
    pub forwarded_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

impl StepRecord {
    /// Checks a step of the accident that happened at `occurred_at`, recorded at `now`.
    pub fn parse(
        input: &StepInput,
        occurred_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, Invalid> {
        let mut e = Invalid::default();
        let party = e.keep(ChainParty::parse(
            "party",
            input.party.as_deref().unwrap_or_default(),
        ));
        let time = |field: &str, raw: &Option<String>| {
            raw.as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| past_instant(field, Some(r), Some(occurred_at), now))
                .transpose()
        };
        let received_at = e.keep(time("received_at", &input.received_at)).flatten();
        let forwarded_at = e.keep(time("forwarded_at", &input.forwarded_at)).flatten();
        let note = e
            .keep(optional_text("note", input.note.as_deref(), 200))
            .flatten();
        if let (Some(r), Some(f)) = (received_at, forwarded_at)
            && f < r
        {
            e.push(Violation::new(
                "forwarded_at",
                "error.accident_forwarded_before_received",
            ));
        }
        if matches!(input.round, Some(r) if r < 1) {
            // Rounds count from 1: "cannot be negative" would read oddly for 0.
            e.push(Violation::new("round", "error.positive"));
        }
        e.into_result()?;
        let party = party.ok_or_else(|| Invalid::one("party", "error.accident_party"))?;
        Ok(Self {
            party,
            round: input.round,
            received_at: received_at.or(if forwarded_at.is_none() {
                Some(now)
            } else {
                None
            }),
            forwarded_at,
            note,
        })
    }
}

/// Changed casualties (`POST /api/v1/accidents/{id}/supplements`): the figures as now
/// confirmed, whole (not the difference).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AccidentSupplementRequest)]
pub struct SupplementInput {
    pub deaths: Option<i64>,
    pub missing: Option<i64>,
    pub serious_injuries: Option<i64>,
    pub direct_loss_yuan: Option<f64>,
    /// When the change became known; now when left out. Within the window after the accident
    /// (30 days, 7 for road traffic and fire).
    pub at: Option<String>,
    /// Why: needed when a figure is lower than already confirmed (a missing person found
    /// alive, an injury reassessed).
    pub reason: Option<String>,
}

/// A checked supplement.
#[derive(Debug, Clone, PartialEq)]
pub struct Supplement {
    pub casualties: Casualties,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
}

impl Supplement {
    /// Checks a supplement to an accident of `kind` that happened at `occurred_at` with
    /// `confirmed` casualties so far.
    pub fn parse(
        input: &SupplementInput,
        kind: AccidentKind,
        occurred_at: DateTime<Utc>,
        confirmed: &Casualties,
        now: DateTime<Utc>,
    ) -> Result<Self, Invalid> {
        let mut e = Invalid::default();
        let at = match input.at.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => Some(now),
            Some(raw) => e.keep(past_instant("at", Some(raw), Some(occurred_at), now)),
        };
        if let Some(at) = at
            && local_date(at) > last_supplement_day(kind, local_date(occurred_at))
        {
            e.push(
                Violation::new("at", "error.accident_supplement_window")
                    .with("days", super::supplement_days(kind)),
            );
        }
        let reason = e
            .keep(optional_text("reason", input.reason.as_deref(), 500))
            .flatten();
        let casualties = figures(
            &mut e,
            FiguresInput {
                deaths: input.deaths.or(Some(i64::from(confirmed.deaths))),
                missing: input.missing.or(Some(i64::from(confirmed.missing))),
                serious_injuries: input
                    .serious_injuries
                    .or(Some(i64::from(confirmed.serious_injuries))),
                direct_loss_yuan: input.direct_loss_yuan.or(Some(confirmed.direct_loss_yuan)),
            },
        );
        if let Some(c) = &casualties
            && reason.is_none()
        {
            for (field, lower) in [
                ("deaths", c.deaths < confirmed.deaths),
                ("missing", c.missing < confirmed.missing),
                (
                    "serious_injuries",
                    c.serious_injuries < confirmed.serious_injuries,
                ),
                (
                    "direct_loss_yuan",
                    c.direct_loss_yuan < confirmed.direct_loss_yuan,
                ),
            ] {
                if lower {
                    e.push(Violation::new(field, "error.accident_lower_without_reason"));
                }
            }
        }
        if casualties.as_ref() == Some(confirmed) {
            e.push(Violation::new(
                "deaths",
                "error.accident_supplement_unchanged",
            ));
        }
        e.into_result()?;
        match (casualties, at) {
            (Some(casualties), Some(at)) => Ok(Self {
                casualties,
                at,
                reason,
            }),
            _ => Err(Invalid::one("body", "error.body_unreadable")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 10, 4, 0, 0).unwrap()
    }

    fn report() -> AccidentInput {
        AccidentInput {
            occurred_at: Some("2026-05-10 11:30".into()),
            unit_id: Some(7),
            kind: Some("machinery".into()),
            deaths: Some(1),
            description: Some("冲压机伤手".into()),
            ..Default::default()
        }
    }

    fn fields(e: Invalid) -> Vec<String> {
        e.0.into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn a_quick_report_is_checked_field_by_field() {
        let ok = NewAccident::parse(&report(), now()).unwrap();
        assert_eq!(ok.subject, Subject::Unit(7));
        assert_eq!(
            ok.occurred_at,
            Utc.with_ymd_and_hms(2026, 5, 10, 3, 30, 0).unwrap()
        );
        let bad = AccidentInput {
            occurred_at: Some("2026-05-10 12:30".into()),
            kind: Some("earthquake".into()),
            deaths: Some(-1),
            serious_injuries: None,
            description: Some(" ".into()),
            unit_id: None,
            photos: vec![String::new(); 6],
            ..report()
        };
        assert_eq!(
            fields(NewAccident::parse(&bad, now()).unwrap_err()),
            [
                "occurred_at",
                "kind",
                "deaths",
                "description",
                "photos",
                "unit_id"
            ]
        );
        let old = AccidentInput {
            occurred_at: Some("1999-12-31 23:00".into()),
            ..report()
        };
        assert_eq!(
            fields(NewAccident::parse(&old, now()).unwrap_err()),
            ["occurred_at"]
        );
        let site = AccidentInput {
            unit_id: None,
            unregistered_unit: Some("无证小作坊".into()),
            region: Some("610921100201".into()),
            ..report()
        };
        assert!(matches!(
            NewAccident::parse(&site, now()).unwrap().subject,
            Subject::Unregistered { .. }
        ));
    }

    #[test]
    fn a_supplement_within_the_window_and_lower_figures_only_with_a_reason() {
        let occurred = Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap();
        let confirmed = Casualties {
            deaths: 2,
            missing: 1,
            ..Default::default()
        };
        let more = SupplementInput {
            deaths: Some(3),
            missing: Some(0),
            ..Default::default()
        };
        let e = Supplement::parse(&more, AccidentKind::Machinery, occurred, &confirmed, now())
            .unwrap_err();
        assert_eq!(
            fields(e),
            ["missing"],
            "the missing one lower without a reason"
        );
        let found = SupplementInput {
            reason: Some("失踪者确认遇难".into()),
            ..more.clone()
        };
        let s = Supplement::parse(&found, AccidentKind::Machinery, occurred, &confirmed, now())
            .unwrap();
        assert_eq!(s.casualties.deaths, 3);
        // Day 10 of a fire: past its seven days.
        let e =
            Supplement::parse(&found, AccidentKind::Fire, occurred, &confirmed, now()).unwrap_err();
        assert_eq!(fields(e), ["at"]);
        let same = SupplementInput::default();
        let e = Supplement::parse(&same, AccidentKind::Machinery, occurred, &confirmed, now())
            .unwrap_err();
        assert_eq!(fields(e), ["deaths"], "nothing changed");
        let early = SupplementInput {
            at: Some("2026-04-30 07:00".into()),
            ..found
        };
        let e = Supplement::parse(&early, AccidentKind::Machinery, occurred, &confirmed, now())
            .unwrap_err();
        assert_eq!(fields(e), ["at"]);
    }

    #[test]
    fn a_step_is_passed_on_after_it_is_received() {
        let occurred = Utc.with_ymd_and_hms(2026, 5, 10, 1, 0, 0).unwrap();
        let input = StepInput {
            party: Some("town".into()),
            received_at: Some("2026-05-10 11:00".into()),
            forwarded_at: Some("2026-05-10 10:00".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(StepRecord::parse(&input, occurred, now()).unwrap_err()),
            ["forwarded_at"]
        );
        let input = StepInput {
            party: Some("village".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(StepRecord::parse(&input, occurred, now()).unwrap_err()),
            ["party"]
        );
        let input = StepInput {
            party: Some("county".into()),
            ..Default::default()
        };
        assert_eq!(
            StepRecord::parse(&input, occurred, now())
                .unwrap()
                .received_at,
            Some(now())
        );
        for round in [0, -1] {
            let input = StepInput {
                party: Some("county".into()),
                round: Some(round),
                ..Default::default()
            };
            let e = StepRecord::parse(&input, occurred, now()).unwrap_err();
            assert_eq!(e.0[0].field, "round");
            assert_eq!(e.0[0].key, "error.positive", "round {round}");
        }
    }
}
